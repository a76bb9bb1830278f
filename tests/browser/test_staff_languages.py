"""Staff who work in their own language, in the real browser on the demo site (production
settings and CSP): an editor chooses French in their account, and the admin, the project's own
form words and the country picker are then in French, each country offered once."""

import re

from playwright.sync_api import expect

from tests.browser.test_staff import StaffMember, staff  # noqa: F401
from tests.support import demo_shell

FRENCH_EDITOR = "french-editor"
ARABIC_EDITOR = "arabic-editor"
PASSWORD = "language-editor-passphrase-4"


def make_editor(demo_site, username, language="en"):
    """An editor of their own on the demo site's database, working in `language`: the
    journeys change their account's language, which no other journey's demo user should
    inherit."""
    script = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.users.models import UserProfile
User = get_user_model()
User.objects.filter(username={username!r}).delete()
editor = User.objects.create_user(
    {username!r}, "{username}@example.org", {PASSWORD!r}, first_name="Nour", last_name="Haddad"
)
editor.groups.add(Group.objects.get(name="Editors"))
profile = UserProfile.get_for_user(editor)
profile.preferred_language = {language!r}
profile.save()
"""
    demo_shell(demo_site, script)


def test_an_editor_works_in_a_french_admin_and_finds_nepal_once(
    browser, demo_site, screenshots_dir
):
    make_editor(demo_site, FRENCH_EDITOR)
    admin_screenshots = screenshots_dir / "admin"
    admin_screenshots.mkdir(exist_ok=True)
    editor = StaffMember(browser, demo_site.base, FRENCH_EDITOR, PASSWORD, admin_screenshots)
    page = editor.page
    try:
        page.goto(demo_site.base + "/admin/account/")
        language = page.locator("#id_locale-preferred_language")
        if not language.is_visible():  # on the account's Preferences tab
            page.get_by_role("tab", name="Preferences").click()
        language.select_option("fr")
        with page.expect_navigation():
            page.locator("#w-editor-form button.button-longrunning").click()
        errors = page.locator(".error-message").all_inner_texts()
        assert not errors, errors
        page.goto(demo_site.base + "/admin/")
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        editor.shot("french-dashboard")

        editor.add_page_under("/articles/")
        expect(page.locator("label[for=id_teaser]")).to_contain_text("Chapeau")
        expect(page.locator("label[for=id_countries]")).to_contain_text("Pays")
        editor.assert_form_is_accessible()

        picker = page.locator("#id_countries")
        picker.click()
        picker.press_sequentially("Népal")
        suggestions = page.locator(f"#{picker.get_attribute('aria-controls')}")
        # Once, and in the working language (tests/articles/test_pickers.py).
        expect(suggestions.get_by_role("option", name="Népal", exact=True)).to_have_count(1)
        expect(suggestions.get_by_role("option", name=re.compile("N[ée]pal"))).to_have_count(1)
        suggestions.get_by_role("option", name="Népal", exact=True).click()
        chosen = page.locator("[data-autocomplete-input-name='countries']")
        expect(chosen.locator(".c-wagtailautocomplete__selection__label")).to_have_text(["Népal"])
        editor.shot("french-article-form")
        assert not editor.problems, "\n".join(editor.problems)
    finally:
        editor.context.close()


def test_the_arabic_admin_reads_right_to_left_and_passes_axe_on_a_phone_and_a_desk(
    browser, demo_site, screenshots_dir
):
    make_editor(demo_site, ARABIC_EDITOR, "ar")
    admin_screenshots = screenshots_dir / "admin"
    admin_screenshots.mkdir(exist_ok=True)
    editor = StaffMember(browser, demo_site.base, ARABIC_EDITOR, PASSWORD, admin_screenshots)
    page = editor.page
    try:
        for width, height in ((1400, 1000), (375, 800)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(demo_site.base + "/admin/")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
            editor.assert_form_is_accessible()
            editor.add_page_under("/articles/")
            expect(page.locator("label[for=id_teaser]")).to_contain_text("المقتطف")
            editor.assert_form_is_accessible()
            editor.shot(f"arabic-article-form-{width}")
        assert not editor.problems, "\n".join(editor.problems)
    finally:
        editor.context.close()


FRENCH_TRANSLATIONS_OF_A_CASE = """
from cases.models import CasePage
case = CasePage.objects.filter(locale__language_code="en", alias_of__isnull=True).first()
made = CasePage.objects.filter(
    translation_key=case.translation_key, locale__language_code="fr", alias_of__isnull=True
).count()
print(case.pk, made)
"""


def test_an_editor_is_refused_the_translation_of_a_case(staff, demo_site):  # noqa: F811
    case_id, made_before = demo_shell(demo_site, FRENCH_TRANSLATIONS_OF_A_CASE).split()
    editor = staff("editor")
    page = editor.page
    page.goto(f"{demo_site.base}/admin/localize/submit/page/{case_id}/")
    expect(page.locator(".messages")).to_contain_text(
        "Sorry, you do not have permission to access this area."
    )
    assert "/localize/" not in page.url
    editor.shot("refused-case-translation")
    assert demo_shell(demo_site, FRENCH_TRANSLATIONS_OF_A_CASE).split() == [case_id, made_before]


# A figure published again in English with its three translations, as a campaign officer
# publishes it: its entry of the record, in every language at the same moment.
AN_ENTRY_IN_EVERY_LANGUAGE = """
from campaigns.models import FigurePublication, ImpunityFigure
for figure in ImpunityFigure.objects.filter(live=True, locale__language_code="en"):
    translations = ImpunityFigure.objects.filter(translation_key=figure.translation_key, live=True)
    if translations.count() == 4:
        figure.save_revision().publish()
        break
entry = FigurePublication.objects.filter(language="en", figure=figure).order_by("pk").last()
assert entry.in_other_languages().count() == 3
print(entry.pk)
"""


def test_a_correction_is_seen_at_once_in_the_record_of_every_language(staff, demo_site):  # noqa: F811
    from django.urls import reverse
    from django.utils import translation

    entry = demo_shell(demo_site, AN_ENTRY_IN_EVERY_LANGUAGE)
    records = {}
    for language in ("en", "fr", "es", "ar"):
        with translation.override(language):
            records[language] = demo_site.base + reverse("figure_history")
    reader = staff("editor").context.new_page()  # any browser: the record is public
    for address in records.values():
        reader.goto(address)  # each record read once, and kept as readers get it

    campaigner = staff("campaigner")
    page = campaigner.page
    page.goto(f"{demo_site.base}/admin/snippets/campaigns/figurepublication/edit/{entry}/")
    note = "Corrected: the source revised its count."
    page.fill("#id_correction_note", note)
    with page.expect_navigation():
        campaigner.take_action("Save")
    campaigner.shot("record-corrected")

    for address in records.values():
        reader.goto(address)
        expect(reader.locator(".history-table__correction bdi", has_text=note)).to_have_count(1)
