"""`make run` end to end: gunicorn, production settings, WhiteNoise, demo content (a clean
Ctrl-C is in test_faults.py, on a site of its own)."""

import re
import socket
import time

import pytest

from ifex.serve import port_is_free, read_port
from tests import support
from tests.support import fetch


@pytest.fixture
def running_site(demo_site):
    return demo_site.base, demo_site.process, demo_site.var_dir


def test_make_run_serves_the_site_with_gunicorn_and_static_files(running_site):
    base, _, var_dir = running_site
    status, headers, body = fetch(base + "/")
    assert status == 200
    assert "gunicorn" in headers.get("Server", "")
    assert "no one is punished" in body

    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "static files have hashed names"
    status, headers, _ = fetch(base + stylesheet.group(1))
    assert status == 200
    assert "immutable" in headers["Cache-Control"]

    status, _, body = fetch(base + "/no-such-page/")
    assert status == 404
    assert "Page not found" in body and "Traceback" not in body, "DEBUG is off"

    password = (var_dir / "demo-logins.json").read_text()
    assert "admin" in password


def test_make_run_writes_mail_where_a_person_can_read_it(running_site):
    base, _, var_dir = running_site
    status = support.submit_form(base + "/admin/password_reset/", {"email": "admin@example.org"})
    assert status == 200, "redirected to the 'sent' page"
    # The browser tests on the same site send review mail too (to superusers among others).
    messages = [path.read_text() for path in (var_dir / "mail").glob("*.log")]
    resets = [text for text in messages if "/admin/password_reset/" in text]
    assert [text for text in resets if "To: admin@example.org" in text]


@pytest.mark.parametrize("value", ["abc", "0", "70000", "-1", ""])
def test_a_bad_port_gets_a_clear_answer(monkeypatch, capsys, value):
    monkeypatch.setenv("PORT", value)
    assert read_port() is None
    assert "PORT must be a number from 1 to 65535" in capsys.readouterr().out


def test_a_port_in_use_is_detected():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        assert not port_is_free(holder.getsockname()[1])


def test_make_run_publishes_scheduled_content_periodically(monkeypatch):
    from ifex import serve

    calls = []

    def record(command, **kwargs):
        calls.append(command)
        return serve.subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(serve.subprocess, "run", record)
    publisher = serve.ScheduledPublisher(every_seconds=1)
    publisher.start()
    deadline = time.monotonic() + 10
    while len(calls) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    publisher.stop()
    publisher.join(timeout=5)
    assert len(calls) >= 2
    assert all(command[-1] == "run_periodic_jobs" for command in calls)
    assert not publisher.is_alive()
