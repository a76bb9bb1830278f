"""Previews open in the admin's side panel: frameable by the admin's own origin, nothing else."""

import pytest
from django.urls import reverse

from articles.factories import ArticlePageFactory
from campaigns.factories import ImpunityFigureFactory
from tests.campaigns.test_editorial_roles import figure_form, news_form

pytestmark = pytest.mark.django_db


def policy(response):
    return dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )


def frame_policy(response):
    return policy(response)["frame-ancestors"], response["X-Frame-Options"]


def test_a_page_preview_may_be_framed_by_the_admin_only(admin_client, client, article_index):
    article = ArticlePageFactory(parent=article_index, title="Trial opens")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    assert admin_client.post(url, news_form(article, "A draft title")).json()["is_valid"]
    preview = admin_client.get(url)
    assert b"A draft title" in preview.content
    assert frame_policy(preview) == ("'self'", "SAMEORIGIN")
    assert policy(preview)["script-src"] == "'self'", "a preview shows what readers will get"

    public = client.get(article.url)
    assert frame_policy(public) == ("'none'", "DENY"), "readers' pages are never framed"


def test_a_figure_preview_may_be_framed_by_the_admin_only(admin_client):
    figure = ImpunityFigureFactory(value=1700)
    url = reverse("wagtailsnippets_campaigns_impunityfigure:preview_on_edit", args=[figure.pk])
    assert admin_client.post(url, figure_form(figure, value=1850)).json()["is_valid"]
    preview = admin_client.get(url)
    assert b"1,850" in preview.content
    assert frame_policy(preview) == ("'self'", "SAMEORIGIN")


def test_the_admin_runs_under_a_policy_that_keeps_everything_on_its_own_origin(admin_client):
    admin = policy(admin_client.get("/admin/"))
    # Wagtail 8's page editor runs inline scripts: the admin alone allows them.
    assert admin["script-src"] == "'self' 'unsafe-inline'"
    assert admin["frame-ancestors"] == "'none'"
    assert admin["form-action"] == "'self'"
    assert admin["connect-src"] == "'self' https://releases.wagtail.org"
    assert admin["object-src"] == "'none'"
