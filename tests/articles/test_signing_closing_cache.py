"""A statement's page offers "Sign this statement" only while signing is open: the page cache
and a CDN keep the page no longer than until signing closes."""

import datetime
import time

import pytest
from django.utils import timezone

from articles.factories import JointStatementPageFactory
from ifex.core.page_cache import CACHE_STATUS_HEADER

pytestmark = pytest.mark.django_db

SIGN = "Sign this statement"


def s_maxage(response) -> int:
    for part in response["Cache-Control"].split(","):
        name, _, value = part.strip().partition("=")
        if name == "s-maxage":
            return int(value)
    raise AssertionError(response["Cache-Control"])


def test_a_cached_statement_stops_offering_to_sign_when_signing_closes(client, statement_index):
    closes = timezone.now() + datetime.timedelta(seconds=3)
    statement = JointStatementPageFactory(
        parent=statement_index, signatures_open=True, signatures_close_at=closes
    )
    first = client.get(statement.url)
    assert first[CACHE_STATUS_HEADER] == "miss" and SIGN in first.content.decode()
    assert s_maxage(first) <= 3, "a CDN keeps it no longer either"
    second = client.get(statement.url)
    assert second[CACHE_STATUS_HEADER] == "hit" and SIGN in second.content.decode()

    while timezone.now() < closes:  # the clock, not a race: wait until signing has closed
        time.sleep(0.1)
    after = client.get(statement.url).content.decode()
    assert SIGN not in after
    assert "Signing closed on" in after


def test_a_statement_closing_later_is_cached_as_long_as_any_page(client, statement_index, settings):
    statement = JointStatementPageFactory(
        parent=statement_index,
        signatures_open=True,
        signatures_close_at=timezone.now() + datetime.timedelta(days=30),
    )
    first = client.get(statement.url)
    assert s_maxage(first) == settings.CACHE_CONTROL_MAX_AGE
    assert client.get(statement.url)[CACHE_STATUS_HEADER] == "hit"
