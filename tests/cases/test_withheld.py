"""A withheld name stays out of every public byte, whatever road it comes by: every field a
reader, a download or the API sees (status rows and link addresses included), in any spelling
(accents, short names), through the admin form, a plain save, a wagtail-localize translation;
the case page, its API record and the downloads redact it even if it got in; no old address
names the person; staff still find the case by the name, and public search does not."""

import csv
import datetime
import io
import json
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from cases.choices import Status
from cases.factories import CasePageFactory
from cases.models import CasePage, CaseReport, CaseStatusEvent
from cases.withheld import WithheldName
from tests.support import WITHHELD_NAME as NAME
from tests.support import translated

pytestmark = pytest.mark.django_db


def public_bytes(client, case) -> dict[str, str]:
    """Everything the public gets about the case: its page, its API record, the downloads."""
    index = case.get_parent()
    addresses = {
        "page": case.url,
        "api": f"/api/v1/cases/{case.pk}/",
        "api list": "/api/v1/cases/",
        "json": index.url + "json/",
        "csv": index.url + "csv/",
    }
    responses = {where: client.get(address) for where, address in addresses.items()}
    assert all(response.status_code == 200 for response in responses.values()), responses
    return {where: response.content.decode() for where, response in responses.items()}


def assert_no_trace(texts: dict[str, str], *parts: str):
    for where, text in texts.items():
        for part in parts:
            assert part.casefold() not in text.casefold(), f"{part!r} in the {where}"


# The name, as readers would recognise it


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("José Pérez", "Jose Perez was followed"),
        ("Jose Perez", "José Pérez was followed"),
        ("Zorbane Quillfeather", "QUILLFEATHER's family"),
        ("Li Na", "Li had received threats"),
        ("Li Na", "according to Na"),
        ("Juan de la Cruz", "De la Cruz was shot"),
        ("Du Bin", "Du Bin reported on the mine"),
        ("Ahmed Al-Masri", "al masri's colleagues"),
    ],
)
def test_a_name_is_found_in_any_spelling(name, text):
    assert WithheldName(name).in_text(text)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Li Na", "The police said nothing; Carolina Linares saw it."),
        ("Juan de la Cruz", "La police de la ville a ouvert une enquête."),
        ("Du Bin", "Le rapport du ministère."),
    ],
)
def test_a_short_part_or_a_particle_alone_is_not_the_name(name, text):
    assert not WithheldName(name).in_text(text)


@pytest.mark.parametrize(
    "address",
    [
        "https://news.example/2024/zorbane-quillfeather-shot",
        "https://news.example/ZorbaneQuillfeather",
        "https://news.example/?q=quillfeather",
        "https://news.example/z%C3%B6rbane",
        "/media/original_images/zorbane_quillfeather_2019.jpg",
    ],
)
def test_a_name_is_found_in_a_link_address(address):
    assert WithheldName(NAME).in_address(address)


def test_the_redacted_text_keeps_everything_but_the_name():
    name = WithheldName("José Pérez")
    assert name.redact("Family of JOSE PEREZ informed; Pérez's lawyer") == (
        "Family of … informed; …'s lawyer"
    )
    assert name.redact_html(
        '<p>See <a href="https://news.example/jose-perez">the report on José</a>.</p>'
    ) == ("<p>See <a>the report on …</a>.</p>")


# Every field, on every save


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("summary", '<p>See <a href="https://news.example/zorbane-quillfeather-shot">it</a>.</p>'),
        ("summary", "<p>Friends of <b>Zörbane</b> say she was followed.</p>"),
        ("teaser", "Quillfeather was shot on Monday."),
        ("seo_title", "Zorbane Q. shot"),
        ("search_description", "The case of Zorbane Quillfeather"),
        ("slug", "zorbanequillfeather"),
        ("source_url", "https://cpj.org/data/people/zorbane-quillfeather/"),
        ("locality", "Quillfeather ranch, Veracruz"),
        ("employers", "La Voz\nQuillfeather Radio"),
    ],
)
def test_a_plain_save_refuses_the_name_in_a_public_field(withheld_case, field, value):
    setattr(withheld_case, field, value)
    with pytest.raises(ValidationError) as refused:
        withheld_case.save_revision().publish()
    assert field in refused.value.message_dict


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("note", "Family of Zorbane Quillfeather informed."),
        ("source_name", "Quillfeather family"),
        ("source_url", "https://news.example/zorbane-quillfeather-shot"),
    ],
)
def test_a_plain_save_refuses_the_name_in_a_status_row(withheld_case, field, value):
    withheld_case.status_events.add(
        CaseStatusEvent(
            status=Status.INVESTIGATION_OPEN,
            confirmed_on=datetime.date(2025, 1, 1),
            **{"source_name": "CPJ", field: value},
        )
    )
    with pytest.raises(ValidationError):
        withheld_case.save_revision().publish()
    assert not CaseStatusEvent.objects.filter(**{field: value}).exists()


