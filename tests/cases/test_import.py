"""Importing CPJ's export of killed journalists and media workers (`import_cases`): every row
checked and the whole file reviewed before anything is written; the same file twice changes
nothing; a newer export adds, changes (a new dated status event, the earlier ones kept) and flags
what it no longer lists; a field staff edited is a conflict, never overwritten; the source's
vocabulary kept; each case names its source to readers, in the API and in the downloads."""

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import Revision

from cases import importing
from cases.choices import DatePrecision, DeathType, Motive, Role, Status
from cases.models import CasePage, CountryNameMapping, ImportedCase
from ifex.core.factories import CountryFactory
from ifex.core.models import Country
from tests.support import newcomer_row

pytestmark = pytest.mark.django_db

FIRST_EXPORT = datetime.date(2026, 6, 1)
NEWER_EXPORT = datetime.date(2026, 11, 1)


# A byte-for-byte copy of ../shared/data/cpj-killed-sample.csv (80 untouched rows of CPJ's
# export), kept in the repository so that a clone alone runs the suite.
SAMPLE = Path(settings.BASE_DIR) / "tests" / "data" / "cpj-killed-sample.csv"


@pytest.fixture
def sample_rows() -> tuple[list[str], list[dict]]:
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        return reader.fieldnames, list(reader)


def make_it_newer(header, rows) -> None:
    """The sample as CPJ's next export would have it: one status changed (Wendi Winters'
    murder now partly punished) and one person added."""
    [row] = [row for row in rows if row["fullName"] == "Wendi Winters"]
    row["impunityMurder"] = "Partial Impunity"
    rows.insert(10, newcomer_row(header))


def export_file(tmp_path, header, rows, name="export.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_cases(path, exported_on=FIRST_EXPORT, *options) -> list[str]:
    out = io.StringIO()
    call_command(
        "import_cases",
        str(path),
        "--source",
        "cpj",
        "--exported-on",
        exported_on.isoformat(),
        *options,
        stdout=out,
    )
    return out.getvalue().splitlines()


def count_line(lines, label) -> int:
    [line] = [line for line in lines if line.startswith(f"{label}: ")]
    return int(line.split(": ")[1])


def counts(lines) -> dict:
    labels = ("Rows read", "Added", "Changed", "Unchanged", "Rejected")
    return {label: count_line(lines, label) for label in labels}


def case_named(name) -> CasePage:
    return CasePage.objects.get(person_name=name)


def test_the_sample_imports_with_exactly_the_two_summary_rows_rejected(case_index):
    lines = import_cases(SAMPLE)
    assert counts(lines) == {
        "Rows read": 80,
        "Added": 78,
        "Changed": 0,
        "Unchanged": 0,
        "Rejected": 2,
    }
    rejected = [line for line in lines if " rejected: " in line]
    assert rejected == [
        "Row 80 rejected: a summary row, not a person: empty but for the number 1585 in gender",
        "Row 81 rejected: a summary row, not a person: empty but for the number 1586 in gender",
    ]
    cases = CasePage.objects.child_of(case_index)
    assert cases.count() == 78
    # Published pages, each with the revision it was published from, as staff's would be.
    assert cases.filter(live=True, live_revision__isnull=False).count() == 78
    page_ids = [str(pk) for pk in cases.values_list("pk", flat=True)]
    assert Revision.objects.filter(object_id__in=page_ids).count() == 78
    assert ImportedCase.objects.filter(source="cpj").count() == 78
    winters = case_named("Wendi Winters")
    assert winters.status == Status.FULL_JUSTICE
    assert winters.specific.get_latest_revision_as_object().person_name == "Wendi Winters"


def test_a_dry_run_writes_nothing(case_index):
    lines = import_cases(SAMPLE, FIRST_EXPORT, "--dry-run")
    assert count_line(lines, "Added") == 78
    assert "Dry run: nothing written." in lines
    assert not CasePage.objects.exists()
    assert not Country.objects.exists()


def test_importing_the_same_file_twice_changes_nothing(case_index):
    import_cases(SAMPLE)
    revisions = Revision.objects.count()
    lines = import_cases(SAMPLE)
    assert counts(lines) == {
        "Rows read": 80,
        "Added": 0,
        "Changed": 0,
        "Unchanged": 78,
        "Rejected": 2,
    }
    assert CasePage.objects.count() == 78
    assert Revision.objects.count() == revisions


def test_an_import_leaves_statistics_for_the_rows_it_wrote(case_index):
    """The first reader after an import is planned for the tables as they are now, not as
    they were before it (until autovacuum comes by)."""
    from django.db import connection
    from wagtail.search.models import IndexEntry

    import_cases(SAMPLE)
    with connection.cursor() as cursor:
        for model in (CasePage, ImportedCase, IndexEntry):
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
            )
            assert cursor.fetchone()[0] == model.objects.count(), model


