"""Campaign staff import another monitor's CSV in the real browser (production settings and
CSP, the site's own background worker): upload it, see its header, map its columns to the case
fields, save the mapping, read the review, confirm, read the summary. Invented people only."""

import re

from playwright.sync_api import expect

from tests.browser.test_staff import staff  # noqa: F401 (the signed-in staff fixture)
from tests.cases.test_import_mapping import HEADER, MAPPED, monitor_file


def test_staff_map_a_csvs_columns_save_the_mapping_review_confirm_and_read_the_summary(
    staff,  # noqa: F811
    demo_site,
):
    campaigner = staff("campaigner")
    page = campaigner.page
    page.goto(demo_site.base + "/admin/cases/import/")
    page.select_option("#id_source", "new-mapping")
    page.fill("#id_exported_on", "2026-06-01")
    page.set_input_files(
        "#id_file",
        files=[{"name": "monitor.csv", "mimeType": "text/csv", "buffer": monitor_file()}],
    )
    page.get_by_role("button", name="Review the import").click()

    page.wait_for_url(re.compile(r"/admin/cases/import/\d+/columns/$"))
    expect(page.locator(".import-header li")).to_have_text(HEADER)
    page.fill("#id_name", "Demo monitor (browser)")
    page.fill("#id_source_name", "Demo Monitor of Killed Journalists")
    page.fill("#id_source_url", "https://monitor.example/database/")
    for field_name, column in MAPPED.items():
        page.select_option(f"#id_{field_name}", column)
    campaigner.shot("import-map-columns")
    page.get_by_role("button", name="Save the mapping and review the import").click()

    review = page.locator(".import-review")
    expect(review).to_contain_text("Added: 3")
    expect(review).to_contain_text("Rejected: 2")
    expect(review).to_contain_text("Row 5 rejected: “Poet” in column “Profession”")
    campaigner.shot("import-mapped-review")
    page.get_by_role("button", name="Confirm: import these cases").click()

    state = page.locator("[data-import-state]")
    expect(state).to_have_attribute("data-import-state", "done", timeout=120_000)
    expect(page.locator(".import-summary")).to_contain_text("Added: 3")
    campaigner.shot("import-mapped-summary")

    page.goto(demo_site.base + "/admin/cases/import/")
    expect(page.locator("#id_source option", has_text="Demo monitor (browser)")).to_have_count(1)
    page.goto(demo_site.base + "/cases/")
    expect(page.get_by_role("link", name="Ana Demo Ruiz")).to_be_visible()
