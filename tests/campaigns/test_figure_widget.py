"""The figure widget: any site may frame it (and no other address of the site), it always shows
the value with its sentence, source and date, and staff find its embed code on the record."""

import datetime

import pytest

from campaigns.factories import CampaignPageFactory, ImpunityFigureFactory
from ifex.core.factories import stream_data

pytestmark = pytest.mark.django_db


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if "frame-ancestors" in part)


def test_the_widget_shows_the_figure_with_its_source_and_date_and_any_site_may_frame_it(client):
    figure = ImpunityFigureFactory(value=1700, as_of=datetime.date(2026, 11, 1))
    url = f"/embed/figures/{figure.pk}/"
    for response in (client.get(url), client.get(url)):  # the second from the page cache
        assert response.status_code == 200
        assert frame_ancestors(response) == "frame-ancestors *"
        assert "X-Frame-Options" not in response
        html = response.content.decode()
        assert '<strong class="figure__value">1,700</strong>' in html
        assert "journalists and media workers have been killed since 2006." in html
        assert "UNESCO Observatory of Killed Journalists</a>, as of 1 November 2026" in html
        assert 'href="/how-we-count/" target="_blank"' in html
        assert "<script" not in html
    assert frame_ancestors(client.get("/how-we-count/")) == "frame-ancestors 'none'"
    assert client.get("/how-we-count/")["X-Frame-Options"] == "DENY"


def test_the_widget_shows_only_what_is_published(client):
    never = ImpunityFigureFactory(live=False)
    assert client.get(f"/embed/figures/{never.pk}/").status_code == 404
    figure = ImpunityFigureFactory(value=1700)
    figure.value = 1800
    figure.save_revision()  # a draft
    assert "1,700" in client.get(f"/embed/figures/{figure.pk}/").content.decode()


def test_the_record_gives_the_embed_code(client):
    figure = ImpunityFigureFactory(value=1700)
    html = client.get("/how-we-count/").content.decode()
    embed = f'&lt;iframe src="http://testserver/embed/figures/{figure.pk}/" title="journalists'
    assert embed in html
    assert f'&lt;a href="http://testserver/how-we-count/#figure-{figure.pk}"&gt;1,700' in html


def test_a_stats_block_is_a_widget_too_with_its_embed_code_beside_it(client, campaign_index):
    shown = ImpunityFigureFactory(value=1700, as_of=datetime.date(2026, 11, 1))
    ratio = ImpunityFigureFactory(ratio=True, sentence="killings go unpunished.")
    draft = ImpunityFigureFactory(live=False, value=4321)
    campaign = CampaignPageFactory(
        parent=campaign_index,
        body=stream_data(
            [("stats", {"heading": "Facts of impunity", "figures": [shown.pk, ratio.pk, draft.pk]})]
        ),
    )
    [stats] = campaign.body
    url = f"/embed/stats/{campaign.pk}/{stats.id}/"
    for response in (client.get(url), client.get(url)):  # the second from the page cache
        assert response.status_code == 200
        assert frame_ancestors(response) == "frame-ancestors *"
        assert "X-Frame-Options" not in response
        html = response.content.decode()
        assert '<h1 class="widget__heading">Facts of impunity</h1>' in html
        assert '<strong class="figure__value">1,700</strong>' in html
        assert '<strong class="figure__value">9 out of 10</strong>' in html
        assert "4,321" not in html, "a draft figure is never shown"
        assert "UNESCO Observatory of Killed Journalists</a>, as of 1 November 2026" in html
        assert "<script" not in html

    page = client.get(campaign.url).content.decode()
    assert f'&lt;iframe src="http://testserver{url}" title="Facts of impunity"' in page
    assert frame_ancestors(client.get(campaign.url)) == "frame-ancestors 'none'"


def test_a_stats_widget_of_an_unpublished_page_or_another_block_is_not_found(
    client, campaign_index
):
    figure = ImpunityFigureFactory()
    body = stream_data([("stats", {"heading": "", "figures": [figure.pk]})])
    draft = CampaignPageFactory(parent=campaign_index, body=body, live=False)
    [stats] = draft.body
    assert client.get(f"/embed/stats/{draft.pk}/{stats.id}/").status_code == 404
    live = CampaignPageFactory(parent=campaign_index, body=body)
    other_block = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/embed/stats/{live.pk}/{other_block}/").status_code == 404
    assert client.get(f"/embed/stats/{live.pk}/not-a-block/").status_code == 404
