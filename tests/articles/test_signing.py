"""Organisations sign joint statements online: the confirmation goes where the organisation can
speak for itself, over real SMTP (aiosmtpd), and every abuse tried is refused with a clear page."""

import datetime
import re

import pytest
from django.core import signing
from django.utils import timezone

from articles.factories import JointStatementPageFactory
from articles.models import Signatory
from articles.signing import Signature
from ifex.core.factories import CountryFactory, OrganisationFactory
from tests.support import mail_body as body
from tests.support import make_private, translated, unpublish

pytestmark = pytest.mark.django_db

CONTACT = "registered-contact@cpj.example"
TYPED = "someone@elsewhere.example"


@pytest.fixture
def statement(statement_index):
    statement = JointStatementPageFactory(parent=statement_index, title="End impunity now")
    statement.signatures_open = True
    statement.signatures_close_at = timezone.now() + datetime.timedelta(days=7)
    statement.save_revision().publish()
    return statement


@pytest.fixture
def member():
    return OrganisationFactory(
        name="Committee to Protect Journalists",
        website="https://cpj.example/",
        is_member=True,
        contact_email=CONTACT,
    )


def sign_url(statement) -> str:
    return statement.url + "sign/"


def directory_fields(name="Committee to Protect Journalists", **extra) -> dict:
    return {
        "kind": "directory",
        "organisation_query": name,
        "representative_name": "Ana Signer",
        "representative_email": TYPED,
        "authorised": "on",
        **extra,
    }


def other_fields(name="Friends of the Press", **extra) -> dict:
    return {
        "kind": "other",
        "other_name": name,
        "other_website": "https://friends.example/",
        "representative_name": "Bo Writer",
        "representative_email": "bo@friends.example",
        "authorised": "on",
        **extra,
    }


def confirmation_path(message) -> str:
    match = re.search(r"http://testserver(\S*/signatures/confirm/\S+/)", body(message))
    assert match, f"no confirmation link in:\n{body(message)}"
    return match.group(1)


def confirm(client, message):
    path = confirmation_path(message)
    shown = client.get(path)
    assert shown.status_code == 200 and "<form" in shown.content.decode()
    return client.post(path)


def test_a_signature_s_round_trip_from_the_mail_to_the_page(
    client, statement, member, smtp_inbox, django_user_model
):
    form = client.get(sign_url(statement))
    assert form.status_code == 200
    assert 'name="organisation_query"' in form.content.decode()
    before = client.get(statement.url).content.decode()  # now in the page cache
    assert "Signed by 0 organisations" in before

    sent = client.post(sign_url(statement), directory_fields("protect journalists"))
    assert sent.status_code == 200
    assert "registered with us" in sent.content.decode()
    [mail] = smtp_inbox.to(CONTACT)
    assert "Committee to Protect Journalists" in mail["Subject"]
    assert "Ana Signer" in body(mail)

    confirmed = confirm(client, mail)
    assert confirmed.status_code == 200
    assert "is confirmed" in confirmed.content.decode()
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.CONFIRMED and signature.verified
    assert "Committee to Protect Journalists" not in client.get(statement.url).content.decode()

    moderator = django_user_model.objects.create_user("mod", "mod@example.org", "pw")
    signature.decide(Signature.Status.APPROVED, moderator)
    page = client.get(statement.url).content.decode()
    assert "Signed by 1 organisation<" in page
    assert '<a href="https://cpj.example/" rel="noopener">Committee to Protect Journalists</a>' in (
        page
    )


def test_a_directory_organisation_s_confirmation_never_reaches_the_typed_address(
    client, statement, member, smtp_inbox
):
    client.post(sign_url(statement), directory_fields())
    assert smtp_inbox.recipients() == [CONTACT]
    assert smtp_inbox.to(TYPED) == []


def test_another_organisation_confirms_at_the_typed_address_and_stays_unverified(
    client, statement, smtp_inbox
):
    client.post(sign_url(statement), other_fields(other_country=CountryFactory().pk))
    [mail] = smtp_inbox.to("bo@friends.example")
    confirm(client, mail)
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.CONFIRMED
    assert not signature.verified


def test_another_organisation_cannot_take_a_directory_name(client, statement, member, smtp_inbox):
    answer = client.post(sign_url(statement), other_fields("committee to protect journalists"))
    assert "is in the directory: choose it there" in answer.content.decode()
    assert smtp_inbox.messages == [] and not Signature.objects.exists()


