"""The weekly digest's pages: drafted each week from the week's published pieces in each
language, shown with only what is still published, listed with a feed once published."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from articles.digest import DigestPage, DigestWeek, story_ids
from articles.factories import (
    ArticlePageFactory,
    DigestIndexPageFactory,
    DigestPageFactory,
    JointStatementPageFactory,
)
from tests.articles.test_feeds import feed_items
from tests.support import translated

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2025, 3, 10)


@pytest.fixture
def digest_index(home):
    return DigestIndexPageFactory(parent=home, title="Weekly digest", slug="digest")


def day(offset: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=offset)


def draft(week: datetime.date = MONDAY) -> str:
    output = StringIO()
    call_command("draft_weekly_digests", week=week.isoformat(), stdout=output)
    return output.getvalue()


def digest_in(language: str) -> DigestPage:
    digests = list(DigestPage.objects.filter(locale__language_code=language))
    assert len(digests) == 1, f"{len(digests)} digests in {language}"
    return digests[0]


def make_private(page):
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def test_the_draft_holds_exactly_the_week_s_published_pieces_in_its_language(
    digest_index, article_index, statement_index
):
    article = ArticlePageFactory(parent=article_index, title="Trial opens", date=day(2))
    statement = JointStatementPageFactory(parent=statement_index, title="Free them", date=day(6))
    ArticlePageFactory(parent=article_index, title="Still a draft", date=day(1), live=False)
    private = ArticlePageFactory(parent=article_index, title="Board only", date=day(3))
    make_private(private)
    ArticlePageFactory(parent=article_index, title="The Sunday before", date=day(-1))
    ArticlePageFactory(parent=article_index, title="The Monday after", date=day(7))
    translated(digest_index, "fr", title="Lettre hebdomadaire")
    in_french = translated(article, "fr", title="Le procès s’ouvre")

    said = draft()

    english = digest_in("en")
    assert story_ids(english) == [statement.pk, article.pk], "the week's, newest first"
    assert not english.live
    assert english.get_latest_revision() is not None, "a draft editors find in the history"
    assert english.week_start == MONDAY
    assert "10 March 2025" in english.title
    french = digest_in("fr")
    assert story_ids(french) == [in_french.pk]
    assert not french.live
    assert "mars" in french.title, "titled in its own language"
    assert "es: no digest index" in said, "a language without an index is named, not skipped"
    assert not DigestPage.objects.filter(locale__language_code="es").exists()


def test_a_week_is_drafted_once_even_after_its_draft_is_deleted(digest_index, article_index):
    ArticlePageFactory(parent=article_index, title="Trial opens", date=day(2))
    draft()
    assert "drafted before" in draft()
    assert DigestPage.objects.count() == 1
    digest_in("en").delete()
    draft()
    assert not DigestPage.objects.exists(), "the editor's deletion stands"
    assert DigestWeek.objects.get().week_start == MONDAY


def test_a_week_with_nothing_published_gets_no_draft_until_something_is(
    digest_index, article_index
):
    assert "nothing was published" in draft()
    assert not DigestPage.objects.exists()
    ArticlePageFactory(parent=article_index, title="Late news", date=day(4))
    draft()
    assert story_ids(digest_in("en")) != []


def test_the_periodic_jobs_draft_the_last_whole_week(digest_index, article_index):
    today = timezone.localdate()
    last_monday = today - datetime.timedelta(days=today.weekday() + 7)
    last_week = ArticlePageFactory(parent=article_index, title="Last week", date=last_monday)
    ArticlePageFactory(parent=article_index, title="This week", date=today)
    call_command("run_periodic_jobs", stdout=StringIO())
    digest = digest_in("en")
    assert digest.week_start == last_monday
    assert story_ids(digest) == [last_week.pk]
    assert not digest.live, "drafted, never published by the site"


def test_a_bad_week_gets_a_clear_answer(digest_index):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--week takes a date"):
        call_command("draft_weekly_digests", week="last week")


def published_digest(digest_index, stories, **fields):
    return DigestPageFactory(
        parent=digest_index,
        week_start=MONDAY,
        stories=[("story", page) for page in stories],
        **fields,
    )


def test_an_issue_shows_only_pieces_still_published_and_public(
    client, digest_index, article_index, statement_index
):
    kept = ArticlePageFactory(parent=article_index, title="Trial opens", date=day(2))
    pulled = JointStatementPageFactory(parent=statement_index, title="Pulled back", date=day(3))
    hidden = ArticlePageFactory(parent=article_index, title="Made private", date=day(4))
    issue = published_digest(
        digest_index, [kept, pulled, hidden], title="The week of 10 March", intro="Welcome."
    )
    pulled.unpublish()
    make_private(hidden)

    page = client.get(issue.url).content.decode()
    assert "Trial opens" in page and "Welcome." in page
    assert "Pulled back" not in page
    assert "Made private" not in page


def test_past_issues_and_their_feed_list_published_public_digests_only(client, digest_index):
    published_digest(digest_index, [], title="Published issue")
    published_digest(digest_index, [], title="Draft issue", live=False)
    private = published_digest(digest_index, [], title="Private issue")
    make_private(private)

    listing = client.get(digest_index.url).content.decode()
    assert "Published issue" in listing
    assert "Draft issue" not in listing and "Private issue" not in listing
    assert f'href="{digest_index.url}feed/"' in listing, "the listing announces its feed"

    _, items = feed_items(client.get(f"{digest_index.url}feed/"))
    assert [item.findtext("title") for item in items] == ["Published issue"]
    assert items[0].findtext("link").startswith("http://testserver/digest/")


def test_a_language_s_digest_feed_names_the_network_in_that_language(client, digest_index):
    from ifex.core.models import SiteSettings, SiteWords

    settings = SiteSettings.for_site(digest_index.get_site())
    SiteWords.objects.create(
        settings=settings,
        locale=Locale.objects.get(language_code="fr"),
        organisation_name="Réseau pour la liberté d’expression",
    )
    french_index = translated(digest_index, "fr", title="Lettre hebdomadaire")

    channel, _ = feed_items(client.get(f"{french_index.url}feed/"))
    assert channel.findtext("title") == "Lettre hebdomadaire | Réseau pour la liberté d’expression"


def test_each_language_lists_its_own_issues(client, digest_index):
    published_digest(digest_index, [], title="In English")
    french_index = translated(digest_index, "fr", title="Lettre hebdomadaire")
    DigestPageFactory(
        parent=french_index, title="En français", locale=Locale.objects.get(language_code="fr")
    )

    listing = client.get(french_index.url).content.decode()
    assert "En français" in listing and "In English" not in listing


def test_a_translated_issue_shows_each_piece_in_its_language_where_published(
    client, digest_index, article_index
):
    translated_piece = ArticlePageFactory(parent=article_index, title="Trial opens", date=day(2))
    english_only = ArticlePageFactory(parent=article_index, title="Only in English", date=day(3))
    issue = published_digest(digest_index, [translated_piece, english_only], title="This week")
    in_french = translated(translated_piece, "fr", title="Le procès s’ouvre")
    french_issue = translated(issue, "fr", title="Cette semaine")
    assert story_ids(french_issue) == [translated_piece.pk, english_only.pk], "as translated"

    page = client.get(french_issue.url).content.decode()
    assert "Le procès s’ouvre" in page and f'href="{in_french.url}"' in page
    assert f'href="{translated_piece.url}"' not in page
    assert "Only in English" in page, "the original until a translation is published"


def test_the_digest_pages_offer_the_signup_in_the_reader_s_language(client, digest_index):
    issue = published_digest(digest_index, [], title="This week")
    french_index = translated(digest_index, "fr", title="Lettre hebdomadaire")
    for url, signup in [
        (digest_index.url, "/subscribe/"),
        (issue.url, "/subscribe/"),
        (french_index.url, "/fr/subscribe/"),
    ]:
        page = client.get(url).content.decode()
        assert page.count(f'href="{signup}"') >= 2, f"{url}: beside the issues and in the footer"
