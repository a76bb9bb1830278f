"""The weekly digest as mail, and its send through the core's engine (ifex/core/mailing.py).

A digest is sent once, to the confirmed readers who want the digest in its language, and only
once it is published and public: the mail is written from the published version (never a
draft), with only the pieces still published and public when the sender starts, every link
absolute to the site and none rewritten, no image (nothing that tells the site who opened it),
right to left in Arabic. The engine adds each reader's link to change their choices or leave,
and the one-click unsubscribe headers.
"""

import logging

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Site

from ifex.core.mailing import Links, Mail, MailRenderer, message_for, site_url, start_mailing
from ifex.core.models import SiteSettings
from ifex.core.pages import shown_to_readers
from ifex.core.subscriptions import Mailing, Subscriber

from .digest import DigestPage, DigestSend, stories_shown

logger = logging.getLogger(__name__)

RENDERER = "articles.digest_mail.DigestMail"


def absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else site_url(url)


def digest_mail(digest: DigestPage) -> Mail:
    """The digest's mail, the same for each of its readers, in the digest's language."""
    language = digest.locale.language_code
    site = Site.objects.filter(is_default_site=True).first()
    site_name = SiteSettings.for_site(site).organisation_name if site else ""
    with translation.override(language):
        stories = [
            {
                "title": story.title,
                "kind": story.kind_label,
                "date": story.date,
                "teaser": story.teaser,
                "url": absolute(story.get_url()),
            }
            for story in stories_shown(digest)
        ]
        context = {
            "digest": digest,
            "stories": stories,
            "site_name": site_name,
            "web_url": absolute(digest.get_url()) if digest.live else "",
            "language": language,
            "bidi": translation.get_language_bidi(),
        }
        return Mail(
            subject=f"{site_name}: {digest.title}" if site_name else digest.title,
            text=render_to_string("articles/digest/mail.txt", context),
            html=render_to_string("articles/digest/mail.html", context),
        )


class DigestMail(MailRenderer):
    """Writes the digest once per sender run, when it starts: a digest unpublished or made
    private since it was sent is sent to no one more."""

    def __init__(self, mailing):
        super().__init__(mailing)
        digest = DigestPage.objects.live().public().filter(pk=mailing.page_id).first()
        self.mail = digest_mail(digest) if digest is not None else None

    def render(self, delivery, links):
        return self.mail


def preview_message(digest: DigestPage):
    """The message as the engine would send it to a reader of the digest's language, with the
    signup page standing in for that reader's own links."""
    language = digest.locale.language_code
    reader = Subscriber(email="reader@example.org", language=language, wants_digest=True)
    with translation.override(language):
        signup = site_url(reverse("subscribe"))
    links = Links(manage=signup, unsubscribe=signup)
    return message_for(reader, digest_mail(digest), links)


class SendRefused(Exception):
    pass


def refusal(digest: DigestPage) -> str:
    """Why this digest may not be sent now, in words for the editor; "" if it may."""
    if DigestSend.objects.filter(page=digest).exists():
        return _("This digest has been sent, or is to be sent, already: a digest is sent once.")
    if not digest.live:
        return _("Publish the digest first: only a published digest is sent.")
    if not shown_to_readers(digest):
        return _("This digest is private: only a public digest is sent.")
    return ""


def send_digest(digest: DigestPage, user, at=None) -> DigestSend:
    """Sends the published digest now, or from `at` on; refused (SendRefused, with the
    reason) if it may not be sent, or was already."""
    reason = refusal(digest)
    if reason:
        raise SendRefused(reason)
    if at is not None and at <= timezone.now():
        at = None
    try:
        with transaction.atomic():
            send = DigestSend.objects.create(page=digest, send_at=at, requested_by=user)
            if at is None:
                start_digest_send(send, digest)
    except IntegrityError:  # another editor's click, at the same moment
        raise SendRefused(refusal(digest)) from None
    return send


def start_digest_send(send: DigestSend, digest: DigestPage):
    mailing = Mailing.objects.create(
        kind=Mailing.Kind.DIGEST,
        language=digest.locale.language_code,
        renderer=RENDERER,
        page=digest,
        subject=digest.title,
    )
    send.mailing = mailing
    send.save(update_fields=["mailing"])
    start_mailing(mailing)


def send_due_digests(now=None) -> list[str]:
    """Starts each scheduled send that is due (a periodic job). Its readers are counted then,
    not when it was scheduled: who confirmed or left since is as they are now. A digest
    unpublished or made private before its time is not sent, and its schedule is dropped."""
    now = now or timezone.now()
    said = []
    with transaction.atomic():
        due = (
            DigestSend.objects.select_for_update(skip_locked=True)
            .filter(mailing__isnull=True, send_at__lte=now)
            .order_by("send_at")
        )
        for send in due:
            digest = DigestPage.objects.filter(pk=send.page_id).first()
            if digest is None or not digest.live or not shown_to_readers(digest):
                logger.warning("digest %s not sent at its time: not published", send.page_id)
                said.append(f"digest {send.page_id}: not published or not public, not sent.")
                send.delete()
                continue
            start_digest_send(send, digest)
            said.append(f"digest {send.page_id}: sending to {send.mailing.total} reader(s).")
    return said
