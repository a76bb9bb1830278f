"""Importing in the admin: campaign staff upload an export and choose its source, read the same
review the command prints, confirm; the background worker writes it, the page shows its progress
and then the summary. Nothing is written before the confirmation; a review the site no longer
matches is not written."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DataError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cases import importing
from cases.models import CaseImport, CasePage
from cases.tasks import write_case_import
from tests.cases.test_import import SAMPLE, import_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings, monkeypatch):
    """The "background" tasks go to the database queue, as on a real server, and the worker
    runs here (without closing the test's connection between tasks)."""
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def work_through_the_queue():
    call_command(
        "db_worker", "--batch", "--backend", "background", "--no-startup-delay", stdout=StringIO()
    )


def upload(client, data: bytes, name="cpj.csv", exported_on="2026-06-01"):
    return client.post(
        reverse("cases_import"),
        {
            "source": "cpj",
            "exported_on": exported_on,
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        },
    )


def test_staff_review_confirm_and_the_worker_writes_with_a_summary(
    client, login_as, case_index, queue, django_capture_on_commit_callbacks
):
    login_as("campaigner")
    response = upload(client, SAMPLE.read_bytes())
    case_import = CaseImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases_import_review", args=[case_import.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Added: 78" in page and "Rejected: 2" in page
    assert "Row 80 rejected: a summary row, not a person" in page
    assert "Confirm: import these cases" in page
    assert not CasePage.objects.exists(), "nothing written before the confirmation"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases_import_review", args=[case_import.pk]))
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    waiting = client.get(reverse("cases_import_review", args=[case_import.pk])).content.decode()
    assert "Confirmed, waiting for the worker" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "Confirm: import these cases" not in waiting

    work_through_the_queue()

    case_import.refresh_from_db()
    assert case_import.state == CaseImport.State.DONE
    assert (case_import.done, case_import.total) == (78, 78)
    done = client.get(reverse("cases_import_review", args=[case_import.pk])).content.decode()
    assert "Summary" in done and "Added: 78" in done
    assert 'http-equiv="refresh"' not in done
    assert CasePage.objects.filter(live=True).count() == 78


def test_a_review_the_site_no_longer_matches_is_not_written(
    client, login_as, case_index, queue, django_capture_on_commit_callbacks
):
    login_as("campaigner")
    upload(client, SAMPLE.read_bytes())
    case_import = CaseImport.objects.get()
    import_cases(SAMPLE)  # someone imported the same file meanwhile, from the command line
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases_import_review", args=[case_import.pk]))
    work_through_the_queue()
    case_import.refresh_from_db()
    assert case_import.state == CaseImport.State.FAILED
    assert "changed between the review and the confirmation" in case_import.error
    page = client.get(reverse("cases_import_review", args=[case_import.pk])).content.decode()
    assert "nothing was written" in page
    assert CasePage.objects.count() == 78


def test_a_file_that_is_not_an_export_is_answered_in_words(client, login_as, case_index):
    login_as("campaigner")
    response = upload(client, b"name,when\nSomeone,2001\n", name="other.csv")
    assert response.status_code == 200
    assert "This is not a CPJ export" in response.content.decode()
    assert not CaseImport.objects.exists()


def test_only_staff_who_keep_the_cases_may_import(client, login_as, case_index):
    login_as("editor")
    # Wagtail answers a refused admin view with its home page and a message.
    for response in (client.get(reverse("cases_import")), upload(client, SAMPLE.read_bytes())):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not CaseImport.objects.exists()


def test_a_second_confirmation_does_nothing_and_the_first_write_stands(
    client, login_as, case_index, queue, django_capture_on_commit_callbacks
):
    login_as("campaigner")
    upload(client, SAMPLE.read_bytes())
    case_import = CaseImport.objects.get()
    review_url = reverse("cases_import_review", args=[case_import.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(review_url)
        second = client.post(review_url)
    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == review_url
    assert DBTaskResult.objects.count() == 1, "one write queued, not two"

    work_through_the_queue()

    case_import.refresh_from_db()
    assert case_import.state == CaseImport.State.DONE
    assert case_import.error == ""
    page = client.get(review_url).content.decode()
    assert "Done" in page and "Added: 78" in page and "nothing was written" not in page
    assert CasePage.objects.filter(live=True).count() == 78


def test_a_file_with_no_data_row_is_refused(client, login_as, case_index):
    login_as("campaigner")
    header_only = SAMPLE.read_bytes().split(b"\n", 1)[0] + b"\n"
    response = upload(client, header_only)
    assert response.status_code == 200
    assert "The file has no data row" in response.content.decode()
    assert not CaseImport.objects.exists()


def test_cancel_discards_the_review_so_it_can_no_longer_be_confirmed(
    client, login_as, case_index, queue, django_capture_on_commit_callbacks
):
    login_as("campaigner")
    upload(client, SAMPLE.read_bytes())
    case_import = CaseImport.objects.get()
    review_url = reverse("cases_import_review", args=[case_import.pk])
    cancel_url = reverse("cases_import_cancel", args=[case_import.pk])
    assert f'action="{cancel_url}"' in client.get(review_url).content.decode()

    assert client.get(cancel_url).status_code == 405, "only a POST discards"
    response = client.post(cancel_url)
    assert (response.status_code, response["Location"]) == (302, reverse("cases_import"))
    assert not CaseImport.objects.filter(pk=case_import.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(review_url).status_code == 404
    assert not DBTaskResult.objects.exists()
    assert not CasePage.objects.exists()


def test_a_confirmed_import_cannot_be_cancelled(
    client, login_as, case_index, queue, django_capture_on_commit_callbacks
):
    login_as("campaigner")
    upload(client, SAMPLE.read_bytes())
    case_import = CaseImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases_import_review", args=[case_import.pk]))
    response = client.post(reverse("cases_import_cancel", args=[case_import.pk]))
    assert response["Location"] == reverse("cases_import_review", args=[case_import.pk])
    case_import.refresh_from_db()
    assert case_import.state == CaseImport.State.QUEUED


def test_cancel_is_refused_to_staff_who_do_not_import(client, login_as, case_index):
    login_as("campaigner")
    upload(client, SAMPLE.read_bytes())
    case_import = CaseImport.objects.get()
    client.logout()
    login_as("editor")
    client.post(reverse("cases_import_cancel", args=[case_import.pk]))
    assert CaseImport.objects.filter(pk=case_import.pk).exists()


def test_a_write_that_stops_says_truthfully_what_it_wrote(
    client, login_as, case_index, queue, django_capture_on_commit_callbacks, monkeypatch
):
    """The write adds new cases in batches, each committed: a failure in the second batch leaves
    the first written, and the page says so, not that nothing or everything was."""
    login_as("campaigner")
    upload(client, SAMPLE.read_bytes())
    case_import = CaseImport.objects.get()
    monkeypatch.setattr("cases.importing.BATCH", 50)
    add_cases = importing.add_cases
    batches = []

    def second_batch_fails(review, index, rows, countries):
        batches.append(len(rows))
        if len(batches) == 2:
            raise DataError("the disk is full")
        return add_cases(review, index, rows, countries)

    monkeypatch.setattr("cases.importing.add_cases", second_batch_fails)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases_import_review", args=[case_import.pk]))
    work_through_the_queue()

    case_import.refresh_from_db()
    assert case_import.state == CaseImport.State.FAILED
    assert CasePage.objects.count() == 50
    page = client.get(reverse("cases_import_review", args=[case_import.pk])).content.decode()
    assert "The import stopped after writing 50 of 78 cases: the disk is full." in page
    assert "nothing was written" not in page


def test_a_write_that_stops_before_any_case_says_nothing_was_written(
    client, login_as, case_index, queue, django_capture_on_commit_callbacks, monkeypatch
):
    login_as("campaigner")
    upload(client, SAMPLE.read_bytes())
    case_import = CaseImport.objects.get()

    def fails(review, index, rows, countries):
        raise DataError("the disk is full")

    monkeypatch.setattr("cases.importing.add_cases", fails)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases_import_review", args=[case_import.pk]))
    work_through_the_queue()

    assert not CasePage.objects.exists()
    page = client.get(reverse("cases_import_review", args=[case_import.pk])).content.decode()
    assert "The import stopped before writing any case: the disk is full." in page
    assert "writes the rest" not in page


def test_the_review_rejects_a_row_the_write_could_not_store_and_the_rest_is_written(
    client, login_as, case_index, queue, django_capture_on_commit_callbacks
):
    login_as("campaigner")
    lines = SAMPLE.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"Ahmad [full name unavailable]", b"Ahmad\x00 Nul")
    lines[2] = lines[2].replace(lines[2].split(b",")[2], b"N" * 5_000, 1)
    upload(client, b"\n".join(lines))
    case_import = CaseImport.objects.get()
    review_url = reverse("cases_import_review", args=[case_import.pk])
    page = client.get(review_url).content.decode()
    assert (
        "Row 2 rejected: “fullName” holds a NUL character (byte 0), which the database cannot "
        "store" in page
    )
    assert "Row 3 rejected: name is 5000 characters long: the site keeps at most 255" in page
    assert "Added: 76" in page and "Rejected: 4" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(review_url)
    work_through_the_queue()
    case_import.refresh_from_db()
    assert (case_import.state, case_import.error) == (CaseImport.State.DONE, "")
    assert CasePage.objects.count() == 76


def test_a_new_csv_whose_header_holds_a_nul_is_answered_in_words(client, login_as, case_index):
    login_as("campaigner")
    response = client.post(
        reverse("cases_import"),
        {
            "source": "new-mapping",
            "exported_on": "2026-06-01",
            "file": SimpleUploadedFile("x.csv", b"na\x00me,year\nSomeone,2001\n"),
        },
    )
    assert response.status_code == 200
    assert "The file&#x27;s header holds a NUL character" in response.content.decode()
    assert not CaseImport.objects.exists()


def test_the_write_queued_twice_runs_once(
    client, login_as, case_index, queue, django_capture_on_commit_callbacks
):
    login_as("campaigner")
    upload(client, SAMPLE.read_bytes())
    case_import = CaseImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases_import_review", args=[case_import.pk]))
    write_case_import.enqueue(case_import.pk)  # a task a worker's retry queued again
    work_through_the_queue()
    case_import.refresh_from_db()
    assert (case_import.state, case_import.error) == (CaseImport.State.DONE, "")
    assert CasePage.objects.count() == 78
