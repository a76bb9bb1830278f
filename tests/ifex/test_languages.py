"""The site in English, French, Spanish and Arabic: each language under its prefix with its own
pages, lang and direction; the switcher and hreflang links lead to pages that exist; listings
and search keep to the reader's language; translations are worked on under the source's rules."""

import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Locale

from articles.factories import ArticlePageFactory
from tests.support import translated, uncached_get

pytestmark = pytest.mark.django_db

LANGUAGES = {"en": "ltr", "fr": "ltr", "es": "ltr", "ar": "rtl"}


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def links(response, pattern) -> list[tuple[str, str]]:
    return re.findall(pattern, response.content.decode())


@pytest.fixture
def homes(home):
    """The home page in every language, each with its own title."""
    found = {"en": home}
    for language in ("fr", "es", "ar"):
        found[language] = translated(home, language, title=f"Accueil {language}")
    return found


def test_each_language_has_its_home_with_its_lang_and_direction(client, homes):
    for language, direction in LANGUAGES.items():
        prefix = "/" if language == "en" else f"/{language}/"
        for attempt in ("rendered", "from the page cache"):
            response = client.get(prefix)
            assert response.status_code == 200, (prefix, attempt)
            assert html_tag(response) == f'<html lang="{language}" dir="{direction}">', attempt
            assert f"<title>{homes[language].title} |" in response.content.decode(), attempt
        assert response["X-Page-Cache"] == "hit"


def test_english_addresses_are_english_whatever_the_browser_asks_for(client, homes):
    client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert html_tag(response) == '<html lang="en" dir="ltr">'
    assert response["X-Page-Cache"] == "hit", "one English page, kept once"


def test_a_new_language_home_is_served_on_the_next_request(client, home):
    assert f"<title>{home.title} |" in client.get("/fr/").content.decode(), "English meanwhile"
    french = translated(home, "fr", title="Accueil")
    assert "<title>Accueil |" in client.get("/fr/").content.decode()
    french.unpublish()
    assert f"<title>{home.title} |" in client.get("/fr/").content.decode()


def test_the_switcher_and_hreflang_lead_to_the_page_in_each_language(client, homes, article_index):
    article = ArticlePageFactory(parent=article_index, title="Verdict in the Cardona case")
    french = translated(article, "fr", title="Verdict dans l'affaire Cardona")
    assert french.url == f"/fr/articles/{article.slug}/"

    response = client.get(article.url)
    switcher = dict(
        (language, url) for url, language in links(response, r'<a href="([^"]+)" hreflang="(\w+)"')
    )
    assert switcher == {
        "en": article.url,
        "fr": french.url,
        "es": "/es/",  # not translated: that language's home
        "ar": "/ar/",
    }
    for url in switcher.values():
        assert client.get(url).status_code == 200, url

    alternates = links(response, r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)"')
    assert alternates == [
        ("en", f"http://testserver{article.url}"),
        ("x-default", f"http://testserver{article.url}"),
        ("fr", f"http://testserver{french.url}"),
    ]
    assert '<meta property="og:locale" content="en_GB">' in response.content.decode()
    assert '<meta property="og:locale:alternate" content="fr_FR">' in response.content.decode()

    french_page = client.get(french.url)
    assert html_tag(french_page) == '<html lang="fr" dir="ltr">'
    assert '<meta property="og:locale" content="fr_FR">' in french_page.content.decode()


def test_a_page_not_yet_translated_is_not_found_under_another_language(
    client, homes, article_index
):
    article = ArticlePageFactory(parent=article_index)
    translated(article_index, "fr")
    assert client.get(f"/fr/articles/{article.slug}/").status_code == 404
    assert client.get(article.url).status_code == 200


def test_menus_listings_and_search_keep_to_the_readers_language(client, homes, article_index):
    article = ArticlePageFactory(parent=article_index, title="Trial of the killers begins")
    french_index = translated(article_index, "fr", title="Actualités")
    french = translated(article, "fr", title="Le procès des assassins commence")

    english_home = client.get("/").content.decode()
    french_home = client.get("/fr/").content.decode()
    assert f'href="{article_index.url}"' in english_home
    assert f'href="{french_index.url}"' in french_home and 'href="/articles/"' not in french_home

    english_link, french_link = f'href="{article.url}"', f'href="{french.url}"'
    french_listing = client.get(french_index.url).content.decode()
    assert french_link in french_listing and english_link not in french_listing

    found = client.get("/fr/search/", {"q": "proces"}).content.decode()  # the accent not typed
    assert french_link in found and english_link not in found
    found = client.get("/search/", {"q": "trial"}).content.decode()
    assert english_link in found and french_link not in found


def test_search_stems_each_language_as_its_own(client, homes, article_index):
    article = ArticlePageFactory(parent=article_index, title="Two reporters killed")
    spanish = translated(article, "es", title="Dos periodistas asesinadas en Veracruz")
    arabic = translated(article, "ar", title="مقتل الصحفيين في فيراكروز")

    # Spanish stemming makes one word of both; English stemming would not.
    found = client.get("/es/search/", {"q": "asesinado"}).content.decode()
    assert f'href="{spanish.url}"' in found
    # Arabic stemming finds "the journalists" (الصحفيين) for "journalist" (صحفي): it takes off
    # the article and the plural; without it (`simple`) they are two words.
    found = client.get("/ar/search/", {"q": "صحفي"}).content.decode()
    assert f'href="{arabic.url}"' in found