def test_a_newer_export_reports_exactly_one_new_case_and_one_changed_status(
    case_index, sample_rows, tmp_path
):
    header, rows = sample_rows
    import_cases(SAMPLE)
    make_it_newer(header, rows)
    lines = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert counts(lines) == {
        "Rows read": 81,
        "Added": 1,
        "Changed": 1,
        "Unchanged": 77,
        "Rejected": 2,
    }
    # Readers' words, not the codes ("full-justice").
    assert "Row 80, Wendi Winters: status “Full justice” → “Partial justice”" in lines
    winters = case_named("Wendi Winters")
    assert winters.status == Status.PARTIAL_JUSTICE
    history = [(event.status, event.confirmed_on) for event in winters.status_history()]
    assert history == [
        (Status.FULL_JUSTICE, FIRST_EXPORT),
        (Status.PARTIAL_JUSTICE, NEWER_EXPORT),
    ]
    assert "export of 2026-11-01" in winters.status_history()[-1].source_name
    assert winters.live and not winters.has_unpublished_changes
    newcomer_case = case_named("Ahmad Newcomer")
    assert newcomer_case.employer_list == ["Radio Azadi", "Radio Free Europe/Radio Liberty"]
    assert newcomer_case.employment == "freelance"
    # And that newer export again: nothing more.
    again = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert (count_line(again, "Added"), count_line(again, "Changed")) == (0, 0)


def test_the_review_shows_readers_words_in_staffs_language(case_index, sample_rows, tmp_path):
    header, rows = sample_rows
    import_cases(SAMPLE)
    [row] = [row for row in rows if row["fullName"] == "Wendi Winters"]
    row["impunityMurder"] = "Partial Impunity"
    row["type"] = "Media Worker"
    data = export_file(tmp_path, header, rows).read_bytes()
    with translation.override("fr"):
        lines = importing.review(data, "cpj", NEWER_EXPORT).detail_lines()
    assert "Ligne 79, Wendi Winters : statut « Justice rendue » → « Justice partielle »" in lines
    assert "Ligne 79, Wendi Winters : rôle « Journaliste » → « Professionnel des médias »" in lines
    assert not [line for line in lines if "justice-" in line or "media-worker" in line]


def test_two_people_with_the_same_name_year_and_country_stay_two_cases(
    case_index, sample_rows, tmp_path
):
    header, rows = sample_rows
    import_cases(SAMPLE)
    mahers = CasePage.objects.filter(person_name="Maher")
    assert mahers.count() == 2
    assert len({case.slug for case in mahers}) == 2
    assert {case.country.name for case in mahers} == {"Iraq"}
    # A newer export that lists one of them: one stays, the other is flagged, none deleted.
    [first_maher] = [index for index, row in enumerate(rows) if row["fullName"] == "Maher"][:1]
    del rows[first_maher]
    lines = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert count_line(lines, "Missing from this export, flagged for review") == 1
    assert (count_line(lines, "Added"), count_line(lines, "Changed")) == (0, 0)
    assert CasePage.objects.filter(person_name="Maher", live=True).count() == 2
    flagged = ImportedCase.objects.filter(missing_from_export_on=NEWER_EXPORT)
    assert [imported.case.person_name for imported in flagged] == ["Maher"]


