"""The words every page shows (name, tagline, description, footer, social links, share image)
are a Wagtail site setting that editors change in the admin, live on the next request."""

import json
import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from articles.factories import ArticlePageFactory
from ifex.core.factories import SiteImageFactory
from ifex.core.models import SiteSettings

pytestmark = pytest.mark.django_db


def settings_url(site):
    return reverse("wagtailsettings:edit", args=["core", "sitesettings", site.pk])


def edited(**fields):
    return nested_form_data({**edited_fields(), **fields})


def edited_fields() -> dict:
    return {
        "organisation_name": "Free Expression Network",
        "tagline": "Justice for journalists",
        "short_description": "A network of groups that defend free expression.",
        "footer_text": "Registered charity 12345.",
        "social_links": streamfield(
            [("link", {"name": "Mastodon", "url": "https://social.example.org/@network"})]
        ),
        "default_share_image": "",
        "data_licence": "CC BY 4.0",
        "data_licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "translations": inline_formset([]),
    }


def test_an_editor_renames_the_site_and_readers_see_it_on_the_next_request(
    client, login_as, home, article_index
):
    from django.test import Client

    article = ArticlePageFactory(parent=article_index, title="Trial opens")
    reader = Client()
    assert "<title>Trial opens | IFEX</title>" in reader.get(article.url).content.decode()
    site = home.get_site()

    login_as("editor")
    response = client.post(settings_url(site), edited())
    assert response.status_code == 302, response.content[:2000]

    html = reader.get(article.url).content.decode()
    assert "<title>Trial opens | Free Expression Network</title>" in html
    assert '<meta property="og:site_name" content="Free Expression Network">' in html
    assert "Justice for journalists" in html
    assert "Registered charity 12345." in html
    assert '<a href="https://social.example.org/@network" rel="me noopener">Mastodon</a>' in html
    graph = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))["@graph"]
    assert graph[0]["name"] == "Free Expression Network"
    home_html = reader.get("/").content.decode()
    assert (
        '<meta property="og:description" content="A network of groups that defend free '
        'expression.">' in home_html
    )
    assert 'type="application/rss+xml" title="Articles | Free Expression Network"' in home_html
    feed = reader.get("/articles/feed/").content.decode()
    assert "<title>Articles | Free Expression Network</title>" in feed


def test_a_page_without_an_image_is_shared_with_the_default_share_image(
    admin_client, home, article_index
):
    client = admin_client
    image = SiteImageFactory(description="The network's logo on red")
    article = ArticlePageFactory(parent=article_index, hero_image=None)
    response = client.post(settings_url(home.get_site()), edited(default_share_image=image.pk))
    assert response.status_code == 302
    client.logout()
    html = client.get(article.url).content.decode()
    share = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert share.endswith(".jpg") and "/media/images/" in share
    assert '<meta property="og:image:alt" content="The network&#x27;s logo on red">' in html


def test_bad_settings_are_refused_with_the_reason(admin_client, home):
    response = admin_client.post(
        settings_url(home.get_site()),
        edited(
            organisation_name="",
            social_links=streamfield([("link", {"name": "X", "url": "not a url"})]),
        ),
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert SiteSettings.for_site(home.get_site()).organisation_name == "IFEX"


def test_the_settings_cost_no_query_once_read(client, home, django_assert_num_queries):
    site = home.get_site()
    SiteSettings.for_site(site)
    with django_assert_num_queries(0):
        assert SiteSettings.for_site(site).organisation_name == "IFEX"


def test_moderators_may_not_change_the_site_settings(client, login_as, home):
    login_as("moderator")
    response = client.post(settings_url(home.get_site()), edited())
    assert response.status_code in (302, 403)
    assert SiteSettings.for_site(home.get_site()).organisation_name == "IFEX"


def with_words_in(language, **words):
    """The settings form's rows of words in another language (its inline panel)."""
    from wagtail.models import Locale

    row = {"locale": Locale.objects.get(language_code=language).pk, **words}
    return {"translations": inline_formset([row])}


def test_staff_give_the_site_s_words_in_each_language_and_readers_get_them(client, login_as, home):
    from django.test import Client

    from tests.support import translated

    translated(home, "fr", title="Accueil")
    login_as("editor")
    french = {
        "organisation_name": "",  # blank: the English name stands
        "tagline": "Contre l'impunité",
        "short_description": "Un réseau mondial qui défend la liberté d'expression.",
        "footer_text": "Association déclarée.",
    }
    response = client.post(
        settings_url(home.get_site()),
        nested_form_data({**edited_fields(), **with_words_in("fr", **french)}),
    )
    assert response.status_code == 302, response.content[:3000]

    reader = Client()
    html = reader.get("/fr/").content.decode()
    assert "Contre l&#x27;impunité</span>" in html and "Justice for journalists" not in html
    assert "<p>Association déclarée.</p>" in html and "Registered charity" not in html
    assert (
        '<meta property="og:description" content="Un réseau mondial qui défend la liberté '
        'd&#x27;expression.">' in html
    )
    assert "<title>Accueil | Free Expression Network</title>" in html
    english = reader.get("/").content.decode()
    assert "Justice for journalists</span>" in english and "Contre" not in english


def test_words_not_given_in_a_language_are_the_english_marked_as_english(client, login_as, home):
    from tests.support import translated

    translated(home, "ar", title="الرئيسية")
    login_as("editor")
    response = client.post(settings_url(home.get_site()), edited())
    assert response.status_code == 302
    client.logout()
    html = client.get("/ar/").content.decode()
    assert '<span class="site-header__tagline" lang="en" dir="auto">Justice for journalists' in html
    assert '<p lang="en" dir="auto">Registered charity 12345.</p>' in html


def test_the_words_staff_left_as_they_came_read_in_the_reader_s_language(client, home):
    """A fresh site's tagline and description are the site's own words, translated like every
    other word of the templates."""
    from tests.support import translated

    translated(home, "es", title="Inicio")
    html = client.get("/es/").content.decode()
    assert '<span class="site-header__tagline">Sin impunidad</span>' in html
    assert "IFEX es una red mundial" in html
    assert "global network of organisations" not in html


def test_a_language_given_twice_is_refused_with_the_reason(admin_client, home):
    from wagtail.models import Locale

    french = Locale.objects.get(language_code="fr").pk
    rows = {
        "translations": inline_formset(
            [{"locale": french, "tagline": "Un"}, {"locale": french, "tagline": "Deux"}]
        )
    }
    response = admin_client.post(
        settings_url(home.get_site()), nested_form_data({**edited_fields(), **rows})
    )
    assert response.status_code == 200
    assert "Français is given twice: keep one." in response.content.decode()


def test_the_words_of_every_language_are_read_in_one_query_and_then_kept(
    home, django_assert_num_queries
):
    from wagtail.models import Locale

    from ifex.core.models import SiteWords

    site = home.get_site()
    settings = SiteSettings.for_site(site)
    for language in ("fr", "es", "ar"):
        SiteWords.objects.create(
            settings=settings, locale=Locale.objects.get(language_code=language), tagline=language
        )
    with django_assert_num_queries(1):  # the words saved replace what was kept
        settings = SiteSettings.for_site(site)
    with django_assert_num_queries(0):
        assert SiteSettings.for_site(site).words_in("ar").tagline.text == "ar"
    assert settings.words_in("es").tagline.text == "es"
