"""Every kind of page, on a phone and a desktop: no serious accessibility problem, a screenshot."""

import contextlib
import http.server
import re
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.support import fetch

PAGES = {
    "home": "/",
    "campaign": "/campaigns/no-impunity/",
    "article": "/articles/violence-and-insecurity-haiti/",
    "statement": "/statements/global-magnitsky-sanctions/",
    "article-index": "/articles/",
    "statement-index": "/statements/",
    "search": "/search/?q=impunity",
    "directory": "/members/",
    "how-we-count": "/how-we-count/",
    "case-index": "/cases/",
    "case": "/cases/demo-case-01/",
    "not-found": "/no-such-page/",
    # Arabic, right to left (the demo's translations).
    "home-ar": "/ar/",
    "campaign-ar": "/ar/campaigns/no-impunity/",
    "article-ar": "/ar/articles/violence-and-insecurity-haiti/",
    "statement-ar": "/ar/statements/palestinian-journalists-double-punishment-gaza/",
    "how-we-count-ar": "/ar/how-we-count/",
}
WIDTHS = {"phone": 390, "desktop": 1280}
BLOCKING_IMPACTS = {"serious", "critical"}

axe = Axe()


def describe(violations):
    return "\n".join(
        f"{v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])}x: {v['nodes'][0]['target']})"
        for v in violations
    )


@pytest.mark.parametrize("width_name", WIDTHS)
@pytest.mark.parametrize("page_name", PAGES)
def test_page_has_no_serious_accessibility_problem(
    page, site_url, screenshots_dir, page_name, width_name
):
    page.set_viewport_size({"width": WIDTHS[width_name], "height": 900})
    response = page.goto(site_url + PAGES[page_name])
    assert response.status == (404 if page_name == "not-found" else 200)
    page.screenshot(path=screenshots_dir / f"{page_name}-{width_name}.png", full_page=True)

    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, describe(blocking)
    assert page.locator("h1").count() == 1


@pytest.mark.parametrize("page_name", ["home", "article", "home-ar", "article-ar"])
def test_page_does_not_scroll_sideways_on_a_phone(page, site_url, page_name):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site_url + PAGES[page_name])
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_figures_are_readable_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    no_script = context.new_page()
    no_script.goto(site_url + PAGES["campaign"])
    figures = no_script.locator(".stats__item")
    assert figures.count() == 4
    assert "9 out of 10" in figures.nth(1).inner_text()
    counted = no_script.locator(".stats").nth(1)
    assert "Counted from the cases recorded on this site" in counted.inner_text()
    assert "This site's case records" in counted.inner_text()
    context.close()


def test_public_pages_break_no_content_security_policy_rule(page, site_url):
    reports = []
    page.on("console", lambda message: reports.append(message.text))
    for path in PAGES.values():
        page.goto(site_url + path)
    assert not [text for text in reports if "Content Security Policy" in text]


def test_the_accessibility_check_catches_a_known_problem(page, site_url):
    page.goto(site_url + PAGES["home"])
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    page.evaluate("document.querySelector('main img:last-child').src = '/static/none.png'")
    violations = axe.run(page).response["violations"]
    assert "image-alt" in {violation["id"] for violation in violations}


def test_arabic_pages_read_from_right_to_left(page, site_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + PAGES["campaign-ar"])
    assert page.locator("html").get_attribute("dir") == "rtl"
    brand = page.locator(".site-header__brand").bounding_box()
    search = page.locator(".site-search").bounding_box()
    assert brand["x"] > search["x"], "the site's name starts the header on the right"
    english = page.locator(".language-switcher a[hreflang=en]")
    assert english.get_attribute("href") == "/campaigns/no-impunity/"


@contextlib.contextmanager
def partner_site(body: str):
    """Another site (another origin: its own port) whose page frames the widget."""

    class Partner(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Partner)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def test_the_figure_widget_shows_in_another_sites_frame_with_javascript_off(
    browser, site_url, screenshots_dir
):
    record = fetch(site_url + "/how-we-count/")[2]
    widget = re.search(r'&lt;iframe src="([^"]+)"', record).group(1)
    frame = (
        f'<!DOCTYPE html><title>Partner</title><iframe src="{widget}" title="Figure" '
        'width="360" height="240"></iframe>'
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    with partner_site(frame) as partner:
        page.goto(partner)
        figure = page.frame_locator("iframe").locator("main")
        expect(figure.locator(".figure__value")).to_have_text(re.compile(r"\d"))
        expect(figure.locator(".figure__source")).to_contain_text("as of")
        expect(figure.get_by_role("link", name=re.compile("counts"))).to_be_visible()
        page.screenshot(path=screenshots_dir / "widget-in-a-partner-page.png")
    context.close()


def test_a_stats_block_shows_in_another_sites_frame_from_its_embed_code(
    browser, site_url, screenshots_dir
):
    """A partner copies the embed code under the campaign page's figures and pastes it."""
    campaign = fetch(site_url + PAGES["campaign"])[2]
    widget = re.search(r'&lt;iframe src="([^"]+/embed/stats/[^"]+)"', campaign).group(1)
    frame = (
        f'<!DOCTYPE html><title>Partner</title><iframe src="{widget}" title="Figures" '
        'width="800" height="480"></iframe>'
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    with partner_site(frame) as partner:
        page.goto(partner)
        figures = page.frame_locator("iframe").locator("main")
        expect(figures.locator(".figure__value")).to_have_count(3)
        expect(figures.locator(".figure__value").nth(1)).to_have_text("9 out of 10")
        expect(figures.locator(".figure__source").first).to_contain_text("as of")
        page.screenshot(path=screenshots_dir / "stats-widget-in-a-partner-page.png")
    context.close()
