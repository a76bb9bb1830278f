import datetime

import pytest
from wagtail.models import PageViewRestriction

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from articles.models import Signatory
from campaigns.factories import CampaignPageFactory
from ifex.core.factories import CountryFactory, TopicFactory, stream_data
from tests.support import uncached_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns(campaign_index):
    return campaign_index


def latest_block(**options):
    value = {"heading": "Latest", "content": "both", "topic": None, "country": None, "count": 4}
    value.update(options)
    return ("latest", value)


def choosing(featured, statement):
    """A campaign page's body with `featured` in a featured block and `statement` in a
    statements block."""
    return stream_data(
        [
            ("featured", {"heading": "", "pages": [featured.pk]}),
            ("statements", {"heading": "", "statements": [statement.pk]}),
        ]
    )


def test_latest_content_block_filters_by_topic(client, campaigns, article_index):
    impunity = TopicFactory(slug="impunity")
    ArticlePageFactory(parent=article_index, title="On impunity", topics=[impunity])
    ArticlePageFactory(parent=article_index, title="Something else")
    page = CampaignPageFactory(
        parent=campaigns, body=stream_data([latest_block(content="articles", topic=impunity.pk)])
    )
    html = client.get(page.url).content.decode()
    assert "On impunity" in html
    assert "Something else" not in html


def test_latest_content_block_mixes_articles_and_statements_newest_first(
    client, campaigns, article_index, statement_index
):
    ArticlePageFactory(parent=article_index, title="Old article", date=datetime.date(2024, 1, 1))
    JointStatementPageFactory(
        parent=statement_index, title="New statement", date=datetime.date(2025, 1, 1)
    )
    page = CampaignPageFactory(parent=campaigns, body=stream_data([latest_block(count=2)]))
    html = client.get(page.url).content.decode()
    assert 0 < html.index("New statement") < html.index("Old article")


def test_latest_content_block_filters_by_country(client, campaigns, article_index):
    haiti = CountryFactory(iso_code="HT", name="Haiti")
    ArticlePageFactory(parent=article_index, title="In Haiti", countries=[haiti])
    ArticlePageFactory(parent=article_index, title="Elsewhere")
    page = CampaignPageFactory(parent=campaigns, body=stream_data([latest_block(country=haiti.pk)]))
    html = client.get(page.url).content.decode()
    assert "In Haiti" in html and "Elsewhere" not in html


def test_joint_statements_block_shows_chosen_statements_with_their_count(
    client, campaigns, statement_index
):
    chosen = JointStatementPageFactory(parent=statement_index, title="Chosen statement")
    chosen.signatories = [Signatory(name="A"), Signatory(name="B")]
    chosen.save_revision().publish()
    JointStatementPageFactory(parent=statement_index, title="Not chosen")
    page = CampaignPageFactory(
        parent=campaigns,
        body=stream_data([("statements", {"heading": "Statements", "statements": [chosen.pk]})]),
    )
    html = client.get(page.url).content.decode()
    assert "Chosen statement" in html and "Not chosen" not in html
    assert "Signed by 2 organisations" in html


def test_featured_block_skips_unpublished_pages(client, campaigns, article_index):
    shown = ArticlePageFactory(parent=article_index, title="Featured and live")
    hidden = ArticlePageFactory(parent=article_index, title="Featured draft", live=False)
    page = CampaignPageFactory(
        parent=campaigns,
        body=stream_data([("featured", {"heading": "", "pages": [hidden.pk, shown.pk]})]),
    )
    html = client.get(page.url).content.decode()
    assert "Featured and live" in html and "Featured draft" not in html


def test_chosen_pages_unpublished_or_made_private_leave_the_page_though_their_cards_are_kept(
    client, campaigns, article_index, statement_index
):
    featured = ArticlePageFactory(parent=article_index, title="Featured, then private")
    statement = JointStatementPageFactory(parent=statement_index, title="Chosen, then withdrawn")
    page = CampaignPageFactory(parent=campaigns, body=choosing(featured, statement))
    html = uncached_get(client, page.url)[0].content.decode()
    assert "Featured, then private" in html and "Chosen, then withdrawn" in html

    PageViewRestriction.objects.create(page=featured, restriction_type="login")
    statement.unpublish()
    html = uncached_get(client, page.url)[0].content.decode()
    assert "Featured, then private" not in html
    assert "Chosen, then withdrawn" not in html


def test_call_to_action_links_to_a_page(client, campaigns, statement_index):
    cta = {
        "heading": "Act now",
        "text": "Read the statements.",
        "link_page": statement_index.pk,
        "link_url": "",
        "link_text": "All statements",
    }
    page = CampaignPageFactory(parent=campaigns, body=stream_data([("call_to_action", cta)]))
    html = client.get(page.url).content.decode()
    assert '<a class="button" href="/statements/">All statements</a>' in html


def test_campaign_page_query_count_does_not_grow_with_content(
    client, campaigns, article_index, statement_index
):
    page = CampaignPageFactory(
        parent=campaigns,
        body=stream_data([latest_block(count=12), ("statements", {"statements": []})]),
    )
    ArticlePageFactory.create_batch(2, parent=article_index)
    JointStatementPageFactory.create_batch(2, parent=statement_index)
    client.get(page.url)
    _, few = uncached_get(client, page.url)
    ArticlePageFactory.create_batch(8, parent=article_index)
    JointStatementPageFactory.create_batch(4, parent=statement_index)
    client.get(page.url)
    assert uncached_get(client, page.url)[1] == few


def test_featured_block_query_count_does_not_grow_with_pages(
    client, campaigns, article_index, statement_index
):
    def page_featuring(pages):
        featured = ("featured", {"heading": "", "pages": [page.pk for page in pages]})
        return CampaignPageFactory(parent=campaigns, body=stream_data([featured]))

    few = page_featuring(
        [
            ArticlePageFactory(parent=article_index),
            JointStatementPageFactory(parent=statement_index),
        ]
    )
    client.get(few.url)
    _, budget = uncached_get(client, few.url)
    many = page_featuring(
        ArticlePageFactory.create_batch(5, parent=article_index)
        + JointStatementPageFactory.create_batch(3, parent=statement_index)
        + [few]
    )
    client.get(many.url)
    response, measured = uncached_get(client, many.url)
    assert measured == budget  # their cards kept: no page read again, whatever its type
    assert response.content.decode().count('class="card"') == 9
