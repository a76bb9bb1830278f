"""The sending engine: a mailing goes out from the background worker, in batches, at a rate
that can be set, and resumes where it stopped without mailing anyone twice.

    mailing = Mailing.objects.create(kind=Mailing.Kind.DIGEST, language="fr",
                                     renderer="articles.digest.DigestMail", page=issue)
    start_mailing(mailing)            # or start_mailing(mailing, at=monday_morning)
    mailing.refresh_from_db(); mailing.sent_count, mailing.total   # progress

Every copy is written by the mailing's renderer (a `MailRenderer` subclass, by dotted path) for
one reader, and sent as multipart mail with a plain-text part, the reader's link to change
their choices or leave at the foot of both parts, and the one-click unsubscribe headers of
RFC 8058 (`List-Unsubscribe`, `List-Unsubscribe-Post`). Nothing is added that tracks: no pixel,
no rewritten link.

Crash safety, honestly: a copy is marked "being handed over" (with the batch's claim) before it
is given to the mail server, and "sent" the moment the server has taken it. A sender that dies
leaves at most one copy of its batch between the two: the mail server may have taken it or
not, and nothing can tell. That copy is marked "maybe not sent" and never sent again (the send
is at most once); the rest of the batch, which was never handed over, is sent by the next
sender. One sender works on a mailing at a time (a PostgreSQL advisory lock, released by the
database when the sender's connection dies), so a new sender knows the old one is gone.
"""

import datetime
import logging
import time
import uuid
from dataclasses import dataclass
from smtplib import SMTPRecipientsRefused, SMTPResponseException
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Count, Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from .subscriptions import Delivery, Mailing, Subscriber

logger = logging.getLogger(__name__)

# The advisory lock's first key, the same on every server; the second is the mailing's id.
MAILING_LOCK = 0x1FE6


@dataclass(frozen=True)
class Links:
    """A reader's own links, for the body and the headers of each mail."""

    manage: str
    unsubscribe: str
    unsubscribe_mailto: str = ""


@dataclass(frozen=True)
class Mail:
    """One copy as a renderer writes it; the engine adds the links at its foot."""

    subject: str
    text: str
    html: str = ""


class MailRenderer:
    """Writes each reader's copy of a mailing. Subclass it and name the subclass (dotted path)
    in `Mailing.renderer`. It is made once per sender run, so it may keep what every copy
    shares (a page rendered once). `render` is called in the reader's language; returning None
    skips that reader (nothing left to tell them)."""

    def __init__(self, mailing: Mailing):
        self.mailing = mailing

    def render(self, delivery: Delivery, links: Links) -> Mail | None:
        raise NotImplementedError


def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def links_for(subscriber: Subscriber) -> Links:
    token = subscriber.token
    with translation.override(subscriber.language):
        manage = site_url(reverse("subscription_manage", args=[token]))
        unsubscribe = site_url(reverse("unsubscribe", args=[token]))
    mailto = ""
    if settings.MAIL_UNSUBSCRIBE_MAILTO:
        subject = quote(f"unsubscribe {token}")
        mailto = f"mailto:{settings.MAIL_UNSUBSCRIBE_MAILTO}?subject={subject}"
    return Links(manage=manage, unsubscribe=unsubscribe, unsubscribe_mailto=mailto)


def message_for(subscriber: Subscriber, mail: Mail, links: Links) -> EmailMultiAlternatives:
    """The mail as sent: the reader's links at the foot of both parts, and RFC 8058's headers
    (`List-Unsubscribe-Post` makes a mail client's "Unsubscribe" one POST to our link)."""
    with translation.override(subscriber.language):
        footer_context = {"links": links, "subscriber": subscriber}
        text_footer = render_to_string("core/mail/footer.txt", footer_context)
        html_footer = render_to_string("core/mail/footer.html", footer_context)
    unsubscribe = f"<{links.unsubscribe}>"
    if links.unsubscribe_mailto:
        unsubscribe += f", <{links.unsubscribe_mailto}>"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text.rstrip() + "\n\n" + text_footer,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": unsubscribe,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if mail.html:
        html = mail.html
        end = html.lower().rfind("</body>")
        html = html[:end] + html_footer + html[end:] if end >= 0 else html + html_footer
        message.attach_alternative(html, "text/html")
    return message


def audience(mailing: Mailing):
    """Who a mailing goes to when it starts. Alerts have none of their own: the alerts job
    gives each reader a delivery with their pages."""
    if mailing.kind == Mailing.Kind.DIGEST:
        return Subscriber.objects.for_digest(mailing.language)
    return Subscriber.objects.none()


