import datetime
import re

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from articles.models import ArticlePage
from campaigns.factories import CampaignPageFactory
from ifex.core.factories import CountryFactory, OrganisationFactory
from tests.support import uncached_get

pytestmark = pytest.mark.django_db


def titles(response):
    return [item.title for item in response.context["results"]]


@pytest.fixture
def haiti():
    return CountryFactory(name="Haiti", iso_code="HT")


def test_search_finds_articles_statements_and_campaigns(
    client, article_index, statement_index, campaign_index
):
    ArticlePageFactory(parent=article_index, title="Impunity in Haiti")
    JointStatementPageFactory(parent=statement_index, title="Groups demand an end to impunity")
    CampaignPageFactory(parent=campaign_index, title="No Impunity")
    ArticlePageFactory(parent=article_index, title="Unrelated news", teaser="Nothing here.")
    found = set(titles(client.get("/search/", {"q": "impunity"})))
    assert found == {"Impunity in Haiti", "Groups demand an end to impunity", "No Impunity"}


def test_results_are_ranked(client, article_index):
    ArticlePageFactory(parent=article_index, title="A report", teaser="It mentions sanctions once.")
    ArticlePageFactory(
        parent=article_index, title="Sanctions", teaser="Sanctions, sanctions and sanctions."
    )
    assert titles(client.get("/search/", {"q": "sanctions"}))[0] == "Sanctions"


def test_matched_words_are_highlighted_in_the_teaser(client, article_index):
    ArticlePageFactory(
        parent=article_index, title="Trial", teaser="Journalists demand a <swift> trial."
    )
    html = client.get("/search/", {"q": "trial"}).content.decode()
    assert "Journalists demand a &lt;swift&gt; <mark>trial</mark>." in html


def test_drafts_are_not_found(client, article_index):
    ArticlePageFactory(parent=article_index, title="Secret draft", live=False)
    assert titles(client.get("/search/", {"q": "secret"})) == []


def test_filter_by_type(client, article_index, statement_index):
    ArticlePageFactory(parent=article_index, title="Justice article")
    JointStatementPageFactory(parent=statement_index, title="Justice statement")
    found = titles(client.get("/search/", {"q": "justice", "type": "statements"}))
    assert found == ["Justice statement"]


def test_filter_by_country_and_year(client, article_index, haiti):
    ArticlePageFactory(
        parent=article_index,
        title="Justice 2025",
        countries=[haiti],
        date=datetime.date(2025, 1, 2),
    )
    ArticlePageFactory(
        parent=article_index,
        title="Justice 2024",
        countries=[haiti],
        date=datetime.date(2024, 1, 2),
    )
    ArticlePageFactory(parent=article_index, title="Justice elsewhere")
    found = titles(client.get("/search/", {"q": "justice", "country": "ht", "year": "2025"}))
    assert found == ["Justice 2025"]


def test_organisations_are_found_beside_pages(client, haiti):
    OrganisationFactory(name="Haitian Press Freedom Group", country=haiti)
    html = client.get("/search/", {"q": "haitian"}).content.decode()
    assert "<mark>Haitian</mark> Press Freedom Group" in html


def test_highlighting_never_breaks_escaped_characters(client):
    OrganisationFactory(name='"Quot" Media & Amp Fund')
    html = client.get("/search/", {"q": "quot"}).content.decode()
    assert "&quot;<mark>Quot</mark>&quot; Media &amp; Amp Fund" in html
    html = client.get("/search/", {"q": "amp"}).content.decode()
    assert "&quot;Quot&quot; Media &amp; <mark>Amp</mark> Fund" in html


