"""Signatures gathered online for a joint statement.

A representative signs on the statement's page (or through a members' link to a draft); the
confirmation mail goes to the directory organisation's registered contact address, or, for
another organisation, to the address typed (then the moderator sees "unverified"). A confirmed
signature waits for a moderator (or the statement's owner, an editor); an approved one is listed
on the page after the editor's own list of signatories, in the order the signatures were made.

The representative's name and the addresses are personal data: staff only, never in a page, the
API or a download, and erased SIGNATURE_CONTACT_RETENTION_DAYS after the statement closes
(`erase_expired_contacts`, a periodic job).
"""

import datetime

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CONFIRMATION_SALT = "articles.signature.confirm"
DRAFT_LINK_SALT = "articles.signature.draft-link"


class SignatureQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(status=Signature.Status.APPROVED)

    def as_shown(self):
        """As `SignatoryQuerySet.as_shown`: rows a statement's page lists, in signing order."""
        from django.db.models import F
        from django.db.models.functions import Coalesce

        return (
            self.order_by("signed_at", "pk")
            .annotate(
                display_name=Coalesce("organisation__name", "organisation_name"),
                link=Coalesce("organisation__website", "website"),
                position=models.Value(0),
                tiebreak=F("pk"),
            )
            .values("display_name", "link", "position", "tiebreak")
        )

    def awaiting_decision(self):
        return self.filter(status=Signature.Status.CONFIRMED)

    def moderated_by(self, user):
        """The signatures `user` may approve or reject: any for a moderator, those of the
        statements they own for an editor, none for anyone else."""
        if user.is_superuser or user.has_perm("articles.moderate_signatures"):
            return self
        if user.has_perm("articles.moderate_own_statement_signatures"):
            return self.filter(statement__owner=user)
        return self.none()


