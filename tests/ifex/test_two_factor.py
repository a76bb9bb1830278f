"""Two-factor sign-in: off unless a superuser requires it for a group (or a person sets it up),
then no admin page opens without a code from an authenticator app."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ifex.core.two_factor import require_2fa_permission

pytestmark = pytest.mark.django_db

PAGES = reverse("wagtailadmin_home")
SETUP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")


def forget_failures(device):
    """django-otp pauses checks for a second or more after a wrong code; the tests don't wait."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )


def code(device, steps_ahead=0) -> str:
    """The code the person's app shows now (or `steps_ahead` periods of 30 s later)."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead
    )
    return f"{value:0{device.digits}d}"


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def require_for_editors():
    Group.objects.get(name="Editors").permissions.add(*require_2fa_permission())


def test_without_the_requirement_nothing_changes(editor):
    assert signed_in(editor).get(PAGES).status_code == 200


def test_the_requirement_is_offered_in_the_group_editor(admin_client):
    editors = Group.objects.get(name="Editors")
    page = admin_client.get(reverse("wagtailusers_groups:edit", args=[editors.pk]))
    assert "Must sign in with two factors" in page.content.decode()


def test_a_required_member_sets_up_an_app_before_anything_else(editor):
    require_for_editors()
    client = signed_in(editor)
    response = client.get(PAGES)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)

    setup_page = client.get(response["Location"])
    assert b"<svg" in setup_page.content, "a QR code to scan"
    device = TOTPDevice.objects.get(user=editor, confirmed=False)

    wrong = client.post(SETUP, {"code": "000000", "next": PAGES})
    assert b"That code is not right" in wrong.content
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    forget_failures(device)
    right = client.post(SETUP, {"code": code(device), "next": PAGES})
    assert right.status_code == 302 and right["Location"] == PAGES
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(PAGES).status_code == 200


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_every_sign_in_then_asks_for_a_code(editor):
    device = confirmed_device(editor)
    client = signed_in(editor)
    response = client.get(PAGES)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)

    assert b"That code is not right" in client.post(VERIFY, {"code": "123456"}).content
    forget_failures(device)
    passed = client.post(VERIFY, {"code": code(device), "next": PAGES})
    assert passed.status_code == 302 and passed["Location"] == PAGES
    assert client.get(PAGES).status_code == 200


def test_a_password_alone_cannot_add_another_app(editor):
    """Someone who has only stolen the password must not register their own phone."""
    confirmed_device(editor)
    response = signed_in(editor).get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_guessing_codes_is_throttled(editor):
    device = confirmed_device(editor)
    client = signed_in(editor)
    for guess in ("111111", "222222", "333333"):
        client.post(VERIFY, {"code": guess})
    refused = client.post(VERIFY, {"code": code(device)})
    assert b"Too many wrong codes" in refused.content
    assert client.get(PAGES).status_code == 302


def test_only_those_not_required_can_turn_it_off(editor, django_user_model):
    require_for_editors()
    device = confirmed_device(editor)
    client = signed_in(editor)
    client.post(VERIFY, {"code": code(device)})
    client.post(SETUP, {"action": "remove"})
    assert TOTPDevice.objects.filter(user=editor).exists()

    moderator = django_user_model.objects.create_user("moderator", "m@example.org", "pw")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    own = confirmed_device(moderator)
    client = signed_in(moderator)
    client.post(VERIFY, {"code": code(own)})
    client.post(SETUP, {"action": "remove"})
    assert not TOTPDevice.objects.filter(user=moderator).exists()
    assert client.get(PAGES).status_code == 200
