"""`make run` end to end: gunicorn, production settings, WhiteNoise, demo content, clean Ctrl-C."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ifex.serve import port_is_free, read_port

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def wait_for(url: str, process: subprocess.Popen, seconds: float = 180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"`make run` exited early:\n{process.stdout.read()}")
        try:
            return fetch(url)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    raise AssertionError("the site did not come up in time")


@pytest.fixture
def running_site(scratch_database_url, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": scratch_database_url,
        "VAR_DIR": str(tmp_path),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "ifex.serve"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, so nothing it starts outlives the test
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", process)
        yield base, process, tmp_path
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


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


def test_ctrl_c_stops_the_server_cleanly(running_site):
    _, process, _ = running_site
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    output = process.stdout.read()
    assert "/admin/" in output
    assert "admin / " in output, "the demo login is printed"
    assert "Traceback" not in output


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
