"""One sitemap for every language: each has its own tree of pages under its home page. Past
`limit` pages (the real record's cases in four languages are more than one sitemap holds),
/sitemap.xml is an index of its parts, /sitemap-pages.xml?p=1, 2, ..."""

from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils.functional import cached_property
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import index, sitemap
from wagtail.models import Page

from .languages import language_homes

SECTION = "pages"


class EveryLanguageSitemap(Sitemap):
    # A search engine reads up to 50,000 addresses a sitemap; fewer make each part's pages a
    # bounded piece of work and memory.
    limit = 10_000

    def pages(self):
        site = self.get_wagtail_site()
        in_a_home = Q()
        for home in language_homes(site).values() or [site.root_page]:
            in_a_home |= Q(path__startswith=home.path)
        return Page.objects.filter(in_a_home).live().public().order_by("path")

    def items(self):
        return self.pages().defer_streamfields().specific()

    @cached_property
    def paginator(self):
        """Counted once a request: Django's makes a new one, and counts again, each time."""
        return Paginator(self._items(), self.limit)

    def get_latest_lastmod(self):
        """For the index: one query, where Django's would read every page."""
        return self.pages().aggregate(
            latest=Max(Coalesce("last_published_at", "latest_revision_created_at"))
        )["latest"]


def sitemap_or_index(request):
    """The sitemap while it fits in one part, else the index of its parts."""
    pages = EveryLanguageSitemap(request)  # its count, made here, is the view's too
    sitemaps = {SECTION: pages}
    if pages.paginator.num_pages > 1:
        return index(request, sitemaps, sitemap_url_name="sitemap_part")
    return sitemap(request, sitemaps)


def sitemap_part(request, section):
    return sitemap(request, {SECTION: EveryLanguageSitemap}, section=section)
