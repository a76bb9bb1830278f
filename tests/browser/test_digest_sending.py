"""An editor edits the week's digest, previews it as the mail it will be, publishes it and sends
it, in the real browser (production settings and CSP, the site's own background worker), and
follows the send to its end; the confirmed reader gets it with the one-click unsubscribe."""

import re
import uuid
from urllib.parse import urljoin

from playwright.sync_api import expect

from tests.browser.test_staff import staff  # noqa: F401 (the signed-in staff fixture)
from tests.browser.test_subscribing import wait_for_mail
from tests.support import demo_shell

DIGEST_PATH = "/digest/week-2025-10-20/"

CONFIRMED_READER = """
from django.utils import timezone
from ifex.core.subscriptions import Subscriber
Subscriber.objects.create(
    email={address!r}, language="en", wants_digest=True, confirmed_at=timezone.now()
)
"""


def confirmed_reader(demo_site) -> str:
    """A reader who confirmed the digest in English, on the demo site's database (the reader's
    own path through the form is tests/browser/test_subscribing.py)."""
    address = f"digest-reader-{uuid.uuid4().hex[:8]}@example.org"
    demo_shell(demo_site, CONFIRMED_READER.format(address=address))
    return address


def test_an_editor_edits_previews_and_sends_the_digest(staff, demo_site):  # noqa: F811
    address = confirmed_reader(demo_site)
    editor = staff("editor")
    page = editor.page
    intro = f"Edited for the mail of this week {uuid.uuid4().hex[:6]}."

    page.goto(demo_site.base + DIGEST_PATH)
    edit = page.locator("a[href*='/admin/pages/'][href$='/edit/']").first.get_attribute("href")
    edit = urljoin(page.url, edit)
    page.goto(edit)
    page.wait_for_selector("#id_intro")
    page.fill("#id_intro", intro)

    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("#w-preview-iframe").locator("body")
    # The panel's first load (the page as readers see it) ends before a mode is chosen: a mode
    # chosen while it loads was replaced by it under load.
    expect(preview).to_contain_text(intro)
    page.select_option("#id_preview_mode", "mail")
    expect(preview).to_contain_text("Change your choices or unsubscribe")
    expect(preview).to_contain_text(intro)
    editor.shot("digest-previewed-as-mail")
    page.select_option("#id_preview_mode", "text")
    expect(preview).to_contain_text(intro)
    editor.shot("digest-previewed-as-text")

    editor.take_action(re.compile(r"^Publish"))
    page.wait_for_load_state()
    expect(page.locator(".messages").first).to_contain_text(re.compile("published", re.I))

    page.goto(edit)
    page.wait_for_selector("#id_intro")
    send = page.get_by_role("link", name="Send as mail")
    if not send.is_visible():
        page.locator("footer [data-w-dropdown-target=toggle]").last.click()
    send.click()
    page.wait_for_url(re.compile(r"/admin/digest/\d+/send/$"))
    readers = re.compile(r"\d+ confirmed readers? wants? the digest in English")
    expect(page.locator("main")).to_contain_text(readers)
    editor.assert_form_is_accessible()
    editor.shot("digest-send-page")
    page.get_by_role("button", name="Send now").click()

    # The page refreshes itself while the worker sends; it ends at "Done".
    expect(page.locator("[data-digest-status='done']")).to_be_visible(timeout=90_000)
    all_sent = re.compile(r"Sent: (\d+) of \1\.")
    expect(page.locator("[data-digest-progress]")).to_contain_text(all_sent)
    editor.shot("digest-sent")

    [message] = wait_for_mail(demo_site.var_dir / "mail", address)
    assert "The week of 20 October 2025" in message["Subject"]
    assert message["List-Unsubscribe"].strip().startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert intro in text, "the edited digest, published, is what was sent"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert intro in html and "<img" not in html

    page.reload()
    expect(page.get_by_role("button", name="Send now")).to_have_count(0)  # sent once
