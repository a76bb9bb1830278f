import datetime

import pytest
from django.core.files.base import ContentFile

from articles.factories import ArticlePageFactory
from ifex.core.factories import (
    CountryFactory,
    SiteImageFactory,
    TopicFactory,
    generated_picture,
)
from ifex.core.models import Region
from tests.support import uncached_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def philippines():
    return CountryFactory(
        name="Philippines", iso_code="PH", region=Region.objects.get(slug="asia-pacific")
    )


@pytest.fixture
def haiti():
    return CountryFactory(name="Haiti", iso_code="HT", region=Region.objects.get(slug="americas"))


def titles(response):
    return [page.title for page in response.context["listing"].items]


def test_index_lists_newest_first(client, article_index):
    for day, title in [(1, "Oldest"), (20, "Newest"), (10, "Middle")]:
        ArticlePageFactory(parent=article_index, title=title, date=datetime.date(2025, 3, day))
    assert titles(client.get("/articles/")) == ["Newest", "Middle", "Oldest"]


def test_index_shows_twelve_a_page(client, article_index):
    ArticlePageFactory.create_batch(14, parent=article_index)
    assert len(titles(client.get("/articles/"))) == 12
    assert len(titles(client.get("/articles/?page=2"))) == 2


def test_filter_by_country_accepts_either_case(client, article_index, philippines, haiti):
    ArticlePageFactory(parent=article_index, title="Manila", countries=[philippines])
    ArticlePageFactory(parent=article_index, title="Port-au-Prince", countries=[haiti])
    assert titles(client.get("/articles/?country=ph")) == ["Manila"]
    assert titles(client.get("/articles/?country=PH")) == ["Manila"]


def test_filter_by_region(client, article_index, philippines, haiti):
    ArticlePageFactory(parent=article_index, title="Manila", countries=[philippines, haiti])
    ArticlePageFactory(parent=article_index, title="Port-au-Prince", countries=[haiti])
    assert titles(client.get("/articles/?region=asia-pacific")) == ["Manila"]
    assert sorted(titles(client.get("/articles/?region=americas"))) == [
        "Manila",
        "Port-au-Prince",
    ]


def test_filter_by_topic_and_year(client, article_index):
    impunity = TopicFactory(name="Impunity", slug="impunity")
    ArticlePageFactory(
        parent=article_index, title="2024", topics=[impunity], date=datetime.date(2024, 5, 1)
    )
    ArticlePageFactory(
        parent=article_index, title="2025", topics=[impunity], date=datetime.date(2025, 5, 1)
    )
    ArticlePageFactory(parent=article_index, title="Other", date=datetime.date(2025, 6, 1))
    assert titles(client.get("/articles/?topic=impunity&year=2025")) == ["2025"]


def test_active_filters_are_shown_with_links_that_remove_them(client, article_index, haiti):
    impunity = TopicFactory(name="Impunity", slug="impunity")
    ArticlePageFactory(parent=article_index, countries=[haiti], topics=[impunity])
    html = client.get("/articles/?country=ht&topic=impunity").content.decode()
    assert 'href="?topic=impunity">Country: Haiti' in html
    assert 'href="?country=ht">Topic: Impunity' in html


def test_page_links_keep_the_filters(client, article_index, haiti):
    ArticlePageFactory.create_batch(13, parent=article_index, countries=[haiti])
    html = client.get("/articles/?country=ht").content.decode()
    assert 'href="?country=ht&amp;page=2"' in html


def test_a_bad_page_number_gives_the_nearest_page(client, article_index):
    ArticlePageFactory.create_batch(13, parent=article_index)
    for page, expected_number in [
        ("abc", 1),
        ("99999", 2),
        ("-1", 1),
        ("0", 1),
        ("2.5", 1),
        ("", 1),
    ]:
        response = client.get("/articles/", {"page": page})
        assert response.status_code == 200, page
        assert response.context["listing"].page.number == expected_number, page