def test_countries_and_topics_are_named_in_the_readers_language(client, homes, article_index):
    from ifex.core.factories import CountryFactory, TopicFactory

    french = Locale.objects.get(language_code="fr")
    mexico = CountryFactory(iso_code="MX", name="Mexico")
    press_freedom = TopicFactory(slug="press-freedom", name="Press freedom")
    for row, name in ((mexico, "Mexique"), (press_freedom, "Liberté de la presse")):
        translation = row.copy_for_translation(french)
        translation.name = name
        translation.save()
    article = ArticlePageFactory(parent=article_index, countries=[mexico], topics=[press_freedom])
    french_article = translated(article, "fr", title="Deux journalistes agressés")
    french_index = french_article.get_parent()

    listing = client.get(french_index.url).content.decode()
    assert '<option value="mx">Mexique</option>' in listing
    assert '<option value="press-freedom">Liberté de la presse</option>' in listing
    assert "Mexico" not in listing and "Press freedom" not in listing
    assert " · Mexique</p>" in listing  # the card
    filtered = client.get(french_index.url, {"country": "mx", "topic": "press-freedom"})
    assert f'href="{french_article.url}"' in filtered.content.decode()

    page = client.get(french_article.url).content.decode()
    assert ">Mexique</a>" in page and ">Liberté de la presse</a>" in page
    feed = client.get(french_index.url + "feed/").content.decode()
    assert "<language>fr</language>" in feed
    assert "<category>Liberté de la presse</category>" in feed
    assert "<category>Mexique</category>" in feed

    english = client.get(article_index.url).content.decode()
    assert '<option value="mx">Mexico</option>' in english and "Mexique" not in english


def test_the_sitemap_lists_every_language(client, homes, article_index):
    article = ArticlePageFactory(parent=article_index)
    french = translated(article, "fr")
    sitemap = client.get("/sitemap.xml").content.decode()
    for page in (homes["en"], homes["fr"], homes["ar"], article, french):
        assert f"<loc>http://testserver{page.url}</loc>" in sitemap, page.url


def test_a_translated_statement_goes_through_the_same_review(statement_index, login_as, homes):
    editor = login_as("editor")
    french_index = translated(statement_index, "fr")

    assert french_index.get_workflow().name == "Joint statement review"
    rights = french_index.permissions_for_user(editor)
    assert rights.can_add_subpage() and not rights.can_publish_subpage()
    assert editor.has_perm("wagtail_localize.submit_translation")
    moderators = Group.objects.get(name="Moderators")
    assert not moderators.permissions.filter(codename="submit_translation").exists()


def test_another_language_costs_no_more_queries_than_english(client, homes, article_index):
    article = ArticlePageFactory(parent=article_index)
    french = translated(article, "fr")
    for url in (article.url, french.url):
        client.get(url)  # renditions and kept fragments made first, as on a running site
    english = uncached_get(client, article.url)[1]
    assert uncached_get(client, french.url)[1] <= english


def test_the_stylesheets_lay_out_by_reading_direction_not_by_side():
    """Arabic mirrors the layout: every side is said logically (margin-inline-start), so one
    stylesheet serves both directions."""
    from tests.support import BASE_DIR

    for sheet in (BASE_DIR / "static" / "css").glob("*.css"):
        physical = re.findall(r"[\w-]*(?:left|right|top|bottom)[\w-]*\s*:", sheet.read_text())
        assert physical == [], f"{sheet.name}: {physical}"


def test_a_figure_shows_in_the_readers_words_once_its_translation_is_published(
    client, homes, campaign_index
):
    from campaigns.factories import CampaignPageFactory, ImpunityFigureFactory
    from ifex.core.factories import stream_data

    figure = ImpunityFigureFactory(value=1700, sentence="journalists killed since 2006.")
    stats = ("stats", {"heading": "The facts", "figures": [figure.pk]})
    campaign = CampaignPageFactory(parent=campaign_index, body=stream_data([stats]))
    french_campaign = translated(campaign, "fr")
    french_figure = figure.copy_for_translation(Locale.objects.get(language_code="fr"))
    french_figure.sentence = "journalistes tués depuis 2006."
    french_figure.live = False  # a translator's draft
    french_figure.save()

    shown = client.get(french_campaign.url).content.decode()
    assert "journalists killed since 2006." in shown, "the English figure until then"
    assert "journalistes tués" not in shown

    french_figure.save_revision().publish()
    shown = uncached_get(client, french_campaign.url)[0].content.decode()
    assert "journalistes tués depuis 2006." in shown and "journalists killed" not in shown


def test_each_languages_record_writes_the_value_its_own_way(client, homes):
    from campaigns.factories import ImpunityFigureFactory
    from campaigns.models import FigurePublication, ImpunityFigure

    ratio = ImpunityFigureFactory(kind=ImpunityFigure.Kind.RATIO, value=9, out_of=10)
    french = ratio.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.save()
    french.save_revision().publish()
    ratio.value = 8
    ratio.save_revision().publish()  # publishes the French figure with it

    records = FigurePublication.objects.filter(figure__translation_key=ratio.translation_key)
    shown = dict(records.order_by("published_at").values_list("language", "display_value"))
    assert shown == {"en": "8 out of 10", "fr": "8 sur 10"}
