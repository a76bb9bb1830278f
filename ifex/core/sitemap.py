"""One sitemap for every language: each has its own tree of pages under its home page."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from .languages import language_homes


class EveryLanguageSitemap(Sitemap):
    def items(self):
        site = self.get_wagtail_site()
        in_a_home = Q()
        for home in language_homes(site).values() or [site.root_page]:
            in_a_home |= Q(path__startswith=home.path)
        pages = Page.objects.filter(in_a_home).live().public().order_by("path")
        return pages.defer_streamfields().specific()
