"""What a reader does: by keyboard alone, and along the path from the home page to a country."""

import re

MAX_TABS = 60


def tab_to(page, selector):
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_first_tab_reaches_the_skip_link_and_it_moves_focus_to_main(page, site_url):
    page.goto(site_url + "/campaigns/no-impunity/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible(), "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_filters_can_be_set_and_submitted_by_keyboard_alone(page, site_url):
    page.goto(site_url + "/articles/")
    tab_to(page, "#id_country")
    page.keyboard.type("Haiti")
    tab_to(page, ".filters button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"country=ht"))
    assert "Country: Haiti" in page.locator(".active-filters__remove").inner_text()
    titles = page.locator(".card__title").all_inner_texts()
    assert titles == ["Violence and insecurity, the main obstacle for the press in Haiti"]


def test_focus_is_visible_on_links(page, site_url):
    page.goto(site_url + "/")
    tab_to(page, ".site-nav a")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_reader_goes_from_home_to_a_country_listing(page, site_url):
    page.goto(site_url + "/")
    page.get_by_role("link", name="No Impunity", exact=True).first.click()
    page.wait_for_url(re.compile(r"/campaigns/no-impunity/$"))

    latest = page.locator("section.content-block", has_text="Recent Articles on Impunity")
    latest.get_by_role("link", name=re.compile("Violence and insecurity")).click()
    page.wait_for_url(re.compile(r"/articles/violence-and-insecurity-haiti/$"))

    page.locator(".news-page__aside").get_by_role("link", name="Haiti").click()
    page.wait_for_url(re.compile(r"/articles/\?country=ht$"))
    titles = page.locator(".card__title").all_inner_texts()
    assert titles == ["Violence and insecurity, the main obstacle for the press in Haiti"]
