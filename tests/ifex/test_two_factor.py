"""Two-factor sign-in: off unless a superuser requires it for a group (or a person sets it up),
then nothing that needs a sign-in opens without a code from an authenticator app: not the
admin, not a private collection's documents and images, not a login-restricted page."""

import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import CollectionViewRestriction, PageViewRestriction

from articles.factories import ArticlePageFactory
from ifex.core.factories import SiteImageFactory
from ifex.core.two_factor import ENROLMENT_LINK_MAX_AGE, require_2fa_permission
from tests.ifex import test_mail
from tests.support import document_in

pytestmark = pytest.mark.django_db

PAGES = reverse("wagtailadmin_home")
SETUP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")
ADMIN_LOGIN = reverse("wagtailadmin_login")
FRONT_END_LOGIN = "/_util/login/"


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


def ask_for_a_link(client, inbox, address="editor@example.org") -> str:
    """Asks the set-up page for an enrolment link; the admin path the mail carries."""
    before = len(inbox.to(address))
    client.post(SETUP, {"action": "send-link"})
    mails = inbox.to(address)
    assert len(mails) == before + 1, "one mail to the account's own address"
    return test_mail.admin_path(test_mail.body(mails[-1]))


def test_a_required_member_sets_up_an_app_before_anything_else(editor, smtp_inbox):
    """Through a link mailed to the account's own address."""
    require_for_editors()
    client = signed_in(editor)
    response = client.get(PAGES)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)

    link = ask_for_a_link(client, smtp_inbox)
    opened = client.get(link)
    assert opened.status_code == 302 and opened["Location"].startswith(SETUP)
    setup_page = client.get(opened["Location"])
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


def test_a_link_opened_before_signing_in_serves_after_it(editor, smtp_inbox):
    require_for_editors()
    link = ask_for_a_link(signed_in(editor), smtp_inbox)
    browser = Client()
    to_login = browser.get(link)
    assert urlsplit(to_login["Location"]).path == ADMIN_LOGIN
    signed = browser.post(
        to_login["Location"], {"username": "editor", "password": "pw", "next": link}
    )
    assert signed["Location"] == link, "the sign-in goes on to the link"
    assert shows_a_key(browser.get(browser.get(link)["Location"]))


def shows_a_key(response) -> bool:
    return b"<svg" in response.content or b"otpauth" in response.content


def test_a_stolen_password_cannot_enrol_an_app(editor, smtp_inbox):
    """Signed in with the password alone: no QR code, no key, nothing a code could confirm."""
    require_for_editors()
    thief = signed_in(editor)
    page = thief.get(SETUP)
    assert page.status_code == 200 and not shows_a_key(page)
    for guess in ("000000", "123456"):
        thief.post(SETUP, {"code": guess, "next": PAGES})
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert thief.get(PAGES).status_code == 302

    ask_for_a_link(thief, smtp_inbox)  # the mail goes to the owner, not to the thief
    assert not shows_a_key(thief.get(SETUP))
    assert [rcpt for rcpt, _ in smtp_inbox.messages] == [["editor@example.org"]]


def test_an_enrolment_link_serves_once_its_own_account_and_not_for_long(
    editor, django_user_model, smtp_inbox, monkeypatch
):
    require_for_editors()
    client = signed_in(editor)
    first = ask_for_a_link(client, smtp_inbox)
    second = ask_for_a_link(client, smtp_inbox)
    client.get(first)
    assert not shows_a_key(client.get(SETUP)), "a newer link replaces the older one"

    intruder = django_user_model.objects.create_user("other", "other@example.org", "pw")
    intruder.groups.add(Group.objects.get(name="Editors"))
    other_client = signed_in(intruder)
    other_client.get(second)
    assert not shows_a_key(other_client.get(SETUP)), "a link is for its own account only"

    later = SimpleNamespace(time=lambda: time.time() + ENROLMENT_LINK_MAX_AGE + 60)
    with monkeypatch.context() as clock:
        clock.setattr(signing, "time", later)
        client.get(second)
    assert not shows_a_key(client.get(SETUP)), "an expired link is refused"

    client.get(second)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    client.post(SETUP, {"code": code(device), "next": PAGES})
    assert client.get(PAGES).status_code == 200

    used = client.get(second, follow=True)
    assert b"no longer valid" in used.content, "a link serves once"
    assert TOTPDevice.objects.filter(user=editor).count() == 1, "no second app from one link"


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


