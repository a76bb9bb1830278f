"""The case charts as readers see them, in Chromium: no label clipped, on a desktop or a phone,
left to right or right to left."""

import pytest

CASES = "/cases/"
LONGEST_NAME = "Democratic Republic of the Congo"


def label_boxes(page) -> list[dict]:
    """Each bar's label: its box, its text's own width, and where its bar is."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.chart__row')].map(row => {
            const label = row.querySelector('.chart__label');
            const box = label.getBoundingClientRect();
            const bar = row.querySelector('.chart__svg').getBoundingClientRect();
            const figure = row.closest('figure').getBoundingClientRect();
            return {text: label.textContent, left: box.left, right: box.right,
                    scroll: label.scrollWidth, client: label.clientWidth,
                    barLeft: bar.left, barRight: bar.right,
                    figureLeft: figure.left, figureRight: figure.right};
        })"""
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_no_chart_label_is_clipped(page, site_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + CASES)
    labels = label_boxes(page)
    assert LONGEST_NAME in [label["text"] for label in labels]
    for label in labels:
        assert label["scroll"] <= label["client"], f"{label['text']} is cut"
        assert label["figureLeft"] <= label["left"] and label["right"] <= label["figureRight"]
        assert label["right"] <= label["barLeft"], f"{label['text']} runs into its bar"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_charts_read_from_the_right_in_arabic(page, site_url):
    page.set_viewport_size({"width": 1280, "height": 900})
    response = page.goto(site_url + "/ar" + CASES)
    assert response.status == 200
    assert page.locator("html").get_attribute("dir") == "rtl"
    labels = label_boxes(page)
    assert labels
    for label in labels:
        assert label["scroll"] <= label["client"], f"{label['text']} is cut"
        assert label["left"] >= label["barRight"], "the label on the right, the bar to its left"
    # The bar grows from the label's side: its drawn rectangle ends at the right.
    rect = page.locator(".chart__bar").first.bounding_box()
    track = page.locator(".chart__svg").first.bounding_box()
    assert abs((rect["x"] + rect["width"]) - (track["x"] + track["width"])) < 1