class Signature(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("waiting for its mail to be confirmed")
        CONFIRMED = "confirmed", _("confirmed, waiting for a decision")
        APPROVED = "approved", _("approved: shown on the statement")
        REJECTED = "rejected", _("rejected")

    statement = models.ForeignKey(
        "articles.JointStatementPage",
        verbose_name=_("statement"),
        on_delete=models.CASCADE,
        related_name="online_signatures",
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation in the directory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="online_signatures",
    )
    organisation_name = models.CharField(_("organisation"), max_length=255)
    country = models.ForeignKey(
        "core.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    representative_name = models.CharField(_("representative"), max_length=255, blank=True)
    representative_email = models.EmailField(_("representative's address"), blank=True)
    confirmation_sent_to = models.EmailField(_("confirmation sent to"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNCONFIRMED
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejection_reason = models.TextField(_("reason for rejecting (staff only)"), blank=True)
    contacts_erased_at = models.DateTimeField(_("contact details erased"), null=True, blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        permissions = [
            ("moderate_signatures", "Approve or reject any signature"),
            ("moderate_own_statement_signatures", "Approve or reject signatures of own statements"),
        ]
        constraints = [
            # Confirmed or approved: the organisation has signed. An unconfirmed one may be
            # anyone's attempt, a rejected one someone's impersonation: neither blocks the real
            # organisation.
            models.UniqueConstraint(
                fields=["statement", "organisation"],
                condition=Q(status__in=["confirmed", "approved"], organisation__isnull=False),
                name="one_signature_per_directory_organisation",
            ),
            models.UniqueConstraint(
                "statement",
                Lower("organisation_name"),
                condition=Q(status__in=["confirmed", "approved"], organisation__isnull=True),
                name="one_signature_per_other_organisation",
            ),
        ]

    def __str__(self):
        return self.organisation_name

    @property
    def verified(self) -> bool:
        """Confirmed from the directory's registered address: the organisation itself."""
        return self.organisation_id is not None

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name

    @property
    def link(self) -> str:
        return self.organisation.website if self.organisation_id else self.website

    def confirmation_token(self) -> str:
        return signing.dumps(self.pk, salt=CONFIRMATION_SALT)

    @classmethod
    def from_token(cls, token: str):
        """The signature a confirmation link names. Raises signing.SignatureExpired past
        SIGNATURE_LINK_HOURS, signing.BadSignature when the link was changed, and
        DoesNotExist when it was erased."""
        pk = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=settings.SIGNATURE_LINK_HOURS * 3600
        )
        return cls.objects.select_related("statement").get(pk=pk)

    def decide(self, status, user, reason=""):
        """Approved or rejected by `user`. What readers see changes when an approved signature
        is added or taken away: the page cache renders the page afresh on the next request."""
        was_shown = self.status == self.Status.APPROVED
        self.status = status
        self.decided_at = timezone.now()
        self.decided_by = user if user and user.is_authenticated else None
        self.rejection_reason = reason if status == self.Status.REJECTED else ""
        self.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
        if was_shown or status == self.Status.APPROVED:
            statement_signatures_changed(self.statement)


def decide_many(signatures, status, user, reason="") -> int:
    """Approves or rejects `signatures` confirmed from their mail (an unconfirmed one is left as
    it is); the statements whose list changed are rendered afresh once. Returns how many."""
    decidable = [
        signature for signature in signatures if signature.status != Signature.Status.UNCONFIRMED
    ]
    changed = {}
    for signature in decidable:
        if signature.status == Signature.Status.APPROVED or status == Signature.Status.APPROVED:
            changed[signature.statement_id] = signature
        signature.status = status
        signature.decided_at = timezone.now()
        signature.decided_by = user if user and user.is_authenticated else None
        signature.rejection_reason = reason if status == Signature.Status.REJECTED else ""
    Signature.objects.bulk_update(
        decidable, ["status", "decided_at", "decided_by", "rejection_reason"]
    )
    if changed:
        from ifex.core.page_cache import model_changed, replace_version

        replace_version()
        model_changed(Signature)
        for signature in changed.values():
            statement = signature.statement
            transaction.on_commit(lambda statement=statement: purge_statement(statement))
    return len(decidable)


def statement_signatures_changed(statement):
    """The statement's list of signatures changed without a new revision: every cached page
    (the statement, the index's cards, counts) is rendered afresh, and a CDN forgets it."""
    from ifex.core.page_cache import model_changed, replace_version

    replace_version()
    model_changed(Signature)  # the statement's card, with its count
    transaction.on_commit(lambda: purge_statement(statement))


def purge_statement(statement):
    if not settings.WAGTAILFRONTENDCACHE:
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    batch.add_page(statement)
    parent = statement.get_parent()
    if parent:
        batch.add_page(parent)
    batch.purge()


def draft_link_token(statement) -> str:
    return signing.dumps(statement.pk, salt=DRAFT_LINK_SALT)


def statement_from_draft_token(token: str) -> int:
    """The statement a members' signing link names (raises signing.BadSignature if changed).
    It needs no age limit: the statement's closing date ends it."""
    return signing.loads(token, salt=DRAFT_LINK_SALT)


def contacts_due_for_erasure(now=None):
    """Signatures whose statement closed more than SIGNATURE_CONTACT_RETENTION_DAYS ago, with
    contact details still kept."""
    now = now or timezone.now()
    closed_before = now - datetime.timedelta(days=settings.SIGNATURE_CONTACT_RETENTION_DAYS)
    closed_long_ago = Q(statement__signatures_close_at__lt=closed_before) | Q(
        statement__signatures_close_at__isnull=True, signed_at__lt=closed_before
    )
    return Signature.objects.filter(closed_long_ago, contacts_erased_at__isnull=True)


def erase_expired_contacts(now=None) -> int:
    """Erases the representatives' names and addresses of statements long closed, and drops
    signatures never confirmed whose link has expired. Returns how many signatures it erased."""
    now = now or timezone.now()
    erased = contacts_due_for_erasure(now).update(
        representative_name="",
        representative_email="",
        confirmation_sent_to="",
        contacts_erased_at=now,
    )
    expired = now - datetime.timedelta(hours=settings.SIGNATURE_LINK_HOURS)
    Signature.objects.filter(status=Signature.Status.UNCONFIRMED, signed_at__lt=expired).delete()
    return erased