def test_a_plain_save_refuses_a_report_that_names_the_person(withheld_case, article_index):
    from articles.factories import ArticlePageFactory

    report = ArticlePageFactory(parent=article_index, title="Why Quillfeather was targeted")
    withheld_case.reports.add(CaseReport(page=report))
    with pytest.raises(ValidationError):
        withheld_case.save_revision().publish()
    assert not CaseReport.objects.filter(page=report).exists()


def test_a_short_name_is_refused_too(case_index, mexico):
    case = CasePageFactory(
        parent=case_index, title="Reporter beaten", person_name="Li Na", country=mexico
    )
    case.name_withheld = True
    case.teaser = "Li was beaten by the police."
    with pytest.raises(ValidationError):
        case.save_revision().publish()


class FormFields(HTMLParser):
    """The fields of the admin's page form, as the browser would send them."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            else:
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def edit_form(client, page) -> tuple[str, dict]:
    address = f"/admin/pages/{page.pk}/edit/"
    response = client.get(address)
    assert response.status_code == 200
    fields = FormFields()
    fields.feed(response.content.decode())
    return address, fields.data


def test_the_admin_form_refuses_the_name_in_a_status_row_beside_the_field(
    client, admin_client, withheld_case
):
    address, data = edit_form(admin_client, withheld_case)
    data["status_events-0-note"] = "Family of José Quillfeather informed."
    response = admin_client.post(address, {**data, "action-publish": "action-publish"})
    assert response.status_code == 200, "the form again, not a 500 and not saved"
    assert "The name is withheld: take it out of this field" in response.content.decode()
    assert not CaseStatusEvent.objects.filter(note__icontains="Quillfeather").exists()
    assert_no_trace(public_bytes(client, withheld_case), "Quillfeather")


def test_the_admin_form_publishes_a_clean_status_row(client, admin_client, withheld_case):
    address, data = edit_form(admin_client, withheld_case)
    data["status_events-0-note"] = "The family was informed."
    response = admin_client.post(address, {**data, "action-publish": "action-publish"})
    assert response.status_code == 302
    assert "The family was informed." in client.get(withheld_case.url).content.decode()


# Translations


def translate(case, language, translations: dict[str, str]):
    """What a translator does in wagtail-localize's editor: each segment's translation, then
    publish. Returns the translation, or raises what wagtail-localize raises."""
    locale = Locale.objects.get(language_code=language)
    source, _created = TranslationSource.get_or_create_from_instance(case)
    Translation.objects.get_or_create(source=source, target_locale=locale)
    for segment in StringSegment.objects.filter(source=source).select_related("string"):
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context_id=segment.context_id,
            defaults={"data": translations.get(segment.string.data, segment.string.data)},
        )
    translation, _created = source.create_or_update_translation(
        locale, publish=False, copy_parent_pages=True, fallback=True
    )
    translation.get_latest_revision().publish()
    return CasePage.objects.get(pk=translation.pk)


def test_a_translation_cannot_carry_the_name(client, withheld_case):
    withheld_case.teaser = "A reporter was attacked."
    withheld_case.save_revision().publish()
    with pytest.raises(ValidationError):
        translate(withheld_case, "fr", {"A reporter was attacked.": "Zorbane a été attaquée."})
    assert not CasePage.objects.filter(locale__language_code="fr", live=True).exists()
    assert_no_trace({"French": client.get("/fr/cases/").content.decode()}, "Zorbane")


def test_translators_neither_rename_nor_reveal_the_person(client, withheld_case):
    source, _created = TranslationSource.get_or_create_from_instance(withheld_case)
    offered = set(
        StringSegment.objects.filter(source=source).values_list("string__data", flat=True)
    )
    assert NAME not in offered, "the name is not a segment to translate"
    french = translate(withheld_case, "fr", {"Reporter attacked in Veracruz": "Reporter"})
    assert (french.person_name, french.name_withheld) == (NAME, True)
    assert_no_trace({"French page": client.get(french.url).content.decode()}, "Zorbane")


def test_withholding_the_name_withholds_it_in_every_language(client, case_index, mexico):
    case = CasePageFactory(
        parent=case_index, title="Reporter attacked", person_name=NAME, country=mexico
    )
    french = translate(case, "fr", {"Reporter attacked": "Journaliste attaquée"})
    assert "Zorbane" in client.get(french.url).content.decode()
    case.name_withheld = True
    case.save_revision().publish()
    french.refresh_from_db()
    assert french.name_withheld
    assert_no_trace({"French page": client.get(french.url).content.decode()}, "Zorbane")
    # A French draft from before the withholding does not bring the name back.
    stale = french.get_latest_revision()
    stale.content["name_withheld"] = False
    stale.save()
    stale.publish()
    assert CasePage.objects.get(pk=french.pk).name_withheld


# What readers get, even if the name got in by another road


def test_the_public_never_gets_the_name_even_if_it_got_in_unchecked(
    client, withheld_case, article_index
):
    from articles.factories import ArticlePageFactory

    report = ArticlePageFactory(parent=article_index, title="Why Quillfeather was targeted")
    # As an import or a shell could write, with no save to check it:
    CaseReport.objects.create(case=withheld_case, page=report)
    CasePage.objects.filter(pk=withheld_case.pk).update(
        teaser="Zorbane Quillfeather was shot.",
        summary='<p><a href="https://news.example/zorbane-quillfeather-shot">Zörbane</a></p>',
        source_name="CPJ",
        source_url="https://cpj.org/data/people/zorbane-quillfeather/",
        locality="Quillfeather ranch",
    )
    CaseStatusEvent.objects.filter(case=withheld_case).update(
        note="Family of Zorbane Quillfeather informed.",
        source_name="Quillfeather family",
        source_url="https://news.example/zorbane",
    )
    texts = public_bytes(client, withheld_case)
    assert_no_trace(texts, "Zorbane", "Zörbane", "Quillfeather")
    assert "Family of … informed." in texts["page"]
    record = json.loads(texts["api"])
    assert record["status_history"][-1]["note"] == "Family of … informed."
    assert record["reports"] == [], "a page naming the person is not listed beside the case"
    rows = list(csv.DictReader(line for line in io.StringIO(texts["csv"]) if line[0] != "#"))
    assert rows[0]["name"] == "Name withheld" and rows[0]["status_source"] == "… family"


# No old address names the person


def test_withholding_with_a_new_slug_leaves_no_address_naming_the_person(
    client, case_index, mexico, django_capture_on_commit_callbacks
):
    case = CasePageFactory(
        parent=case_index, title=NAME, slug="zorbane-quillfeather", person_name=NAME, country=mexico
    )
    case.title, case.slug, case.name_withheld = "Reporter attacked", "reporter-attacked", True
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()
    assert not Redirect.objects.filter(old_path__icontains="quillfeather").exists()
    assert client.get("/cases/zorbane-quillfeather/").status_code == 404
    assert client.get("/cases/reporter-attacked/").status_code == 200
    assert_no_trace({"sitemap": client.get("/sitemap.xml").content.decode()}, "Quillfeather")


def test_withholding_takes_the_name_out_of_every_language_s_address(
    client, case_index, mexico, django_capture_on_commit_callbacks
):
    """Wagtail keeps an alias's own slug when its original changes, and a translation keeps
    its slug until it is translated again: each would still answer at the person's name."""
    case = CasePageFactory(
        parent=case_index, title=NAME, slug="zorbane-quillfeather", person_name=NAME, country=mexico
    )
    translated(case, "es")
    case.copy_for_translation(Locale.objects.get(language_code="fr"), True, alias=True)
    case.title, case.slug, case.name_withheld = "Reporter attacked", "reporter-attacked", True
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()

    for language in ("fr", "es"):
        assert client.get(f"/{language}/cases/zorbane-quillfeather/").status_code == 404
        assert client.get(f"/{language}/cases/reporter-attacked/").status_code == 200
    assert not Redirect.objects.filter(old_path__icontains="quillfeather").exists()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert_no_trace({"sitemap": sitemap}, "Quillfeather")


