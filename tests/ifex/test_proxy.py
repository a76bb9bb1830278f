"""nginx in front of `make run`'s gunicorn, with the configuration the README gives: slow clients
never stall the site, static files and allowed media are served, the client's address is known."""

import re
import socket
import time
import urllib.parse
import urllib.request

import pytest

from tests import support
from tests.support import fetch


@support.made_ahead("site_behind_nginx")
def site_behind_nginx_maker(request, tmp_path_factory):
    template = request.getfixturevalue("migrated_template")
    var_dir, nginx_dir = tmp_path_factory.mktemp("var"), tmp_path_factory.mktemp("nginx")

    def make(stack):
        support.require_nginx()
        database_url = stack.enter_context(support.scratch_database(template))
        app_base, _ = stack.enter_context(
            support.running_site(
                database_url,
                var_dir,
                MEDIA_ACCEL_REDIRECT="/protected-media/",
                TRUSTED_PROXY_COUNT="1",
                DEMO_LANGUAGES="",  # the proxy passes every language alike: English is enough
                PUBLISH_SCHEDULED_EVERY="300",  # up for the whole run, no test waits for them
            )
        )
        proxy_base = stack.enter_context(
            support.nginx_in_front_of(
                [app_base],
                static_root=var_dir / "staticfiles",
                media_root=var_dir / "media",
                run_dir=nginx_dir,
            )
        )
        return proxy_base, app_base

    return make


@pytest.fixture(scope="module")
def site_behind_nginx(prepared):
    return prepared("site_behind_nginx").get()


def stalled_clients(base: str, count: int):
    """Sockets that send half a request and then nothing: what a slowloris attack does."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    sockets = []
    for _ in range(count):
        held = socket.create_connection((host, int(port)))
        held.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sockets.append(held)
    return sockets


def test_static_files_and_allowed_media_come_through_the_proxy(site_behind_nginx):
    proxy, app = site_behind_nginx
    status, _, home = fetch(proxy + "/")
    assert status == 200
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home).group(1)
    status, headers, _ = fetch(proxy + stylesheet)
    assert status == 200 and "immutable" in headers["Cache-Control"]

    image = re.search(r'src="(/media/images/[^"]+)"', home).group(1)
    with urllib.request.urlopen(proxy + image, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("image/")
        assert len(response.read()) > 1000, "nginx sent the file the app allowed"
    status, headers, body = fetch(app + image)
    assert headers.get("X-Accel-Redirect", "").startswith("/protected-media/images/")
    assert body == "", "the app itself only says yes"
    assert fetch(proxy + "/protected-media/" + image.removeprefix("/media/"))[0] == 404


def failed_sign_in(base: str, forged_address: str) -> int:
    return support.submit_form(
        base + "/admin/login/",
        {"username": "admin", "password": "wrong"},
        headers={"X-Forwarded-For": forged_address},
    )


def test_a_forged_client_address_does_not_escape_the_lockout(site_behind_nginx):
    proxy, _ = site_behind_nginx
    answers = [failed_sign_in(proxy, f"198.51.100.{n}") for n in range(6)]
    assert answers[:4] == [200] * 4, "wrong password: the form again"
    assert answers[-1] == 429, "the same client, whatever address it claims"


def test_stalled_clients_do_not_stall_the_site(site_behind_nginx):
    proxy, _ = site_behind_nginx
    held = stalled_clients(proxy, 16)
    try:
        started = time.monotonic()
        assert fetch(proxy + "/articles/", timeout=10)[0] == 200
        assert time.monotonic() - started < 5
    finally:
        for sock in held:
            sock.close()


def test_without_the_proxy_a_few_stalled_clients_stall_gunicorn(site_behind_nginx):
    """Why production needs the proxy: the same attack straight at gunicorn's sync workers."""
    _, app = site_behind_nginx
    held = stalled_clients(app, 4)
    try:
        with pytest.raises(support.NOT_READY):
            fetch(app + "/articles/", timeout=3)
    finally:
        for sock in held:
            sock.close()