def test_names_stay_as_the_source_writes_them(client, case_index):
    import_cases(SAMPLE)
    ahmad = case_named("Ahmad [full name unavailable]")
    assert ahmad.title == "Ahmad [full name unavailable]"
    response = client.get(ahmad.url)
    assert response.status_code == 200
    assert "Ahmad [full name unavailable]" in response.content.decode()
    # Unidentified people: each a case of their own (different employers).
    unidentified = CasePage.objects.filter(person_name="Unidentified")
    assert sorted(case.employers for case in unidentified) == ["Al-Sabah", "Al-Shaabiya"]


def test_the_sources_vocabulary_is_kept(case_index):
    import_cases(SAMPLE)
    media_worker = case_named("Abdiqadir Hassan Yusuf")
    assert (media_worker.role, media_worker.motive) == (Role.MEDIA_WORKER, Motive.NOT_APPLICABLE)
    crossfire = case_named("Abdullah al-Qadry")
    assert crossfire.type_of_death == DeathType.CROSSFIRE
    assert crossfire.status == Status.NOT_TRACKED  # CPJ tracks justice for murders only
    assert crossfire.locality == "Qaniyah"
    unconfirmed = case_named("Abdoulaye Bakayoko")
    assert (unconfirmed.motive, unconfirmed.type_of_death) == (Motive.UNCONFIRMED, "")
    assert case_named("Wendi Winters").locality == "Annapolis, Maryland"
    counted = CasePage.objects.filter(type_of_death=DeathType.MURDER)
    assert counted.filter(status=Status.COMPLETE_IMPUNITY).count() == 13
    assert counted.filter(status=Status.PARTIAL_JUSTICE).count() == 8


def test_cpj_country_names_map_to_iso_countries(case_index):
    import_cases(SAMPLE)

    def country_of(name):
        return case_named(name).country

    assert (country_of("Wendi Winters").iso_code, country_of("Wendi Winters").name) == (
        "US",
        "United States",
    )
    assert country_of("Abdoulaye Bakayoko").name == "Côte d'Ivoire"
    codes = set(CasePage.objects.values_list("country__iso_code", flat=True))
    assert {"GB", "BA", "TL", "CG", "CD", "YU", "XP"} <= codes
    yugoslavia = Country.objects.get(iso_code="YU")
    assert yugoslavia.name == "Yugoslavia"
    assert yugoslavia.region.slug == "europe-central-asia"
    assert Country.objects.get(iso_code="XP").name == (
        "Israel and the Occupied Palestinian Territory"
    )


def test_a_country_the_site_cannot_name_is_a_rejected_row_until_staff_map_it(
    case_index, sample_rows, tmp_path
):
    header, rows = sample_rows
    rows[0]["country"] = "Atlantis"
    path = export_file(tmp_path, header, rows)
    lines = import_cases(path, FIRST_EXPORT, "--dry-run")
    assert count_line(lines, "Rejected") == 3
    assert any(line.startswith("Row 2 rejected: the country “Atlantis”") for line in lines)
    CountryNameMapping.objects.create(
        source="cpj", name="Atlantis", country=CountryFactory(iso_code="IQ", name="Iraq")
    )
    lines = import_cases(path)
    assert count_line(lines, "Rejected") == 2
    assert case_named("Ahmad [full name unavailable]").country.iso_code == "IQ"


def test_a_date_known_only_to_the_year_is_shown_as_the_year(client, case_index):
    import_cases(SAMPLE)
    winters = case_named("Wendi Winters")
    assert winters.date_precision == DatePrecision.YEAR
    page = client.get(winters.url).content.decode()
    assert '<time datetime="2018">2018</time>' in page
    assert "January 2018" not in page
    index = client.get(case_index.url).content.decode()
    assert '<time datetime="2018">2018</time>' in index
    assert "1 January" not in index
    response = client.get("/api/v1/cases/", {"country": "us"})
    [listed] = [
        case for case in json.loads(response.content)["results"] if case["name"] == "Wendi Winters"
    ]
    assert (listed["date_of_attack"], listed["date_precision"]) == ("2018", "year")


