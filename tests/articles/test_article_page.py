import pytest
from django.test import Client
from django.urls import reverse

from articles.factories import ArticlePageFactory
from ifex.core.factories import CountryFactory, OrganisationFactory, SiteImageFactory, TopicFactory
from tests.campaigns.test_editorial_roles import news_form
from tests.support import request_queries, uncached_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def haiti():
    return CountryFactory(name="Haiti", iso_code="HT")


@pytest.fixture
def impunity():
    return TopicFactory(name="Impunity", slug="impunity")


def test_article_page_shows_its_content(client, article_index, haiti, impunity):
    article = ArticlePageFactory(
        parent=article_index,
        title="Violence in Haiti",
        teaser="Journalists were attacked.",
        reporting_organisation=OrganisationFactory(name="Inter American Press Association"),
        countries=[haiti],
        topics=[impunity],
    )
    html = client.get(article.url).content.decode()
    assert "<h1>Violence in Haiti</h1>" in html
    assert "Journalists were attacked." in html
    assert "Demo text: replace with the real report." in html
    assert "Reported by Inter American Press Association" in html
    assert f'<time datetime="{article.date:%Y-%m-%d}">' in html


def test_countries_and_topics_link_to_the_filtered_index(client, article_index, haiti, impunity):
    article = ArticlePageFactory(parent=article_index, countries=[haiti], topics=[impunity])
    html = client.get(article.url).content.decode()
    assert '<a href="/articles/?country=ht">Haiti</a>' in html
    assert '<a href="/articles/?topic=impunity">Impunity</a>' in html


def test_article_page_has_breadcrumbs(client, article_index):
    article = ArticlePageFactory(parent=article_index, title="A report")
    html = client.get(article.url).content.decode()
    assert 'aria-label="Breadcrumb"' in html
    assert '<a href="/articles/">Articles</a>' in html
    assert '<span aria-current="page">A report</span>' in html


def test_related_content_shares_a_topic_or_country_and_excludes_itself(
    client, article_index, haiti, impunity
):
    article = ArticlePageFactory(parent=article_index, title="This one", countries=[haiti])
    ArticlePageFactory(parent=article_index, title="Same country", countries=[haiti])
    ArticlePageFactory(
        parent=article_index, title="Same topic", countries=[CountryFactory()], topics=[impunity]
    )
    article.topics.set([impunity])
    article.save()
    ArticlePageFactory(parent=article_index, title="Unrelated", countries=[CountryFactory()])

    related = client.get(article.url).context["related_pages"]
    assert {page.title for page in related} == {"Same country", "Same topic"}


def test_the_aside_is_read_once_until_content_changes(
    admin_client, settings, article_index, haiti, impunity
):
    """Countries, topics and related pages are the same for every reader until something is
    published: kept under the content version, as pages are. A preview shows its own."""
    settings.PAGE_CACHE_SECONDS = 0
    reader = Client()  # admin_client is `client` signed in
    article = ArticlePageFactory(
        parent=article_index, title="This one", countries=[haiti], topics=[impunity]
    )
    ArticlePageFactory(parent=article_index, title="Same country", countries=[haiti])
    reader.get(article.url)  # what is kept whatever content changes: the site, its homes
    _, first = uncached_queries(reader, article.url)
    response, again = request_queries(reader, article.url)
    asks_for_the_aside = [sql for sql in first if "core_country" in sql or "core_topic" in sql]
    assert asks_for_the_aside
    assert len(again) == 1, "between publishes: the page itself"
    assert {page.title for page in response.context["related_pages"]} == {"Same country"}

    ArticlePageFactory(parent=article_index, title="Newly related", topics=[impunity])
    related = reader.get(article.url).context["related_pages"]
    assert {page.title for page in related} == {"Same country", "Newly related"}

    url = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    assert admin_client.post(url, news_form(article, "Without a country")).json()["is_valid"]
    preview = admin_client.get(url).content.decode()
    assert "Without a country" in preview and "?country=ht" not in preview
    assert "?country=ht" in reader.get(article.url).content.decode()


def test_hero_image_needs_alt_text_or_the_decorative_choice_to_publish(
    client, login_as, article_index
):
    image = SiteImageFactory(description="")
    article = ArticlePageFactory(parent=article_index, title="With an image")
    login_as("editor")
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    form = news_form(article, "With an image", hero_image=image.pk, hero_image_alt="")

    publishing = client.post(url, {**form, "action-publish": "publish"})
    assert "hero_image_alt" in publishing.context["form"].errors

    assert client.post(url, form).status_code == 302, "a draft may wait for its alt text"
    decorative = {**form, "hero_image_decorative": "on", "action-publish": "publish"}
    assert client.post(url, decorative).status_code == 302


def test_hero_alt_text_falls_back_to_the_image_description(article_index):
    image = SiteImageFactory(description="Journalists at a vigil")
    article = ArticlePageFactory(parent=article_index, hero_image=image)
    assert article.hero_alt_text == "Journalists at a vigil"


def test_draft_article_is_not_public(client, article_index):
    article = ArticlePageFactory(parent=article_index, live=False)
    assert client.get(f"/articles/{article.slug}/").status_code == 404
