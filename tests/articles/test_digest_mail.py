"""The weekly digest as mail: previewed as its readers will get it, sent once through the core's
engine to the confirmed digest readers of its language, over real SMTP, now or at its time."""

import datetime
import re
from io import StringIO
from smtplib import SMTPServerDisconnected

import pytest
from django.core.mail.backends.smtp import EmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from articles.digest import DigestSend
from articles.factories import (
    ArticlePageFactory,
    DigestIndexPageFactory,
    DigestPageFactory,
    JointStatementPageFactory,
)
from ifex.core.mailing import send_mailing
from ifex.core.subscriptions import Mailing, Subscriber
from tests.support import mail_body, translated

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2025, 3, 10)


@pytest.fixture
def digest_index(home):
    return DigestIndexPageFactory(parent=home, title="Weekly digest", slug="digest")


@pytest.fixture
def pieces(article_index, statement_index):
    article = ArticlePageFactory(
        parent=article_index, title="Trial opens", teaser="The trial opened today.", date=MONDAY
    )
    statement = JointStatementPageFactory(
        parent=statement_index, title="Free them now", date=MONDAY
    )
    return article, statement


@pytest.fixture
def issue(digest_index, pieces):
    return DigestPageFactory(
        parent=digest_index,
        title="The week of 10 March 2025",
        week_start=MONDAY,
        intro="Two pieces this week.",
        stories=[("story", page) for page in pieces],
    )


def reader(email, language="en", confirmed=True, **wants):
    wants.setdefault("wants_digest", True)
    return Subscriber.objects.create(
        email=email,
        language=language,
        confirmed_at=timezone.now() if confirmed else None,
        **wants,
    )


def send_url(page):
    return reverse("digest_send", args=[page.pk])


def digest_form(page, **fields):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "week_start": page.week_start.isoformat() if page.week_start else "",
            "intro": page.intro,
            "stories": streamfield([("story", pk) for pk in fields.pop("stories", [])]),
            "comments": inline_formset([]),
            **fields,
        }
    )


def preview(client, page, form, mode):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert client.post(url, form).json()["is_valid"]
    return client.get(url, {"mode": mode})