def test_each_case_names_its_source_and_links_to_it(client, case_index):
    import_cases(SAMPLE)
    winters = case_named("Wendi Winters")
    page = client.get(winters.url).content.decode()
    assert "Committee to Protect Journalists, export of 1 June 2026" in page
    assert 'href="https://cpj.org/data/killed/"' in page
    response = client.get("/api/v1/cases/", {"country": "us"})
    [listed] = [
        case for case in json.loads(response.content)["results"] if case["name"] == "Wendi Winters"
    ]
    assert listed["source"] == {
        "name": "Committee to Protect Journalists",
        "url": "https://cpj.org/data/killed/",
        "exported_on": "2026-06-01",
    }
    assert listed["employers"] == ["Capital Gazette"]
    text = client.get(case_index.url + "csv/").content.decode()
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    [row] = [row for row in rows if row["name"] == "Wendi Winters"]
    assert (row["source"], row["source_url"], row["source_exported_on"]) == (
        "Committee to Protect Journalists",
        "https://cpj.org/data/killed/",
        "2026-06-01",
    )
    assert (row["date_of_attack"], row["locality"]) == ("2018", "Annapolis, Maryland")


def test_a_field_staff_edited_is_a_conflict_not_overwritten(case_index, sample_rows, tmp_path):
    header, rows = sample_rows
    import_cases(SAMPLE)
    winters = case_named("Wendi Winters")
    winters.locality = "Annapolis"  # staff's correction
    winters.save_revision().publish()
    [row] = [row for row in rows if row["fullName"] == "Wendi Winters"]
    row["location"] = "Annapolis, MD"
    row["organizations"] = "Capital Gazette,The Baltimore Sun"
    lines = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert count_line(lines, "Conflicts with staff edits (not written)") == 1
    assert (
        "Row 79, Wendi Winters: place edited by staff (“Annapolis”); the source now says "
        "“Annapolis, MD”: not written"
    ) in lines
    winters = case_named("Wendi Winters")
    assert winters.locality == "Annapolis"
    assert winters.employer_list == ["Capital Gazette", "The Baltimore Sun"]  # not edited: written
    # Reported again on the next import, still not written.
    lines = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert count_line(lines, "Conflicts with staff edits (not written)") == 1
    assert case_named("Wendi Winters").locality == "Annapolis"


def test_a_case_missing_from_a_newer_export_is_flagged_never_deleted(
    client, case_index, sample_rows, tmp_path
):
    header, rows = sample_rows
    import_cases(SAMPLE)
    without = [row for row in rows if row["fullName"] != "Wendi Winters"]
    lines = import_cases(export_file(tmp_path, header, without), NEWER_EXPORT)
    assert count_line(lines, "Missing from this export, flagged for review") == 1
    assert "Wendi Winters: not in this export, flagged for review" in lines
    winters = case_named("Wendi Winters")
    assert winters.live
    assert winters.imported.missing_from_export_on == NEWER_EXPORT
    # Listed again later: no longer flagged, and reported.
    lines = import_cases(SAMPLE, datetime.date(2026, 12, 1))
    back = "Wendi Winters: back in the export, no longer flagged"
    assert any(line.endswith(back) for line in lines)
    assert ImportedCase.objects.get(case=winters).missing_from_export_on is None


def test_staff_hide_a_case_with_a_reason_that_stays(client, case_index):
    import_cases(SAMPLE)
    winters = case_named("Wendi Winters")
    winters.hidden = True
    with pytest.raises(ValidationError) as refused:
        winters.full_clean()
    assert "hidden_reason" in refused.value.message_dict
    winters.hidden_reason = "The family asked us to take the page down."
    winters.save_revision().publish()
    winters = case_named("Wendi Winters")
    assert not winters.live
    assert winters.hidden_reason == "The family asked us to take the page down."
    assert client.get(f"{case_index.url}{winters.slug}/").status_code == 404
    # A newer import does not put it back.
    import_cases(SAMPLE, NEWER_EXPORT)
    assert not case_named("Wendi Winters").live