def test_no_translation_s_draft_nor_its_next_publish_brings_the_name_back_into_the_address(
    client, case_index, mexico, django_capture_on_commit_callbacks
):
    """What a translator publishes next after the withholding: the draft Wagtail keeps (the
    latest revision, which the live page was moved past), and what wagtail-localize's editor
    publishes (the original as it was when last sent for translation). Neither may carry the
    name into the address, nor be refused because it does."""
    case = CasePageFactory(
        parent=case_index, title=NAME, slug="zorbane-quillfeather", person_name=NAME, country=mexico
    )
    translate(case, "fr", {NAME: "Journaliste"})
    spanish = translated(case, "es", title="Periodista")
    spanish.teaser = "Un borrador del traductor."
    spanish.save_revision()  # a draft, newer than the live page
    case.title, case.slug, case.name_withheld = "Reporter attacked", "reporter-attacked", True
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()

    name = WithheldName(NAME)
    for language in ("fr", "es"):
        page = CasePage.objects.get(
            translation_key=case.translation_key, locale__language_code=language
        )
        draft = page.get_latest_revision()
        assert not name.in_address(draft.content["slug"]), language
        assert not name.in_address(draft.content["url_path"]), language
        with django_capture_on_commit_callbacks(execute=True):
            draft.publish()
    assert "Un borrador" in client.get("/es/cases/reporter-attacked/").content.decode()

    source = TranslationSource.objects.get(object_id=case.translation_key)
    with django_capture_on_commit_callbacks(execute=True):
        Translation.objects.get(source=source, target_locale__language_code="fr").save_target()
    for language in ("fr", "es"):
        assert client.get(f"/{language}/cases/zorbane-quillfeather/").status_code == 404
        assert client.get(f"/{language}/cases/reporter-attacked/").status_code == 200
    assert not Redirect.objects.filter(old_path__icontains="quillfeather").exists()


