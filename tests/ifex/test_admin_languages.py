"""Staff work in the admin in their own language, chosen in their account: English, French,
Spanish or Arabic (right to left), with the project's own words in it too."""

import json
import re

import pytest
from wagtail.users.models import UserProfile

pytestmark = pytest.mark.django_db


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def menu_words(response) -> str:
    """The admin's menu, which Wagtail sends as JSON for its sidebar to draw."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    ).group(1)
    return json.dumps(json.loads(props), ensure_ascii=False)


@pytest.fixture
def staff_in(client, login_as):
    def sign_in(language):
        user = login_as("campaigner")
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        return user

    return sign_in


def test_staff_choose_among_the_sites_four_languages(admin_client):
    page = admin_client.get("/admin/account/").content.decode()
    offered = set(re.findall(r'<option value="(\w+)"', page)) & {"en", "fr", "es", "ar", "de"}
    assert offered == {"en", "fr", "es", "ar"}


def test_a_staff_member_works_in_a_french_admin(client, staff_in):
    staff_in("fr")
    response = client.get("/admin/")
    assert 'lang="fr"' in html_tag(response)
    menu = menu_words(response)
    assert "Chiffres de l’impunité" in menu and "Annuaire" in menu
    assert "Directory" not in menu


def test_an_arabic_admin_reads_right_to_left(client, staff_in):
    staff_in("ar")
    response = client.get("/admin/")
    assert 'dir="rtl"' in html_tag(response)
    assert "الدليل" in menu_words(response)


def test_the_figure_lists_say_each_rows_language(admin_client):
    from wagtail.models import Locale

    from campaigns.factories import ImpunityFigureFactory

    figure = ImpunityFigureFactory(name="Killed since 2006")
    french = figure.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.save()
    french.save_revision().publish()

    listing = admin_client.get("/admin/snippets/campaigns/impunityfigure/").content.decode()
    assert re.search(r"<th[^>]*>\s*(<a[^>]*>)?\s*Language", listing)
    assert "Français" in listing
    record = admin_client.get("/admin/snippets/campaigns/figurepublication/").content.decode()
    assert re.search(r"<th[^>]*>\s*(<a[^>]*>)?\s*Language", record)
    assert re.search(r"<td[^>]*>\s*fr\s*</td>", record)


def test_the_record_is_named_the_same_in_the_menu_and_its_heading(admin_client):
    page = admin_client.get("/admin/snippets/campaigns/figurepublication/").content.decode()
    assert re.search(r"<h1[^>]*>\s*Public record of figures", page)
    assert "Figure publications" not in page


@pytest.mark.parametrize(
    "language, words",
    [
        (
            "fr",
            ["Date de l’attaque", "Ne pas divulguer le nom au public", "Statut judiciaire, daté"],
        ),
        ("ar", ["تاريخ الاعتداء", "حجب الاسم عن الجمهور", "الوضع القضائي، مؤرَّخًا"]),
    ],
)
def test_the_case_form_reads_in_the_staff_member_s_language(
    client, staff_in, case_index, language, words
):
    staff_in(language)
    response = client.get(f"/admin/pages/add/cases/casepage/{case_index.pk}/")
    assert response.status_code == 200
    form = response.content.decode()
    for word in words:
        assert word in form, word
    assert "Date of the attack" not in form and "Withhold the name" not in form


def test_a_rich_text_field_is_named_by_its_label_for_screen_readers(client, staff_in, case_index):
    """Wagtail leaves the editable area of a rich text field unnamed (axe's
    aria-input-field-name, in the browser: tests/browser/test_staff_languages.py)."""
    staff_in("ar")
    response = client.get(f"/admin/pages/add/cases/casepage/{case_index.pk}/")
    form = response.content.decode()
    options = re.search(r'<input[^>]*name="summary"[^>]*data-w-init-detail-value="([^"]*)"', form)
    assert options, "the case summary's rich text editor"
    labelled_by = json.loads(options.group(1).replace("&quot;", '"'))["ariaLabelledBy"]
    assert re.search(rf'<label[^>]*id="{labelled_by}"', form), labelled_by
