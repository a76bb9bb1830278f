"""The feed of a language's past digests: published, public issues only."""

from django.utils.translation import gettext_noop

from .digest import FEED_LENGTH
from .feeds import IndexFeed


class DigestFeed(IndexFeed):
    default_description = gettext_noop("The weekly digest of %(network)s.")

    def get_object(self, request, *args, **kwargs):
        self.read_request(request)
        return self.index

    def items(self, obj):
        return obj.published_issues()[:FEED_LENGTH]

    def item_description(self, item):
        return item.intro or item.teaser

    def item_pubdate(self, item):
        return item.first_published_at
