"""The weekly digest: a page per week and language that gathers the week's published articles
and joint statements, which editors edit, preview as mail and send to its subscribers.

The site drafts each week's digest in every language that has a digest index
(`draft_weekly_digests`, run by the periodic jobs): a draft, never published by the site. Which
weeks were drafted is recorded (`DigestWeek`), so a run that finds the week drafted, or the
draft deleted by an editor, drafts nothing.
"""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail.blocks import PageChooserBlock
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Locale, Page

from ifex.core.listing import requested_page_number
from ifex.core.models import BasePage
from ifex.core.public_text import reader_views

STORY_TYPES = ["articles.ArticlePage", "articles.JointStatementPage"]
DIGESTS_PER_PAGE = 20
FEED_LENGTH = 20


class DigestIndexPage(RoutablePageMixin, BasePage):
    """The past issues of the digest in one language, newest first, with their feed."""

    intro = models.TextField(_lazy("introduction"), blank=True)

    content_panels = [*BasePage.content_panels, "intro"]
    subpage_types = ["articles.DigestPage"]
    max_count = 1
    query_parameters = ("page",)
    template = "articles/digest/digest_index_page.html"

    class Meta:
        verbose_name = _lazy("digest index")

    def get_cached_paths(self):
        return ["/", "/feed/"]

    def published_issues(self):
        return (
            DigestPage.objects.live()
            .public()
            .child_of(self)
            .order_by("-week_start", "-first_published_at", "-pk")
        )

    @path("feed/", name="feed")
    def feed(self, request):
        from .digest_feed import DigestFeed

        return DigestFeed(self)(request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(self.published_issues(), DIGESTS_PER_PAGE)
        context["issues"] = paginator.get_page(requested_page_number(request, paginator))
        return context


class DigestPage(BasePage):
    """One issue: an introduction and the articles and statements it points to, in the order
    the editor leaves them. Only those still published and public are shown or mailed."""

    week_start = models.DateField(
        _lazy("week starting"),
        null=True,
        blank=True,
        help_text=_lazy("The first day of the week this issue covers."),
    )
    intro = models.TextField(
        _lazy("introduction"),
        blank=True,
        help_text=_lazy("A few words above the list, in the page and in the mail."),
    )
    stories = StreamField(
        [("story", PageChooserBlock(page_type=STORY_TYPES, label=_lazy("article or statement")))],
        verbose_name=_lazy("articles and statements"),
        blank=True,
    )

    content_panels = [*BasePage.content_panels, "week_start", "intro", "stories"]
    parent_page_types = ["articles.DigestIndexPage"]
    subpage_types = []
    template = "articles/digest/digest_page.html"

    class Meta:
        verbose_name = _lazy("weekly digest")
        verbose_name_plural = _lazy("weekly digests")

    @property
    def preview_modes(self):
        return [("", _("Page")), ("mail", _("Mail")), ("text", _("Mail as plain text"))]

    def serve_preview(self, request, mode_name):
        """The mail as its readers will get it, written from the edited digest: the HTML
        part, or the plain-text part."""
        if mode_name not in ("mail", "text"):
            return super().serve_preview(request, mode_name)
        from .digest_mail import preview_message

        message = preview_message(self)
        if mode_name == "text":
            return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
        return HttpResponse(message.alternatives[0][0], content_type="text/html; charset=utf-8")

    @property
    def week_end(self):
        return self.week_start + datetime.timedelta(days=6) if self.week_start else None

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["stories"] = stories_shown(self)
        return context


class DigestWeek(models.Model):
    """A week the site drafted the digest of, in one language: drafted once, whatever
    becomes of the draft."""

    locale = models.ForeignKey(Locale, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["locale", "week_start"], name="one_digest_draft_per_week_and_language"
            )
        ]

    def __str__(self):
        return f"{self.locale_id} {self.week_start}"


