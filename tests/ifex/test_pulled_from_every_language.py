"""Content pulled in English, for safety or accuracy, leaves every language: unpublishing a page
or a figure unpublishes its translations, and making a page private makes them private too."""

import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from articles.factories import ArticlePageFactory
from campaigns.factories import CampaignPageFactory, ImpunityFigureFactory
from ifex.core.factories import stream_data
from tests.support import translated

pytestmark = pytest.mark.django_db

OTHER_LANGUAGES = ("fr", "es", "ar")


@pytest.fixture
def homes(home):
    return {language: translated(home, language) for language in OTHER_LANGUAGES}


@pytest.fixture
def article_and_copies(homes, article_index):
    article = ArticlePageFactory(parent=article_index, title="Pulled story")
    copies = [
        translated(article, language, title=f"Pulled {language}") for language in OTHER_LANGUAGES
    ]
    return article, copies


def test_an_article_unpublished_in_english_leaves_every_language(admin_client, article_and_copies):
    client = Client()  # a reader: admin_client is the signed-in `client`
    article, copies = article_and_copies
    places = {copy: [copy.get_parent().url, copy.get_parent().url + "feed/"] for copy in copies}
    for copy in copies:
        assert client.get(copy.url).status_code == 200  # and now in the page cache
        for place in places[copy]:
            assert copy.title in client.get(place).content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert all(f"{copy.url}</loc>" in sitemap for copy in copies)

    response = admin_client.post(reverse("wagtailadmin_pages:unpublish", args=[article.pk]))
    assert response.status_code == 302

    sitemap = client.get("/sitemap.xml").content.decode()
    for copy in copies:
        copy.refresh_from_db()
        assert not copy.live, copy.locale
        assert client.get(copy.url).status_code == 404, copy.url
        assert f"{copy.url}</loc>" not in sitemap
        for place in places[copy]:
            assert copy.title not in client.get(place).content.decode(), place


def test_a_page_made_private_in_english_is_private_in_every_language(
    admin_client, article_and_copies
):
    client = Client()  # a reader: admin_client is the signed-in `client`
    article, copies = article_and_copies
    privacy = reverse("wagtailadmin_pages:set_privacy", args=[article.pk])
    editors = Group.objects.get(name="Editors")
    for copy in copies:
        assert client.get(copy.url).status_code == 200

    admin_client.post(privacy, {"restriction_type": "groups", "groups": [editors.pk]})
    for copy in copies:
        [restriction] = copy.get_view_restrictions()
        assert restriction.restriction_type == "groups", copy.locale
        assert list(restriction.groups.all()) == [editors]
        assert client.get(copy.url).status_code == 302, "sent to sign in"
        assert copy.title not in client.get(copy.get_parent().url).content.decode()

    admin_client.post(privacy, {"restriction_type": "login"})
    for copy in copies:
        assert [r.restriction_type for r in copy.get_view_restrictions()] == ["login"]

    # Made public again in English, each translation stays private until staff open it, as an
    # article published again leaves its translations unpublished: putting back is a choice.
    admin_client.post(privacy, {"restriction_type": "none"})
    for copy in copies:
        assert client.get(copy.url).status_code == 302
    french = copies[0]
    french_privacy = reverse("wagtailadmin_pages:set_privacy", args=[french.pk])
    admin_client.post(french_privacy, {"restriction_type": "none"})
    assert client.get(french.url).status_code == 200


def test_a_figure_unpublished_in_english_leaves_every_language(admin_client, homes, campaign_index):
    client = Client()
    figure = ImpunityFigureFactory(value=1700, sentence="journalists killed since 2006.")
    translations = {}
    for language in OTHER_LANGUAGES:
        copy = figure.copy_for_translation(Locale.objects.get(language_code=language))
        copy.sentence = f"killed ({language})"
        copy.save()
        copy.save_revision().publish()
        translations[language] = copy
    stats = ("stats", {"heading": "The facts", "figures": [figure.pk]})
    campaign = CampaignPageFactory(parent=campaign_index, body=stream_data([stats]))
    pages = {language: translated(campaign, language) for language in OTHER_LANGUAGES}

    def shown(language):
        page = client.get(pages[language].url).content.decode()
        widget = client.get(f"/{language}/embed/figures/{translations[language].pk}/")
        api = client.get("/api/v1/figures/", {"language": language}).content.decode()
        return page, widget, json.loads(api)["results"]

    for language in OTHER_LANGUAGES:
        page, widget, api = shown(language)
        assert f"killed ({language})" in page and widget.status_code == 200 and api

    unpublish = reverse("wagtailsnippets_campaigns_impunityfigure:unpublish", args=[figure.pk])
    assert admin_client.post(unpublish).status_code == 302

    for language in OTHER_LANGUAGES:
        translations[language].refresh_from_db()
        assert not translations[language].live
        page, widget, api = shown(language)
        assert "killed" not in page, language
        assert widget.status_code == 404 and api == []
