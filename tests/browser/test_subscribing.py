"""A reader subscribes in Arabic, right to left, under the production CSP, and confirms from the
mail `make run` received."""

import email
import email.policy
import re
import time
import uuid
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def mails_to(mail_dir, address):
    """The messages `make run` wrote for `address` (Django's file backend: one file per
    connection, messages separated by a line of dashes)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                if address in str(message["To"]):
                    found.append(message)
    return found


def wait_for_mail(mail_dir, address, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := mails_to(mail_dir, address):
            return found
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address} in {mail_dir}")


def test_a_reader_subscribes_in_arabic_and_confirms_from_the_mail(
    page, site_url, demo_site, screenshots_dir
):
    address = f"arabic-reader-{uuid.uuid4().hex[:8]}@example.org"
    reports = []
    page.on("console", lambda message: reports.append(message.text))

    page.goto(site_url + "/ar/")
    page.get_by_role("link", name="اشترك في النشرة الأسبوعية والتنبيهات").click()
    page.wait_for_url(re.compile(r"/ar/subscribe/$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=screenshots_dir / "subscribe-ar-desktop.png", full_page=True)
    blocking = [
        violation
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not blocking, [violation["id"] for violation in blocking]

    page.get_by_label("عنوان بريدك الإلكتروني").fill(address)
    expect(page.get_by_label("لغة الرسائل")).to_have_value("ar")
    page.get_by_label("النشرة الأسبوعية").check()
    page.get_by_role("button", name="اشترك", exact=True).click()
    expect(page.get_by_role("heading", name="تفقّد بريدك")).to_be_visible()

    [confirmation] = wait_for_mail(demo_site.var_dir / "mail", address)
    assert confirmation["Subject"] == "أكّد اشتراكك"
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/ar/subscribe/confirm/\S+/", text).group(0)
    assert urlsplit(link).netloc == urlsplit(site_url).netloc

    page.goto(link)
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.get_by_role("button", name="تأكيد اشتراكي").click()
    expect(page.get_by_role("heading", name="أنت مشترك")).to_be_visible()
    page.get_by_role("link", name="غيّر اختياراتك أو ألغِ اشتراكك").click()
    expect(page.get_by_label("النشرة الأسبوعية")).to_be_checked()

    assert not [text for text in reports if "Content Security Policy" in text]