def links_in(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_the_preview_shows_the_edited_digest_as_the_mail_and_its_text_part(
    admin_client, issue, pieces
):
    article, statement = pieces
    form = digest_form(issue, intro="Edited for the mail.", stories=[statement.pk, article.pk])

    mail = preview(admin_client, issue, form, "mail")
    assert mail["Content-Type"].startswith("text/html")
    html = mail.content.decode()
    assert "Edited for the mail." in html
    assert html.index("Free them now") < html.index("Trial opens"), "in the edited order"
    assert '<html lang="en" dir="ltr">' in html
    assert "Change your choices or unsubscribe" in html, "the reader's link, at the foot"
    assert links_in(html) and all(link.startswith("http://testserver/") for link in links_in(html))
    assert "<img" not in html and "<script" not in html and "style" not in html

    text = preview(admin_client, issue, form, "text")
    assert text["Content-Type"].startswith("text/plain")
    body = text.content.decode()
    assert "Edited for the mail." in body and "The trial opened today." in body
    assert f"http://testserver{article.url}" in body
    assert "<" not in body, "no markup in the plain text"


def test_an_arabic_digest_is_mailed_right_to_left(admin_client, issue):
    arabic = translated(issue, "ar", title="أسبوع 10 مارس 2025")
    html = preview(admin_client, arabic, digest_form(arabic), "mail").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "http://testserver/ar/digest/" in html, "the web version in Arabic"


def test_the_digest_reaches_only_confirmed_digest_readers_of_its_language_over_smtp(
    admin_client, smtp_inbox, issue, pieces, django_capture_on_commit_callbacks
):
    reader("wants@example.org")
    reader("unconfirmed@example.org", confirmed=False)
    reader("alerts-only@example.org", wants_digest=False, wants_alerts=True)
    reader("french@example.org", language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(send_url(issue), {"action": "now"})
    assert response.status_code == 302

    assert smtp_inbox.recipients() == ["wants@example.org"]
    [message] = smtp_inbox.to("wants@example.org")
    assert "The week of 10 March 2025" in message["Subject"]
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<http://testserver/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = mail_body(message, "plain")
    assert "Two pieces this week." in text and "Trial opens" in text
    assert "http://testserver/subscriptions/" in text, "the link to change choices or leave"
    html = mail_body(message, "html")
    assert all(link.startswith("http://testserver/") for link in links_in(html))
    assert f'href="http://testserver{pieces[0].url}"' in html, "links as they are, not rewritten"
    assert "<img" not in html

    progress = admin_client.get(send_url(issue)).content.decode()
    assert "Sent: 1 of 1." in progress
    mailing = Mailing.objects.get()
    assert (mailing.status, mailing.language, mailing.page_id) == ("done", "en", issue.pk)


def test_a_digest_is_sent_once(admin_client, smtp_inbox, issue, django_capture_on_commit_callbacks):
    reader("wants@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(send_url(issue), {"action": "now"})
        again = admin_client.post(send_url(issue), {"action": "now"}, follow=True)
    assert "a digest is sent once" in again.content.decode()
    assert len(smtp_inbox.to("wants@example.org")) == 1
    assert Mailing.objects.count() == 1


def test_only_a_published_public_digest_is_sent(admin_client, digest_index, issue):
    reader("wants@example.org")
    draft = DigestPageFactory(parent=digest_index, title="Not yet", live=False)
    refused = admin_client.post(send_url(draft), {"action": "now"}, follow=True)
    assert "Publish the digest first" in refused.content.decode()
    PageViewRestriction.objects.create(page=issue, restriction_type=PageViewRestriction.LOGIN)
    refused = admin_client.post(send_url(issue), {"action": "now"}, follow=True)
    assert "only a public digest is sent" in refused.content.decode()
    assert not DigestSend.objects.exists() and not Mailing.objects.exists()


def test_a_scheduled_send_starts_at_its_time_to_the_readers_of_that_time(
    admin_client, smtp_inbox, issue, django_capture_on_commit_callbacks
):
    reader("early@example.org")
    in_an_hour = timezone.localtime() + datetime.timedelta(hours=1)
    admin_client.post(
        send_url(issue),
        {"action": "schedule", "send_at": in_an_hour.strftime("%Y-%m-%d %H:%M")},
    )
    send = DigestSend.objects.get()
    assert send.send_at is not None and send.mailing is None
    assert "To be sent on" in admin_client.get(send_url(issue)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic_jobs", stdout=StringIO())
    assert smtp_inbox.recipients() == [], "not before its time"

    reader("joined-since@example.org")
    DigestSend.objects.filter(pk=send.pk).update(send_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic_jobs", stdout=StringIO())
    assert sorted(smtp_inbox.recipients()) == ["early@example.org", "joined-since@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic_jobs", stdout=StringIO())
    assert len(smtp_inbox.recipients()) == 2, "started once"


def test_a_scheduled_send_may_be_cancelled_and_a_time_past_is_refused(admin_client, issue):
    past = admin_client.post(send_url(issue), {"action": "schedule", "send_at": "2020-01-01 09:00"})
    assert "Choose a time to come" in past.content.decode()
    assert not DigestSend.objects.exists()
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    admin_client.post(
        send_url(issue), {"action": "schedule", "send_at": tomorrow.strftime("%Y-%m-%d %H:%M")}
    )
    admin_client.post(send_url(issue), {"action": "cancel"})
    assert not DigestSend.objects.exists()


def test_a_digest_unpublished_before_its_time_is_not_sent(
    admin_client, smtp_inbox, issue, django_capture_on_commit_callbacks
):
    reader("wants@example.org")
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    admin_client.post(
        send_url(issue), {"action": "schedule", "send_at": tomorrow.strftime("%Y-%m-%d %H:%M")}
    )
    issue.unpublish()
    DigestSend.objects.update(send_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_periodic_jobs", stdout=StringIO())
    assert smtp_inbox.recipients() == []
    assert not Mailing.objects.exists()


def test_only_those_who_may_publish_the_digest_may_send_it(client, login_as, issue):
    login_as("moderator")
    refused = client.get(send_url(issue), follow=True)
    assert "Sorry, you do not have permission" in refused.content.decode()
    assert refused.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    client.post(send_url(issue), {"action": "now"})
    assert not DigestSend.objects.exists()


def test_the_send_is_offered_from_the_digest_s_action_menu_and_header(admin_client, issue):
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk])).content.decode()
    assert f'href="{send_url(issue)}"' in edit
    listing = admin_client.get(reverse("wagtailadmin_explore", args=[issue.get_parent().pk]))
    assert f'href="{send_url(issue)}"' in listing.content.decode()


def test_the_french_digest_goes_to_french_readers(
    admin_client, smtp_inbox, issue, django_capture_on_commit_callbacks
):
    reader("english@example.org")
    reader("french@example.org", language="fr")
    french = translated(issue, "fr", title="La semaine du 10 mars 2025")
    assert french.locale == Locale.objects.get(language_code="fr")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(send_url(french), {"action": "now"})
    assert smtp_inbox.recipients() == ["french@example.org"]
    [message] = smtp_inbox.to("french@example.org")
    assert '<html lang="fr" dir="ltr">' in mail_body(message, "html")
    assert "http://testserver/fr/subscriptions/" in mail_body(message, "plain")


def test_a_digest_send_cut_off_by_the_mail_server_resumes_without_a_duplicate(
    admin_client, smtp_inbox, issue, monkeypatch, settings
):
    everyone = [reader(f"reader{n}@example.org") for n in range(5)]
    admin_client.post(send_url(issue), {"action": "now"})  # queued on commit: sent by hand below
    mailing = Mailing.objects.get()

    handed_over = EmailBackend.send_messages
    calls = {"count": 0}

    def dropping_the_third(backend, messages):
        calls["count"] += 1
        if calls["count"] == 3:
            raise SMTPServerDisconnected("connection lost")
        return handed_over(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dropping_the_third)
    assert send_mailing(mailing.pk, batch_size=2) == "stopped"
    assert len(smtp_inbox.messages) == 2
    stopped = admin_client.get(send_url(issue)).content.decode()
    assert "Sent: 2 of 5." in stopped and "connection lost" in stopped

    # The periodic jobs retry a stopped send once it has been quiet for a while.
    quiet = timezone.now() - datetime.timedelta(minutes=settings.MAIL_STALLED_MINUTES + 1)
    Mailing.objects.filter(pk=mailing.pk).update(heartbeat_at=quiet)
    call_command("run_periodic_jobs", stdout=StringIO())
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DONE
    assert all(len(smtp_inbox.to(person.email)) <= 1 for person in everyone)
    # The third was being handed over when the connection dropped: maybe sent, never resent.
    assert (mailing.sent_count, mailing.uncertain_count) == (4, 1)
    assert len(smtp_inbox.messages) == 4
    assert all("The week of 10 March 2025" in m["Subject"] for _to, m in smtp_inbox.messages)
