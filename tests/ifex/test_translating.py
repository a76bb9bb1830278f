"""Translating in the admin with wagtail-localize, as staff do: a translation is a draft until
its translator publishes it, and readers meanwhile get the English original, marked as English,
never dressed up as their language. Translating follows the page's rights."""

import re

import pytest
from wagtail.models import Locale, Page

from articles.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit_translation(django_capture_on_commit_callbacks):
    """POSTs wagtail-localize's "Translate this page" form; what it leaves to the end of the
    transaction (its publish) runs, as it would on a real request."""

    def submit(client, page, language):
        locale = Locale.objects.get(language_code=language)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [locale.pk]})

    return submit


def in_language(page, language):
    return Page.objects.get(
        translation_key=page.translation_key, locale__language_code=language
    ).specific


def menu_links(html) -> dict[str, str]:
    """{address: the attributes of its link} in the site menu."""
    menu = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    return dict(re.findall(r'<a href="([^"]+)"([^>]*)>', menu))


def test_a_translation_made_in_the_admin_is_public_only_once_published(
    admin_client, client, article_index, submit_translation
):
    article = ArticlePageFactory(parent=article_index, title="Verdict in the Cardona case")
    response = submit_translation(admin_client, article, "fr")
    assert response.status_code == 302

    french = in_language(article, "fr")
    assert not french.live, "a draft until the translator publishes it"
    french_url = f"/fr/articles/{article.slug}/"
    assert client.get(french_url).status_code == 404
    # The parents made for it are the English originals, under the French address: they
    # say so, and the French menu leads to the English originals, marked as English.
    french_home = client.get("/fr/").content.decode()
    assert re.search(r'<main id="main" tabindex="-1" lang="en" dir="auto">', french_home)
    assert menu_links(french_home)[article_index.url] == ' lang="en" dir="auto"'
    # Meanwhile the French listing shows the English original, marked as English.
    listing = client.get("/fr/articles/").content.decode()
    assert card_title(listing, "Verdict in the Cardona case") == ' lang="en" dir="auto"'

    french.title = "Verdict dans l'affaire Cardona"
    french.save_revision().publish()
    page = client.get(french_url).content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert '<main id="main" tabindex="-1">' in page, "French, not marked as English"
    assert "Verdict dans l&#x27;affaire Cardona" in client.get("/fr/articles/").content.decode()


def test_a_published_translation_replaces_the_english_original_in_the_menu(client, home):
    from tests.support import translated

    sections = list(home.get_children().live().in_menu())
    translated(sections[0], "fr", title="Section traduite")
    links = menu_links(client.get("/fr/").content.decode())
    french_section = in_language(sections[0], "fr")
    assert links[french_section.url] == "", "in French: no mark"
    for section in sections[1:]:
        assert links[section.url] == ' lang="en" dir="auto"', section.url
    assert len(links) == len(sections), "each section once, in French or in English"


def test_a_card_of_a_page_not_yet_translated_is_marked_as_english(client, home, article_index):
    from campaigns.factories import CampaignPageFactory
    from campaigns.models import CampaignIndexPage
    from ifex.core.factories import stream_data
    from tests.support import translated

    english_only = ArticlePageFactory(parent=article_index, title="Trial opens in Manila")
    featured = ("featured", {"heading": "", "pages": [english_only.pk]})
    campaign = CampaignPageFactory(
        parent=CampaignIndexPage.objects.get(), body=stream_data([featured])
    )
    french = translated(campaign, "fr", title="Campagne")
    shown = client.get(french.url).content.decode()
    assert re.search(
        r'<h3 class="card__title" lang="en" dir="auto"><a href="[^"]+">Trial opens in Manila', shown
    )
    english = client.get(campaign.url).content.decode()
    assert '<h3 class="card__title"><a href' in english


def test_an_editor_may_not_translate_a_case_they_may_not_edit(
    client, login_as, home, submit_translation
):
    from cases.factories import CasePageFactory
    from cases.models import CaseIndexPage

    case = CasePageFactory(parent=CaseIndexPage.objects.get())
    editor = login_as("editor")
    assert not case.permissions_for_user(editor).can_edit()
    refused = client.get(f"/admin/localize/submit/page/{case.pk}/", follow=True)
    assert "Sorry, you do not have permission to access this area." in refused.content.decode()
    assert submit_translation(client, case, "fr").url == "/admin/", "refused: back to the start"
    assert not Page.objects.filter(translation_key=case.translation_key).exclude(pk=case.pk)


def test_an_editor_translates_an_article_they_may_edit(
    client, login_as, article_index, submit_translation
):
    article = ArticlePageFactory(parent=article_index)
    login_as("editor")
    assert submit_translation(client, article, "fr").status_code == 302
    assert not in_language(article, "fr").live


def test_a_french_statement_is_published_only_through_its_review(
    client, login_as, statement_index, submit_translation, django_capture_on_commit_callbacks
):
    from wagtail_localize.models import TranslationSource

    from articles.factories import JointStatementPageFactory

    statement = JointStatementPageFactory(parent=statement_index)
    editor = login_as("editor")
    assert submit_translation(client, statement, "fr").status_code == 302
    french = in_language(statement, "fr")
    assert not french.permissions_for_user(editor).can_publish()

    # "Sync translated pages" with "Publish immediately": refused, with the reason.
    source = TranslationSource.objects.get(object_id=statement.translation_key)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/localize/update/{source.pk}/", {"publish_translations": "on"}
        )
    assert response.status_code == 200
    assert "submit it for review" in response.content.decode()
    french.refresh_from_db()
    assert not french.live


