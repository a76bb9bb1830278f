"""Queries behind the campaign blocks: what a campaign gathers from articles and statements."""

from articles.models import ArticlePage, JointStatementPage
from ifex.core.pages import specific_pages

CONTENT_MODELS = {
    "articles": (ArticlePage,),
    "statements": (JointStatementPage,),
    "both": (ArticlePage, JointStatementPage),
}


def latest_news(content="both", *, topic=None, country=None, count=4):
    items = []
    for model in CONTENT_MODELS.get(content, CONTENT_MODELS["both"]):
        queryset = model.objects.for_listing().in_language()
        if topic is not None:
            queryset = queryset.filter(topics__translation_key=topic.translation_key)
        if country is not None:
            queryset = queryset.filter(countries__translation_key=country.translation_key)
        items.extend(queryset[:count])
    items.sort(key=lambda page: (page.date, page.pk), reverse=True)
    return items[:count]


def chosen_statements(page_ids, latest=3):
    """The chosen statements in the editor's order, or the latest ones when none are chosen."""
    if not page_ids:
        return list(JointStatementPage.objects.for_listing().in_language()[:latest])
    statements = JointStatementPage.objects.for_listing().filter(pk__in=page_ids)
    found = {page.pk: page for page in statements}
    return [found[pk] for pk in page_ids if pk in found]


def featured_pages(pages):
    """The chosen pages that are live and public, in the editor's order, as their specific
    types (with what cards show)."""
    return specific_pages([page for page in pages if page])
