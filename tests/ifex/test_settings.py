import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.support import child_environment, database_url

BASE_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x9Q2-vL7p-" * 6


def run_manage(*args, **environ):
    env = child_environment(DJANGO_SETTINGS_MODULE="ifex.settings.production", **environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(*names, **environ) -> list:
    """Settings as production reads them from `environ`: the module alone, in a process of its
    own (no Django start-up: a tenth of `manage.py shell`'s time)."""
    code = (
        "import importlib, json; module = importlib.import_module('ifex.settings.production'); "
        f"print(json.dumps([getattr(module, name) for name in {names!r}]))"
    )
    env = child_environment(DJANGO_SETTINGS_MODULE="ifex.settings.production", **environ)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def test_database_url(settings):
    return database_url(settings.DATABASES["default"]["NAME"])


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({"ALLOWED_HOSTS": "example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG_KEY}, "ALLOWED_HOSTS"),
        ({}, "SECRET_KEY and ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_to_start_without_secrets(environ, missing, test_database_url):
    result = run_manage("check", DATABASE_URL=test_database_url, **environ)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, "one line of explanation"
    assert f"need {missing} in the environment" in result.stderr


def test_production_settings_pass_the_deploy_check(test_database_url):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DATABASE_URL=test_database_url,
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="noimpunity.example.org",
        EMAIL_URL="smtp://mailer:secret@mail.example.org:587?tls=true",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_warns_when_mail_goes_nowhere(test_database_url):
    result = run_manage(
        "check",
        "--deploy",
        DATABASE_URL=test_database_url,
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="noimpunity.example.org",
    )
    assert "ifex.W001" in result.stderr + result.stdout


def test_production_settings_refuse_to_start_without_a_database_url():
    result = run_manage("check", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="noimpunity.example.org")
    assert result.returncode == 1
    assert "need DATABASE_URL in the environment" in result.stderr
    assert "Traceback" not in result.stderr


def test_hsts_covers_subdomains_and_preload_only_when_asked(test_database_url):
    def hsts_settings(**environ):
        return production_settings(
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            DATABASE_URL=test_database_url,
            SECRET_KEY=STRONG_KEY,
            ALLOWED_HOSTS="noimpunity.example.org",
            **environ,
        )

    assert hsts_settings() == [False, False]
    asked = {"SECURE_HSTS_INCLUDE_SUBDOMAINS": "true", "SECURE_HSTS_PRELOAD": "true"}
    assert hsts_settings(**asked) == [True, True]


@pytest.mark.django_db
def test_a_rotated_secret_key_keeps_staff_signed_in_while_the_old_one_is_a_fallback(
    admin_client, django_user_model, settings, test_database_url
):
    """README's rotation: the new key in SECRET_KEY, the old one in SECRET_KEY_FALLBACKS."""
    [fallbacks] = production_settings(
        "SECRET_KEY_FALLBACKS",
        DATABASE_URL=test_database_url,
        SECRET_KEY=STRONG_KEY,
        SECRET_KEY_FALLBACKS=f"old-{STRONG_KEY}, older-{STRONG_KEY}",
        ALLOWED_HOSTS="example.org",
    )
    assert fallbacks == [f"old-{STRONG_KEY}", f"older-{STRONG_KEY}"]

    old_key = settings.SECRET_KEY
    other = Client()
    other.force_login(django_user_model.objects.get(username="root"))
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = STRONG_KEY, [old_key]
    assert admin_client.get("/admin/").status_code == 200, "still signed in"
    settings.SECRET_KEY_FALLBACKS = []
    assert admin_client.get("/admin/").status_code == 200, "its session moved to the new key"
    assert other.get("/admin/").status_code == 302, "without the fallback: signed out"


# Read from the environment in ifex/, but not a setting of the site.
NOT_SITE_SETTINGS = {
    "BENCH_SECONDS": "how long `make bench` measures each page; a developer's",
    "BENCH_CEILING_DIR": "set by `make bench` for the ceiling it starts (ifex/bench_ceiling.py)",
}
ENV_HELPERS = {"env_str", "env_int", "env_bool", "env_list"}


def environment_names_read(source: str) -> set[str]:
    """The variable names a module reads: env_str("NAME", ...) and the others of
    ifex/settings/env.py, and os.environ.get("NAME") / environ.get("NAME")."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first, function = node.args[0], node.func
        reads = (isinstance(function, ast.Name) and function.id in ENV_HELPERS) or (
            isinstance(function, ast.Attribute)
            and function.attr == "get"
            and (
                (isinstance(function.value, ast.Name) and function.value.id == "environ")
                or (isinstance(function.value, ast.Attribute) and function.value.attr == "environ")
            )
        )
        if reads and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def test_every_variable_the_site_reads_is_in_env_example():
    read = set()
    for module in sorted((BASE_DIR / "ifex").rglob("*.py")):
        read |= environment_names_read(module.read_text())
    assert {"API_RATE_LIMIT", "SECRET_KEY", "EMAIL_TIMEOUT", "PORT"} <= read  # the scan works
    example = (BASE_DIR / ".env.example").read_text()
    documented = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", example))
    missing = sorted(read - documented - set(NOT_SITE_SETTINGS))
    assert not missing, f"read from the environment but not in .env.example: {missing}"
