"""The periodic jobs run once for the whole deployment: every server's timer may start them,
and a PostgreSQL advisory lock lets one run at a time."""

import datetime
from io import StringIO

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from wagtail.models import PageLogEntry

from articles.factories import ArticlePageFactory
from ifex.core.management.commands.run_periodic_jobs import PERIODIC_JOBS_LOCK

pytestmark = pytest.mark.django_db


def due_article(article_index):
    """An article scheduled for a minute ago, as `publish_scheduled` finds it."""
    page = ArticlePageFactory(parent=article_index, title="Embargo lifted", live=False)
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    return page


def another_server():
    """A second connection to the same database, as another app server holds."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


def run_jobs() -> str:
    output = StringIO()
    call_command("run_periodic_jobs", stdout=output)
    return output.getvalue()


def test_the_jobs_publish_scheduled_pages_and_clear_expired_sessions(article_index):
    page = due_article(article_index)
    Session.objects.create(
        session_key="expired", session_data="", expire_date=timezone.now() - datetime.timedelta(1)
    )
    run_jobs()
    page.refresh_from_db()
    assert page.live
    assert not Session.objects.filter(session_key="expired").exists()


def test_while_another_server_runs_them_this_one_does_nothing(article_index):
    page = due_article(article_index)
    with another_server() as other:
        other.execute("SELECT pg_advisory_lock(%s)", [PERIODIC_JOBS_LOCK])
        assert "Another server is running the periodic jobs." in run_jobs()
        page.refresh_from_db()
        assert not page.live
    # That server stopped (its connection closed): the lock is free again.
    run_jobs()
    run_jobs()
    page.refresh_from_db()
    assert page.live
    assert PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").count() == 1
