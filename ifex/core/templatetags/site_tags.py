import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.models import Site

register = template.Library()


@register.inclusion_tag("core/includes/site_menu.html", takes_context=True)
def site_menu(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    items = site.root_page.get_children().live().public().in_menu() if site else []
    current = context.get("page")
    return {"items": items, "current_path": getattr(current, "url_path", ""), "request": request}


@register.simple_tag
def filtered_index_url(index_page, name, value):
    """The listing of `index_page` filtered by one taxonomy value: /articles/?country=ph."""
    if index_page is None:
        return ""
    return f"{index_page.url}?{name}={value}"


@register.filter
def highlight(text, query):
    """Mark the words of `query` (and words they begin) in `text`, escaping everything else."""
    text = escape(text or "")
    terms = sorted(
        {term for term in re.findall(r"\w{2,}", str(query or ""))}, key=len, reverse=True
    )
    if not terms:
        return mark_safe(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(term) for term in terms) + r")", re.IGNORECASE)
    return mark_safe(pattern.sub(r"<mark>\1</mark>", text))
