"""RSS feeds of articles and statements, for a whole index or any filtered view of it."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ifex.core.languages import foreign_language, name_in_readers_language
from ifex.core.listing import filter_listing, years_with_pages
from ifex.core.models import SiteSettings
from ifex.core.public_text import reader_views

FEED_LENGTH = 20


class LanguageMarkedRss(Rss201rev2Feed):
    """RSS whose items not in the feed's language (the English original, until its translation
    is published) say theirs, as `xml:lang` on the item."""

    def item_attributes(self, item):
        language = item.get("language")
        return {"xml:lang": language} if language else {}


class IndexFeed(Feed):
    """A feed of an index page's children, titled and described in the reader's language."""

    default_description = ""  # "... %(network)s." when the index has no intro or teaser

    def __init__(self, index):
        super().__init__()
        self.index = index

    def read_request(self, request):
        self.full_url = request.build_absolute_uri(self.index.url)
        self.site_name = SiteSettings.for_request(request).words.organisation_name.text

    def title(self, obj):
        return f"{self.index.title} | {self.site_name}"

    def link(self, obj):
        return self.full_url

    def description(self, obj):
        return (
            self.index.intro
            or self.index.teaser
            or _(self.default_description) % {"network": self.site_name}
        )

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.url

    def item_updateddate(self, item):
        return item.last_published_at


class NewsFeed(IndexFeed):
    feed_type = LanguageMarkedRss
    default_description = gettext_noop("News from %(network)s.")

    def get_object(self, request, *args, **kwargs):
        model = self.index.listed_model
        form, _, filtered = filter_listing(
            request,
            model.objects.for_listing().prefetch_related("topics").listed_under(self.index),
            years=years_with_pages(model),
        )
        self.read_request(request)
        self.filter_names = [str(value) for value in form.cleaned_data.values() if value]
        return filtered

    def title(self, obj):
        if self.filter_names:
            return f"{self.index.title} ({', '.join(self.filter_names)}) | {self.site_name}"
        return super().title(obj)

    def items(self, obj):
        return reader_views(obj[:FEED_LENGTH])

    def item_description(self, item):
        return item.teaser

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(12)))

    def item_extra_kwargs(self, item):
        return {"language": foreign_language(item)}

    def item_categories(self, item):
        topics = [name_in_readers_language(topic) for topic in item.topics.all()]
        return topics + item.country_names
