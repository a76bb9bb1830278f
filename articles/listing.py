"""The one place where listings of articles and statements are queried.

Every listing fetches its images (with renditions), countries, topics and, for statements, the
signatory count in a fixed number of queries, however many items it shows.
"""

from django.db.models import Count, Prefetch, Q
from wagtail.images import get_image_model


def news_listing(model):
    """Live, public pages of `model`, newest first, with everything a listing card shows."""
    queryset = (
        model.objects.live()
        .public()
        .select_related("reporting_organisation")
        .prefetch_related(
            Prefetch("hero_image", queryset=get_image_model().objects.prefetch_renditions()),
            "countries",
            "topics",
        )
        .order_by("-date", "-pk")
    )
    if hasattr(model, "signatories"):
        queryset = queryset.annotate(signatory_count=Count("signatories", distinct=True))
    return queryset


def listing_years(model) -> list[int]:
    """The years that have published pages, newest first, for the year filter."""
    return [day.year for day in model.objects.live().public().dates("date", "year", order="DESC")]


def related_pages(page, countries, topics, limit=3):
    """Pages of the same kind that share a topic or a country with `page`, newest first."""
    topic_ids = [topic.pk for topic in topics]
    country_ids = [country.pk for country in countries]
    if not (topic_ids or country_ids):
        return []
    candidates = (
        type(page)
        .objects.filter(Q(topics__in=topic_ids) | Q(countries__in=country_ids))
        .exclude(pk=page.pk)
        .values("pk")
    )
    return list(news_listing(type(page)).filter(pk__in=candidates)[:limit])