def test_results_are_paginated(client, article_index):
    ArticlePageFactory.create_batch(13, parent=article_index, teaser="About accountability.")
    first = client.get("/search/", {"q": "accountability"})
    assert len(titles(first)) == 12
    assert len(titles(client.get("/search/", {"q": "accountability", "page": "2"}))) == 1
    assert len(titles(client.get("/search/", {"q": "accountability", "page": "x"}))) == 12


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a few words"),
        ("%%% $$$ ***", "no words in it"),
        ("a" * 3000, "searched for its first 200 characters"),
        ("abc\x00def", "result"),
        ("<script>alert(1)</script>", "result"),
    ],
)
def test_odd_queries_get_a_friendly_page(client, query, message):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<script>alert(1)</script>" not in html


def test_an_unknown_filter_is_explained_not_a_500(client):
    response = client.get("/search/", {"q": "impunity", "type": "bogus", "country": "zz"})
    assert response.status_code == 200
    assert b"One of the filters was not one we know" in response.content


def test_search_query_count_does_not_grow_with_results(client, article_index, statement_index):
    ArticlePageFactory.create_batch(2, parent=article_index, teaser="Impunity report.")
    JointStatementPageFactory.create_batch(2, parent=statement_index, teaser="Impunity call.")
    client.get("/search/", {"q": "impunity"})
    _, few = uncached_get(client, "/search/", {"q": "impunity"})
    ArticlePageFactory.create_batch(6, parent=article_index, teaser="Impunity report.")
    JointStatementPageFactory.create_batch(4, parent=statement_index, teaser="Impunity call.")
    client.get("/search/", {"q": "impunity"})  # the new pages' countries enter the cache
    response, many = uncached_get(client, "/search/", {"q": "impunity"})
    assert many == few
    assert len(titles(response)) == 12


def test_search_uses_the_postgresql_full_text_backend():
    from wagtail.search.backends import get_search_backend
    from wagtail.search.backends.database.postgres.postgres import PostgresSearchBackend

    assert isinstance(get_search_backend(), PostgresSearchBackend)


def test_a_search_reads_an_index_of_what_it_matches(client, article_index):
    """Wagtail matches `title || body` of its index entries and indexes each apart: without an
    index on the expression, every search read every entry. Its match, as Wagtail writes it,
    is answered by the index (the bench's plans show it used: a test database is too small for
    the planner to prefer it in the whole query)."""
    ArticlePageFactory(parent=article_index, title="Journalist killed")
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        assert titles(client.get("/search/", {"q": "journalist"})) == ["Journalist killed"]
    (ranked,) = [
        sql
        for sql in (query["sql"] for query in queries)
        if "ts_rank" in sql and "wagtailcore_page" in sql
    ]
    match = re.search(r'\(\S+\."title" \|\| \S+\."body"\) @@ \(to_tsquery\(.*?\)\)', ranked)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM wagtailsearch_indexentry WHERE " + match[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ifex_search_entry_text" in plan, plan


@pytest.mark.parametrize(("typed", "stored"), [("Comite", "Comité"), ("Expresion", "Expresión")])
def test_accents_need_not_be_typed(client, article_index, typed, stored):
    ArticlePageFactory(parent=article_index, title=f"Statement by the {stored} for Justice")
    OrganisationFactory(name=f"{stored} por la Libertad de {stored}")
    html = client.get("/search/", {"q": typed}).content.decode()
    assert f"Statement by the {stored} for Justice" in html
    assert f"<mark>{stored}</mark> por la Libertad" in html


def test_the_count_agrees_with_what_is_listed(client, article_index):
    OrganisationFactory(name="Index on Censorship")
    html = client.get("/search/", {"q": "Index on Censorship"}).content.decode()
    assert "Nothing matches" not in html
    assert "0 results" not in html
    assert "No articles, statements or campaigns match" in html
    assert "Organisations (1)" in html and "Censorship" in html

    html = client.get("/search/", {"q": "zzyzx"}).content.decode()
    assert "0 results for “zzyzx”" in html and "Nothing matches" in html


def candidate_queries(queries) -> list[str]:
    """The queries that pick a search's candidates: they match, and rank nothing."""
    return [
        q["sql"]
        for q in queries
        if "@@" in q["sql"] and "wagtailcore_page" in q["sql"] and "ts_rank" not in q["sql"]
    ]


def test_the_candidates_are_kept_until_content_changes(client, article_index):
    """The matches are picked once (a pass over the index of their own) for the same search
    until something is published (paging through its results, or after its page left the
    page cache), and their number is then true again."""
    for number in range(3):
        ArticlePageFactory(parent=article_index, title=f"Verdict {number} on impunity")

    def counted(data):
        reset_queries()  # as uncached_get: each request starts Django's query log afresh
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/search/", data)
        return (
            response.context["results"].paginator.count,
            len(candidate_queries(queries)),
            response,
        )

    assert counted({"q": "impunity"})[:2] == (3, 1)
    count, picking_queries, response = counted({"q": "impunity", "page": "1"})
    assert (count, picking_queries) == (3, 0)
    assert "3 results for “impunity”" in response.content.decode()
    assert counted({"q": "impunity", "type": "articles"})[:2] == (3, 1)  # its own candidates

    ArticlePageFactory(parent=article_index, title="Impunity again")
    assert counted({"q": "impunity", "page": "2"})[:2] == (4, 1)


def ranked_rows(sql) -> int:
    """How many rows PostgreSQL ranked to answer `sql`: the rows its sort on the rank read."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()[0]

    def sorts(node):
        if node["Node Type"] == "Sort" and any("ts_rank" in key for key in node["Sort Key"]):
            yield node
        for child in node.get("Plans", []):
            yield from sorts(child)

    (sort,) = sorts(plan["Plan"])
    return sort["Plans"][0]["Actual Rows"]


def test_a_common_word_is_ranked_among_its_newest_matches_only(client, article_index, monkeypatch):
    """A word most pages have: its most recently added matches are ranked, a bounded number
    of rows however large the archive, and the count says honestly that there are more."""
    monkeypatch.setattr("ifex.core.search.SEARCH_CANDIDATES", 3)
    ArticlePageFactory(parent=article_index, title="Torture", teaser="Torture, torture, torture.")
    ArticlePageFactory.create_batch(26, parent=article_index, teaser="It mentions torture.")
    for title, teaser in [
        ("Once", "Torture once."),
        ("Thrice", "Torture, torture and torture."),
        ("Twice", "Torture and torture."),
    ]:  # 30 matches in all: ten times the candidates
        ArticlePageFactory(parent=article_index, title=title, teaser=teaser)

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "torture"})
    assert titles(response) == ["Thrice", "Twice", "Once"], "the newest three, by relevance"
    html = response.content.decode()
    assert "More than 3 results for “torture”: the most recent 3, best matches first" in html
    assert response.context["results"].paginator.num_pages == 1

    (ranking,) = [
        q["sql"] for q in queries if "ts_rank" in q["sql"] and "wagtailcore_page" in q["sql"]
    ]
    assert ranked_rows(ranking) == 3
    (picking,) = candidate_queries(queries)
    assert "LIMIT 4" in picking and '"title" ||' not in picking.split(" FROM ")[0]


def test_a_rare_word_is_ranked_among_all_its_matches_as_wagtail_ranks_them(client, article_index):
    from wagtail.models import Page

    for title, teaser in [
        ("Sanctions", "Sanctions, sanctions and sanctions."),
        ("A report", "It mentions sanctions once."),
        ("Two sanctions", "Sanctions twice."),
        ("Old sanctions", "Sanctions and sanctions."),
    ]:
        ArticlePageFactory(parent=article_index, title=title, teaser=teaser)
    response = client.get("/search/", {"q": "sanctions"})
    everything = Page.objects.live().type(ArticlePage).search("sanctions", operator="and")
    assert titles(response) == [page.title for page in everything]
    assert "4 results for “sanctions”" in response.content.decode()