def test_without_script_several_matches_are_offered_to_choose_from(
    client, statement, member, smtp_inbox
):
    other = OrganisationFactory(name="Committee for Press Freedom", is_member=True,
                                contact_email="cpf@example.org")  # fmt: skip
    answer = client.post(sign_url(statement), directory_fields("Committee"))
    html = answer.content.decode()
    assert "Several organisations match" in html
    assert f'value="{other.pk}"' in html and f'value="{member.pk}"' in html
    client.post(sign_url(statement), directory_fields("Committee", organisation=other.pk))
    assert smtp_inbox.recipients() == ["cpf@example.org"]


def test_the_suggestions_list_directory_members_only(client, statement, member):
    OrganisationFactory(name="Committee outside the network", is_member=False)
    answer = client.get("/signatures/organisations/", {"q": "committee"})
    assert answer.json() == {"organisations": ["Committee to Protect Journalists"]}
    assert CONTACT not in answer.content.decode()


def test_a_second_signature_for_the_same_organisation_is_refused(
    client, statement, member, smtp_inbox
):
    client.post(sign_url(statement), directory_fields())
    client.post(sign_url(statement), directory_fields(representative_email="other@cpj.example"))
    first, second = smtp_inbox.to(CONTACT)
    confirm(client, first)

    again = client.post(sign_url(statement), directory_fields())
    assert "has already signed this statement" in again.content.decode()
    assert len(smtp_inbox.to(CONTACT)) == 2

    # Two signatures sent before either was confirmed: the second confirmation is refused.
    late = confirm(client, second)
    assert late.status_code == 409
    assert "has already signed" in late.content.decode()
    assert Signature.objects.filter(status=Signature.Status.CONFIRMED).count() == 1


def test_an_organisation_the_editor_listed_cannot_sign_again(client, statement, member):
    statement.signatories = [Signatory(organisation=member)]
    statement.save_revision().publish()
    again = client.post(sign_url(statement), directory_fields())
    assert "has already signed this statement" in again.content.decode()


def test_signing_after_the_closing_date_is_refused(client, statement, member, smtp_inbox):
    statement.signatures_close_at = timezone.now() - datetime.timedelta(minutes=1)
    statement.save_revision().publish()

    form = client.get(sign_url(statement))
    assert form.status_code == 200
    assert "Signing has closed" in form.content.decode()
    assert "organisation_query" not in form.content.decode()

    crafted = client.post(sign_url(statement), directory_fields())
    assert crafted.status_code == 403
    assert "closed on" in crafted.content.decode()
    assert smtp_inbox.messages == [] and not Signature.objects.exists()


def test_an_expired_or_changed_link_is_refused(
    client, statement, member, smtp_inbox, monkeypatch, settings
):
    client.post(sign_url(statement), directory_fields())
    path = confirmation_path(smtp_inbox.to(CONTACT)[0])

    changed = client.get(path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:])
    assert changed.status_code == 404
    assert "This link does not work" in changed.content.decode()

    later = timezone.now().timestamp() + settings.SIGNATURE_LINK_HOURS * 3600 + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    for method in (client.get, client.post):
        expired = method(path)
        assert expired.status_code == 410
        assert "This link has expired" in expired.content.decode()
    assert Signature.objects.get().status == Signature.Status.UNCONFIRMED


def test_the_honeypot_keeps_nothing_and_sends_nothing(client, statement, member, smtp_inbox):
    answer = client.post(sign_url(statement), directory_fields(homepage="http://spam.example"))
    assert answer.status_code == 200  # as if signed: the robot learns nothing
    assert smtp_inbox.messages == [] and not Signature.objects.exists()


def test_too_many_signatures_from_one_address_are_refused_in_the_reader_s_language(
    client, statement, smtp_inbox, settings
):
    settings.SIGNATURES_PER_CLIENT_ADDRESS_PER_HOUR = 3
    french = translated(statement, "fr", title="Mettre fin à l'impunité")
    for n in range(3):
        client.post(sign_url(french), other_fields(f"Group {n}", representative_email=f"{n}@x.org"))
    assert len(smtp_inbox.messages) == 3
    refused = client.post(sign_url(french), other_fields("Group 4", representative_email="4@x.org"))
    assert refused.status_code == 429
    assert 'lang="fr"' in refused.content.decode()
    assert "Trop de demandes" in refused.content.decode()
    assert len(smtp_inbox.messages) == 3


