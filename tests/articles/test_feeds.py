import datetime
import xml.etree.ElementTree as ET

import pytest

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from ifex.core.factories import CountryFactory, RegionFactory, TopicFactory

pytestmark = pytest.mark.django_db


def feed_items(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def test_article_feed_is_valid_rss_with_absolute_links_dates_and_teasers(client, article_index):
    ArticlePageFactory(
        parent=article_index,
        title="Trial opens",
        teaser="The trial opened today.",
        date=datetime.date(2025, 8, 28),
    )
    channel, items = feed_items(client.get("/articles/feed/"))
    assert channel.findtext("link") == "http://testserver/articles/"
    (item,) = items
    assert item.findtext("title") == "Trial opens"
    assert item.findtext("link") == "http://testserver/articles/trial-opens/"
    assert item.findtext("description") == "The trial opened today."
    assert item.findtext("pubDate").startswith("Thu, 28 Aug 2025")


def test_statement_feed_lists_statements_only(client, article_index, statement_index):
    ArticlePageFactory(parent=article_index, title="An article")
    JointStatementPageFactory(parent=statement_index, title="A statement")
    _, items = feed_items(client.get("/statements/feed/"))
    assert [item.findtext("title") for item in items] == ["A statement"]


def test_filtered_feed_follows_the_filters(client, article_index):
    philippines = CountryFactory(name="Philippines", iso_code="PH")
    impunity = TopicFactory(name="Impunity", slug="impunity")
    ArticlePageFactory(parent=article_index, title="Manila", countries=[philippines])
    ArticlePageFactory(parent=article_index, title="On impunity", topics=[impunity])
    _, items = feed_items(client.get("/articles/feed/", {"country": "ph"}))
    assert [item.findtext("title") for item in items] == ["Manila"]
    channel, items = feed_items(client.get("/articles/feed/", {"topic": "impunity"}))
    assert [item.findtext("title") for item in items] == ["On impunity"]
    assert "Impunity" in channel.findtext("title")


@pytest.mark.parametrize("index_path", ["/articles/", "/statements/"])
def test_every_filter_a_listing_accepts_its_feed_accepts(client, article_index, index_path):
    from campaigns.models import HomePage

    home = HomePage.objects.get()
    index = home.get_children().get(url_path__endswith=index_path).specific
    factory = ArticlePageFactory if index_path == "/articles/" else JointStatementPageFactory
    americas = RegionFactory(name="Americas", slug="americas")
    haiti = CountryFactory(name="Haiti", iso_code="HT", region=americas)
    impunity = TopicFactory(name="Impunity", slug="impunity")
    factory(
        parent=index,
        title="The one",
        countries=[haiti],
        topics=[impunity],
        date=datetime.date(2025, 3, 1),
    )
    factory(parent=index, title="Another", date=datetime.date(2024, 3, 1))
    filters = {"country": "ht", "region": "americas", "topic": "impunity", "year": "2025"}
    for name, value in filters.items():
        listing = client.get(index_path, {name: value})
        assert listing.status_code == 200, name
        feed_link = f'href="{index_path}feed/?{name}={value}"'
        assert feed_link in listing.content.decode(), f"the {name} listing announces its feed"
        _, items = feed_items(client.get(f"{index_path}feed/", {name: value}))
        assert [item.findtext("title") for item in items] == ["The one"], name


def test_feed_with_an_unknown_filter_is_a_404(client, article_index):
    assert client.get("/articles/feed/", {"country": "zz"}).status_code == 404


def test_feeds_are_announced_in_page_heads(client, article_index):
    html = client.get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml" title="Articles | IFEX"' in html
    assert 'href="/articles/feed/"' in html and 'href="/statements/feed/"' in html


def test_filtered_index_announces_its_filtered_feed(client, article_index):
    CountryFactory(name="Philippines", iso_code="PH")
    html = client.get("/articles/", {"country": "ph"}).content.decode()
    assert 'href="/articles/feed/?country=ph"' in html
