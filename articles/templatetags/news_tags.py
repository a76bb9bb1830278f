from django import template

from articles.models import NewsIndexPage
from ifex.core.models import SiteSettings
from ifex.core.pages import site_sections

register = template.Library()


@register.inclusion_tag("articles/includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """<link rel="alternate"> for the site's feeds, in every page head."""
    request = context.get("request")
    sections = site_sections(request) if request else []
    indexes = [page for page in sections if issubclass(page.specific_class, NewsIndexPage)]
    site_name = SiteSettings.for_request(request).words.organisation_name.text if request else ""
    return {"indexes": indexes, "request": request, "site_name": site_name}