@pytest.mark.parametrize(
    "query",
    [
        {"country": "zz"},
        {"country": "\x00"},
        {"topic": "<script>alert(1)</script>"},
        {"region": "atlantis"},
        {"year": "abc"},
        {"year": "1850"},
    ],
)
def test_an_unknown_filter_value_is_a_404_without_reflecting_it(client, article_index, query):
    response = client.get("/articles/", query)
    assert response.status_code == 404
    assert b"<script>alert" not in response.content
    assert b"Page not found" in response.content


def add_illustrated_articles(index, count, topic, country):
    for _ in range(count):
        image = SiteImageFactory(file=ContentFile(generated_picture(320, 180), name="small.jpg"))
        ArticlePageFactory(parent=index, hero_image=image, topics=[topic], countries=[country])


def test_index_query_count_does_not_grow_with_items(client, article_index, haiti):
    topic = TopicFactory()
    add_illustrated_articles(article_index, 3, topic, haiti)
    client.get("/articles/")  # renditions are made on first view; count the views after
    _, three_items = uncached_get(client, "/articles/")
    add_illustrated_articles(article_index, 9, topic, haiti)
    client.get("/articles/")
    response, twelve_items = uncached_get(client, "/articles/")
    assert twelve_items == three_items
    assert len(titles(response)) == 12


def test_every_page_of_a_listing_holds_what_plain_paging_gives(article_index):
    """Pages in the back half are read from the end of the listing: the same articles, in the
    same order, as reading from the start, ties on the date included."""
    from django.core.paginator import Paginator

    from articles.models import ArticlePage
    from ifex.core.listing import ListingPaginator

    for number in range(9):
        ArticlePageFactory(
            parent=article_index,
            title=f"Article {number}",
            date=datetime.date(2024, 1, 1) + datetime.timedelta(days=number // 3),
        )
    listing = ArticlePage.objects.for_listing()
    expected = Paginator([page.title for page in listing], 2)
    paged = ListingPaginator(listing, 2, count_key="test:listing")
    assert paged.num_pages == expected.num_pages == 5
    for number in expected.page_range:
        shown = [page.title for page in paged.page(number).object_list]
        assert shown == list(expected.page(number).object_list), number


def test_the_last_page_of_the_index_shows_the_oldest_articles(client, article_index):
    ArticlePageFactory.create_batch(12, parent=article_index, date=datetime.date(2025, 6, 1))
    ArticlePageFactory(parent=article_index, title="Oldest", date=datetime.date(2020, 1, 1))
    assert titles(client.get("/articles/?page=2")) == ["Oldest"]


def test_a_newly_published_article_changes_the_page_count_on_the_next_request(
    client, article_index
):
    ArticlePageFactory.create_batch(12, parent=article_index, date=datetime.date(2025, 6, 1))
    assert client.get("/articles/").context["listing"].page.paginator.num_pages == 1
    ArticlePageFactory(parent=article_index, title="Oldest", date=datetime.date(2020, 1, 1))
    response = client.get("/articles/?page=2")
    assert response.context["listing"].page.paginator.num_pages == 2
    assert titles(response) == ["Oldest"]


def test_filter_choices_come_from_the_cache_until_a_country_is_saved(client, article_index):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ifex.core.page_cache import replace_version

    client.get("/articles/")
    replace_version()  # the page itself is rendered again, as after a publish
    with CaptureQueriesContext(connection) as queries:
        client.get("/articles/")
    assert any("articles_articlepage" in q["sql"] for q in queries.captured_queries)  # rendered
    assert not [q for q in queries.captured_queries if 'FROM "core_country"' in q["sql"]]
    CountryFactory(name="Atlantis", iso_code="AQ")
    response = client.get("/articles/?country=aq")
    assert response.status_code == 200
    assert b"Atlantis" in response.content
    assert client.get("/articles/?country=zz").status_code == 404
