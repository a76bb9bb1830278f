"""A representative signs the demo's Magnitsky statement for a directory organisation, in the
real browser under the production CSP; the confirmation goes to the organisation's registered
contact address (never to the typed one), is confirmed from that mail, a moderator approves it
in the admin, and the statement's page shows it with the count on the next request."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.test_staff import staff  # noqa: F401 (the signed-in staff fixture)
from tests.browser.test_subscribing import mails_to, wait_for_mail

STATEMENT = "/statements/global-magnitsky-sanctions/"
ORGANISATION = "Reporters Without Borders"  # a member the demo leaves unsigned
REGISTERED_CONTACT = "signatures@reporters-without-borders.example"


def signed_by(page) -> int:
    heading = page.locator("#signatories-heading").inner_text()
    return int(re.search(r"\d+", heading).group(0))


def test_a_representative_signs_confirms_from_the_mail_and_a_moderator_approves(
    page,
    staff,  # noqa: F811
    demo_site,
    screenshots_dir,
):
    mail_dir = demo_site.var_dir / "mail"
    typed = f"representative-{uuid.uuid4().hex[:8]}@example.org"
    reports = []
    page.on("console", lambda message: reports.append(message.text))

    page.goto(demo_site.base + STATEMENT)
    before = signed_by(page)
    expect(page.locator(".signatories__list")).not_to_contain_text(ORGANISATION)
    page.get_by_role("link", name="Sign this statement").click()
    page.wait_for_url(re.compile(r"/sign/$"))
    page.get_by_label("Organisation in the directory").fill("Reporters Without")
    page.get_by_label("Your name").fill("Demo Representative")
    page.get_by_label("Your email address").fill(typed)
    page.get_by_label("I am authorised to sign").check()
    page.screenshot(path=screenshots_dir / "signing-form.png", full_page=True)
    page.get_by_role("button", name="Sign the statement").click()
    expect(page.get_by_role("heading", name="One more step: confirm by mail")).to_be_visible()

    [confirmation] = wait_for_mail(mail_dir, REGISTERED_CONTACT)
    assert not mails_to(mail_dir, typed), "never to the address typed in the form"
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/signatures/confirm/\S+/", text).group(0)
    page.goto(link)
    page.get_by_role("button", name=f"Confirm that {ORGANISATION} signs").click()
    expect(page.get_by_role("heading", name="Signature confirmed")).to_be_visible()

    page.goto(demo_site.base + STATEMENT)
    assert signed_by(page) == before, "not shown before a moderator approves it"

    moderator = staff("moderator")
    queue = moderator.page
    queue.goto(demo_site.base + "/admin/snippets/articles/signature/?status=confirmed")
    queue.get_by_role("link", name=ORGANISATION).first.click()
    queue.wait_for_selector("#id_status")
    moderator.assert_form_is_accessible()
    queue.select_option("#id_status", "approved")
    moderator.shot("signature-approving")
    with queue.expect_navigation():
        moderator.take_action("Save")
    moderator.shot("signature-approved")

    page.goto(demo_site.base + STATEMENT)
    expect(page.locator(".signatories__list")).to_contain_text(ORGANISATION)
    assert signed_by(page) == before + 1
    page.screenshot(path=screenshots_dir / "signature-shown.png", full_page=True)
    assert not [report for report in reports if "Content Security Policy" in report]
