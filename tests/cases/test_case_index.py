"""The case index at the real record's size: filters by the source's vocabulary (motive, type
of death) with the place, year, role and status ones, in the address and without script, in
the page cache's key, the API and the downloads; bad values answered, never a 500."""

import csv
import datetime
import io
import json
import re

import pytest

from cases.choices import DeathType, Motive, Role, Status
from cases.factories import CasePageFactory
from ifex.core.factories import CountryFactory
from tests.support import uncached_get

pytestmark = pytest.mark.django_db


def listed_names(response) -> list[str]:
    return sorted(
        re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', response.content.decode())
    )


@pytest.fixture
def vocabulary_cases(case_index, mexico):
    """Four cases that differ by one word of the source's vocabulary each."""
    colombia = CountryFactory(iso_code="CO", name="Colombia")
    made = {}
    for name, country, year, motive, death, role in [
        ("Murdered, confirmed", mexico, 2016, Motive.CONFIRMED, DeathType.MURDER, Role.JOURNALIST),
        ("Crossfire, confirmed", mexico, 2016, Motive.CONFIRMED, DeathType.CROSSFIRE,
         Role.JOURNALIST),
        ("Murdered, unconfirmed", mexico, 2016, Motive.UNCONFIRMED, DeathType.MURDER,
         Role.JOURNALIST),
        ("Media worker", colombia, 2019, Motive.NOT_APPLICABLE, DeathType.DANGEROUS_ASSIGNMENT,
         Role.MEDIA_WORKER),
    ]:  # fmt: skip
        made[name] = CasePageFactory(
            parent=case_index,
            person_name=name,
            country=country,
            attacked_on=datetime.date(year, 5, 1),
            motive=motive,
            type_of_death=death,
            role=role,
            statuses=[(Status.COMPLETE_IMPUNITY, datetime.date(2020, 1, 1))],
        )
    return made


def test_filters_by_motive_and_type_of_death_with_place_year_and_role(
    client, case_index, vocabulary_cases
):
    def names(**filters):
        return listed_names(client.get(case_index.url, filters))

    assert names(motive="confirmed") == ["Crossfire, confirmed", "Murdered, confirmed"]
    assert names(type_of_death="murder") == ["Murdered, confirmed", "Murdered, unconfirmed"]
    assert names(motive="confirmed", type_of_death="murder", country="mx", year="2016") == [
        "Murdered, confirmed"
    ]
    assert names(motive="not-applicable", role="media-worker") == ["Media worker"]
    assert names(type_of_death="dangerous-assignment", country="mx") == []
    html = client.get(case_index.url, {"motive": "confirmed", "type_of_death": "crossfire"})
    text = html.content.decode()
    assert "Motive: Motive confirmed" in text and "Type of death: Crossfire" in text


def test_the_filters_are_a_form_that_works_without_script(client, case_index, vocabulary_cases):
    html = client.get(case_index.url).content.decode()
    form = html.split('<form class="filters" method="get"')[1].split("</form>")[0]
    for name in ("country", "region", "year", "role", "status", "motive", "type_of_death"):
        assert f'<select name="{name}"' in form
    assert '<option value="dangerous-assignment">Dangerous assignment</option>' in form
    assert '<button type="submit"' in form


@pytest.mark.parametrize(
    "query",
    [{"motive": "maybe"}, {"type_of_death": "shot"}, {"motive": "confirmed\x00"}],
)
def test_an_unknown_value_is_not_found_not_an_error(client, case_index, vocabulary_cases, query):
    for address in (case_index.url, case_index.url + "csv/"):
        assert client.get(address, query).status_code == 404
    answer = client.get("/api/v1/cases/", query)
    assert answer.status_code == 400
    said = json.dumps(answer.json())
    assert "is not one of the available choices" in said or "no record has" in said


def test_the_page_cache_keeps_one_page_per_filter(client, case_index, vocabulary_cases):
    confirmed = client.get(case_index.url, {"motive": "confirmed"})
    unconfirmed = client.get(case_index.url, {"motive": "unconfirmed"})
    assert listed_names(unconfirmed) == ["Murdered, unconfirmed"]
    assert unconfirmed["X-Page-Cache"] == "miss"
    again = client.get(case_index.url, {"motive": "confirmed", "utm_source": "mail"})
    assert again["X-Page-Cache"] == "hit"
    assert (
        listed_names(again)
        == listed_names(confirmed)
        == [
            "Crossfire, confirmed",
            "Murdered, confirmed",
        ]
    )
    by_death = client.get(case_index.url, {"motive": "confirmed", "type_of_death": "murder"})
    assert listed_names(by_death) == ["Murdered, confirmed"]


def test_the_api_and_the_downloads_filter_the_same_way(client, case_index, vocabulary_cases):
    query = {"motive": "confirmed", "type_of_death": "murder"}
    api = client.get("/api/v1/cases/", query).json()
    assert [case["name"] for case in api["results"]] == ["Murdered, confirmed"]
    text = client.get(case_index.url + "csv/", query).content.decode()
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert [row["name"] for row in rows] == ["Murdered, confirmed"]
    assert "# Filtered: Motive: Motive confirmed; Type of death: Murder." in text
    listed = json.loads(client.get(case_index.url + "json/", query).content)
    assert listed["filters"] == {"Motive": "Motive confirmed", "Type of death": "Murder"}


def test_a_filtered_index_costs_the_same_however_many_cases(client, case_index, mexico):
    address = case_index.url + "?motive=confirmed&type_of_death=murder&country=mx"
    counts = []
    for added in (2, 6):
        CasePageFactory.create_batch(
            added,
            parent=case_index,
            country=mexico,
            motive=Motive.CONFIRMED,
            type_of_death=DeathType.MURDER,
        )
        client.get(address)
        counts.append(uncached_get(client, address)[1])
    assert counts[0] == counts[1] <= 15
