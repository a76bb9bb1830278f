"""How listings of articles and statements are queried.

Every listing fetches its images (with renditions), countries, topics and, for statements, the
signatory count in a fixed number of queries, however many items it shows.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from ifex.core.models import Country, Topic
from ifex.core.pages import SitePageQuerySet, as_instances
from ifex.core.shared_parts import kept_until_content_changes


class NewsPageQuerySet(SitePageQuerySet):
    def for_listing(self):
        """Live, public pages, newest first, with everything a listing card shows: the names
        of their countries in the same query."""
        return (
            super()
            .for_listing()
            .select_related("reporting_organisation")
            .annotate(country_names=self.country_names())
            .order_by("-date", "-pk")
        )

    def for_page(self):
        """A news page as its reader sees it: its countries and topics read with it
        (`news_aside`)."""
        from ifex.core.pages import related_rows

        return self.annotate(
            country_rows=related_rows(self.model, "countries"),
            topic_rows=related_rows(self.model, "topics"),
        )

    def for_cards(self):
        return super().for_cards().order_by("-date", "-pk")

    def card_fields(self):
        return (*super().card_fields(), "date")

    def country_names(self):
        """Each page's countries, named in the reader's language where a translator has (an
        English original listed on a French page too)."""
        from ifex.core.languages import active_locale_id
        from ifex.core.models import Country

        countries = self.model._meta.get_field("countries")
        in_readers_language = Country.objects.filter(
            translation_key=OuterRef("country__translation_key"), locale_id=active_locale_id()
        ).values("name")[:1]
        return ArraySubquery(
            countries.remote_field.through.objects.filter(
                **{countries.m2m_field_name(): OuterRef("pk")}
            )
            .annotate(shown_name=Coalesce(Subquery(in_readers_language), F("country__name")))
            .order_by("shown_name")
            .values("shown_name")
        )


class StatementQuerySet(NewsPageQuerySet):
    def for_listing(self):
        """Cards of statements also say how many organisations signed: counted for the cards
        shown only (a subquery), not for every statement before the newest are picked."""
        from .models import Signatory
        from .signing import Signature

        listed = (
            Signatory.objects.filter(page=OuterRef("pk"))
            .order_by()
            .values("page")
            .annotate(count=Count("pk"))
            .values("count")
        )
        approved = (
            Signature.objects.shown()
            .filter(statement=OuterRef("pk"))
            .order_by()
            .values("statement")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .for_listing()
            .annotate(
                signatory_count=Coalesce(Subquery(listed), 0) + Coalesce(Subquery(approved), 0)
            )
        )


# The pk breaks ties: signatures added in one go may share a sort order.
SIGNATURE_ORDER = ("sort_order", "pk")


class SignatoryQuerySet(QuerySet):
    def as_shown(self):
        """Each signature's name and link as a statement shows them, in order, as rows: the
        organisation's where one was chosen. A statement has dozens; making two model
        instances of each was a large part of its page's time."""
        return (
            self.order_by(*SIGNATURE_ORDER)
            .annotate(
                display_name=Coalesce("organisation__name", "name"),
                link=Coalesce("organisation__website", "url"),
                position=F("sort_order"),
                tiebreak=F("pk"),
            )
            .values("display_name", "link", "position", "tiebreak")
        )


def signatories_shown(statement) -> list:
    """What the statement's page lists: rows with the `display_name` and `link` a Signatory
    has. A preview's signatures are the edited ones, in memory: those are shown themselves.
    After the editor's list come the signatures made online and approved, in the order they
    were made (articles/signing.py): read in the same query, and shown without a new revision."""
    from .signing import Signature

    signatories = statement.signatories
    approved = Signature.objects.filter(statement_id=statement.pk).shown().as_shown()
    if signatories.is_deferring:
        return [*signatories.order_by(*SIGNATURE_ORDER), *approved]
    return list(
        signatories.as_shown()
        .annotate(online=Value(False))
        .union(approved.annotate(online=Value(True)), all=True)
        .order_by("online", "position", "tiebreak")
    )


def with_signatures_published(statements):
    """`statements` with what `signatures_published` reads, in two queries however many."""
    from .models import Signatory
    from .signing import Signature

    listed = Signatory.objects.select_related("organisation").order_by(*SIGNATURE_ORDER)
    approved = (
        Signature.objects.shown()
        .select_related("organisation")
        .only(
            "statement_id",
            "organisation_name",
            "website",
            "signed_at",
            "organisation__name",
            "organisation__website",
            "organisation__is_member",
        )
        .order_by("signed_at", "pk")
    )
    return statements.prefetch_related(
        Prefetch("signatories", listed),
        Prefetch("online_signatures", approved, to_attr="approved_online"),
    )


def signatures_published(statement) -> list:
    """The statement's signatures as its page lists them, for the API and the downloads: the
    editor's list in its order, then the signatures made online and approved, in signing order.
    Each has `display_name`, `link` and `organisation`; no contact detail is read."""
    return [*statement.signatories.all(), *statement.approved_online]


def news_aside(page, request) -> dict:
    """What a news page shows beside its text: its countries and topics, and the related pages
    they lead to. The same for every reader until content changes (a publish may relate another
    page), so kept under the content version, as the page is: three queries and their building
    were a fifth of an article's time. A preview shows the edited countries and topics."""

    def read():
        if hasattr(page, "country_rows"):  # read with the page (`for_page`)
            countries = as_instances(Country, page.country_rows)
            topics = as_instances(Topic, page.topic_rows)
        else:
            countries, topics = list(page.countries.all()), list(page.topics.all())
        return {
            "countries": countries,
            "topics": topics,
            "related_pages": related_pages(page, countries, topics),
        }

    if getattr(request, "is_preview", False):
        return read()
    return kept_until_content_changes(f"news_aside:{page.pk}", read)


def related_pages(page, countries, topics, limit=3):
    """Pages of the same kind that share a topic or a country with `page`, newest first."""
    topic_keys = [topic.translation_key for topic in topics]
    country_keys = [country.translation_key for country in countries]
    if not (topic_keys or country_keys):
        return []
    model = type(page)
    # One semi-join per link table: the same rows as joining both in one subquery, which
    # PostgreSQL took three times as long to plan.
    sharing_topic = linked_pages(model, "topics", topic__translation_key__in=topic_keys)
    sharing_country = linked_pages(model, "countries", country__translation_key__in=country_keys)
    # Read whole, as cards show them: kept with the aside, so the first reader after a publish
    # does not read them twice (once to find their cards in the cache, once to draw them).
    listed = model.objects.for_listing().filter(locale_id=page.locale_id).exclude(pk=page.pk)
    return list(listed.filter(Q(pk__in=sharing_topic) | Q(pk__in=sharing_country))[:limit])


def linked_pages(model, field_name, **lookups):
    """The ids of `model` pages whose `field_name` many-to-many rows match `lookups`."""
    field = model._meta.get_field(field_name)
    return field.remote_field.through.objects.filter(**lookups).values(field.m2m_field_name())
