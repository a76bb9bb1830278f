"""The queue of signatures in the admin: who may decide, approving and rejecting many at once,
the export of contacts, and contact details kept out of every public byte."""

import datetime
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.factories import JointStatementPageFactory
from articles.signing import Signature
from ifex.core.factories import OrganisationFactory
from tests.support import ROLES

pytestmark = pytest.mark.django_db

LIST = reverse("wagtailsnippets_articles_signature:list")
EXPORT = reverse("signature_contacts_export")


def bulk(action, *signatures):
    query = urlencode([("id", signature.pk) for signature in signatures] + [("next", LIST)])
    return reverse("wagtail_bulk_action", args=["articles", "signature", action]) + "?" + query


def open_statement(parent, owner=None, title="End impunity now"):
    statement = JointStatementPageFactory(parent=parent, title=title, owner=owner)
    statement.signatures_open = True
    statement.signatures_close_at = timezone.now() + datetime.timedelta(days=7)
    statement.save_revision().publish()
    return statement


def confirmed(statement, name, organisation=None, **fields):
    return Signature.objects.create(
        statement=statement,
        organisation=organisation,
        organisation_name=name,
        website=fields.pop("website", "https://example.org/"),
        representative_name=fields.pop("representative_name", "Ana Signer"),
        representative_email=fields.pop("representative_email", "ana@example.org"),
        confirmation_sent_to=fields.pop("confirmation_sent_to", "contact@example.org"),
        status=Signature.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("owner", "owner@example.org", "pw")
    user.groups.add(Group.objects.get(name=ROLES["editor"]))
    return user


@pytest.fixture
def own_statement(statement_index, editor):
    return open_statement(statement_index, owner=editor, title="The editor's own")


@pytest.fixture
def others_statement(statement_index, django_user_model):
    someone = django_user_model.objects.create_user("someone", "someone@example.org", "pw")
    return open_statement(statement_index, owner=someone, title="Someone else's")


def test_a_moderator_approves_many_at_once_and_they_show_on_the_next_request(
    client, login_as, own_statement, others_statement
):
    member = OrganisationFactory(name="PEN Member", is_member=True, website="https://pen.example/")
    first = confirmed(own_statement, "PEN Member", organisation=member)
    second = confirmed(own_statement, "Friends of the Press")
    third = confirmed(others_statement, "Reporters Together")
    assert "Signed by 0 organisations" in client.get(own_statement.url).content.decode()
    client.get(own_statement.get_parent().url)  # the statements' cards drawn and kept
    login_as("moderator")

    queue = client.get(LIST).content.decode()
    for name in ("PEN Member", "Friends of the Press", "Reporters Together"):
        assert name in queue
    confirmation = client.get(bulk("approve_signatures", first, second, third))
    assert "unverified" in confirmation.content.decode()  # Friends of the Press
    assert "Approve signatures" in confirmation.content.decode()
    assert "will be shown on their statements at once" in confirmation.content.decode()
    answer = client.post(bulk("approve_signatures", first, second, third))
    assert answer.status_code == 302
    assert set(Signature.objects.values_list("status", flat=True)) == {"approved"}

    client.logout()
    page = client.get(own_statement.url).content.decode()
    assert "Signed by 2 organisations" in page
    assert page.index("PEN Member") < page.index("Friends of the Press")
    index = client.get(own_statement.get_parent().url).content.decode()
    assert "Signed by 2 organisations" in index and "Signed by 1 organisation<" in index


def test_a_rejection_needs_a_reason_kept_for_staff_and_is_not_shown(
    client, login_as, own_statement
):
    signature = confirmed(own_statement, "Impostors United")
    login_as("moderator")
    without = client.post(bulk("reject_signatures", signature), {"reason": ""})
    assert without.status_code == 200
    assert "This field is required" in without.content.decode()
    assert "Reject signatures" in without.content.decode()
    assert "the reason stays for staff" in without.content.decode()
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED

    client.post(bulk("reject_signatures", signature), {"reason": "Not their letterhead."})
    signature.refresh_from_db()
    assert signature.status == Signature.Status.REJECTED
    assert signature.rejection_reason == "Not their letterhead."
    inspect = client.get(reverse("wagtailsnippets_articles_signature:inspect", args=[signature.pk]))
    assert "Not their letterhead." in inspect.content.decode()
    client.logout()
    page = client.get(own_statement.url).content.decode()
    assert "Impostors United" not in page and "Not their letterhead." not in page


def test_an_approved_signature_rejected_later_leaves_the_page(client, login_as, own_statement):
    signature = confirmed(own_statement, "Second Thoughts")
    login_as("moderator")
    client.post(bulk("approve_signatures", signature))
    assert "Second Thoughts" in client.get(own_statement.url).content.decode()
    edit = reverse("wagtailsnippets_articles_signature:edit", args=[signature.pk])
    client.post(edit, {"status": "rejected", "rejection_reason": "Withdrawn by phone."})
    client.logout()
    assert "Second Thoughts" not in client.get(own_statement.url).content.decode()


def test_an_editor_decides_only_for_the_statements_they_own(
    client, editor, own_statement, others_statement
):
    mine = confirmed(own_statement, "For my statement")
    theirs = confirmed(others_statement, "For another statement")
    client.force_login(editor)

    queue = client.get(LIST).content.decode()
    assert "For my statement" in queue and "For another statement" not in queue
    client.post(bulk("approve_signatures", mine, theirs))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Signature.Status.APPROVED
    assert theirs.status == Signature.Status.CONFIRMED
    edit = reverse("wagtailsnippets_articles_signature:edit", args=[theirs.pk])
    assert client.get(edit).status_code in (302, 403, 404)


def test_campaign_staff_see_no_queue_and_no_contacts(client, login_as, own_statement):
    confirmed(own_statement, "Someone")
    login_as("campaigner")
    assert client.get(LIST).status_code in (302, 403)
    assert client.get(EXPORT).status_code in (302, 403)


def test_staff_export_contacts_with_every_cell_inert(client, login_as, own_statement):
    confirmed(
        own_statement,
        '=HYPERLINK("http://evil.example")',
        representative_name="+cmd|' /C calc'!A0",
        representative_email="ana@signers.example",
    )
    login_as("moderator")
    answer = client.get(EXPORT)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "ana@signers.example" in text
    assert "'=HYPERLINK" in text and "'+cmd" in text
    assert "\n=" not in text and ",=" not in text and ",+" not in text
    assert "no-store" in answer["Cache-Control"]


def test_contact_addresses_reach_no_public_byte(client, statement_index):
    member = OrganisationFactory(
        name="Committee Member", is_member=True, contact_email="secret-contact@member.example"
    )
    statement = open_statement(statement_index)
    signature = confirmed(
        statement,
        "Committee Member",
        organisation=member,
        representative_email="secret-rep@member.example",
        representative_name="Hidden Person",
        confirmation_sent_to="secret-contact@member.example",
    )
    signature.decide(Signature.Status.APPROVED, None)
    index = statement.get_parent()
    public = [
        statement.url,
        index.url,
        index.url + "feed/",
        index.url + "csv/",
        index.url + "json/",
        "/api/v1/statements/",
        f"/api/v1/statements/{statement.pk}/",
        "/signatures/organisations/?q=committee",
    ]
    seen = ""
    for url in public:
        answer = client.get(url)
        assert answer.status_code == 200, url
        seen += answer.content.decode()
    assert "Committee Member" in seen
    for secret in ("secret-contact@", "secret-rep@", "Hidden Person"):
        assert secret not in seen
