"""The words every page shows (name, tagline, description, footer, social links, share image)
are a Wagtail site setting that editors change in the admin, live on the next request."""

import json
import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from articles.factories import ArticlePageFactory
from ifex.core.factories import SiteImageFactory
from ifex.core.models import SiteSettings

pytestmark = pytest.mark.django_db


def settings_url(site):
    return reverse("wagtailsettings:edit", args=["core", "sitesettings", site.pk])


def edited(**fields):
    data = {
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
    }
    data.update(fields)
    return nested_form_data(data)


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
