"""What a reader's browser, a search engine and a link preview read from every page."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import RequestFactory

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from ifex.core.factories import SiteImageFactory
from ifex.core.views import server_error

pytestmark = pytest.mark.django_db


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])["@graph"]


def test_article_head_has_title_description_canonical_and_sharing_tags(client, article_index):
    image = SiteImageFactory(description="A vigil")
    article = ArticlePageFactory(
        parent=article_index, title="Trial opens", teaser="The trial opened.", hero_image=image
    )
    html = client.get(article.url).content.decode()
    assert "<title>Trial opens | IFEX</title>" in html
    assert '<meta name="description" content="The trial opened.">' in html
    assert '<link rel="canonical" href="http://testserver/articles/trial-opens/">' in html
    assert '<meta property="og:title" content="Trial opens">' in html
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/[^"]+\.jpg">', html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", None),
        ("/articles/", "Articles"),
        ("/statements/", "Joint statements"),
        ("/members/", None),
        ("/search/?q=impunity", "Search"),
        ("/how-we-count/", "How we count"),
    ],
)
def test_every_public_page_has_a_share_card(client, path, title):
    html = client.get(path).content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html)
    assert canonical and canonical.group(1) == "http://testserver" + path.split("?")[0]
    og_title = re.search(r'<meta property="og:title" content="([^"]+)">', html)
    assert og_title and (title is None or og_title.group(1) == title)
    assert '<meta property="og:description" content="' in html
    assert re.search(
        r'<meta property="og:image" content="http://testserver/static/img/share-default[^"]*\.png">',
        html,
    ), "pages without a hero image share the site's default card"
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_the_default_share_image_is_served(client):
    html = client.get("/how-we-count/").content.decode()
    image = re.search(r'<meta property="og:image" content="http://testserver([^"]+)">', html)
    response = client.get(image.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_article_json_ld_is_a_news_article_with_the_site_organization(client, article_index):
    article = ArticlePageFactory(parent=article_index, title="Trial opens")
    organization, item = json_ld(client.get(article.url).content.decode())
    assert organization["@type"] == "Organization" and organization["name"] == "IFEX"
    assert item["@type"] == "NewsArticle"
    assert item["headline"] == "Trial opens"
    assert item["datePublished"] == article.date.isoformat()


def test_statement_json_ld_is_an_article(client, statement_index):
    statement = JointStatementPageFactory(parent=statement_index)
    _, item = json_ld(client.get(statement.url).content.decode())
    assert item["@type"] == "Article"


def test_other_pages_describe_the_organization_only(client):
    (organization,) = json_ld(client.get("/").content.decode())
    assert organization["@type"] == "Organization"


def test_json_ld_cannot_break_out_of_its_script(client, article_index):
    article = ArticlePageFactory(parent=article_index, title="</script><script>alert(1)")
    html = client.get(article.url).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)[1]["headline"] == "</script><script>alert(1)"


def test_sitemap_lists_live_pages_with_lastmod(client, article_index):
    article = ArticlePageFactory(parent=article_index, title="Listed")
    ArticlePageFactory(parent=article_index, title="Hidden draft", live=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.fromstring(response.content).findall("s:url", namespace)
    locations = {url.findtext("s:loc", namespaces=namespace) for url in urls}
    assert f"http://testserver{article.url}" in locations
    assert not any("hidden-draft" in location for location in locations)
    assert all(url.findtext("s:lastmod", namespaces=namespace) for url in urls)


def test_past_its_limit_the_sitemap_is_an_index_of_parts(client, article_index, monkeypatch):
    """At 20,000 cases in four languages the pages are more than a sitemap holds (50,000 URLs
    at most, here 10,000 a part): /sitemap.xml then lists its parts, and the parts list every
    page once."""
    from ifex.core.sitemap import EveryLanguageSitemap
    from tests.support import uncached_get

    for number in range(5):
        ArticlePageFactory(parent=article_index, title=f"Listed {number}")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}

    def locations(response) -> list[str]:
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        return [loc.text for loc in root.findall("s:url/s:loc", namespace)]

    whole = locations(client.get("/sitemap.xml"))
    assert len(whole) > 5
    monkeypatch.setattr(EveryLanguageSitemap, "limit", 3)
    index = ET.fromstring(uncached_get(client, "/sitemap.xml")[0].content)
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = [loc.text for loc in index.findall("s:sitemap/s:loc", namespace)]
    assert len(parts) == -(-len(whole) // 3)
    lastmods = [lastmod.text for lastmod in index.findall("s:sitemap/s:lastmod", namespace)]
    assert len(lastmods) == len(parts) and all(lastmods)
    listed = []
    for part in parts:
        assert part.startswith("http://testserver/sitemap-pages.xml")
        listed += locations(client.get(part.removeprefix("http://testserver")))
    assert listed == whole
    assert client.get("/sitemap-pages.xml", {"p": len(parts) + 1}).status_code == 404
    assert client.get("/sitemap-pages.xml", {"p": "x"}).status_code == 404
    assert client.get("/sitemap-other.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_pages_declare_their_language(client):
    assert '<html lang="en" dir="ltr">' in client.get("/").content.decode()


def test_the_404_page_is_in_the_site_design(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="skip-link"' in html and "Page not found" in html


def test_the_500_page_is_friendly_and_standalone():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "Traceback" not in html


def test_a_database_outage_is_a_503_with_retry_after():
    from django.db import OperationalError

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(RequestFactory().get("/articles/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "<h1>Briefly unavailable</h1>" in html and "connection refused" not in html


def test_the_api_answers_a_database_outage_in_json():
    """Programs read the API: a 503 they can parse, with the same Retry-After as the pages."""
    from django.db import OperationalError

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(RequestFactory().get("/api/v1/cases/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "application/json"
    assert "connection refused" not in response.content.decode()
    assert json.loads(response.content)["detail"]


def test_public_pages_send_a_strict_content_security_policy(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy


INLINE_CODE = {
    "a <style> element": re.compile(r"<style[\s>]", re.I),
    "a style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "an event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "an inline script": re.compile(
        r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*application/ld\+json)[^>]*>", re.I
    ),
    "a javascript: address": re.compile(r"javascript:", re.I),
}


def inline_code(text: str) -> list[str]:
    """What in `text` the production CSP would block: everything inline."""
    return [name for name, pattern in INLINE_CODE.items() if pattern.search(text)]


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        ("<style>body{color:red}</style>", "a <style> element"),
        ('<p style="color:red">', "a style attribute"),
        ('<button onclick="go()">', "an event handler attribute"),
        ("<img src=x onerror='go()'>", "an event handler attribute"),
        ("<script>go()</script>", "an inline script"),
        ('<a href="javascript:go()">', "a javascript: address"),
    ],
)
def test_the_inline_code_scan_catches_each_kind(snippet, found):
    assert found in inline_code(snippet)


def test_the_inline_code_scan_passes_clean_markup():
    clean = (
        '<script src="/static/site.js" defer></script><script type="application/ld+json">{}'
        '</script><link rel="stylesheet" href="/static/site.css"><p class="one">Once upon</p>'
    )
    assert inline_code(clean) == []


def test_templates_have_no_inline_scripts_or_styles():
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    found = {
        str(template.relative_to(templates)): inline_code(template.read_text())
        for template in templates.rglob("*.html")
    }
    assert {name: kinds for name, kinds in found.items() if kinds} == {}


def test_public_pages_turn_off_browser_features_they_never_use(client):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in policy