class DigestSend(models.Model):
    """A digest's one send, asked for by an editor: now, or at `send_at` (the periodic jobs
    start it then). One per digest: a digest is never sent twice."""

    page = models.OneToOneField(
        Page, verbose_name=_lazy("digest"), on_delete=models.CASCADE, related_name="digest_send"
    )
    mailing = models.OneToOneField(
        "core.Mailing", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    send_at = models.DateTimeField(_lazy("send at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _lazy("digest send")

    def __str__(self):
        return f"{self.page_id} {self.send_at or self.requested_at:%Y-%m-%d %H:%M}"


def story_ids(digest) -> list[int]:
    """The chosen pages' ids, in order, from the stream as stored (or as edited, in a preview),
    without reading the pages."""
    ids = []
    for block in digest.stories.raw_data:
        value = block.get("value") if isinstance(block, dict) else None
        if isinstance(value, Page):
            value = value.pk
        if isinstance(value, int) and value not in ids:
            ids.append(value)
    return ids


def stories_shown(digest) -> list:
    """The chosen articles and statements that are live and public now, in the chosen order,
    as listings read them, each in the digest's language where a translation of it is
    published (a digest translated with wagtail-localize keeps its source's choices): two
    queries per page type, however many."""
    from .models import ArticlePage, JointStatementPage

    ids = story_ids(digest)
    if not ids:
        return []
    models = (ArticlePage, JointStatementPage)
    chosen = {}
    for model in models:
        chosen.update(model.objects.for_listing().filter(pk__in=ids).in_bulk())
    foreign = {
        page.translation_key for page in chosen.values() if page.locale_id != digest.locale_id
    }
    translations = {}
    for model in models if foreign else ():
        for page in model.objects.for_listing().filter(
            translation_key__in=foreign, locale_id=digest.locale_id, alias_of__isnull=True
        ):
            translations[page.translation_key] = page
    shown = {}
    for pk in ids:
        if pk in chosen:
            page = translations.get(chosen[pk].translation_key, chosen[pk])
            shown.setdefault(page.pk, page)
    # As readers get each piece: a withheld name taken out (ifex.core.public_text).
    return reader_views(shown.values())


def week_covered(today: datetime.date) -> datetime.date:
    """The Monday of the last whole week (Monday to Sunday) before `today`."""
    return today - datetime.timedelta(days=today.weekday() + 7)


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def published_in_week(locale_id: int, week_start: datetime.date) -> list:
    """The articles and statements of a language dated in the week, live and public (no draft,
    no private page, no alias showing another language's words), newest first."""
    from .models import ArticlePage, JointStatementPage

    week_end = week_start + datetime.timedelta(days=6)
    pages = []
    for model in (JointStatementPage, ArticlePage):
        pages += model.objects.for_listing().filter(
            locale_id=locale_id, alias_of__isnull=True, date__range=(week_start, week_end)
        )
    return sorted(pages, key=lambda page: (page.date, page.pk), reverse=True)


def digest_title(week_start: datetime.date, language: str) -> str:
    with translation.override(language):
        return _("The week of %(date)s") % {"date": formats.date_format(week_start, "j F Y")}


def draft_weekly_digests(week_start: datetime.date | None = None) -> list[str]:
    """Drafts the digest of a week (by default the last whole one) under each language's
    digest index, from the pieces published in it; a week drafted before is left alone. Says,
    a line each, what it did."""
    week_start = week_of(week_start) if week_start else week_covered(timezone.localdate())
    said = []
    indexes = {}
    for index in DigestIndexPage.objects.filter(alias_of__isnull=True).order_by("path"):
        indexes.setdefault(index.locale_id, index)
    for locale in Locale.objects.order_by("pk"):
        language = locale.language_code
        index = indexes.get(locale.pk)
        if index is None:
            said.append(f"{language}: no digest index in this language, no digest drafted.")
            continue
        said.append(f"{language}: {draft_digest(index, locale, week_start)}")
    return said


def draft_digest(index: DigestIndexPage, locale: Locale, week_start: datetime.date) -> str:
    if DigestWeek.objects.filter(locale=locale, week_start=week_start).exists():
        return f"the week of {week_start} was drafted before."
    pages = published_in_week(locale.pk, week_start)
    if not pages:
        return f"nothing was published in the week of {week_start}: no digest drafted."
    try:
        with transaction.atomic():
            week = DigestWeek.objects.create(locale=locale, week_start=week_start)
            digest = DigestPage(
                title=digest_title(week_start, locale.language_code),
                slug=free_slug(index, f"week-{week_start:%Y-%m-%d}"),
                locale=locale,
                week_start=week_start,
                stories=[("story", page) for page in pages],
                live=False,
            )
            index.add_child(instance=digest)
            digest.save_revision(log_action=True)
            week.page = digest
            week.save(update_fields=["page"])
    except IntegrityError:  # drafted at this moment by another run
        return f"the week of {week_start} was drafted before."
    return f"drafted {digest.title!r} with {len(pages)} piece(s), for an editor to publish."


def free_slug(parent: Page, slug: str) -> str:
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate
