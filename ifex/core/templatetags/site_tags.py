import json
import re
import unicodedata

from django import template
from django.conf import settings
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from ifex.core.cards import render_cards
from ifex.core.concerns import concerns_of
from ifex.core.languages import (
    foreign_language,
    language_root,
    language_versions,
    name_in_readers_language,
)
from ifex.core.models import SiteSettings
from ifex.core.pages import breadcrumb_pages, site_sections

register = template.Library()


@register.inclusion_tag("core/includes/site_menu.html", takes_context=True)
def site_menu(context):
    request = context.get("request")
    items = [page for page in site_sections(request) if page.show_in_menus] if request else []
    current = context.get("page")
    return {"items": items, "current_path": getattr(current, "url_path", ""), "request": request}


@register.simple_tag
def lang_if_foreign(page):
    """` lang="en" dir="auto"` on what shows a page whose words are not in the reader's
    language (the English original until its translation is published); nothing otherwise.
    `dir="auto"` sets English left to right inside an Arabic page."""
    language = foreign_language(page)
    return format_html(' lang="{}" dir="auto"', language) if language else ""


@register.simple_tag
def page_concerns(page):
    """[(heading, items)]: what other apps record about this page (the cases it concerns)."""
    return concerns_of(page)


@register.filter
def name_in_language(obj):
    """`{{ country|name_in_language }}`: a country's, region's or topic's name for the reader."""
    return name_in_readers_language(obj)


@register.simple_tag(takes_context=True, name="language_versions")
def language_versions_tag(context):
    """This page (or address) in each of the site's languages: the switcher, hreflang links."""
    request = context.get("request")
    return language_versions(request, context.get("page")) if request else []


@register.simple_tag(takes_context=True)
def language_home_url(context):
    """The home page in the reader's language."""
    request = context.get("request")
    root = language_root(request) if request else None
    return root.get_url(request) if root else "/"


@register.simple_tag(takes_context=True)
def cards(context, items):
    """Listing cards of `items` (core/includes/card.html), each kept until it changes."""
    return mark_safe(render_cards(items, context))  # rendered by the template engine, escaped


@register.simple_tag(takes_context=True, name="breadcrumb_pages")
def breadcrumb_pages_tag(context, page):
    """The pages above `page`, from the site's home down."""
    return breadcrumb_pages(context.get("request"), page)


@register.simple_tag(takes_context=True)
def parent_page(context, page):
    """The page above `page`, as routing found it (Wagtail's `get_parent` asks the database)."""
    above = breadcrumb_pages(context.get("request"), page)
    return above[-1] if above else page.get_parent()


@register.simple_tag(takes_context=True)
def filtered_index_url(context, index_page, name, value):
    """The listing of `index_page` filtered by one taxonomy value: /articles/?country=ph."""
    if index_page is None:
        return ""
    return f"{index_page.get_url(context.get('request'))}?{name}={value}"


def fold(text: str) -> str:
    """`text` without accents, one character for each character, so positions still match."""
    folded = []
    for char in text:
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        folded.append(base[:1] or char)
    return "".join(folded)


@register.filter
def highlight(text, query):
    """Mark the words of `query` (and words they begin) in `text`, escaping everything else.

    Matched on the raw text, then each piece escaped: matching escaped text would mark the
    inside of entities (`quot` in `&quot;`). Accents are ignored, as the search ignores them:
    "Comite" marks "Comité"."""
    text = str(text or "")
    terms = sorted(
        {fold(term) for term in re.findall(r"\w{2,}", str(query or ""))}, key=len, reverse=True
    )
    if not terms:
        return escape(text)
    pattern = re.compile(r"\b(" + "|".join(re.escape(term) for term in terms) + r")", re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(fold(text)):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", text[match.start() : match.end()]))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """An absolute address on the host the reader used (feeds, canonical, Open Graph)."""
    request = context.get("request")
    if not url or request is None:
        return url or ""
    return request.build_absolute_uri(url)


JSON_IN_HTML = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.simple_tag(takes_context=True)
def structured_data(context, page=None, image_url=""):
    """schema.org JSON-LD: the site's Organization, and the page itself when it says its type."""
    request = context.get("request")
    if request is None:
        return ""
    home = request.build_absolute_uri("/")
    name = SiteSettings.for_request(request).organisation_name
    organisation = {"@type": "Organization", "name": name, "url": home}
    graph = [{"@id": home + "#organization", **organisation}]
    schema_type = getattr(page, "schema_type", None)
    if schema_type:
        item = {
            "@type": schema_type,
            "headline": page.title[:110],
            "url": request.build_absolute_uri(page.get_url(request)),
            "description": page.meta_description,
            "publisher": {"@id": home + "#organization"},
            "inLanguage": context.get("LANGUAGE_CODE", "en"),
        }
        if getattr(page, "date", None):
            item["datePublished"] = page.date.isoformat()
        if page.last_published_at:
            item["dateModified"] = page.last_published_at.isoformat()
        if image_url:
            item["image"] = [image_url]
        graph.append(item)
    data = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    # A data block, not a script: CSP's script-src does not apply to application/ld+json.
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(data.translate(JSON_IN_HTML))
    )


@register.simple_tag
def configured_site_name():
    """The site's name from its configuration (SITE_NAME), for pages that look nothing up."""
    return settings.WAGTAIL_SITE_NAME
