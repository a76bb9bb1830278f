"""`/healthz`: what a load balancer asks each app server, by its own address, over plain HTTP."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_a_healthy_server_says_so_to_any_host_without_a_redirect(client, settings):
    settings.ALLOWED_HOSTS = ["noimpunity.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_the_same_host_is_still_refused_everywhere_else(client, settings):
    settings.ALLOWED_HOSTS = ["noimpunity.example.org"]

    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_a_server_without_its_database_answers_503(client):
    broken = mock.patch("django.db.backends.utils.CursorWrapper.execute")
    with broken as execute:
        execute.side_effect = OperationalError("connection refused")
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "failing", "cache": "ok"}


def test_a_server_without_its_cache_answers_503(client):
    with mock.patch("django.core.cache.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failing"}
