import pytest
from django.urls import reverse

from campaigns.factories import ImpunityFigureFactory
from campaigns.models import ImpunityFigure

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
