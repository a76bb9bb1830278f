"""Readers who follow the site by mail, and what is sent to them.

A `Subscriber` chose the weekly digest and/or alerts for some countries, regions or topics; they
get nothing but the confirmation mail until they confirm (double opt-in). A `Mailing` is one send
(a digest issue, a day's alerts) and each `Delivery` one reader's copy of it: the sending engine
(ifex/core/mailing.py) marks each delivery sent as soon as the mail server took it, so a send
that stops half-way is resumed without mailing anyone twice.

The core knows no content type: a mailing's words come from its renderer (a dotted path), and a
page tells the alerts what it is about through `BasePage.alert_terms()`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

TOKEN_SALT = "ifex.core.subscriptions.token"


def new_secret() -> str:
    return secrets.token_urlsafe(16)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def receiving(self):
        """Confirmed, and not stopped for bouncing."""
        return self.confirmed().filter(sending_stopped_at__isnull=True)

    def for_digest(self, language: str = ""):
        readers = self.receiving().filter(wants_digest=True)
        return readers.filter(language=language) if language else readers

    def for_alerts(self):
        return self.receiving().filter(wants_alerts=True)

    def unconfirmed_before(self, moment):
        return self.filter(confirmed_at__isnull=True, created_at__lt=moment)

    def from_token(self, token: str):
        """The subscriber a mail's link stands for, or None (a changed or stale token)."""
        subscriber_id, _dot, _signature = (token or "").partition(".")
        if not subscriber_id.isdigit():
            return None
        subscriber = self.filter(pk=int(subscriber_id)).first()
        if subscriber is None or not constant_time_compare(subscriber.token, token):
            return None
        return subscriber


class Subscriber(models.Model):
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    wants_digest = models.BooleanField(_("weekly digest"), default=False)
    wants_alerts = models.BooleanField(_("alerts"), default=False)
    countries = models.ManyToManyField(
        "core.Country", verbose_name=_("countries"), blank=True, related_name="+"
    )
    regions = models.ManyToManyField(
        "core.Region", verbose_name=_("regions"), blank=True, related_name="+"
    )
    topics = models.ManyToManyField(
        "core.Topic", verbose_name=_("topics"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("signed up"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Part of every link's token: a new secret makes every earlier link stop working.
    secret = models.CharField(max_length=32, default=new_secret, editable=False)
    bounce_count = models.PositiveIntegerField(_("bounces"), default=0)
    sending_stopped_at = models.DateTimeField(
        _("sending stopped"),
        null=True,
        blank=True,
        help_text=_("Set when the address kept bouncing: nothing more is sent to it."),
    )
    # Alerts: at most one mail per ALERT_INTERVAL_HOURS, covering what was published since.
    next_alert_at = models.DateTimeField(null=True, blank=True, editable=False)
    alerts_since = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def token(self) -> str:
        """What a mail's manage and unsubscribe links carry: the subscriber and a signature
        only this site can make. It does not expire (an old mail's unsubscribe link must keep
        working); a new `secret` revokes it."""
        signature = salted_hmac(TOKEN_SALT, f"{self.pk}:{self.secret}:{self.email}")
        return f"{self.pk}.{signature.hexdigest()[:32]}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def record_bounce(self, *, now=None) -> bool:
        """Counts a bounce; from MAIL_BOUNCE_LIMIT on nothing more is sent. True once stopped."""
        mine = Subscriber.objects.filter(pk=self.pk)
        mine.update(bounce_count=models.F("bounce_count") + 1)
        mine.filter(
            bounce_count__gte=settings.MAIL_BOUNCE_LIMIT, sending_stopped_at__isnull=True
        ).update(sending_stopped_at=now or timezone.now())
        self.refresh_from_db(fields=["bounce_count", "sending_stopped_at"])
        return self.sending_stopped_at is not None


def normalise_email(address: str) -> str:
    """One spelling per mailbox for the uniqueness check: trimmed, the domain in lower case,
    and the local part too (every provider readers use ignores its case)."""
    return (address or "").strip().lower()


class Mailing(models.Model):
    """One send to many subscribers: a digest issue, a day's alerts."""

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Digest")
        ALERT = "alert", _("Alerts")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not sent")
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Sent")
        FAILED = "failed", _("Stopped")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Only readers who chose this language; empty for every reader."),
    )
    renderer = models.CharField(
        _("renderer"),
        max_length=255,
        help_text=_("Dotted path of the MailRenderer class that writes each copy."),
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    not_before = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The sender writes it after each batch: a mailing under way whose heartbeat is old has
    # lost its sender (`resume_mailings` starts another).
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    total = models.PositiveIntegerField(_("recipients"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    failed_count = models.PositiveIntegerField(_("refused"), default=0)
    uncertain_count = models.PositiveIntegerField(
        _("maybe not sent"),
        default=0,
        help_text=_(
            "Mails the sender was handing over when it stopped: the mail server may or may not "
            "have taken them, so they are not sent again."
        ),
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self):
        return self.subject or f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent_sent(self) -> int:
        done = self.sent_count + self.failed_count + self.uncertain_count
        return round(100 * done / self.total) if self.total else 0


class Delivery(models.Model):
    """One subscriber's copy of a mailing. Unique per mailing and subscriber: a resumed send
    finds what was sent and never mails anyone twice."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being handed over")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused")
        SKIPPED = "skipped", _("Skipped")
        UNCERTAIN = "uncertain", _("Maybe not sent")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    claim = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    # What this copy is about (an alert's pages, by id), when it differs from reader to reader.
    page_ids = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscriber"], name="one_delivery_per_subscriber"
            )
        ]
        indexes = [
            models.Index(
                fields=["mailing", "id"],
                condition=Q(state__in=["pending", "sending"]),
                name="delivery_to_send",
            )
        ]

    def __str__(self):
        return f"{self.mailing} → {self.subscriber_id}"


class Publication(models.Model):
    """A page published with something to alert readers of, waiting for the alerts job."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("publication for alerts")
        verbose_name_plural = _("publications for alerts")

    def __str__(self):
        return f"{self.page_id} {self.published_at:%Y-%m-%d %H:%M}"
