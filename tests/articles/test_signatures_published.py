"""Signatures made online and approved are part of the statement everywhere it is published:
the open-data API and the downloads list them after the editor's list, in signing order, as
the page does; one waiting for a decision, or rejected, appears nowhere; no contact detail is
ever in them."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.factories import JointStatementPageFactory
from articles.models import Signatory
from articles.signing import Signature
from ifex.core.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/statements/"


def online(statement, status, minutes_ago, **fields):
    return Signature.objects.create(
        statement=statement,
        status=status,
        signed_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        representative_name="Ana Secret",
        representative_email="ana.secret@example.org",
        confirmation_sent_to="contact.secret@example.org",
        **fields,
    )


@pytest.fixture
def statement(statement_index):
    statement = JointStatementPageFactory(parent=statement_index, title="Free them")
    Signatory.objects.create(page=statement, name="Listed by the editor", sort_order=0)
    member = OrganisationFactory(
        name="Member signing online", is_member=True, website="https://member.example"
    )
    approved = Signature.Status.APPROVED
    online(statement, approved, 5, organisation=member, organisation_name=member.name)
    online(
        statement, approved, 10, organisation_name="Earlier outsider", website="https://o.example"
    )
    online(statement, Signature.Status.CONFIRMED, 3, organisation_name="Waiting for a decision")
    online(statement, Signature.Status.REJECTED, 2, organisation_name="Rejected impostor")
    return statement


SHOWN = [
    ("Listed by the editor", "", False),
    ("Earlier outsider", "https://o.example", False),
    ("Member signing online", "https://member.example", True),
]


def test_the_api_lists_approved_online_signatures_after_the_editor_s_list(client, statement):
    body = client.get(API, HTTP_ACCEPT="application/json")
    [listed] = json.loads(body.content)["results"]
    assert [
        (row["name"], row["website"], row["member_of_the_network"]) for row in listed["signatories"]
    ] == SHOWN
    one = json.loads(client.get(f"{API}{statement.pk}/", HTTP_ACCEPT="application/json").content)
    assert [row["name"] for row in one["signatories"]] == [name for name, _w, _m in SHOWN]
    assert "secret" not in body.content.decode()


def test_the_downloads_list_approved_online_signatures(client, statement, statement_index):
    response = client.get(statement_index.url + "csv/")
    lines = [line for line in io.StringIO(response.content.decode()) if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    assert [
        (row["signatory"], row["signatory_website"], row["member_of_the_network"]) for row in rows
    ] == [(name, website, str(member)) for name, website, member in SHOWN]
    as_json = client.get(statement_index.url + "json/")
    assert json.loads(as_json.content)["count"] == 3
    assert "secret" not in response.content.decode() + as_json.content.decode()


def test_online_signatures_cost_the_api_no_query_per_statement(client, statement_index):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API, HTTP_ACCEPT="application/json").status_code == 200
        return len(captured)

    def signed_statement(number):
        page = JointStatementPageFactory(parent=statement_index, title=f"Statement {number}")
        online(page, Signature.Status.APPROVED, 1, organisation_name=f"Outsider {number}")

    signed_statement(0)
    client.get(API, HTTP_ACCEPT="application/json")  # what is kept until content changes
    few = queries()
    for number in range(1, 5):
        signed_statement(number)
    client.get(API, HTTP_ACCEPT="application/json")
    assert queries() == few
