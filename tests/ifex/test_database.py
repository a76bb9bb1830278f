import json
import os
import signal
import subprocess
import sys
import textwrap

import psutil
import psycopg
import pytest
from django.db import connection

from ifex.database import database_config, forget_dead_handles, start_embedded


@pytest.mark.django_db
def test_the_database_is_postgresql_18_or_newer():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    assert version.startswith("PostgreSQL")
    if not os.environ.get("DATABASE_URL"):
        assert connection.pg_version >= 180000


def test_database_url_wins_over_the_embedded_server():
    config = database_config({"DATABASE_URL": "postgresql://someone:secret@db.internal:6543/news"})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 6543, "news")


def test_handles_of_dead_processes_are_forgotten(tmp_path):
    dead_pid = 2**22 + 12345  # above the kernel's pid_max default range
    (tmp_path / ".handle_pids.json").write_text(json.dumps([os.getpid(), dead_pid]))
    forget_dead_handles(tmp_path)
    assert json.loads((tmp_path / ".handle_pids.json").read_text()) == [os.getpid()]


CRASHING_USER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from ifex.database import start_embedded
    server = start_embedded(Path(sys.argv[1]))
    print(server.handle.get_pid(), flush=True)
    time.sleep(600)
    """
)


def start_and_crash_a_user(data_dir) -> int:
    """A process opens the embedded server, then dies without leaving; returns the server's pid."""
    crashing = subprocess.Popen(
        [sys.executable, "-c", CRASHING_USER, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    postmaster_pid = int(crashing.stdout.readline())
    crashing.send_signal(signal.SIGKILL)
    crashing.wait()
    return postmaster_pid


def can_query(server) -> bool:
    with psycopg.connect(
        dbname=server.database, user="postgres", host=str(server.socket_dir), port=server.port
    ) as connection:
        return connection.execute("SELECT 1").fetchone() == (1,)


def test_a_server_left_running_by_a_crash_is_reused_then_stopped(tmp_path):
    data_dir = tmp_path / "pgdata"
    postmaster_pid = start_and_crash_a_user(data_dir)

    server = start_embedded(data_dir, database="reused")
    assert server.handle.get_pid() == postmaster_pid
    assert can_query(server)
    server.stop()
    assert not (data_dir / "postmaster.pid").exists(), "the last user leaving stops the server"


def test_a_server_killed_mid_run_leaves_no_lock_that_blocks_the_next_start(tmp_path):
    data_dir = tmp_path / "pgdata"
    postmaster = psutil.Process(start_and_crash_a_user(data_dir))
    postmaster.kill()
    psutil.wait_procs([postmaster], timeout=5)
    assert (data_dir / "postmaster.pid").exists()

    server = start_embedded(data_dir, database="restarted")
    try:
        assert server.handle.get_pid() != postmaster.pid
        assert can_query(server)
    finally:
        server.stop()
