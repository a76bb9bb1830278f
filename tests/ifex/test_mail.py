"""Mail reaches people over real SMTP: moderators, editors, and anyone resetting a password."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.factories import JointStatementPageFactory
from ifex.settings.env import email_settings
from tests.campaigns.test_review_workflow import act, client_in_group, submit
from tests.support import mail_body

pytestmark = pytest.mark.django_db


def body(message) -> str:
    return mail_body(message)


def admin_path(text: str) -> str:
    match = re.search(r"http://testserver(/admin/\S+)", text)
    assert match, f"no admin link in:\n{text}"
    return match.group(1)


def test_review_mails_reach_moderator_and_editor(
    smtp_inbox, statement_index, django_user_model, django_capture_on_commit_callbacks
):
    editor = client_in_group(django_user_model, "editor", "Editors")
    moderator = client_in_group(django_user_model, "moderator", "Moderators")
    statement = JointStatementPageFactory(parent=statement_index, title="Draft", live=False)

    with django_capture_on_commit_callbacks(execute=True):
        submit(editor, statement, "Call for justice")
    [submitted] = smtp_inbox.to("moderator@example.org")
    assert "Call for justice" in submitted["Subject"]
    assert submitted["From"] == "noimpunity@example.org"
    link = admin_path(body(submitted))
    assert moderator.get(link).status_code == 200, "the link opens the statement for review"

    with django_capture_on_commit_callbacks(execute=True):
        act(moderator, statement, "reject", comment="Add the signatories from Asia first.")
    [rejected] = smtp_inbox.to("editor@example.org")
    assert "Call for justice" in rejected["Subject"]
    assert "Add the signatories from Asia first." in body(rejected)

    with django_capture_on_commit_callbacks(execute=True):
        submit(editor, statement, "Call for justice")
        act(moderator, statement, "approve")
    approved = smtp_inbox.to("editor@example.org")[-1]
    assert "approved" in (approved["Subject"] + body(approved)).lower()


def test_password_reset_mail_sets_a_new_password(smtp_inbox, django_user_model):
    django_user_model.objects.create_user("staff", "staff@example.org", "old-password-1")
    client = Client()
    response = client.post(reverse("wagtailadmin_password_reset"), {"email": "staff@example.org"})
    assert response.status_code == 302

    [reset] = smtp_inbox.to("staff@example.org")
    link = admin_path(body(reset))
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "A-new-long-passphrase-7", "new_password2": "A-new-long-passphrase-7"},
    )
    assert response.status_code == 302
    signed_in = Client().post(
        reverse("wagtailadmin_login"),
        {"username": "staff", "password": "A-new-long-passphrase-7"},
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("wagtailadmin_home")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mailer:s%40cret@mail.example.org:587?tls=true",
            {
                "EMAIL_HOST": "mail.example.org",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "mailer",
                "EMAIL_HOST_PASSWORD": "s@cret",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        ("smtps://mail.example.org", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
        ("file:///srv/ifex/mail", {"EMAIL_FILE_PATH": "/srv/ifex/mail"}),
    ],
)
def test_email_url_is_read(monkeypatch, url, expected):
    monkeypatch.setenv("EMAIL_URL", url)
    settings = email_settings()
    assert {key: settings[key] for key in expected} == expected


def test_a_bad_email_url_gets_a_clear_answer(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("EMAIL_URL", "pigeon://loft")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start with smtp:"):
        email_settings()