def test_a_file_that_is_not_a_cpj_export_is_refused_in_words(case_index, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,when\nSomeone,2001\n", encoding="utf-8")
    with pytest.raises(CommandError, match="This is not a CPJ export: it has no column “year”"):
        import_cases(path)
    path.write_bytes(b"year,fullName\n\xff\xfe,2001\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        import_cases(path)


def test_a_row_with_a_value_cpj_does_not_use_is_rejected_with_its_reason(
    case_index, sample_rows, tmp_path
):
    header, rows = sample_rows
    rows[1]["typeOfDeath"] = "Accident"
    rows[2]["year"] = "19x9"
    lines = import_cases(export_file(tmp_path, header, rows), FIRST_EXPORT, "--dry-run")
    assert (
        "Row 3 rejected: “Accident” in typeOfDeath is not one of CPJ's values (“Murder”, "
        "“Crossfire”, “Dangerous Assignment”, “Unknown”, “N/A”)"
    ) in lines
    assert "Row 4 rejected: “19x9” in year is not a year" in lines


def test_imported_cases_are_found_by_name_with_accents_ignored(client, case_index):
    import_cases(SAMPLE)
    page = client.get("/search/", {"q": "Ossebi", "type": "cases"}).content.decode()
    assert "Bruno Jacquet Ossébi" in page
    assert "Wendi Winters" not in page
    # CPJ writes names and media as their languages do; readers type them without accents.
    for query in ("Naima Hammouda", "Revolution Africaine", "Naïma"):
        page = client.get("/search/", {"q": query}).content.decode()
        assert "Naïma Hammouda" in page, query
        assert "Bruno Jacquet Ossébi" not in page, query


def test_a_status_changed_in_an_export_of_the_same_day_is_the_status_now(
    case_index, sample_rows, tmp_path
):
    header, rows = sample_rows
    import_cases(SAMPLE)
    [row] = [row for row in rows if row["fullName"] == "Wendi Winters"]
    row["impunityMurder"] = "Complete Impunity"
    import_cases(export_file(tmp_path, header, rows), FIRST_EXPORT)
    winters = case_named("Wendi Winters")
    assert winters.status == Status.COMPLETE_IMPUNITY
    assert [event.status for event in winters.status_history()] == [
        Status.FULL_JUSTICE,
        Status.COMPLETE_IMPUNITY,
    ]


def test_a_review_holds_only_what_it_changes_not_every_row_and_case(
    case_index, sample_rows, tmp_path
):
    """An import's memory stays flat at the real record's size (measured in `make bench`):
    between reading the file and writing it, the review keeps no row it does not change and
    loads no case whole but the one it changes; new rows are read again from the file to be
    written."""
    import gc

    from django.db.models.signals import post_init

    header, rows = sample_rows
    import_cases(SAMPLE)
    make_it_newer(header, rows)
    data = export_file(tmp_path, header, rows).read_bytes()

    loaded = []

    def count_loaded(sender, instance, **kwargs):
        if isinstance(instance, CasePage | ImportedCase):
            loaded.append(type(instance).__name__)

    gc.collect()
    rows_before = sum(type(held) is importing.Row for held in gc.get_objects())
    post_init.connect(count_loaded)
    try:
        review = importing.review(data, "cpj", NEWER_EXPORT)
    finally:
        post_init.disconnect(count_loaded)
    gc.collect()
    held = [held for held in gc.get_objects() if type(held) is importing.Row]
    assert len(held) - rows_before == 1
    assert "Wendi Winters" in {row.values["person_name"] for row in held}
    assert sorted(loaded) == ["CasePage", "ImportedCase"]  # hers, to change it
    assert {name: review.counts()[name] for name in ("added", "changed", "unchanged")} == {
        "added": 1,
        "changed": 1,
        "unchanged": 77,
    }
    importing.write(review)
    assert case_named("Ahmad Newcomer").employment == "freelance"
    assert case_named("Wendi Winters").status == Status.PARTIAL_JUSTICE
    assert ImportedCase.objects.filter(last_export_on=NEWER_EXPORT).count() == 79


def test_a_staff_edit_the_source_comes_to_agree_with_is_the_sources_again(
    case_index, sample_rows, tmp_path
):
    """Staff corrected a place; a newer export writes it as they did (unchanged, nothing to
    write on the case); the export after that changes it again: a change, not a conflict."""
    header, rows = sample_rows
    import_cases(SAMPLE)
    winters = case_named("Wendi Winters")
    winters.locality = "Annapolis, MD"  # staff's correction
    winters.save_revision().publish()
    [row] = [row for row in rows if row["fullName"] == "Wendi Winters"]
    row["location"] = "Annapolis, MD"
    lines = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert (count_line(lines, "Changed"), count_line(lines, "Unchanged")) == (0, 78)
    row["location"] = "Annapolis, Maryland"
    lines = import_cases(export_file(tmp_path, header, rows), datetime.date(2026, 12, 1))
    assert count_line(lines, "Conflicts with staff edits (not written)") == 0
    assert "Row 79, Wendi Winters: place “Annapolis, MD” → “Annapolis, Maryland”" in lines
    assert case_named("Wendi Winters").locality == "Annapolis, Maryland"


def test_a_rejected_rows_reason_is_one_line_even_when_its_value_spans_lines(
    case_index, sample_rows, tmp_path
):
    """A quoted cell may hold line breaks: the reason shows the value on one line, and the rows
    after it keep their numbers (a spreadsheet shows the cell in one row)."""
    header, rows = sample_rows
    rows[1]["typeOfDeath"] = "Murder\nor accident"
    rows[2]["year"] = "19x9"
    lines = import_cases(export_file(tmp_path, header, rows), FIRST_EXPORT, "--dry-run")
    rejected = [line for line in lines if " rejected: " in line]
    assert rejected[0] == (
        "Row 3 rejected: “Murder or accident” in typeOfDeath is not one of CPJ's values "
        "(“Murder”, “Crossfire”, “Dangerous Assignment”, “Unknown”, “N/A”)"
    )
    assert rejected[1] == "Row 4 rejected: “19x9” in year is not a year"


def test_a_row_the_database_cannot_store_is_rejected_in_the_review(
    case_index, sample_rows, tmp_path
):
    """What the write would store is checked against the cases' columns in the review: a name
    longer than the site keeps, or a NUL byte (which PostgreSQL refuses in text), rejects the
    row with its number, and the rest is written."""
    header, rows = sample_rows
    rows[0]["fullName"] = "A" * 5_000
    rows[1]["location"] = "Bagh\x00dad"
    rows[2]["organizations"] = "Al-Sha\x00abiya"
    rows[4]["typeOfDeath"] = "Mur\x00der"  # a value the review would quote
    rows[3]["location"] = "L" * 256
    lines = import_cases(export_file(tmp_path, header, rows), FIRST_EXPORT)
    rejected = [line for line in lines if " rejected: " in line]
    assert rejected[:5] == [
        "Row 2 rejected: name is 5000 characters long: the site keeps at most 255",
        "Row 3 rejected: “location” holds a NUL character (byte 0), which the database cannot "
        "store",
        "Row 4 rejected: “organizations” holds a NUL character (byte 0), which the database "
        "cannot store",
        "Row 5 rejected: place is 256 characters long: the site keeps at most 255",
        "Row 6 rejected: “typeOfDeath” holds a NUL character (byte 0), which the database "
        "cannot store",
    ]
    assert count_line(lines, "Added") == 73
    assert CasePage.objects.count() == 73
