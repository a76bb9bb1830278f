import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_demo_admin_is_created_with_a_generated_password(var_dir):
    call_command("ensure_demo_users", stdout=StringIO())
    password = json.loads((var_dir / "demo-logins.json").read_text())["admin"]
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert len(password) >= 12
    assert admin.check_password(password)


def test_demo_passwords_differ_between_checkouts(var_dir, tmp_path_factory, settings):
    call_command("ensure_demo_users", stdout=StringIO())
    first = json.loads((var_dir / "demo-logins.json").read_text())["admin"]
    get_user_model().objects.all().delete()
    settings.VAR_DIR = tmp_path_factory.mktemp("other-checkout")
    call_command("ensure_demo_users", stdout=StringIO())
    second = json.loads((settings.VAR_DIR / "demo-logins.json").read_text())["admin"]
    assert first != second


def test_running_again_keeps_the_password_an_admin_changed(var_dir):
    call_command("ensure_demo_users", stdout=StringIO())
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("changed-by-the-admin")
    admin.save()
    call_command("ensure_demo_users", stdout=StringIO())
    admin.refresh_from_db()
    assert admin.check_password("changed-by-the-admin")


def test_one_demo_user_per_role_joins_its_group(var_dir):
    call_command("ensure_demo_users", stdout=StringIO())
    logins = json.loads((var_dir / "demo-logins.json").read_text())
    for username, group in {
        "editor": "Editors",
        "campaigner": "Campaign staff",
        "moderator": "Moderators",
    }.items():
        user = get_user_model().objects.get(username=username)
        assert user.groups.filter(name=group).exists()
        assert not user.is_superuser
        assert user.check_password(logins[username])
