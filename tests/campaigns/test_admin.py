import pytest
from django.urls import reverse

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from campaigns.factories import CampaignPageFactory, ImpunityFigureFactory
from campaigns.models import ImpunityFigure
from tests.campaigns.test_campaign_page import choosing

pytestmark = pytest.mark.django_db


def test_figure_listing_shows_name_value_and_status(admin_client):
    ImpunityFigureFactory(name="Journalists killed", value=1700)
    ImpunityFigureFactory(name="Not yet public", live=False)
    html = admin_client.get(reverse("wagtailsnippets_campaigns_impunityfigure:list")).content
    html = html.decode()
    assert "Journalists killed" in html and "1,700" in html
    assert "Not yet public" in html
    assert "live" in html.lower() and "draft" in html.lower()


def test_figure_edit_form_opens(admin_client):
    figure = ImpunityFigureFactory()
    url = reverse("wagtailsnippets_campaigns_impunityfigure:edit", args=[figure.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"go_live_at" in response.content, "scheduling is offered"


def test_an_impossible_ratio_is_refused_with_a_message(admin_client):
    url = reverse("wagtailsnippets_campaigns_impunityfigure:add")
    response = admin_client.post(
        url,
        {
            "name": "Cases unpunished",
            "kind": "ratio",
            "value": "11",
            "out_of": "10",
            "sentence": "cases go unpunished.",
            "source_name": "UNESCO",
            "as_of": "2025-11-02",
        },
    )
    assert response.status_code == 200
    assert b"cannot exceed the second" in response.content
    assert not ImpunityFigure.objects.exists()


def test_staff_can_save_a_figure_as_a_draft_through_the_admin(admin_client):
    url = reverse("wagtailsnippets_campaigns_impunityfigure:add")
    response = admin_client.post(
        url,
        {
            "name": "Journalists killed",
            "kind": "count",
            "value": "1700",
            "sentence": "journalists killed.",
            "source_name": "UNESCO",
            "as_of": "2025-11-02",
        },
    )
    assert response.status_code == 302
    figure = ImpunityFigure.objects.get()
    assert not figure.live and figure.revisions.count() == 1


@pytest.mark.parametrize(
    ("index_fixture", "model_name"),
    [("article_index", "articlepage"), ("statement_index", "jointstatementpage")],
)
def test_add_page_forms_open(admin_client, request, index_fixture, model_name):
    index = request.getfixturevalue(index_fixture)
    url = reverse("wagtailadmin_pages:add", args=["articles", model_name, index.pk])
    assert admin_client.get(url).status_code == 200


def test_campaign_page_form_offers_the_campaign_blocks(admin_client, campaign_index):
    index = campaign_index
    url = reverse("wagtailadmin_pages:add", args=["campaigns", "campaignpage", index.pk])
    html = admin_client.get(url).content.decode()
    for label in ("Impunity figures", "Latest content", "Call to action", "Joint statements"):
        assert label in html


def test_an_article_draft_needs_no_teaser_but_publishing_does(admin_client, article_index):
    from wagtail.models import Page

    from articles.factories import ArticlePageFactory
    from tests.campaigns.test_editorial_roles import news_form

    article = ArticlePageFactory(parent=article_index, title="Draft", live=False)
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    draft = admin_client.post(url, {**news_form(article, "Half written"), "teaser": ""})
    assert draft.status_code == 302
    assert Page.objects.get(pk=article.pk).get_latest_revision_as_object().title == "Half written"

    publish = admin_client.post(
        url, {**news_form(article, "Half written"), "teaser": "   ", "action-publish": "1"}
    )
    assert publish.status_code == 200
    assert "Write a teaser: listings and previews show it." in publish.content.decode()
    assert not Page.objects.get(pk=article.pk).live


def test_a_figure_draft_needs_no_source_or_date_but_publishing_does(admin_client):
    from tests.campaigns.test_editorial_roles import figure_form

    url = reverse("wagtailsnippets_campaigns_impunityfigure:add")
    unfinished = figure_form(
        ImpunityFigure(name="New count", kind="count", sentence="were killed."),
        value="",
        source_name="",
        as_of="",
    )
    draft = admin_client.post(url, unfinished)
    assert draft.status_code == 302
    assert ImpunityFigure.objects.get(name="New count").live is False

    publish = admin_client.post(
        url, {**unfinished, "name": "Published count", "action-publish": "1"}
    )
    assert publish.status_code == 200
    html = publish.content.decode()
    for message in ("Enter the number.", "Name the source", "Give the date the figure"):
        assert message in html
    assert not ImpunityFigure.objects.filter(name="Published count").exists()


def test_a_country_code_typed_in_lower_case_is_accepted_in_capitals(admin_client):
    from ifex.core.factories import RegionFactory
    from ifex.core.models import Country

    region = RegionFactory(name="Asia-Pacific", slug="asia-pacific")
    url = reverse("wagtailsnippets_core_country:add")
    added = admin_client.post(url, {"name": "Philippines", "iso_code": "ph", "region": region.pk})
    assert added.status_code == 302
    assert Country.objects.get(name="Philippines").iso_code == "PH"

    again = admin_client.post(
        url, {"name": "Philippines again", "iso_code": "Ph", "region": region.pk}
    )
    assert again.status_code == 200, "the same code in another case is still the same country"
    assert "A country with this code exists already." in again.content.decode()
    assert not Country.objects.filter(name="Philippines again").exists()


@pytest.mark.parametrize("model_name", ["topic", "region"])
def test_a_duplicate_slug_gets_a_message_not_a_500(admin_client, model_name):
    url = reverse(f"wagtailsnippets_core_{model_name}:add")
    data = {"name": "Impunity", "slug": "impunity", "sort_order": 0, "description": ""}
    assert admin_client.post(url, data).status_code == 302
    again = admin_client.post(url, {**data, "name": "Impunity again"})
    assert again.status_code == 200
    assert "has this slug" in again.content.decode()


def test_chosen_pages_show_in_the_editor_as_chosen(
    admin_client, campaign_index, article_index, statement_index
):
    """The featured and statements blocks read chosen pages lightly for readers
    (CardChooserBlock); the editor still shows each chosen page by its title."""
    featured = ArticlePageFactory(parent=article_index, title="Verdict in Veracruz")
    statement = JointStatementPageFactory(parent=statement_index, title="End impunity now")
    page = CampaignPageFactory(parent=campaign_index, body=choosing(featured, statement))
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verdict in Veracruz" in html and "End impunity now" in html
