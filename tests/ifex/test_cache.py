"""One cache for all of a server's workers, or all servers' with Redis; a dead Redis is reported
by /healthz, not turned into errors."""

import pytest

from tests.ifex.test_settings import STRONG_KEY, run_manage
from tests.support import redis_server

SHOW_BACKEND = (
    "from django.conf import settings; c = settings.CACHES['default']; "
    "print(c['BACKEND'], c['LOCATION'])"
)


def production_shell(code, var_dir, **environ):
    result = run_manage(
        "shell",
        "-c",
        code,
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgresql://unused@127.0.0.1:1/unused",
        VAR_DIR=str(var_dir),
        **environ,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_server_s_workers_share_a_file_cache_by_default(tmp_path):
    backend = production_shell(SHOW_BACKEND, tmp_path)
    assert backend == f"ifex.core.cache.TolerantFileBasedCache {tmp_path / 'cache'}"


def test_with_redis_two_servers_see_the_same_cache(tmp_path):
    server_a, server_b = tmp_path / "a", tmp_path / "b"  # each its own var/, as on two machines
    with redis_server(tmp_path) as (url, _):
        written = "from django.core.cache import cache; cache.set('shared', 'yes', 60); print('ok')"
        assert production_shell(written, server_a, REDIS_URL=url) == "ok"
        read = "from django.core.cache import cache; print(cache.get('shared'))"
        assert production_shell(read, server_b, REDIS_URL=url) == "yes"


@pytest.mark.django_db
def test_healthz_reports_a_redis_that_went_away(client, settings, tmp_path):
    with redis_server(tmp_path) as (url, process):
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        }
        assert client.get("/healthz").json() == {"database": "ok", "cache": "ok"}
        process.terminate()
        process.wait(timeout=10)

        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failing"}


def test_a_bad_host_header_is_one_line_in_the_log(tmp_path):
    """Scanners send any Host: each refusal is a line an operator can read past, not a
    traceback (production's logging, as gunicorn's workers write it)."""
    code = (
        "from django.test import Client; "
        "print(Client(HTTP_HOST='evil.example').get('/articles/').status_code)"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgresql://unused@127.0.0.1:1/unused",
        VAR_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path),
        HTTPS_ONLY="false",
    )
    assert result.stdout.strip().splitlines()[-1] == "400"
    logged = result.stderr.strip().splitlines()
    assert len(logged) == 1, result.stderr
    assert "Invalid HTTP_HOST header: 'evil.example'" in logged[0]
