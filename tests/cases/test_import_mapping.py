"""A monitor's CSV whose columns campaign staff map to the case fields and save as a named
mapping: its exports then go through the same review and the same write as CPJ's, from the
admin or `import_cases FILE --mapping NAME`. The people here are invented."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.choices import DatePrecision, DeathType, Role, Status
from cases.models import CaseImport, CasePage, ColumnMapping, ImportedCase
from tests.cases.test_import import counts
from tests.cases.test_import_admin import queue, work_through_the_queue  # noqa: F401

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2026, 6, 1)
NEWER = datetime.date(2026, 11, 1)
HEADER = ["Victim", "Date of death", "Nation", "City", "Profession", "Outlet", "Justice", "Cause"]
ROWS = [
    ["Ana Demo Ruiz", "2019-03-14", "Mexico", "Tijuana", "Journalist", "Radio Demo; Diario Demo",
     "Complete impunity", "Murder"],
    ["Luis Demo Paz", "2021-07", "MX", "Culiacán", "media-worker", "", "Justice partielle",
     "Crossfire"],
    ["Mariam Demo Ali", "2015", "Somalia", "Mogadishu", "journalist", "Radio Demo Shabelle", "",
     "murder"],
    ["Bad Demo Poet", "2020", "Mexico", "", "Poet", "", "", ""],
    ["Demo Of Atlantis", "2020", "Atlantis", "", "Journalist", "", "", ""],
]  # fmt: skip
MAPPED = {
    "name_column": "Victim",
    "date_column": "Date of death",
    "country_column": "Nation",
    "locality_column": "City",
    "role_column": "Profession",
    "employers_column": "Outlet",
    "status_column": "Justice",
    "type_of_death_column": "Cause",
}


def monitor_file(rows=ROWS, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def saved_mapping(**columns) -> ColumnMapping:
    mapping = ColumnMapping(
        name="Demo monitor",
        source_name="Demo Monitor of Killed Journalists",
        source_url="https://monitor.example/database/",
        header=HEADER,
        **(MAPPED | columns),
    )
    mapping.full_clean()
    mapping.save()
    return mapping


def import_mapped(tmp_path, data: bytes, exported_on=FIRST, *options) -> list[str]:
    path = tmp_path / "monitor.csv"
    path.write_bytes(data)
    out = io.StringIO()
    call_command(
        "import_cases",
        str(path),
        "--mapping",
        "Demo monitor",
        "--exported-on",
        exported_on.isoformat(),
        *options,
        stdout=out,
    )
    return out.getvalue().splitlines()


def test_a_file_with_other_columns_imports_through_a_saved_mapping(case_index, tmp_path):
    saved_mapping()
    lines = import_mapped(tmp_path, monitor_file(), FIRST, "--dry-run")
    assert counts(lines) == {
        "Rows read": 5,
        "Added": 3,
        "Changed": 0,
        "Unchanged": 0,
        "Rejected": 2,
    }
    assert not CasePage.objects.exists()
    assert (
        "Row 5 rejected: “Poet” in column “Profession” is not a role this site knows "
        "(“Journalist”, “Media worker”, “Artist”, “Writer”, “Activist”, “Human rights defender”)"
    ) in lines
    assert any(line.startswith("Row 6 rejected: the country “Atlantis”") for line in lines)

    lines = import_mapped(tmp_path, monitor_file())
    assert lines[0] == "Source: Demo Monitor of Killed Journalists, export of 2026-06-01"
    ana, luis, mariam = (
        CasePage.objects.get(person_name=name)
        for name in ("Ana Demo Ruiz", "Luis Demo Paz", "Mariam Demo Ali")
    )
    assert (ana.attacked_on, ana.date_precision) == (datetime.date(2019, 3, 14), DatePrecision.DAY)
    assert (luis.attacked_on, luis.date_precision) == (datetime.date(2021, 7, 1), "month")
    assert (mariam.attacked_on, mariam.date_precision) == (datetime.date(2015, 1, 1), "year")
    assert (ana.country.iso_code, luis.country.iso_code, mariam.country.iso_code) == (
        "MX",
        "MX",
        "SO",
    )
    assert ana.employer_list == ["Radio Demo", "Diario Demo"]
    assert (ana.role, luis.role, mariam.role) == (Role.JOURNALIST, Role.MEDIA_WORKER, "journalist")
    assert (ana.status, luis.status, mariam.status) == (
        Status.COMPLETE_IMPUNITY,
        Status.PARTIAL_JUSTICE,  # written in French: the site's word in any of its languages
        Status.NO_INFORMATION,  # an empty cell
    )
    assert (ana.type_of_death, luis.type_of_death) == (DeathType.MURDER, DeathType.CROSSFIRE)
    assert ana.live and ana.locality == "Tijuana"
    assert (ana.source_name, ana.source_url, ana.source_exported_on) == (
        "Demo Monitor of Killed Journalists",
        "https://monitor.example/database/",
        FIRST,
    )
    [event] = ana.status_history()
    assert event.source_name == "Demo Monitor of Killed Journalists, export of 2026-06-01"
    mapping = ColumnMapping.objects.get()
    assert set(ImportedCase.objects.values_list("source", flat=True)) == {mapping.source_key}


def test_re_importing_through_a_mapping_changes_nothing_and_a_newer_file_shows_each_change(
    case_index, tmp_path
):
    saved_mapping()
    import_mapped(tmp_path, monitor_file())
    again = import_mapped(tmp_path, monitor_file())
    assert counts(again) == {
        "Rows read": 5,
        "Added": 0,
        "Changed": 0,
        "Unchanged": 3,
        "Rejected": 2,
    }

    newer = [list(row) for row in ROWS]
    newer[0][6] = "partial-justice"
    newer.append(["Nora Demo Vega", "2022-01-09", "Mexico", "", "Journalist", "", "", ""])
    lines = import_mapped(tmp_path, monitor_file(newer), NEWER)
    assert counts(lines) == {
        "Rows read": 6,
        "Added": 1,
        "Changed": 1,
        "Unchanged": 2,
        "Rejected": 2,
    }
    assert "Row 2, Ana Demo Ruiz: status “Complete impunity” → “Partial justice”" in lines
    history = [
        event.status for event in CasePage.objects.get(person_name="Ana Demo Ruiz").status_history()
    ]
    assert history == [Status.COMPLETE_IMPUNITY, Status.PARTIAL_JUSTICE]


def test_with_an_identifier_column_a_corrected_name_stays_the_same_case(case_index, tmp_path):
    header = [*HEADER, "Case ID"]
    rows = [[*row, f"MON-{number}"] for number, row in enumerate(ROWS[:3], start=1)]
    saved_mapping(identifier_column="Case ID")
    import_mapped(tmp_path, monitor_file(rows, header))
    rows[0][0] = "Ana Demo Ruíz"  # the monitor corrected the name
    rows.append(["Another Demo", "2020", "Mexico", "", "Journalist", "", "", "", "MON-2"])
    lines = import_mapped(tmp_path, monitor_file(rows, header), NEWER)
    assert counts(lines) == {
        "Rows read": 4,
        "Added": 0,
        "Changed": 1,
        "Unchanged": 2,
        "Rejected": 1,
    }
    assert "Row 2, Ana Demo Ruiz: name “Ana Demo Ruiz” → “Ana Demo Ruíz”" in lines
    assert "Row 5 rejected: its identifier is also row 3's" in lines
    assert CasePage.objects.filter(person_name="Ana Demo Ruíz").count() == 1


def test_a_file_without_a_mapped_column_is_answered_in_words(
    client, login_as, case_index, tmp_path
):
    mapping = saved_mapping()
    other = monitor_file([row[:2] + row[3:] for row in ROWS], HEADER[:2] + HEADER[3:])
    with pytest.raises(CommandError) as refusal:
        import_mapped(tmp_path, other)
    words = (
        "The file has no column “Nation” (for the country), which the mapping “Demo monitor” reads."
    )
    assert str(refusal.value) == words

    login_as("campaigner")
    response = client.post(
        reverse("cases_import"),
        {
            "source": mapping.source_key,
            "exported_on": "2026-06-01",
            "file": SimpleUploadedFile("monitor.csv", other, content_type="text/csv"),
        },
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not CaseImport.objects.exists() and not CasePage.objects.exists()


def test_a_mapping_that_leaves_a_required_field_unmapped_is_refused(case_index):
    with pytest.raises(ValidationError) as refusal:
        saved_mapping(country_column="")
    assert refusal.value.message_dict == {
        "country_column": ["The importer needs the country: choose the column that holds it."]
    }
    assert not ColumnMapping.objects.exists()


def test_an_unknown_mapping_name_is_answered_in_words(case_index, tmp_path):
    path = tmp_path / "monitor.csv"
    path.write_bytes(monitor_file())
    with pytest.raises(
        CommandError, match=re.escape("No column mapping is named 'Nobody'. Saved: none.")
    ):
        call_command("import_cases", str(path), "--mapping", "Nobody")


def upload_for_mapping(client, data: bytes):
    return client.post(
        reverse("cases_import"),
        {
            "source": "new-mapping",
            "exported_on": "2026-06-01",
            "file": SimpleUploadedFile("monitor.csv", data, content_type="text/csv"),
        },
    )


def mapping_form(**columns) -> dict:
    return {
        "name": "Demo monitor",
        "source_name": "Demo Monitor of Killed Journalists",
        "source_url": "https://monitor.example/database/",
        **(MAPPED | columns),
    }


@pytest.mark.usefixtures("queue")
def test_staff_map_an_uploaded_files_columns_save_the_mapping_and_review_it(
    client, login_as, case_index, django_capture_on_commit_callbacks
):
    login_as("campaigner")
    response = upload_for_mapping(client, monitor_file())
    case_import = CaseImport.objects.get()
    assert response["Location"] == reverse("cases_import_map", args=[case_import.pk])
    page = client.get(response["Location"]).content.decode()
    for column in HEADER:  # read from the file, offered for each field
        assert f'<option value="{column}">{column}</option>' in page

    refused = client.post(response["Location"], mapping_form(name_column=""))
    assert refused.status_code == 200
    assert (
        "The importer needs the name: choose the column that holds it." in refused.content.decode()
    )
    assert not ColumnMapping.objects.exists()

    reviewed = client.post(response["Location"], mapping_form())
    assert reviewed["Location"] == reverse("cases_import_review", args=[case_import.pk])
    mapping = ColumnMapping.objects.get()
    assert (mapping.name, mapping.header, mapping.country_column) == (
        "Demo monitor",
        HEADER,
        "Nation",
    )
    review = client.get(reviewed["Location"]).content.decode()
    assert "Added: 3" in review and "Rejected: 2" in review
    assert "Row 5 rejected: “Poet” in column “Profession” is not a role this site knows" in review
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reviewed["Location"])
    work_through_the_queue()
    case_import.refresh_from_db()
    assert case_import.state == CaseImport.State.DONE and case_import.summary["added"] == 3

    # The next file from that monitor: the saved mapping is a source to choose.
    form = client.get(reverse("cases_import")).content.decode()
    assert f'<option value="{mapping.source_key}">Column mapping: Demo monitor</option>' in form
    response = client.post(
        reverse("cases_import"),
        {
            "source": mapping.source_key,
            "exported_on": "2026-06-02",
            "file": SimpleUploadedFile("monitor.csv", monitor_file(), content_type="text/csv"),
        },
    )
    again = client.get(response["Location"]).content.decode()
    assert "Added: 0" in again and "Unchanged: 3" in again
