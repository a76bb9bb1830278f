"""A member of staff working in an Arabic admin meets none of the project's own words in
English on the forms they fill in: the figure, campaign page, article and case edit forms, and
the site settings. The words looked for are every word the project marks for translation
(tests/ifex/test_catalogues.py finds them), as Django and Wagtail show them: field labels, help
texts, panel headings, choices, and the block definitions the StreamField editor draws."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.text import capfirst
from wagtail.models import Site
from wagtail.users.models import UserProfile

from articles.factories import ArticlePageFactory
from campaigns.factories import CampaignPageFactory, ImpunityFigureFactory
from cases.factories import CasePageFactory
from tests.ifex.test_catalogues import ADMIN_WORDS_BY_FILE, catalogue

pytestmark = pytest.mark.django_db


def project_words_in_english() -> dict[str, str]:
    """{an English word of the project, as a form may show it: its Arabic}, for each word
    whose Arabic differs (a name such as "ISO 3166-1" reads the same in both)."""
    arabic = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in catalogue("ar")}
    words = {}
    for found in ADMIN_WORDS_BY_FILE.values():
        for key in found:
            translated = arabic.get(key)
            word = key[1]
            if "%(" in word or translated == word:
                continue
            for shown in (word, capfirst(word)):
                words[shown] = translated
    return words


PROJECT_WORDS = project_words_in_english()


# Attributes whose value a person reads (the others name fields, roles and styles).
READ_ATTRIBUTES = {"title", "aria-label", "aria-description", "placeholder", "alt", "label"}
# Keys of the JSON data whose strings are shown (the others name blocks, fields and icons).
READ_KEYS = {"label", "helpText", "help_text", "description", "heading", "title", "text",
             "placeholder", "message", "html"}  # fmt: skip
# What a page holds as content, not as the admin's words: the values typed in the fields.
CONTENT_TAGS = {"textarea", "nav"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
             "track", "wbr"}  # fmt: skip


class ShownWords(HTMLParser):
    """The text a page shows or hands to its scripts to show: text, the attributes people
    read, and the strings inside JSON data (Wagtail's StreamField definitions and the like),
    each with the tags around it. Values typed in the fields are content, left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open_tags = []
        self.words = {}

    def add(self, text, where):
        text = " ".join(text.split())
        if text[:1] in "[{":
            try:
                self.add_json(json.loads(text), None, where)
                return
            except ValueError:
                pass
        if text:
            self.words.setdefault(text, where)

    def add_json(self, value, key, where):
        if isinstance(value, dict):
            for inner_key, item in value.items():
                self.add_json(item, inner_key, f"{where} {inner_key}")
        elif isinstance(value, list):
            for item in value:
                self.add_json(item, key, where)
        elif isinstance(value, str) and value.lstrip()[:1] == "<":
            inner = ShownWords()  # a block's form, drawn by the StreamField editor
            inner.feed(value)
            for word, inner_where in inner.words.items():
                self.words.setdefault(word, f"{where} {inner_where}")
        elif isinstance(value, str) and key in READ_KEYS:
            self.add(value, where)

    def handle_starttag(self, tag, attrs):
        where = " > ".join([*self.open_tags, tag])
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or value.lstrip()[:1] in "[{"):
                self.add(value, f"{where}[{name}]")
        if tag not in VOID_TAGS:
            self.open_tags.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open_tags:
            del self.open_tags[len(self.open_tags) - 1 - self.open_tags[::-1].index(tag) :]

    def handle_data(self, data):
        if not CONTENT_TAGS & set(self.open_tags):
            self.add(data, " > ".join(self.open_tags))


def shown_words(html) -> dict[str, str]:
    parser = ShownWords()
    parser.feed(html)
    return parser.words


@pytest.fixture
def arabic_admin(admin_client, django_user_model):
    profile = UserProfile.get_for_user(django_user_model.objects.get(username="root"))
    profile.preferred_language = "ar"
    profile.save()
    return admin_client


@pytest.fixture
def edit_forms(campaign_index, article_index, case_index, mexico):
    figure = ImpunityFigureFactory(name="Killed since 2006")
    campaign = CampaignPageFactory(parent=campaign_index, title="Justice for journalists")
    article = ArticlePageFactory(parent=article_index, title="A new inquiry")
    case = CasePageFactory(parent=case_index, country=mexico)
    return {
        "figure": reverse("wagtailsnippets_campaigns_impunityfigure:edit", args=[figure.pk]),
        "campaign page": reverse("wagtailadmin_pages:edit", args=[campaign.pk]),
        "article": reverse("wagtailadmin_pages:edit", args=[article.pk]),
        "case": reverse("wagtailadmin_pages:edit", args=[case.pk]),
        "site settings": reverse(
            "wagtailsettings:edit", args=["core", "sitesettings", Site.objects.get().pk]
        ),
    }


# A word of each form that must be there, in Arabic: the check reads the words the form shows.
EXPECTED_ON = {
    "figure": "sentence",
    "campaign page": "Impunity figures",  # a block of the campaign page's body
    "article": "Pull quote",  # a block of every page's body
    "case": "withhold the name from the public",
    "site settings": "The network",  # a panel heading
}


@pytest.mark.parametrize("form", EXPECTED_ON)
def test_the_forms_staff_fill_in_read_in_arabic(arabic_admin, edit_forms, form):
    response = arabic_admin.get(edit_forms[form])
    assert response.status_code == 200
    html = response.content.decode()
    assert 'dir="rtl"' in html
    words = shown_words(html)
    arabic_shown = {word for word in words if word in PROJECT_WORDS.values()}
    assert PROJECT_WORDS[EXPECTED_ON[form]] in arabic_shown
    assert len(arabic_shown) >= 5, arabic_shown
    english = {word: where[-120:] for word, where in words.items() if word in PROJECT_WORDS}
    assert not english, f"the {form} form shows the project's words in English: {english}"
