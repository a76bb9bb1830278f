"""The feed of a language's past digests: published, public issues only."""

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext as _

from ifex.core.models import SiteSettings

from .digest import FEED_LENGTH


class DigestFeed(Feed):
    def __init__(self, index):
        super().__init__()
        self.index = index

    def get_object(self, request, *args, **kwargs):
        self.full_url = request.build_absolute_uri(self.index.url)
        self.site_name = SiteSettings.for_request(request).organisation_name
        return self.index

    def title(self, obj):
        return f"{self.index.title} | {self.site_name}"

    def link(self, obj):
        return self.full_url

    def description(self, obj):
        return (
            self.index.intro
            or self.index.teaser
            or _("The weekly digest of %(network)s.") % {"network": self.site_name}
        )

    def items(self, obj):
        return obj.published_issues()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.intro or item.teaser

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at
