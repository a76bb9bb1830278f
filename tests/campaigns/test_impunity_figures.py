import datetime

import pytest
from django.utils import timezone

from campaigns.factories import CampaignPageFactory, ImpunityFigureFactory
from campaigns.models import ImpunityFigure
from ifex.core.factories import OrganisationFactory, stream_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign_with(campaign_index):
    index = campaign_index

    def build(*figures):
        stats = ("stats", {"heading": "The facts", "figures": [figure.pk for figure in figures]})
        return CampaignPageFactory(parent=index, body=stream_data([stats]))

    return build


def page_html(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_published_figure_shows_value_sentence_source_and_date(client, campaign_with):
    figure = ImpunityFigureFactory(
        value=1700,
        sentence="journalists and media workers have been killed since 2006.",
        source_name="UNESCO",
        source_url="https://unesco.example/observatory",
        as_of=datetime.date(2025, 11, 2),
    )
    html = page_html(client, campaign_with(figure))
    assert '<strong class="figure__value">1,700</strong>' in html
    assert "journalists and media workers have been killed since 2006." in html
    assert '<a href="https://unesco.example/observatory" rel="noopener">UNESCO</a>' in html
    assert "as of 2 November 2025" in html


def test_ratio_reads_as_out_of(client, campaign_with):
    html = page_html(client, campaign_with(ImpunityFigureFactory(ratio=True)))
    assert '<strong class="figure__value">9 out of 10</strong>' in html


def test_a_figure_never_published_is_not_shown(client, campaign_with):
    draft = ImpunityFigureFactory(live=False, sentence="a draft sentence")
    shown = ImpunityFigureFactory(sentence="a published sentence")
    html = page_html(client, campaign_with(draft, shown))
    assert "a draft sentence" not in html
    assert "a published sentence" in html


def test_a_draft_change_stays_private_until_published(client, campaign_with):
    figure = ImpunityFigureFactory(value=1700)
    page = campaign_with(figure)

    figure.value = 1800
    figure.save_revision()  # a draft: the public row is unchanged
    assert ">1,700<" in page_html(client, page)

    figure.refresh_from_db()
    figure.latest_revision.publish()
    assert ">1,800<" in page_html(client, page), "shown on the very next request"


def test_live_count_figure_follows_the_member_directory(client, campaign_with):
    OrganisationFactory.create_batch(3, is_member=True)
    OrganisationFactory(is_member=False)
    page = campaign_with(ImpunityFigureFactory(member_count=True))
    assert '<strong class="figure__value">3</strong>' in page_html(client, page)

    OrganisationFactory(is_member=True)
    html = page_html(client, page)
    assert '<strong class="figure__value">4</strong>' in html
    assert f"as of {timezone.localdate():%-d %B %Y}" in html


@pytest.mark.parametrize(
    ("fields", "field_in_error"),
    [
        ({"kind": "count", "value": None}, "value"),
        ({"kind": "ratio", "value": 9, "out_of": None}, "out_of"),
        ({"kind": "ratio", "value": 11, "out_of": 10}, "value"),
        ({"kind": "live", "live_count": ""}, "live_count"),
        ({"kind": "count", "source_name": ""}, "source_name"),
        ({"kind": "count", "as_of": None}, "as_of"),
    ],
)
def test_a_figure_that_cannot_be_read_is_refused(fields, field_in_error, admin_user):
    from wagtail.admin.panels import get_edit_handler

    from tests.campaigns.test_editorial_roles import figure_form

    form_class = get_edit_handler(ImpunityFigure).get_form_class()
    data = figure_form(ImpunityFigureFactory.build(**fields))
    data = {key: "" if value is None else value for key, value in data.items()}
    form = form_class(data, instance=ImpunityFigure(), for_user=admin_user)
    assert not form.is_valid(), "refused at publish"
    assert field_in_error in form.errors

    draft = form_class(data, instance=ImpunityFigure(), for_user=admin_user)
    draft.defer_required_fields()
    impossible = (
        fields.get("value", 0) and fields.get("out_of") and fields["value"] > fields["out_of"]
    )
    assert draft.is_valid() != bool(impossible), "a draft may be unfinished, never impossible"


def test_figure_snippet_keeps_revisions_and_supports_locking_and_scheduling():
    for mixin in ("DraftStateMixin", "RevisionMixin", "LockableMixin", "PreviewableMixin"):
        assert mixin in [cls.__name__ for cls in ImpunityFigure.__mro__]
    figure = ImpunityFigureFactory()
    figure.save_revision()
    figure.save_revision()
    assert figure.revisions.count() == 3, "the published one and two drafts"
    assert hasattr(figure, "go_live_at") and hasattr(figure, "locked")
