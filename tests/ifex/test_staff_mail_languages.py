"""Mail to staff is written in the language each recipient chose for their admin (their account's
preferred language), not in the language of whoever caused it, nor in English. Sent over a real
SMTP server, as tests/ifex/test_mail.py does."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.users.models import UserProfile

from articles.factories import JointStatementPageFactory
from tests.campaigns.test_editorial_roles import statement_form
from tests.campaigns.test_review_workflow import act, client_in_group, submit
from tests.support import mail_body

pytestmark = pytest.mark.django_db

ARABIC_LETTERS = re.compile(r"[\u0600-\u06ff]{3,}")
# The names the project gave its review (campaigns/migrations/0005_editorial_roles.py).
ENGLISH_NAMES = re.compile(r"Joint statement review|\bReview\b")


def prefer(user, language):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


def staff(django_user_model, username, group, language):
    client = client_in_group(django_user_model, username, group)
    prefer(django_user_model.objects.get(username=username), language)
    return client


def text_of(message) -> str:
    return f"{message['Subject']}\n{mail_body(message)}"


def assert_no_english_names(text):
    assert not ENGLISH_NAMES.search(text), text


@pytest.fixture
def review(statement_index, django_user_model):
    """A Spanish-speaking editor, a French- and an Arabic-speaking reviewer, one statement."""
    return {
        "editor": staff(django_user_model, "editor", "Editors", "es"),
        "french_reviewer": staff(django_user_model, "reviewer_fr", "Moderators", "fr"),
        "arabic_reviewer": staff(django_user_model, "reviewer_ar", "Moderators", "ar"),
        "statement": JointStatementPageFactory(parent=statement_index, title="Draft", live=False),
    }


def test_each_reviewer_is_asked_to_review_in_their_own_language(
    smtp_inbox, review, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(review["editor"], review["statement"], "Call for justice")

    [french] = smtp_inbox.to("reviewer_fr@example.org")
    [arabic] = smtp_inbox.to("reviewer_ar@example.org")
    assert "Call for justice" in french["Subject"] and "Call for justice" in arabic["Subject"]
    assert "Relecture" in french["Subject"], french["Subject"]
    assert "Bonjour reviewer_fr" in mail_body(french) or "Salut reviewer_fr" in mail_body(french)
    assert "المراجعة" in arabic["Subject"] and ARABIC_LETTERS.search(mail_body(arabic))
    for message in (french, arabic):
        assert_no_english_names(text_of(message))
        assert "submitted" not in text_of(message)


def test_the_editor_is_told_of_each_decision_in_their_own_language(
    smtp_inbox, review, django_capture_on_commit_callbacks
):
    editor, statement = review["editor"], review["statement"]
    with django_capture_on_commit_callbacks(execute=True):
        submit(editor, statement, "Call for justice")
        act(review["arabic_reviewer"], statement, "reject", comment="Add the signatories.")
    [changes] = smtp_inbox.to("editor@example.org")
    assert "Cambios solicitados" in changes["Subject"]
    assert "Revisión de declaraciones conjuntas" in changes["Subject"]
    assert "ha solicitado cambios" in mail_body(changes) and "«Revisión»" in mail_body(changes)
    assert "Add the signatories." in mail_body(changes)  # the reviewer's own words, as written

    with django_capture_on_commit_callbacks(execute=True):
        submit(editor, statement, "Call for justice")
        act(review["french_reviewer"], statement, "approve")
    approved = smtp_inbox.to("editor@example.org")[-1]
    assert "Revisión de declaraciones conjuntas" in text_of(approved)
    assert "aprobad" in text_of(approved)
    for message in (changes, approved):
        assert_no_english_names(text_of(message))


def test_an_editor_whose_review_is_stopped_is_told_in_their_own_language(
    smtp_inbox, statement_index, django_user_model, django_capture_on_commit_callbacks
):
    editor = staff(django_user_model, "editor", "Editors", "ar")
    reviewer = staff(django_user_model, "reviewer", "Moderators", "fr")
    statement = JointStatementPageFactory(parent=statement_index, title="Draft", live=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(editor, statement, "Call for justice")
        url = reverse("wagtailadmin_pages:edit", args=[statement.pk])
        form = statement_form(statement, "Call for justice", **{"action-cancel-workflow": "1"})
        reviewer.post(url, form)

    [stopped] = smtp_inbox.to("editor@example.org")
    assert stopped["Subject"].strip().startswith("أُوقفت مراجعة «Call for justice»")
    assert "مراجعة البيانات المشتركة" in stopped["Subject"]
    assert "أوقف reviewer مراجعة «Call for justice»" in mail_body(stopped)
    assert_no_english_names(text_of(stopped))


def test_the_two_factor_set_up_link_is_mailed_in_the_staff_member_s_language(
    smtp_inbox, django_user_model
):
    """Asked for from a browser that prefers French: the account's Arabic wins."""
    client = staff(django_user_model, "campaigner", "Editors", "ar")
    response = client.post(
        reverse("two_factor_setup"), {"action": "send-link"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 302
    [link] = smtp_inbox.to("campaigner@example.org")
    assert "إعداد تسجيل الدخول" in link["Subject"]
    assert "طلبت إعداد تطبيق مصادقة" in mail_body(link)
    assert "/admin/two-factor/enrol/" in mail_body(link)


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "réinitialiser"), ("ar", "كلمة المرور"), ("es", "contraseña")],
)
def test_a_password_reset_mail_is_in_the_account_s_language(
    smtp_inbox, django_user_model, language, words
):
    """Whoever asks, from whatever browser (here an English one): the account's language."""
    prefer(django_user_model.objects.create_user("staff", "staff@example.org", "pw-1"), language)
    response = Client().post(
        reverse("wagtailadmin_password_reset"),
        {"email": "staff@example.org"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    [reset] = smtp_inbox.to("staff@example.org")
    assert words in text_of(reset), text_of(reset)
    assert "Please follow the link below" not in mail_body(reset)
    assert "/admin/password_reset/confirm/" in mail_body(reset)
