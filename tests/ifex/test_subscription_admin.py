"""Staff list, export and erase subscribers, and follow a mailing's progress; no one adds an
address for a reader."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from ifex.core.mailing import start_mailing
from ifex.core.subscription_admin import mailing_viewset, subscriber_viewset
from ifex.core.subscriptions import Delivery, Mailing, Subscriber

pytestmark = pytest.mark.django_db


def url(viewset, name, *args):
    return reverse(viewset.get_url_name(name), args=args)


def reader(email, **fields):
    return Subscriber.objects.create(
        email=email, language="en", wants_digest=True, confirmed_at=timezone.now(), **fields
    )


def test_staff_list_and_search_subscribers_but_never_add_one(admin_client):
    reader("ana@example.org")
    reader("bo@example.org")
    listing = admin_client.get(url(subscriber_viewset, "index"))
    assert listing.status_code == 200
    assert "ana@example.org" in listing.text and "bo@example.org" in listing.text
    found = admin_client.get(url(subscriber_viewset, "index"), {"q": "ana"})
    assert "ana@example.org" in found.text and "bo@example.org" not in found.text
    with pytest.raises(NoReverseMatch):
        url(subscriber_viewset, "add")
    assert "/new/" not in listing.text


def test_the_export_is_inert_csv_that_says_it_is_personal_data(admin_client):
    reader("=cmd|' /C calc'!A0@example.org")
    reader("plain@example.org")
    response = admin_client.get(url(subscriber_viewset, "export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("# Subscribers, exported on")
    assert lines[1].startswith("# Personal data")
    assert lines[2].startswith("email,language,wants_digest")
    assert any(line.startswith("plain@example.org,en,True") for line in lines)
    assert any(line.startswith("'=cmd") for line in lines), "a formula is kept as text"


def test_erasing_a_reader_leaves_no_address_behind(admin_client):
    erased = reader("erase-me@example.org")
    mailing = Mailing.objects.create(kind="digest", renderer="x.Y")
    start_mailing(mailing)
    admin_client.post(url(subscriber_viewset, "edit", erased.pk), {"language": "fr"})
    response = admin_client.post(url(subscriber_viewset, "delete", erased.pk))
    assert response.status_code == 302
    assert not Subscriber.objects.filter(pk=erased.pk).exists()
    assert not Delivery.objects.filter(subscriber_id=erased.pk).exists()
    history = ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Subscriber), object_id=str(erased.pk)
    )
    assert history.exists(), "the erasure itself is in the history"
    assert not history.filter(label__icontains="erase-me").exists()


def test_an_editor_sees_no_subscriber(client, login_as):
    reader("private@example.org")
    login_as("editor")
    response = client.get(url(subscriber_viewset, "index"))
    assert response.status_code in (302, 403)
    assert client.get(url(subscriber_viewset, "export")).status_code in (302, 403)


def test_staff_follow_a_mailing_s_progress(admin_client):
    for n in range(3):
        reader(f"r{n}@example.org")
    mailing = Mailing.objects.create(kind="digest", subject="This week", renderer="x.Y")
    start_mailing(mailing)
    Mailing.objects.filter(pk=mailing.pk).update(sent_count=2, status=Mailing.Status.SENDING)
    listing = admin_client.get(url(mailing_viewset, "index"))
    assert listing.status_code == 200
    assert "This week" in listing.text and "Sending" in listing.text
    with pytest.raises(NoReverseMatch):
        url(mailing_viewset, "add")
