"""Campaign staff import a monitor's export in the real browser (production settings and CSP,
the site's own background worker): upload, review, confirm, watch the progress, read the
summary. The file holds one invented person, so the demo stays invented."""

import csv
import io
import re

from playwright.sync_api import expect

from tests.browser.test_staff import staff  # noqa: F401 (the signed-in staff fixture)
from tests.cases.test_import import SAMPLE

INVENTED = "Demo Person Imported In The Browser"


def invented_export() -> bytes:
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        header = csv.DictReader(file).fieldnames
    row = dict.fromkeys(header, "")
    row.update(
        year="2021",
        fullName=INVENTED,
        type="Journalist",
        typeOfDeath="Murder",
        motiveConfirmed="Confirmed",
        impunityMurder="Complete Impunity",
        employedAs="Staff",
        organizations="Demo Radio,Demo Gazette",
        country="Mexico",
        location="Demo Town",
    )
    summary = dict.fromkeys(header, "")
    summary["gender"] = "1"
    out = io.StringIO()
    writer = csv.DictWriter(out, header)
    writer.writeheader()
    writer.writerows([row, summary])
    return out.getvalue().encode()


def test_staff_upload_review_confirm_and_read_the_summary(staff, demo_site):  # noqa: F811
    campaigner = staff("campaigner")
    page = campaigner.page
    page.goto(demo_site.base + "/admin/")
    page.get_by_role("link", name="Import cases").click()
    page.wait_for_url(re.compile(r"/admin/cases/import/$"))
    page.select_option("#id_source", "cpj")
    page.fill("#id_exported_on", "2026-06-01")
    page.set_input_files(
        "#id_file", files=[{"name": "cpj.csv", "mimeType": "text/csv", "buffer": invented_export()}]
    )
    campaigner.shot("import-upload")
    page.get_by_role("button", name="Review the import").click()

    review = page.locator(".import-review")
    expect(review).to_contain_text("Added: 1")
    expect(review).to_contain_text("Row 3 rejected: a summary row, not a person")
    campaigner.shot("import-review")
    page.get_by_role("button", name="Confirm: import these cases").click()

    state = page.locator("[data-import-state]")
    expect(state).to_have_attribute("data-import-state", re.compile(r"queued|writing|done"))
    if state.get_attribute("data-import-state") != "done":
        expect(page.locator("progress")).to_be_visible()
        campaigner.shot("import-progress")
    # The page refreshes itself while the worker writes; then the summary.
    expect(state).to_have_attribute("data-import-state", "done", timeout=120_000)
    expect(page.locator(".import-summary")).to_contain_text("Added: 1")
    campaigner.shot("import-summary")

    page.goto(demo_site.base + "/cases/")
    expect(page.get_by_role("link", name=INVENTED)).to_be_visible()


def test_staff_cancel_a_review_and_it_can_no_longer_be_confirmed(staff, demo_site):  # noqa: F811
    campaigner = staff("campaigner")
    page = campaigner.page
    page.goto(demo_site.base + "/admin/cases/import/")
    page.select_option("#id_source", "cpj")
    page.fill("#id_exported_on", "2026-06-01")
    page.set_input_files(
        "#id_file", files=[{"name": "cpj.csv", "mimeType": "text/csv", "buffer": invented_export()}]
    )
    page.get_by_role("button", name="Review the import").click()
    # The first test may have imported the person already: this review adds or keeps them.
    expect(page.locator(".import-review")).to_contain_text("Rows read: 2")
    review_url = page.url

    page.get_by_role("button", name="Cancel: discard this review").click()
    page.wait_for_url(re.compile(r"/admin/cases/import/$"))
    expect(page.get_by_text("The import of “cpj.csv” was cancelled.")).to_be_visible()
    assert page.request.get(review_url).status == 404, "the review is gone: nothing to confirm"