def test_a_member_without_an_e_mail_address_is_told_whom_to_ask(editor, smtp_inbox):
    require_for_editors()
    editor.email = ""
    editor.save()
    client = signed_in(editor)
    answer = client.post(SETUP, {"action": "send-link"}, follow=True)
    assert b"no e-mail address" in answer.content
    assert smtp_inbox.messages == []


@pytest.fixture
def private_things(private_collection, article_index):
    """A collection only Editors may see (a document in it, an image's rendition) and a page
    for signed-in readers only: {what: address}."""
    CollectionViewRestriction.objects.filter(collection=private_collection).delete()
    restriction = CollectionViewRestriction.objects.create(
        collection=private_collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.get(name="Editors"))
    document = document_in(private_collection, "editors-minutes")
    rendition = SiteImageFactory(collection=private_collection).get_rendition("fill-400x300")
    page = ArticlePageFactory(parent=article_index, title="Editors' notes")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return {"document": document.url, "rendition": rendition.url, "page": page.url}


def opened(client, url) -> bool:
    return client.get(url).status_code == 200


@pytest.mark.parametrize("road", [ADMIN_LOGIN, FRONT_END_LOGIN])
@pytest.mark.parametrize("enrolled", [True, False], ids=["enrolled", "not-enrolled"])
def test_a_password_alone_opens_nothing_private(editor, private_things, road, enrolled):
    require_for_editors()
    device = confirmed_device(editor) if enrolled else None
    client = Client()
    signed = client.post(road, {"username": "editor", "password": "pw"})
    assert signed.status_code == 302
    assert urlsplit(signed["Location"]).path == (VERIFY if enrolled else SETUP)
    for what, url in private_things.items():
        assert not opened(client, url), what

    if enrolled:
        client.post(VERIFY, {"code": code(device)})
        for what, url in private_things.items():
            assert opened(client, url), what


def test_signing_in_for_a_private_document_asks_for_the_code_then_opens_it(editor, private_things):
    require_for_editors()
    device = confirmed_device(editor)
    client = Client()
    document = private_things["document"]
    to_login = client.get(document)
    assert to_login.status_code == 302
    login_url = to_login["Location"]
    signed = client.post(login_url, {"username": "editor", "password": "pw", "next": document})
    assert urlsplit(signed["Location"]).path == VERIFY
    assert parse_qs(urlsplit(signed["Location"]).query)["next"] == [document]
    assert client.get(login_url).status_code == 302, "signed in: the login page sends on"

    passed = client.post(VERIFY, {"code": code(device), "next": document})
    assert passed["Location"] == document
    assert opened(client, document)


def test_a_new_password_from_a_reset_still_asks_for_the_code(editor, private_things, smtp_inbox):
    require_for_editors()
    confirmed_device(editor)
    client = Client()
    client.post(reverse("wagtailadmin_password_reset"), {"email": "editor@example.org"})
    [reset] = smtp_inbox.to("editor@example.org")
    form = client.get(test_mail.admin_path(test_mail.body(reset)), follow=True)
    new_password = "A-new-long-passphrase-7"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    for what, url in private_things.items():
        assert not opened(client, url), f"the reset alone signs no one in: {what}"

    signed = client.post(ADMIN_LOGIN, {"username": "editor", "password": new_password})
    assert urlsplit(signed["Location"]).path == VERIFY
    for what, url in private_things.items():
        assert not opened(client, url), what


def test_a_verified_editor_keeps_the_admin_and_the_site(editor, private_things, article_index):
    require_for_editors()
    device = confirmed_device(editor)
    client = signed_in(editor)
    client.post(VERIFY, {"code": code(device)})
    assert client.get(PAGES).status_code == 200
    assert client.get(reverse("wagtailadmin_explore", args=[article_index.pk])).status_code == 200
    for what, url in private_things.items():
        assert opened(client, url), what


def sign_out_form(response) -> bool:
    """A form that posts to the admin's sign-out (Django signs out on POST only)."""
    logout = reverse("wagtailadmin_logout")
    html = response.content.decode()
    return f'<form method="post" action="{logout}"' in html


def test_the_pages_that_wait_for_a_code_offer_a_way_out(editor):
    require_for_editors()
    client = signed_in(editor)
    assert sign_out_form(client.get(SETUP))
    confirmed_device(editor)
    assert sign_out_form(client.get(VERIFY))
    client.post(reverse("wagtailadmin_logout"))
    assert urlsplit(client.get(SETUP)["Location"]).path == ADMIN_LOGIN


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
