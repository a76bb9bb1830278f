"""Cases: the index with its filters and downloads, a case's page and history, the cases an
article concerns, names withheld everywhere the public looks, and campaign staff keeping them."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.factories import ArticlePageFactory
from cases.choices import Role, Status
from cases.factories import CasePageFactory
from ifex.core.factories import CountryFactory
from tests.support import uncached_get

pytestmark = pytest.mark.django_db


@pytest.fixture
def philippines():
    return CountryFactory(iso_code="PH", name="Philippines")


def listed_names(response) -> list[str]:
    return re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', response.content.decode()
    )


def csv_rows(response) -> list[dict]:
    text = response.content.decode()
    return list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))


def test_the_index_lists_cases_the_latest_attack_first(client, case_index, mexico):
    CasePageFactory(parent=case_index, person_name="Older", attacked_on=datetime.date(2010, 5, 1))
    CasePageFactory(parent=case_index, person_name="Newer", attacked_on=datetime.date(2020, 5, 1))
    response = client.get(case_index.url)
    assert response.status_code == 200
    assert listed_names(response) == ["Newer", "Older"]


def test_filters_by_country_year_role_and_status(client, case_index, mexico, philippines):
    CasePageFactory(
        parent=case_index,
        person_name="Reporter in Mexico",
        country=mexico,
        attacked_on=datetime.date(2016, 3, 1),
        statuses=[(Status.COMPLETE_IMPUNITY, datetime.date(2020, 1, 1))],
    )
    CasePageFactory(
        parent=case_index,
        person_name="Artist in Mexico",
        country=mexico,
        role=Role.ARTIST,
        attacked_on=datetime.date(2016, 6, 1),
        statuses=[(Status.FULL_JUSTICE, datetime.date(2020, 1, 1))],
    )
    CasePageFactory(
        parent=case_index,
        person_name="Reporter in the Philippines",
        country=philippines,
        attacked_on=datetime.date(2019, 1, 1),
    )

    def names(**filters):
        return sorted(listed_names(client.get(case_index.url, filters)))

    assert names(country="mx") == ["Artist in Mexico", "Reporter in Mexico"]
    assert names(year="2019") == ["Reporter in the Philippines"]
    assert names(role="artist") == ["Artist in Mexico"]
    assert names(status="complete-impunity", country="mx") == ["Reporter in Mexico"]
    html = client.get(case_index.url, {"status": "full-justice"}).content.decode()
    assert "Status: Full justice" in html, "the active filter in words"
    assert client.get(case_index.url, {"status": "solved"}).status_code == 404


def test_a_download_holds_exactly_what_the_index_lists(client, case_index, mexico, philippines):
    for number in range(3):
        CasePageFactory(
            parent=case_index,
            person_name=f"Mexico {number}",
            country=mexico,
            attacked_on=datetime.date(2010 + number, 1, 1),
        )
    CasePageFactory(parent=case_index, person_name="Philippines 0", country=philippines)

    listed = listed_names(client.get(case_index.url, {"country": "mx"}))
    as_csv = client.get(case_index.url + "csv/", {"country": "mx"})
    as_json = json.loads(client.get(case_index.url + "json/", {"country": "mx"}).content)

    assert (
        [row["name"] for row in csv_rows(as_csv)] == listed == ["Mexico 2", "Mexico 1", "Mexico 0"]
    )
    assert [case["name"] for case in as_json["cases"]] == listed
    assert as_csv["Content-Disposition"] == 'attachment; filename="cases-filtered.csv"'
    assert "# Filtered: Country: Mexico. Not the complete set." in as_csv.content.decode()
    assert as_json["filtered"] is True and as_json["filters"] == {"Country": "Mexico"}
    assert as_json["licence"] == "CC BY 4.0" and "downloaded on" in as_json["citation"]

    everything = json.loads(client.get(case_index.url + "json/").content)
    assert everything["filtered"] is False and everything["count"] == 4
    assert (
        "The complete set of published cases."
        in client.get(case_index.url + "csv/").content.decode()
    )


def test_a_case_page_shows_its_facts_its_dated_history_and_what_was_written(
    client, case_index, mexico, article_index
):
    article = ArticlePageFactory(parent=article_index, title="Reporter shot in Veracruz")
    case = CasePageFactory(
        parent=case_index,
        person_name="Ana Example",
        country=mexico,
        attacked_on=datetime.date(2016, 3, 1),
        statuses=[
            (Status.INVESTIGATION_OPEN, datetime.date(2016, 4, 1)),
            (Status.COMPLETE_IMPUNITY, datetime.date(2024, 11, 2)),
        ],
        reports=[article],
    )
    assert case.status == Status.COMPLETE_IMPUNITY, "the latest event is the status now"
    html = client.get(case.url).content.decode()
    assert "Complete impunity</span> · last confirmed 2 November 2024" in html
    history = re.findall(r"<li><time[^>]*>([^<]+)</time>: <strong>([^<]+)</strong>", html)
    assert history == [
        ("1 April 2016", "Investigation open"),
        ("2 November 2024", "Complete impunity"),
    ]
    assert f'<a href="{article.url}">Reporter shot in Veracruz</a>' in html

    article_html = client.get(article.url).content.decode()
    assert "Cases this concerns" in article_html
    assert f'<a href="{case.url}">Ana Example</a>' in article_html


def test_a_changed_status_is_a_new_dated_event(case_index, mexico):
    case = CasePageFactory(parent=case_index, country=mexico)
    case.status_events.add(
        case.status_events.model(
            status=Status.PARTIAL_JUSTICE,
            confirmed_on=datetime.date(2026, 11, 1),
            source_name="CPJ",
        )
    )
    case.save_revision().publish()
    case.refresh_from_db()
    assert (case.status, case.status_confirmed_on) == (
        Status.PARTIAL_JUSTICE,
        datetime.date(2026, 11, 1),
    )
    assert case.status_events.count() == 2


def test_a_withheld_name_is_on_no_public_page_download_or_search(
    client, case_index, mexico, article_index
):
    article = ArticlePageFactory(parent=article_index, title="Threats against a local reporter")
    case = CasePageFactory(
        parent=case_index,
        title="Reporter attacked in Veracruz",
        slug="reporter-attacked-in-veracruz",
        person_name="Zelda Hidalgo-Quiroz",
        name_withheld=True,
        country=mexico,
        summary="<p>Attacked after reporting on a quarry.</p>",
        reports=[article],
    )
    public = [
        client.get(case.url),
        client.get(case_index.url),
        client.get(case_index.url + "csv/"),
        client.get(case_index.url + "json/"),
        client.get("/search/", {"q": "Veracruz"}),
        client.get("/sitemap.xml"),
        client.get(article.url),
    ]
    for response in public:
        assert response.status_code == 200
        text = response.content.decode()
        assert "Zelda" not in text and "Hidalgo" not in text, response.request["PATH_INFO"]
    assert "Name withheld" in public[0].content.decode()
    searched = client.get("/search/", {"q": "Zelda"}).content.decode()
    assert "Reporter attacked in Veracruz" not in searched, "not found by the name either"
    assert "Reporter attacked in Veracruz" in public[4].content.decode()
    assert [row["name"] for row in csv_rows(public[2])] == ["Name withheld"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Zelda Hidalgo killed in Veracruz"),
        ("slug", "zelda-hidalgo"),
        ("teaser", "Hidalgo was shot on Monday."),
        ("summary", "<p>Friends of <b>Zelda</b> say she was followed.</p>"),
    ],
)
def test_a_withheld_name_cannot_be_written_where_readers_would_see_it(
    case_index, mexico, field, value
):
    case = CasePageFactory.build(
        title="Reporter attacked",
        slug="reporter-attacked",
        person_name="Zelda Hidalgo",
        country=mexico,
    )
    case.name_withheld = True
    setattr(case, field, value)
    with pytest.raises(ValidationError) as refused:
        case.clean()
    assert field in refused.value.message_dict


def test_campaign_staff_add_and_publish_cases(client, login_as, case_index):
    campaigner = login_as("campaigner")
    rights = case_index.permissions_for_user(campaigner)
    assert rights.can_add_subpage() and rights.can_publish_subpage()
    add = client.get(f"/admin/pages/add/cases/casepage/{case_index.pk}/")
    assert add.status_code == 200
    assert "Judicial status, dated" in add.content.decode()


def test_the_index_costs_the_same_however_many_cases(client, case_index, mexico):
    CasePageFactory.create_batch(2, parent=case_index, country=mexico)
    client.get(case_index.url)
    few = uncached_get(client, case_index.url)[1]
    CasePageFactory.create_batch(6, parent=case_index, country=CountryFactory())
    client.get(case_index.url)
    assert uncached_get(client, case_index.url)[1] == few <= 15


def test_a_case_page_costs_the_same_however_long_its_history(client, case_index, article_index):
    counts = []
    for size in (1, 5):
        case = CasePageFactory(
            parent=case_index,
            statuses=[
                (Status.INVESTIGATION_OPEN, datetime.date(2020, 1, n + 1)) for n in range(size)
            ],
            reports=ArticlePageFactory.create_batch(size, parent=article_index),
        )
        client.get(case.url)
        counts.append(uncached_get(client, case.url)[1])
    assert counts[0] == counts[1] <= 15


def chart_rows(html, key) -> list[tuple[str, str]]:
    section = html.split(f'id="chart-{key}-title"')[1].split("</figure>")[0]
    return re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td></tr>', section)


def test_the_index_charts_the_cases_it_lists(client, case_index, mexico, philippines):
    for year, country, status in [
        (2016, mexico, Status.COMPLETE_IMPUNITY),
        (2016, mexico, Status.COMPLETE_IMPUNITY),
        (2019, mexico, Status.FULL_JUSTICE),
        (2019, philippines, Status.COMPLETE_IMPUNITY),
    ]:
        CasePageFactory(
            parent=case_index,
            country=country,
            attacked_on=datetime.date(year, 3, 1),
            statuses=[(status, datetime.date(2020, 1, 1))],
        )
    html = client.get(case_index.url).content.decode()
    assert chart_rows(html, "year") == [("2016", "2"), ("2019", "2")]
    assert chart_rows(html, "country") == [("Mexico", "3"), ("Philippines", "1")]
    assert ("Complete impunity", "3") in chart_rows(html, "status")
    assert ("No information", "0") in chart_rows(html, "status")
    status_chart = html.split('id="chart-status-title"')[1].split("</figure>")[0]
    assert '<span class="chart__label">Complete impunity</span>' in status_chart

    mexican = client.get(case_index.url, {"country": "mx"}).content.decode()
    assert chart_rows(mexican, "country") == [("Mexico", "3")]
    assert ("Complete impunity", "2") in chart_rows(mexican, "status")


def test_a_campaign_page_shows_a_chart_of_the_cases(client, case_index, campaign_index, mexico):
    from campaigns.factories import CampaignPageFactory
    from ifex.core.factories import stream_data

    CasePageFactory(parent=case_index, country=mexico)
    campaign = CampaignPageFactory(
        parent=campaign_index, body=stream_data([("case_chart", {"chart": "country"})])
    )
    html = client.get(campaign.url).content.decode()
    assert chart_rows(html, "country") == [("Mexico", "1")]


def test_an_article_about_no_case_does_not_ask_for_its_cases(
    client, settings, case_index, article_index, mexico
):
    """Which pages some case is about is kept like the menu: an article that no case lists
    costs no query for cases once another page has asked."""
    settings.PAGE_CACHE_SECONDS = 0  # every request renders the page
    reported = ArticlePageFactory(parent=article_index, title="Reported")
    unrelated = ArticlePageFactory(parent=article_index, title="Unrelated")
    CasePageFactory(
        parent=case_index, person_name="Ana Example", country=mexico, reports=[reported]
    )
    client.get(unrelated.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(unrelated.url).status_code == 200
    assert not [query for query in queries if "cases_case" in query["sql"]]
    assert "Ana Example" in client.get(reported.url).content.decode()
