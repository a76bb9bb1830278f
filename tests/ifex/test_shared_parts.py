"""A page the page cache missed (an entry expired or evicted, another page number, a new search,
or the page cache turned off) reads what pages share (routes, counts, asides, search candidates,
cards, renditions) from its worker's memory: the page cache's own lookup is its one read of the
cache. Every change shows on the next request all the same, made by this worker or another."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from articles.models import Signatory
from campaigns.factories import CampaignPageFactory, ImpunityFigureFactory
from ifex.core import shared_parts
from ifex.core.factories import (
    CountryFactory,
    OrganisationFactory,
    SiteImageFactory,
    TopicFactory,
    generated_picture,
    stream_data,
)
from ifex.core.page_cache import KEPT_BY_WORKER, VERSION_KEY, known, this_request
from ifex.core.renditions import prepare_public_renditions
from tests.support import html_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_off(settings):
    """As `make bench` measures a page warm-uncached: every page is rendered, what pages share
    is kept."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.PAGE_CACHE_SEARCH_SECONDS = 0


def picture():
    """An image with its public renditions made, as the background worker makes them once it
    is published (ifex/core/renditions.py)."""
    image = SiteImageFactory(file=ContentFile(generated_picture(320, 180), name="card.jpg"))
    prepare_public_renditions([image])
    return image


@pytest.fixture
def site_with_everything(home, article_index, statement_index, campaign_index):
    """Illustrated articles and statements sharing a topic and a country, a statement with
    signatories, a home and a campaign page showing figures, articles and statements."""
    topic, country = TopicFactory(slug="impunity"), CountryFactory(iso_code="MX")
    articles = [
        ArticlePageFactory(
            parent=article_index, hero_image=picture(), topics=[topic], countries=[country],
            title=f"Impunity report {number}",
        )
        for number in range(3)
    ]  # fmt: skip
    statement = JointStatementPageFactory(
        parent=statement_index, hero_image=picture(), countries=[country]
    )
    for _ in range(3):
        Signatory.objects.create(page=statement, organisation=OrganisationFactory())
    figure = ImpunityFigureFactory()
    body = stream_data(
        [
            ("stats", {"heading": "Facts", "figures": [figure.pk]}),
            ("featured", {"heading": "", "pages": [page.pk for page in articles]}),
            ("latest", {"heading": "", "content": "both", "topic": topic.pk, "country": None,
                        "count": 6}),
            ("statements", {"heading": "", "statements": [statement.pk]}),
        ]
    )  # fmt: skip
    campaign = CampaignPageFactory(parent=campaign_index, hero_image=picture(), body=body)
    home.body = body
    home.save_revision().publish()
    return {
        "home": "/",
        "campaign": campaign.url,
        "index": "/articles/",
        "article": articles[0].url,
        "statement": statement.url,
        "search": "/search/?q=impunity",
    }


def test_a_page_the_page_cache_missed_reads_the_cache_once(
    client, page_cache_off, site_with_everything, cache_reads
):
    failures = []
    for name, url in site_with_everything.items():
        html_of(client, url)
        html_of(client, url)  # what it shares is kept: its renditions made, its cards drawn
        cache_reads.clear()
        html_of(client, url)
        if len(cache_reads) != 1 or VERSION_KEY not in cache_reads[0]:
            failures.append(f"{name}: {cache_reads}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("who", ["reader", "editor"])
def test_an_unpublish_by_another_worker_leaves_what_this_one_keeps_at_once(
    client, page_cache_off, article_index, admin_client, who
):
    """Another worker unpublished an article (the database and the cache's copy of the content
    version say so); this one, which has not read the database since, shows it nowhere on its
    next request: not in another article's related pages, not in the listing, not found by
    search. A reader's request and a signed-in editor's alike."""
    viewer = Client() if who == "reader" else admin_client
    topic = TopicFactory(slug="impunity")
    shown = ArticlePageFactory(parent=article_index, topics=[topic], title="Verdict in Veracruz")
    pulled = ArticlePageFactory(parent=article_index, topics=[topic], title="Retracted report")
    urls = (shown.url, "/articles/", "/search/?q=retracted")
    for url in urls:
        assert "Retracted report" in html_of(viewer, url), url
    this_worker_knew = list(known.versions.items())
    pulled.unpublish()
    known.take(this_worker_knew)  # this worker has yet to hear of it
    for url in urls:
        assert "Retracted report" not in html_of(viewer, url), url


def test_a_worker_keeps_at_most_its_bound_the_least_recently_used_going_first(monkeypatch):
    monkeypatch.setattr(KEPT_BY_WORKER, "bound", 1000)
    monkeypatch.setattr(this_request, "kept", {}, raising=False)  # in a request
    versions = ("v1",)
    for number in range(10):
        shared_parts.remember(f"part:{number}", versions, "x" * 200)
        shared_parts.remembered("part:0", versions)  # read again: kept the longest
    assert KEPT_BY_WORKER.size <= 1000
    assert shared_parts.remembered("part:0", versions) == "x" * 200
    assert shared_parts.remembered("part:9", versions) == "x" * 200
    with pytest.raises(KeyError):
        shared_parts.remembered("part:1", versions)
    with pytest.raises(KeyError):
        shared_parts.remembered("part:9", ("v2",))
