from django import template
from wagtail.models import Page

from articles.models import ArticleIndexPage, StatementIndexPage

register = template.Library()


@register.inclusion_tag("articles/includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """<link rel="alternate"> for the site's feeds, in every page head."""
    indexes = (
        Page.objects.live().type(ArticleIndexPage, StatementIndexPage).only("title", "url_path")
    )
    return {"indexes": indexes, "request": context.get("request")}
