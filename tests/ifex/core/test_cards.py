"""Listing cards are kept in the cache until what they show changes: a publish renders the
pages again, not the cards of the articles it did not touch."""

import pytest
from django.core.cache import cache
from django.utils import translation

from articles.factories import ArticlePageFactory
from articles.models import ArticlePage
from ifex.core.cards import card_key
from ifex.core.factories import CountryFactory, SiteImageFactory
from ifex.core.page_cache import KEPT_BY_WORKER, replace_version
from tests.support import uncached_get

pytestmark = pytest.mark.django_db

CARD = "core/includes/card.html"


def cards_drawn(response) -> int:
    return [template.name for template in response.templates].count(CARD)


def rendered_again(client, url):
    """The page as after a publish elsewhere: rendered, not served from the page cache."""
    replace_version()
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_cards_are_drawn_once_and_kept_until_their_page_changes(client, article_index):
    second = ArticlePageFactory.create_batch(3, parent=article_index)[1]
    cold = rendered_again(client, "/articles/")
    assert cards_drawn(cold) == 3
    warm = rendered_again(client, "/articles/")
    assert cards_drawn(warm) == 0
    assert warm.content == cold.content

    second.title = "Verdict overturned"
    second.save_revision().publish()
    response = rendered_again(client, "/articles/")
    assert cards_drawn(response) == 1
    assert "Verdict overturned" in response.content.decode()


def test_a_renamed_country_shows_on_every_card(client, article_index):
    haiti = CountryFactory(name="Haiti", iso_code="HT")
    ArticlePageFactory.create_batch(2, parent=article_index, countries=[haiti])
    assert rendered_again(client, "/articles/").content.decode().count("· Haiti") == 2
    haiti.name = "Haïti"
    haiti.save()
    html = rendered_again(client, "/articles/").content.decode()
    assert html.count("· Haïti") == 2


def test_a_new_crop_of_an_image_shows_on_its_cards(client, article_index):
    image = SiteImageFactory()
    ArticlePageFactory(parent=article_index, hero_image=image)
    before = rendered_again(client, "/articles/").content.decode()
    image.focal_point_x, image.focal_point_y = 10, 10
    image.focal_point_width, image.focal_point_height = 20, 20
    image.save()
    after = rendered_again(client, "/articles/").content.decode()
    assert after != before
    crops = {r.focal_point_key for r in image.renditions.all()}
    assert len(crops) == 2, "renditions for the old and the new focal point"


def test_cards_drawn_again_read_their_pages_together_however_many(client, article_index):
    """A listing reads only what finds its cards in the cache; the pages of the cards it must
    draw are read whole afterwards, in one query, however many there are."""
    extra = []
    for size in (2, 6):
        ArticlePageFactory.create_batch(size, parent=article_index)
        client.get("/articles/")
        warm = uncached_get(client, "/articles/")[1]
        with translation.override("en"):
            cards = [card_key(page) for page in ArticlePage.objects.all()]
        cache.delete_many(cards)
        for card in cards:  # and the worker's memory of them: kept nowhere now
            KEPT_BY_WORKER.forget(card)
        response, cold = uncached_get(client, "/articles/")
        assert cards_drawn(response) == len(response.context["listing"].items) > 0
        extra.append(cold - warm)
    assert extra == [1, 1]
