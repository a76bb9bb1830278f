"""The block picker: every block reads as words, says what it is for, and shows a preview."""

import pytest
from django.test import RequestFactory

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from campaigns.blocks import CampaignStreamBlock
from campaigns.factories import ImpunityFigureFactory

STREAM = CampaignStreamBlock()
# Their previews need an upload or a network fetch; Wagtail shows their description instead.
NEEDS_A_FILE_OR_NETWORK = {"image", "document", "embed"}


def every_block(block):
    yield block
    for child in getattr(block, "child_blocks", {}).values():
        yield from every_block(child)
    if hasattr(block, "child_block"):
        yield from every_block(block.child_block)


@pytest.mark.parametrize("name", STREAM.child_blocks)
def test_each_block_has_a_description_and_labels_that_read_as_words(name):
    block = STREAM.child_blocks[name]
    assert block.meta.description, f"{name} says what it is for"
    for part in every_block(block):
        label = str(part.label)
        assert label[:1].isupper() and "_" not in label, f"{name}: {label!r}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(STREAM.child_blocks) - NEEDS_A_FILE_OR_NETWORK))
def test_each_block_previews_with_sample_content(name, article_index, statement_index):
    ImpunityFigureFactory(value=1700, sentence="journalists have been killed since 2006.")
    ArticlePageFactory(parent=article_index, title="Trial opens in Manila")
    JointStatementPageFactory(parent=statement_index, title="End impunity now")
    block = STREAM.child_blocks[name]
    html = block.render(block.get_preview_value(), context={"request": RequestFactory().get("/")})
    assert len(html.strip()) > 40, f"{name} previews as something to look at"
    expected = {
        "stats": "1,700",
        "featured": "Trial opens in Manila",
        "latest": "Trial opens in Manila",
        "statements": "End impunity now",
        "call_to_action": "Add your voice",
        "heading": "What the investigation found",
        "pull_quote": "licence to kill again",
        "paragraph": "unpunished",
        "case_chart": "Cases by judicial status",
    }[name]
    assert expected in html