def start_mailing(mailing: Mailing, *, subscribers=None, at=None) -> Mailing:
    """Gives every reader of the mailing's audience (or `subscribers`, a queryset) a delivery
    and queues the send: now, or from `at` on (the periodic jobs start it then). Starting a
    mailing twice adds no one twice."""
    readers = audience(mailing) if subscribers is None else subscribers
    now = timezone.now()
    with transaction.atomic():
        if not readers.query.is_empty():
            # In the database, not through Python: memory stays flat however long the list.
            select, params = readers.values("pk").query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {Delivery._meta.db_table} (mailing_id, subscriber_id, state, "
                    f"page_ids, error) SELECT %s, readers.id, %s, '[]'::jsonb, '' "
                    f"FROM ({select}) AS readers(id) ON CONFLICT DO NOTHING",
                    [mailing.pk, Delivery.State.PENDING, *params],
                )
        mailing.total = mailing.deliveries.exclude(state=Delivery.State.SKIPPED).count()
        if mailing.status == Mailing.Status.DRAFT:
            mailing.status = Mailing.Status.QUEUED
        mailing.not_before = at if at and at > now else None
        mailing.save(update_fields=["total", "status", "not_before"])
        if mailing.not_before is None:
            transaction.on_commit(lambda: send_mailing_task.enqueue(mailing.pk))
    return mailing


@task(backend="background")
def send_mailing_task(mailing_id: int):
    send_mailing(mailing_id)


class Busy(Exception):
    pass


class advisory_lock:
    """The mailing's lock for this database session, if no one else holds it."""

    def __init__(self, mailing_id: int):
        self.mailing_id = mailing_id

    def __enter__(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [MAILING_LOCK, self.mailing_id])
            if not cursor.fetchone()[0]:
                raise Busy
        return self

    def __exit__(self, *exc):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [MAILING_LOCK, self.mailing_id])


def send_mailing(mailing_id: int, *, batch_size=None, rate_per_minute=None) -> str:
    """Sends what is left of the mailing; returns "done", "stopped" (the mail server failed:
    a later run resumes) or "busy" (another sender has it)."""
    batch_size = batch_size or settings.MAIL_BATCH_SIZE
    rate = settings.MAIL_RATE_PER_MINUTE if rate_per_minute is None else rate_per_minute
    try:
        with advisory_lock(mailing_id):
            return Sender(mailing_id, batch_size, rate).run()
    except Busy:
        return "busy"


