"""An import never names a person whose name is withheld: a new row that may be the withheld case
(its name spelt differently, its record corrected) is held as a draft with the name withheld and
a neutral title, for staff to decide; the same file again leaves the withheld case as it is; a
field the source now writes with the name in it is a conflict, never written."""

import pytest
from django.urls import reverse

from cases.models import CaseImport, CasePage, ImportedCase
from tests.support import newcomer_row

from . import test_import, test_import_admin
from .test_import import NEWER_EXPORT, SAMPLE, count_line, export_file, import_cases
from .test_import_admin import upload, work_through_the_queue

pytestmark = pytest.mark.django_db
sample_rows = test_import.sample_rows
queue = test_import_admin.queue

NAME = "Adolphe Missamba Ndengi Kavula"
RESPELT = "Adolphe Missamba Ndengi-Kavula"
NEUTRAL_TITLE = "Editor killed in Kasangulu"


@pytest.fixture
def withheld_case(case_index):
    import_cases(SAMPLE)
    case = CasePage.objects.get(person_name=NAME)
    case.name_withheld = True
    case.title, case.slug = NEUTRAL_TITLE, "editor-killed-in-kasangulu"
    case.save_revision().publish()
    return CasePage.objects.get(pk=case.pk)


def public_texts(client) -> dict[str, str]:
    addresses = {
        "cases": "/cases/",
        "csv": "/cases/csv/",
        "json": "/cases/json/",
        "sitemap": "/sitemap.xml",
        "api": "/api/v1/cases/?limit=200",
        "search": "/search/?q=Kasangulu",
    }
    responses = {where: client.get(address) for where, address in addresses.items()}
    assert all(response.status_code == 200 for response in responses.values()), responses
    return {where: response.content.decode() for where, response in responses.items()}


def assert_not_named(client):
    for where, text in public_texts(client).items():
        for part in ("Kavula", "Missamba", "Adolphe"):
            assert part.casefold() not in text.casefold(), f"{part} in {where}"


def test_a_respelt_name_of_a_withheld_case_is_held_not_published(
    client, withheld_case, sample_rows, tmp_path
):
    header, rows = sample_rows
    [row] = [row for row in rows if row["fullName"] == NAME]
    row["fullName"] = RESPELT
    path = export_file(tmp_path, header, rows)

    dry = import_cases(path, NEWER_EXPORT, "--dry-run")
    held = f"Row 7 held for review: may be the withheld case #{withheld_case.pk}"
    assert held in dry
    assert count_line(dry, "Held for review (drafts, name withheld)") == 1

    lines = import_cases(path, NEWER_EXPORT)
    assert held in lines
    assert count_line(lines, "Held for review (drafts, name withheld)") == 1
    assert not any("Kavula" in line for line in lines), "the name is not in the output either"

    new = CasePage.objects.get(person_name=RESPELT)
    assert (new.live, new.name_withheld, new.title) == (False, True, NEUTRAL_TITLE)
    assert "kavula" not in new.slug and "adolphe" not in new.slug
    assert new.get_latest_revision().content["name_withheld"] is True
    assert client.get("/cases/adolphe-missamba-ndengi-kavula-1994/").status_code == 404
    assert client.get(new.url or f"/cases/{new.slug}/").status_code == 404
    assert client.get(f"/api/v1/cases/{new.pk}/").status_code == 404
    assert_not_named(client)
    # The withheld case is flagged as missing, unchanged, still withheld.
    case = CasePage.objects.get(pk=withheld_case.pk)
    assert (case.name_withheld, case.title, case.live) == (True, NEUTRAL_TITLE, True)
    assert case.imported.missing_from_export_on == NEWER_EXPORT

    # The same export again: nothing new, the held draft stays a draft.
    again = import_cases(path, NEWER_EXPORT)
    assert count_line(again, "Added") == 0
    assert not CasePage.objects.get(pk=new.pk).live


def test_a_new_row_sharing_year_country_and_employer_with_a_withheld_case_is_held(
    client, withheld_case, sample_rows, tmp_path
):
    header, rows = sample_rows
    [row] = [row for row in rows if row["fullName"] == NAME]
    row["fullName"] = "A. M. N'Dengi"  # a name the matching cannot recognise
    lines = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert f"Row 7 held for review: may be the withheld case #{withheld_case.pk}" in lines
    assert not CasePage.objects.get(person_name="A. M. N'Dengi").live


def test_an_unrelated_new_row_is_published_as_before(withheld_case, sample_rows, tmp_path):
    header, rows = sample_rows
    newcomer = newcomer_row(header)
    rows.append(newcomer)
    lines = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert count_line(lines, "Held for review (drafts, name withheld)") == 0
    assert CasePage.objects.get(person_name="Ahmad Newcomer").live


def test_the_same_file_again_leaves_a_withheld_case_unchanged(client, withheld_case):
    revisions = withheld_case.revisions.count()
    lines = import_cases(SAMPLE, NEWER_EXPORT)
    assert (count_line(lines, "Added"), count_line(lines, "Changed")) == (0, 0)
    case = CasePage.objects.get(pk=withheld_case.pk)
    assert (case.name_withheld, case.title, case.slug) == (
        True,
        NEUTRAL_TITLE,
        "editor-killed-in-kasangulu",
    )
    assert case.revisions.count() == revisions
    assert_not_named(client)


def test_a_field_the_source_writes_with_a_withheld_name_is_a_conflict_not_written(
    client, withheld_case, sample_rows, tmp_path
):
    header, rows = sample_rows
    [row] = [row for row in rows if row["fullName"] == NAME]
    row["location"] = "Kasangulu, home of Ndengi Kavula"
    row["organizations"] = "Nsemo,Kavula Family Press"
    lines = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert count_line(lines, "Conflicts with staff edits (not written)") == 1
    label = f"Row 7, withheld case #{withheld_case.pk}"
    assert f"{label}: place would show the withheld name: not written" in lines
    assert f"{label}: employers would show the withheld name: not written" in lines
    assert not any("Kavula" in line for line in lines)
    case = CasePage.objects.get(pk=withheld_case.pk)
    assert (case.locality, case.employers) == ("Kasangulu", "Nsemo")
    assert ImportedCase.objects.get(case=case).imported_values["locality"] == "Kasangulu"
    assert_not_named(client)
    # Reported again next time, still not written.
    lines = import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    assert f"{label}: place would show the withheld name: not written" in lines
    assert CasePage.objects.get(pk=withheld_case.pk).locality == "Kasangulu"


def test_the_admin_review_and_summary_say_what_is_held(
    client,
    login_as,
    withheld_case,
    sample_rows,
    tmp_path,
    queue,
    django_capture_on_commit_callbacks,
):
    header, rows = sample_rows
    [row] = [row for row in rows if row["fullName"] == NAME]
    row["fullName"] = RESPELT
    login_as("campaigner")
    upload(client, export_file(tmp_path, header, rows).read_bytes(), exported_on="2026-11-01")
    case_import = CaseImport.objects.get()
    address = reverse("cases_import_review", args=[case_import.pk])
    page = client.get(address).content.decode()
    assert f"Row 7 held for review: may be the withheld case #{withheld_case.pk}" in page
    assert "Held for review (drafts, name withheld): 1" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(address)
    work_through_the_queue()
    case_import.refresh_from_db()
    assert case_import.state == CaseImport.State.DONE
    done = client.get(address).content.decode()
    assert done.count("Held for review (drafts, name withheld): 1") == 2, "review and summary"
    assert not CasePage.objects.get(person_name=RESPELT).live
