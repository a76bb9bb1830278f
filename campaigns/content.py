"""Queries behind the campaign blocks: what a campaign gathers from articles and statements."""

from articles.models import ArticlePage, JointStatementPage
from ifex.core.pages import shown_to_readers

CONTENT_MODELS = {
    "articles": (ArticlePage,),
    "statements": (JointStatementPage,),
    "both": (ArticlePage, JointStatementPage),
}


def latest_news(content="both", *, topic=None, country=None, count=4):
    items = []
    for model in CONTENT_MODELS.get(content, CONTENT_MODELS["both"]):
        queryset = model.objects.for_cards().in_readers_language()
        if topic is not None:
            queryset = queryset.filter(topics__translation_key=topic.translation_key)
        if country is not None:
            queryset = queryset.filter(countries__translation_key=country.translation_key)
        items.extend(queryset[:count])
    items.sort(key=lambda page: (page.date, page.pk), reverse=True)
    return items[:count]


def chosen_statements(pages, latest=3):
    """The chosen statements in the editor's order, or the latest ones when none are chosen."""
    if not any(pages):
        return list(JointStatementPage.objects.for_cards().in_readers_language()[:latest])
    return featured_pages(pages)


def featured_pages(pages):
    """The chosen pages (as the chooser read them) that readers may see, in the editor's
    order: cards are drawn from them (`render_cards` reads what a card shows when it must)."""
    return [page for page in pages if page and shown_to_readers(page)]
