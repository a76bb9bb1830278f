"""Alerts: a reader who chose countries, regions or topics gets a mail when something about
them is published, at most one mail every ALERT_INTERVAL_HOURS, whatever is published.

A publish only notes the page (`Publication`); the periodic jobs' `send_alerts` gathers, for
each reader whose next alert is due, what was published since their last one and matches
their choices, and sends it all as one mail. Pages are read again when each mail is written:
a page unpublished or made private since is left out, and a reader with nothing left gets no
mail. A page says what it is about through `alert_terms()` and how a mail lists it through
`alert_entry()` (BasePage's; a case lists its public view, never a withheld name), so this
module knows no content type.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page
from wagtail.signals import page_published

from .mailing import Mail, MailRenderer, start_mailing
from .subscriptions import Delivery, Mailing, Publication, Subscriber

# Publications older than this are forgotten: a reader's alert never reaches further back.
LOOKBACK = datetime.timedelta(days=7)


@dataclass
class AlertTerms:
    """What a page is about, for alerts: countries (whose regions count too) and topics."""

    countries: list = field(default_factory=list)
    topics: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.countries or self.topics)


@dataclass(frozen=True)
class AlertEntry:
    """How a mail lists a page: nothing a reader of the public page could not see."""

    title: str
    teaser: str
    url: str


def connect():
    page_published.connect(note_publication, dispatch_uid="note_publication_for_alerts")


def note_publication(sender, instance, **kwargs):
    page = instance
    if not hasattr(page, "alert_terms") or not page.alert_terms():
        return
    if not Page.objects.filter(pk=page.pk).public().exists():
        return  # private: never alerted, even once it is made public (it is not "new" then)
    Publication.objects.create(page_id=page.pk)


def public_pages(ids):
    """The pages, as readers may see them now: live and not private."""
    return Page.objects.filter(pk__in=ids).live().public().specific()


@dataclass
class Published:
    """One piece of content (all its languages), with what alerts match it by."""

    at: datetime.datetime
    pages: dict  # language code -> page id
    countries: set
    regions: set
    topics: set

    def page_for(self, language: str):
        return (
            self.pages.get(language)
            or self.pages.get(settings.LANGUAGE_CODE)
            or (next(iter(self.pages.values())))
        )


def recent_publications(since) -> list[Published]:
    latest = {}
    for page_id, at in Publication.objects.filter(published_at__gte=since).values_list(
        "page_id", "published_at"
    ):
        latest[page_id] = max(at, latest.get(page_id, at))
    by_content = {}
    for page in public_pages(latest).select_related("locale"):
        terms = page.alert_terms()
        if not terms:
            continue
        content = by_content.setdefault(
            page.translation_key, Published(latest[page.pk], {}, set(), set(), set())
        )
        content.at = max(content.at, latest[page.pk])
        content.pages[page.locale.language_code] = page.pk
        for country in terms.countries:
            content.countries.add(country.translation_key)
            content.regions.add(country.region.translation_key)
        content.topics.update(topic.translation_key for topic in terms.topics)
    return list(by_content.values())


def send_alerts(now=None) -> Mailing | None:
    """One mailing for every reader whose alert is due and who has something new; each
    reader's delivery lists their pages. Returns the mailing, or None when no one is due."""
    now = now or timezone.now()
    Publication.objects.filter(published_at__lt=now - LOOKBACK).delete()
    publications = recent_publications(now - LOOKBACK)
    if not publications:
        return None
    due = (
        Subscriber.objects.for_alerts()
        .filter(Q(next_alert_at__isnull=True) | Q(next_alert_at__lte=now))
        .prefetch_related("countries__region", "regions", "topics")
        .order_by("pk")
    )
    with transaction.atomic():
        mailing = None
        for subscriber in due.iterator(chunk_size=500):
            page_ids = matching(subscriber, publications, now)
            if not page_ids:
                continue
            if mailing is None:
                mailing = Mailing.objects.create(
                    kind=Mailing.Kind.ALERT, renderer="ifex.core.alerts.AlertMail"
                )
            Delivery.objects.create(mailing=mailing, subscriber=subscriber, page_ids=page_ids)
            Subscriber.objects.filter(pk=subscriber.pk).update(
                next_alert_at=now + datetime.timedelta(hours=settings.ALERT_INTERVAL_HOURS),
                alerts_since=now,
            )
        if mailing is not None:
            start_mailing(mailing)
    return mailing


def matching(subscriber: Subscriber, publications: list[Published], now) -> list[int]:
    since = subscriber.alerts_since or subscriber.confirmed_at or now
    countries = {country.translation_key for country in subscriber.countries.all()}
    regions = {region.translation_key for region in subscriber.regions.all()}
    topics = {topic.translation_key for topic in subscriber.topics.all()}
    chosen = [
        content
        for content in publications
        if content.at > since
        and (content.countries & countries or content.regions & regions or content.topics & topics)
    ]
    chosen.sort(key=lambda content: content.at, reverse=True)
    return [content.page_for(subscriber.language) for content in chosen]


class AlertMail(MailRenderer):
    """A reader's alert: the pages of their delivery that are still public."""

    def render(self, delivery, links):
        order = {page_id: index for index, page_id in enumerate(delivery.page_ids)}
        pages = sorted(public_pages(delivery.page_ids), key=lambda page: order[page.pk])
        entries = [page.alert_entry() for page in pages]
        if not entries:
            return None
        site = settings.WAGTAIL_SITE_NAME
        if len(entries) == 1:
            subject = _("New on %(site)s: %(title)s") % {"site": site, "title": entries[0].title}
        else:
            subject = ngettext(
                "New on %(site)s: %(count)d page on what you follow",
                "New on %(site)s: %(count)d pages on what you follow",
                len(entries),
            ) % {"site": site, "count": len(entries)}
        context = {"entries": entries, "links": links, "heading": _("New on what you follow")}
        return Mail(
            subject=subject,
            text=render_to_string("core/mail/alert.txt", context),
            html=render_to_string("core/mail/alert.html", context),
        )
