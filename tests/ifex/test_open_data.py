"""The figures' public record and the joint statements' signatures as open data: CSV and JSON
of what the site shows, with the licence, the citation and, when filtered, a note saying so."""

import csv
import datetime
import io
import json

import pytest

from articles.factories import JointStatementPageFactory
from articles.models import Signatory
from campaigns.factories import ImpunityFigureFactory
from ifex.core.factories import CountryFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict]:
    lines = [line for line in io.StringIO(response.content.decode()) if not line.startswith("#")]
    return list(csv.DictReader(lines))


def test_the_figures_record_downloads_with_every_published_value(client):
    figure = ImpunityFigureFactory(name="Killed", value=1700, as_of=datetime.date(2026, 1, 1))
    figure.value = 1701
    figure.save_revision().publish()

    rows = csv_rows(client.get("/how-we-count/csv/"))
    assert [(row["figure"], row["value_as_shown"], row["source"]) for row in rows] == [
        (str(figure.pk), "1,700", "UNESCO Observatory of Killed Journalists"),
        (str(figure.pk), "1,701", "UNESCO Observatory of Killed Journalists"),
    ]
    as_json = client.get("/how-we-count/json/")
    assert as_json["Content-Disposition"] == 'attachment; filename="figures.json"'
    record = json.loads(as_json.content)
    assert [row["value"] for row in record["publications"]] == [1700, 1701]
    assert record["licence"] == "CC BY 4.0" and record["filtered"] is False
    assert "downloaded on" in record["citation"]
    page = client.get("/how-we-count/").content.decode()
    assert 'href="/how-we-count/csv/"' in page and 'href="/how-we-count/json/"' in page


def test_signatures_download_for_the_statements_listed(client, statement_index):
    mexico, haiti = CountryFactory(iso_code="MX"), CountryFactory(iso_code="HT")
    member = OrganisationFactory(name="=Press Union", is_member=True, website="")
    in_mexico = JointStatementPageFactory(
        parent=statement_index, title="Mexico", countries=[mexico]
    )
    Signatory.objects.create(page=in_mexico, organisation=member, sort_order=0)
    Signatory.objects.create(page=in_mexico, name="Friends of the press", sort_order=1)
    in_haiti = JointStatementPageFactory(parent=statement_index, title="Haiti", countries=[haiti])
    Signatory.objects.create(page=in_haiti, name="Haitian reporters", sort_order=0)

    response = client.get(statement_index.url + "csv/", {"country": "mx"})
    assert response["Content-Disposition"] == 'attachment; filename="statements-filtered.csv"'
    assert "# Filtered: Country: " in response.content.decode()
    rows = csv_rows(response)
    assert [(row["statement"], row["signatory"], row["member_of_the_network"]) for row in rows] == [
        ("Mexico", "'=Press Union", "True"),  # a formula in a name stays text
        ("Mexico", "Friends of the press", "False"),
    ]
    everything = json.loads(client.get(statement_index.url + "json/").content)
    assert everything["count"] == 3 and everything["filtered"] is False
    listing = client.get(statement_index.url, {"country": "mx"}).content.decode()
    assert "(filtered, not the complete set)" in listing
    assert f'href="{statement_index.url}csv/?country=mx"' in listing


@pytest.mark.parametrize(
    "language, counted_live",
    [
        ("en", "counted live"),
        ("fr", "compté en direct"),
        ("es", "contado en directo"),
        ("ar", "يُحصى مباشرةً"),
    ],
)
def test_a_live_count_s_record_downloads_as_json_in_every_language(client, language, counted_live):
    """A live count is recorded as "counted live", a translated phrase: the JSON writer gets
    it as text, in the reader's language."""
    from django.urls import reverse
    from django.utils import translation
    from wagtail.models import Locale

    figure = ImpunityFigureFactory(member_count=True, name="Members")
    if language != "en":
        translation_of_it = figure.copy_for_translation(Locale.objects.get(language_code=language))
        translation_of_it.save()
        translation_of_it.save_revision().publish()
    with translation.override(language):
        address = reverse("figure_history_json")

    response = client.get(address)

    assert response.status_code == 200
    [row] = json.loads(response.content)["publications"]
    assert row["value_as_shown"] == counted_live


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("download", ["figures", "cases", "statements"])
def test_no_line_or_cell_of_a_download_is_a_formula(client, home, statement_index, download):
    """A name with a line break or a comma cannot start a line or a cell of its own that a
    spreadsheet would run; every download is written by the same function."""
    from cases.models import CaseIndexPage
    from ifex.core.models import SiteSettings

    settings = SiteSettings.for_site(home.get_site())
    settings.organisation_name = 'IFEX\n=HYPERLINK("http://x.test","Open"),\r+1,"=2",\t@3'
    settings.save()
    Signatory.objects.create(
        page=JointStatementPageFactory(parent=statement_index, title="Mexico"),
        name="\t=cmd|' /C calc'!A0",
        sort_order=0,
    )
    ImpunityFigureFactory(sentence="-1+1 journalists")
    url = {
        "figures": "/how-we-count/csv/",
        "cases": CaseIndexPage.objects.get().url + "csv/",
        "statements": statement_index.url + "csv/",
    }[download]

    text = client.get(url).content.decode()
    lines = text.split("\n")
    assert [line[:2] for line in lines[:4]] == ["# "] * 4 and lines[4][:1] != "#"
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell.lstrip(" ").startswith(FORMULA_STARTS)]
    assert lines[0].startswith("# IFEX =HYPERLINK(")  # the whole name, on the title's line