def test_too_many_mails_about_one_address_are_refused(client, statement, member, smtp_inbox,
                                                      settings):  # fmt: skip
    settings.SIGNATURE_MAILS_PER_ADDRESS_PER_HOUR = 2
    for n in range(2):
        client.post(sign_url(statement), directory_fields(representative_email=f"{n}@cpj.example"))
    refused = client.post(sign_url(statement), directory_fields())
    assert refused.status_code == 429
    assert len(smtp_inbox.to(CONTACT)) == 2


def test_the_form_and_the_mail_are_in_arabic_right_to_left(client, statement, smtp_inbox):
    arabic = translated(statement, "ar", title="أوقفوا الإفلات من العقاب")
    form = client.get(sign_url(arabic)).content.decode()
    assert 'dir="rtl"' in form and 'lang="ar"' in form
    client.post(sign_url(arabic), other_fields())
    [mail] = smtp_inbox.to("bo@friends.example")
    assert mail["Content-Language"] == "ar"
    assert "/ar/signatures/confirm/" in body(mail)
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert 'dir="rtl"' in html


def test_contacts_are_erased_a_set_time_after_the_statement_closes(
    client, statement, member, smtp_inbox, settings
):
    from tests.ifex.test_periodic_jobs import run_jobs

    settings.SIGNATURE_CONTACT_RETENTION_DAYS = 30
    client.post(sign_url(statement), directory_fields())
    confirm(client, smtp_inbox.to(CONTACT)[0])
    client.post(sign_url(statement), other_fields())  # never confirmed
    kept, never_confirmed = Signature.objects.order_by("pk")
    long_ago = timezone.now() - datetime.timedelta(hours=settings.SIGNATURE_LINK_HOURS + 1)
    Signature.objects.filter(pk=never_confirmed.pk).update(signed_at=long_ago)

    statement.signatures_close_at = timezone.now() - datetime.timedelta(days=29)
    statement.save_revision().publish()
    run_jobs()
    kept.refresh_from_db()
    assert kept.representative_email == TYPED and kept.confirmation_sent_to == CONTACT
    assert not Signature.objects.filter(pk=never_confirmed.pk).exists()  # its link expired

    statement.signatures_close_at = timezone.now() - datetime.timedelta(days=31)
    statement.save_revision().publish()
    run_jobs()
    kept.refresh_from_db()
    assert kept.representative_email == kept.confirmation_sent_to == ""
    assert kept.representative_name == "" and kept.contacts_erased_at is not None
    assert kept.organisation_name == "Committee to Protect Journalists"  # the signature stays


def test_members_sign_a_draft_through_the_link_its_editor_shares(
    client, admin_client, statement_index, member, smtp_inbox
):
    from django.test import Client

    draft = JointStatementPageFactory(parent=statement_index, title="Not yet out", live=False)
    draft.signatures_open = True
    draft.signatures_close_at = timezone.now() + datetime.timedelta(days=3)
    draft.teaser = "A draft shared with members."
    draft.save_revision()
    editor_view = admin_client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    link = re.search(r'class="signing-members-link">http://testserver(/signatures/draft/\S+/)<',
                     editor_view).group(1)  # fmt: skip

    reader = Client()
    form = reader.get(link)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Not yet out" in html and "A draft shared with members." in html
    assert "not published yet" in html
    assert form["X-Robots-Tag"] == "noindex"
    reader.post(link, directory_fields())
    assert smtp_inbox.recipients() == [CONTACT]
    assert Signature.objects.get().statement_id == draft.pk

    changed = reader.get(link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:])
    assert changed.status_code == 404 and "This link does not work" in changed.content.decode()


def password_protect(statement):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=statement, restriction_type=PageViewRestriction.PASSWORD, password="members"
    )


@pytest.mark.parametrize("take_away", [unpublish, make_private, password_protect])
def test_the_members_link_shows_nothing_of_a_statement_taken_from_readers(
    client, statement, take_away
):
    from articles.signing_panels import members_signing_path

    statement.refresh_from_db()  # as the admin loads it: published once
    link = members_signing_path(statement)
    assert client.get(link).status_code == 200
    statement.title = "End impunity now SECRETDRAFTTEXT"
    statement.save_revision()
    take_away(statement)

    refused = client.get(link)
    assert refused.status_code == 404
    assert "SECRETDRAFTTEXT" not in refused.content.decode()
    assert "End impunity now" not in refused.content.decode()
    assert client.post(link, directory_fields()).status_code == 404
    assert not Signature.objects.exists()