class Sender:
    def __init__(self, mailing_id: int, batch_size: int, rate_per_minute: int):
        self.mailings = Mailing.objects.filter(pk=mailing_id)
        self.mailing = self.mailings.get()
        self.batch_size = batch_size
        self.interval = 60 / rate_per_minute if rate_per_minute > 0 else 0
        self.next_send = time.monotonic()
        self.connection = None

    def run(self) -> str:
        self.take_over_from_a_dead_sender()
        now = timezone.now()
        self.mailings.update(
            status=Mailing.Status.SENDING,
            started_at=self.mailing.started_at or now,
            heartbeat_at=now,
            error="",
        )
        renderer = import_string(self.mailing.renderer)(self.mailing)
        try:
            while claim := self.claim_batch():
                if not self.send_batch(claim, renderer):
                    return "stopped"
        finally:
            if self.connection is not None:
                self.connection.close()
        self.mailings.update(
            status=Mailing.Status.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
        )
        return "done"

    def take_over_from_a_dead_sender(self):
        """Copies left "being handed over" by a sender that died (we hold the lock, so it is
        gone): the first of each of its batches may have reached the mail server, the others
        were never handed over."""
        stranded = Delivery.objects.filter(mailing=self.mailing, state=Delivery.State.SENDING)
        firsts = list(stranded.values("claim").annotate(first=Min("id")).values_list("first"))
        uncertain = [first for (first,) in firsts]
        if not uncertain:
            return
        Delivery.objects.filter(pk__in=uncertain).update(state=Delivery.State.UNCERTAIN)
        stranded.exclude(pk__in=uncertain).update(state=Delivery.State.PENDING, claim=None)
        record_progress(self.mailing.pk)
        logger.warning(
            "mailing %s: %s mail(s) may not have gone (their sender stopped)",
            self.mailing.pk,
            len(uncertain),
        )

    def claim_batch(self):
        claim = uuid.uuid4()
        with transaction.atomic():
            ids = list(
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(mailing=self.mailing, state=Delivery.State.PENDING)
                .order_by("id")
                .values_list("id", flat=True)[: self.batch_size]
            )
            if not ids:
                return None
            Delivery.objects.filter(pk__in=ids).update(state=Delivery.State.SENDING, claim=claim)
        return claim

    def send_batch(self, claim, renderer) -> bool:
        batch = (
            Delivery.objects.filter(claim=claim, state=Delivery.State.SENDING)
            .select_related("subscriber")
            .order_by("id")
        )
        try:
            for delivery in batch:
                if self.send_one(delivery, renderer) == "stopped":
                    self.release(claim)
                    return False
            return True
        finally:
            record_progress(self.mailing.pk)

    def send_one(self, delivery: Delivery, renderer) -> str:
        subscriber = delivery.subscriber
        deliveries = Delivery.objects.filter(pk=delivery.pk)
        if not subscriber.is_confirmed or subscriber.sending_stopped_at is not None:
            deliveries.update(state=Delivery.State.SKIPPED)
            return "skipped"
        links = links_for(subscriber)
        try:
            with translation.override(subscriber.language):
                mail = renderer.render(delivery, links)
        except Exception as error:
            self.stop(_("A mail could not be written: %(error)s") % {"error": error})
            # Not handed over: it and the rest of the batch are sent by the next run.
            self.release(delivery.claim)
            raise
        if mail is None:
            deliveries.update(state=Delivery.State.SKIPPED)
            return "skipped"
        message = message_for(subscriber, mail, links)
        self.wait_for_the_rate()
        try:
            self.open_connection().send_messages([message])
        except SMTPRecipientsRefused as error:
            deliveries.update(state=Delivery.State.FAILED, error=str(error)[:255])
            subscriber.record_bounce()
            return "failed"
        except SMTPResponseException as error:
            # The mail server answered that it did not take the mail: send it again later.
            self.stop(_("The mail server refused to take mail: %(error)s") % {"error": error})
            deliveries.update(state=Delivery.State.PENDING, claim=None)
            return "stopped"
        except OSError as error:  # and SMTPServerDisconnected: we do not know if it was taken
            self.stop(_("The mail server could not be reached: %(error)s") % {"error": error})
            deliveries.update(state=Delivery.State.UNCERTAIN, error=str(error)[:255])
            return "stopped"
        deliveries.update(state=Delivery.State.SENT, sent_at=timezone.now())
        return "sent"

    def open_connection(self):
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
        return self.connection

    def wait_for_the_rate(self):
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_send > now:
            time.sleep(self.next_send - now)
        self.next_send = max(now, self.next_send) + self.interval

    def release(self, claim):
        Delivery.objects.filter(claim=claim, state=Delivery.State.SENDING).update(
            state=Delivery.State.PENDING, claim=None
        )

    def stop(self, error: str):
        logger.warning("mailing %s stopped: %s", self.mailing.pk, error)
        self.mailings.update(error=error[:2000])
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None


def record_progress(mailing_id: int):
    """The mailing's counts, read from its deliveries (what a dead sender did counts too);
    a reader skipped (unsubscribed or stopped since) leaves the total."""
    states = dict(
        Delivery.objects.filter(mailing_id=mailing_id)
        .values_list("state")
        .annotate(count=Count("id"))
        .order_by()
    )
    Mailing.objects.filter(pk=mailing_id).update(
        sent_count=states.get(Delivery.State.SENT, 0),
        failed_count=states.get(Delivery.State.FAILED, 0),
        uncertain_count=states.get(Delivery.State.UNCERTAIN, 0),
        total=sum(states.values()) - states.get(Delivery.State.SKIPPED, 0),
        heartbeat_at=timezone.now(),
    )


def resume_mailings(now=None) -> list[int]:
    """Queues a sender for each mailing that is due (scheduled for now or earlier) or under way
    with no sender heard from for MAIL_STALLED_MINUTES (its worker died). Run by the periodic
    jobs; a mailing whose sender is alive is left to it (the lock says so)."""
    now = now or timezone.now()
    stalled_before = now - datetime.timedelta(minutes=settings.MAIL_STALLED_MINUTES)
    due = Mailing.objects.filter(status=Mailing.Status.QUEUED, not_before__lte=now)
    stalled = Mailing.objects.filter(
        status__in=[Mailing.Status.QUEUED, Mailing.Status.SENDING],
        not_before__isnull=True,
        heartbeat_at__lt=stalled_before,
    ) | Mailing.objects.filter(
        status=Mailing.Status.QUEUED,
        not_before__isnull=True,
        heartbeat_at__isnull=True,
        created_at__lt=stalled_before,
    )
    queued = []
    for mailing in (due | stalled).distinct():
        try:
            with advisory_lock(mailing.pk):
                pass
        except Busy:
            continue
        Mailing.objects.filter(pk=mailing.pk).update(not_before=None, heartbeat_at=now)
        send_mailing_task.enqueue(mailing.pk)
        queued.append(mailing.pk)
    return queued
