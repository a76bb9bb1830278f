"""`make backup` and `make restore`: the demo site goes into an archive and comes back identical."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.support import BASE_DIR, child_environment, scratch_database

# What a restore does not promise to bring back, left out of the comparison, each with why.
# Every other model of every installed app (the app registry's) is compared: a new model is
# compared without a word here.
NOT_COMPARED = {
    "sessions.session": "sign-ins expire; after a restore, staff sign in again",
    "axes.accessattempt": "failed sign-ins, counted for LOGIN_COOLOFF_MINUTES, then forgotten",
    "axes.accessattemptexpiration": "when each of those counts is forgotten",
    "wagtailadmin.editingsession": "who has an edit form open right now, stale within minutes",
    "wagtailadmin.formstate": "a preview's unsaved form, kept while the preview is open",
}
PAGES_READ = [
    "/how-we-count/",
    "/statements/global-magnitsky-sanctions/",
    "/campaigns/no-impunity/",
]
SEED_AND_PUBLISH_A_NEW_VALUE = (
    "from django.core.management import call_command; call_command('seed_demo'); "
    "call_command('ensure_demo_users'); "
    "from campaigns.models import ImpunityFigure; "
    "figure = ImpunityFigure.objects.filter(kind='count').order_by('pk').first(); "
    "figure.value += 1; figure.save_revision().publish(); "
    # A staff member's second factor: lost in a restore, they could no longer sign in.
    "from django.contrib.auth.models import User; "
    "from django_otp.plugins.otp_totp.models import TOTPDevice; "
    "TOTPDevice.objects.create(user=User.objects.get(username='editor'), name='Phone')"
)


def compared_models() -> list[str]:
    """Every model with rows of its own (a proxy's rows are its model's), but NOT_COMPARED."""
    from django.apps import apps

    stored = {
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
    assert set(NOT_COMPARED) <= stored, "an exclusion names no model any more: take it out"
    return sorted(stored - set(NOT_COMPARED))


def read_site(models: list[str]) -> str:
    """Code for `manage.py shell`: each model's rows, where each table's numbering stands, and
    what readers see, in one process (each costs Django's start-up)."""
    return (
        "from django.core.management import call_command; from django.db import connection; "
        "from django.test import Client; "
        f"call_command('dumpdata', *{models!r}, indent=1); "
        "cursor = connection.cursor(); "
        "cursor.execute('SELECT sequencename, last_value FROM pg_sequences ORDER BY 1'); "
        "print(cursor.fetchall()); "
        "client = Client(HTTP_HOST='localhost'); "
        f"print('\\n'.join(client.get(path).content.decode() for path in {PAGES_READ!r}))"
    )


def manage(*args, **environ) -> subprocess.CompletedProcess:
    env = child_environment(DJANGO_SETTINGS_MODULE="ifex.settings.dev", DEBUG="false", **environ)
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def checked(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def two_databases(migrated_template):
    with scratch_database(migrated_template) as source, scratch_database() as target:
        yield source, target


def test_backup_restores_the_site_identically(two_databases, tmp_path):
    source_url, target_url = two_databases
    # The English-only demo: translations are pages and snippets like any other, in the same
    # tables, and would add half a minute.
    source = {
        "DATABASE_URL": source_url,
        "MEDIA_ROOT": tmp_path / "media",
        "VAR_DIR": tmp_path,
        "DEMO_LANGUAGES": "",
    }
    target = {"DATABASE_URL": target_url, "MEDIA_ROOT": tmp_path / "restored", "VAR_DIR": tmp_path}
    # The source is a copy of what `migrate` makes (the `migrated_template` fixture).
    checked(manage("shell", "-c", SEED_AND_PUBLISH_A_NEW_VALUE, **source))

    written = checked(manage("backup", **source))
    [archive] = (tmp_path / "backups").glob("ifex-*.tar.gz")
    assert str(archive) in written

    checked(manage("restore", archive, **target))
    assert files_under(tmp_path / "restored") == files_under(tmp_path / "media")
    read = read_site(compared_models())
    restored = checked(manage("shell", "-c", read, **target))
    assert restored == checked(manage("shell", "-c", read, **source))
    assert "Signed by 94 organisations" in restored
    for model in (
        "auth.user",
        "auth.group",
        "otp_totp.totpdevice",
        "wagtailcore.workflow",
        "cases.casestatusevent",
        "campaigns.figurepublication",
        "core.siteimage",
    ):
        assert f'"model": "{model}"' in restored, f"the demo has no {model} to compare"

    refused = manage("restore", archive, **source)
    assert refused.returncode == 1
    assert "is not empty" in refused.stderr and "Traceback" not in refused.stderr


def test_restoring_something_that_is_not_a_backup_gets_a_clear_answer(tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_text("hello")
    with scratch_database() as empty:
        result = manage("restore", not_a_backup, DATABASE_URL=empty, MEDIA_ROOT=tmp_path / "m")
    assert result.returncode == 1
    assert "is not a readable backup" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.django_db
def test_a_backup_says_that_uploads_in_a_bucket_are_not_in_it(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "ifex.core.storage.PrivateBucketStorage",
            "OPTIONS": {"bucket_name": "ifex-media"},
        },
    }
    written = io.StringIO()
    call_command("backup", folder=tmp_path, stdout=written)
    assert "Backup written" in written.getvalue()
    assert "Uploaded files are in the bucket ifex-media, not in this archive" in written.getvalue()
