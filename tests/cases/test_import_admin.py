"""Importing in the admin: campaign staff upload an export and choose its source, read the same
review the command prints, confirm; the background worker writes it, the page shows its progress
and then the summary. Nothing is written before the confirmation; a review the site no longer
matches is not written."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cases.models import CaseImport, CasePage
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
