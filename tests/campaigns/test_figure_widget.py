"""The figure widget: any site may frame it (and no other address of the site), it always shows
the value with its sentence, source and date, and staff find its embed code on the record."""

import datetime

import pytest

from campaigns.factories import ImpunityFigureFactory

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