def test_staff_are_told_the_old_address_no_longer_leads_to_the_case(
    client, admin_client, case_index, mexico, django_capture_on_commit_callbacks
):
    case = CasePageFactory(
        parent=case_index, title=NAME, slug="zorbane-quillfeather", person_name=NAME, country=mexico
    )
    case.title, case.slug = "Reporter attacked", "reporter-attacked"
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()
    assert client.get("/cases/zorbane-quillfeather/").status_code == 301, "Wagtail's redirect"

    address, data = edit_form(admin_client, case)
    data["name_withheld"] = "on"
    response = admin_client.post(address, {**data, "action-publish": "action-publish"})
    assert response.status_code == 302
    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("/cases/zorbane-quillfeather" in message for message in told), told
    assert client.get("/cases/zorbane-quillfeather/").status_code == 404


# Staff find the case by the name; readers' search does not


def test_staff_find_a_withheld_case_by_the_name_and_readers_search_does_not(
    client, login_as, withheld_case
):
    searched = client.get("/search/", {"q": "Quillfeather"})
    assert searched.status_code == 200
    assert "Reporter attacked in Veracruz" not in searched.content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM wagtailsearch_indexentry WHERE "
            "concat(title::text, autocomplete::text, body::text) ~* '(zorban|quillf)'"
        )
        assert cursor.fetchone()[0] == 0, "the name is nowhere in the search index"

    login_as("campaigner")
    pages_search = client.get("/admin/pages/search/", {"q": "Quillfeather"}).content.decode()
    assert "/admin/case_listing/?q=Quillfeather" in pages_search, "offered beside pages"
    for query in ("Quillfeather", "zörbane quill"):
        found = client.get("/admin/case_listing/", {"q": query})
        assert found.status_code == 200
        assert "Reporter attacked in Veracruz" in found.content.decode(), query
    other = client.get("/admin/case_listing/", {"q": "Nobody"}).content.decode()
    assert "Reporter attacked in Veracruz" not in other