def test_an_english_source_name_is_isolated_on_an_arabic_case_page(client, home):
    from cases.factories import CasePageFactory
    from cases.models import CaseIndexPage
    from tests.support import translated

    case = CasePageFactory(parent=CaseIndexPage.objects.get())
    arabic = translated(case, "ar")
    html = client.get(arabic.url).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "(<bdi>CPJ</bdi>)" in html, "the parentheses stay on their sides"


def test_cards_call_each_kind_of_page_in_the_readers_words(client, home, statement_index):
    from articles.factories import JointStatementPageFactory
    from tests.support import translated

    french_index = translated(statement_index, "fr", title="Déclarations")
    statement = JointStatementPageFactory(parent=statement_index)
    translated(statement, "fr", title="Appel commun")
    html = client.get(french_index.url).content.decode()
    assert '<p class="card__kind">Déclaration commune</p>' in html


def card_title(html, title) -> str:
    """The attributes of the card title heading that links to `title`."""
    found = re.search(r'<h3 class="card__title"([^>]*)><a href="[^"]+">' + re.escape(title), html)
    assert found, f"no card for {title!r}"
    return found.group(1)


def test_a_listing_shows_what_is_not_yet_translated_in_english_marked_as_english(
    client, home, article_index
):
    from ifex.core.factories import CountryFactory
    from tests.support import translated

    philippines = CountryFactory(iso_code="PH", name="Philippines (the)")
    in_french = philippines.copy_for_translation(Locale.objects.get(language_code="fr"))
    in_french.name = "Philippines"
    in_french.save()
    french_index = translated(article_index, "fr", title="Actualités")
    both = ArticlePageFactory(parent=article_index, title="Trial of the killers begins")
    french = translated(both, "fr", title="Le procès des assassins commence")
    english_only = ArticlePageFactory(
        parent=article_index, title="Reporter freed in Manila", countries=[philippines]
    )
    draft = ArticlePageFactory(parent=article_index, title="Verdict expected in Cebu")
    french_draft = draft.copy_for_translation(Locale.objects.get(language_code="fr"), True)
    french_draft.title = "Verdict attendu à Cebu"
    french_draft.save_revision()

    listing = client.get(french_index.url).content.decode()
    assert card_title(listing, "Le procès des assassins commence") == ""
    assert f'href="{both.url}"' not in listing, "each article once, in French where it is"
    assert card_title(listing, "Reporter freed in Manila") == ' lang="en" dir="auto"'
    assert card_title(listing, "Verdict expected in Cebu") == ' lang="en" dir="auto"'
    assert "Verdict attendu" not in listing, "a draft translation is not public"
    assert f'href="{english_only.url}"' in listing and f'href="{french.url}"' in listing
    assert "3 résultats" in listing, "counted once each"
    assert " · Philippines</p>" in listing, "the card's own words in French"

    english = client.get(article_index.url).content.decode()
    assert card_title(english, "Reporter freed in Manila") == ""
    assert "Le procès" not in english


def test_a_feed_carries_what_is_not_yet_translated_as_english(client, home, article_index):
    from tests.support import translated

    french_index = translated(article_index, "fr", title="Actualités")
    both = ArticlePageFactory(parent=article_index, title="Trial of the killers begins")
    translated(both, "fr", title="Le procès des assassins commence")
    ArticlePageFactory(parent=article_index, title="Reporter freed in Manila")

    feed = client.get(french_index.url + "feed/").content.decode()
    items = dict(
        (title, attributes)
        for attributes, title in re.findall(r"<item([^>]*)><title>([^<]+)</title>", feed)
    )
    assert items == {
        "Le procès des assassins commence": "",
        "Reporter freed in Manila": ' xml:lang="en"',
    }
    assert "<language>fr</language>" in feed


def test_the_latest_news_in_french_falls_back_to_the_english_originals(home, article_index):
    from django.utils import translation

    from campaigns.content import latest_news
    from tests.support import translated

    both = ArticlePageFactory(parent=article_index, title="Trial of the killers begins")
    french = translated(both, "fr", title="Le procès des assassins commence")
    english_only = ArticlePageFactory(parent=article_index, title="Reporter freed in Manila")
    with translation.override("fr"):
        shown = {page.pk for page in latest_news("articles")}
    assert shown == {french.pk, english_only.pk}


def test_a_french_case_index_lists_the_english_cases_marked_as_english(client, case_index):
    from cases.factories import CasePageFactory
    from tests.support import translated

    case = CasePageFactory(parent=case_index, person_name="Maria Santos")
    french_index = translated(case_index, "fr", title="Affaires")
    html = client.get(french_index.url).content.decode()
    assert re.search(
        r'<th scope="row" lang="en" dir="auto"><a href="' + re.escape(case.url) + '">Maria Santos',
        html,
    )
