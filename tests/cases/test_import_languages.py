"""Imported cases in French, Spanish and Arabic: as wagtail-localize's tree synchronisation
does, each gets an alias in every language's case section, so readers there see them at once,
marked as English (`lang="en" dir="auto"`) until a translator publishes a translation; the
source's vocabulary in the reader's words; a newer export reaches them too."""

import csv
import re

import pytest
from wagtail.models import Page

from cases.models import CasePage
from tests.cases.test_import import NEWER_EXPORT, SAMPLE, export_file, import_cases
from tests.support import translated

pytestmark = pytest.mark.django_db
LANGUAGES = ("fr", "es", "ar")


@pytest.fixture
def homes(home):
    """The site read in four languages: a home page in each."""
    return {language: translated(home, language) for language in LANGUAGES}


@pytest.fixture
def sample_rows() -> tuple[list[str], list[dict]]:
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        return reader.fieldnames, list(reader)


def names_listed(html) -> list[str]:
    return re.findall(r'<th scope="row" lang="en" dir="auto"><a href="[^"]+">([^<]+)</a>', html)


def test_readers_of_every_language_see_the_imported_cases_marked_as_english(
    client, case_index, homes
):
    import_cases(SAMPLE)
    originals = CasePage.objects.filter(locale=case_index.locale, alias_of__isnull=True)
    assert originals.count() == 78
    for language in LANGUAGES:
        aliases = CasePage.objects.filter(locale__language_code=language)
        assert aliases.count() == 78
        assert not aliases.filter(alias_of__isnull=True).exists(), "aliases, not translations"
        index = client.get(f"/{language}/cases/")
        assert index.status_code == 200
        html = index.content.decode()
        assert f'<html lang="{language}"' in html
        assert len(names_listed(html)) == 50, "a page of 50, each marked as English"
        assert client.get(f"/{language}/cases/csv/").status_code == 200
    arabic = CasePage.objects.get(locale__language_code="ar", person_name="Wendi Winters")
    page = client.get(arabic.url)
    assert page.status_code == 200 and arabic.url.startswith("/ar/cases/")
    html = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<main id="main" tabindex="-1" lang="en" dir="auto">' in html
    assert "الدافع مؤكد" in html, "the source's vocabulary in the reader's words"
    assert "Wendi Winters" in html


def test_a_newer_export_reaches_every_language_and_adds_nothing_twice(
    case_index, homes, sample_rows, tmp_path
):
    header, rows = sample_rows
    import_cases(SAMPLE)
    [row] = [row for row in rows if row["fullName"] == "Wendi Winters"]
    row["impunityMurder"] = "Partial Impunity"
    import_cases(export_file(tmp_path, header, rows), NEWER_EXPORT)
    for version in CasePage.objects.filter(person_name="Wendi Winters"):
        assert version.status == "partial-justice", version.locale
        assert [event.status for event in version.status_history()] == [
            "full-justice",
            "partial-justice",
        ]
    assert Page.objects.filter(alias_of__isnull=False).type(CasePage).count() == 78 * 3


def test_without_a_home_in_a_language_no_case_is_aliased_there(case_index, homes):
    Page.objects.get(pk=homes["es"].pk).delete()
    import_cases(SAMPLE)
    assert not CasePage.objects.filter(locale__language_code="es").exists()
    assert CasePage.objects.filter(locale__language_code="fr").count() == 78


def test_an_index_of_aliases_costs_the_same_however_many(client, case_index, homes):
    from cases.aliases import alias_in_every_language
    from cases.factories import CasePageFactory
    from tests.support import cold_get, uncached_get

    counts = []
    for added in (2, 6):
        made = CasePageFactory.create_batch(added, parent=case_index)
        alias_in_every_language([case.pk for case in made])
        client.get("/fr/cases/")
        counts.append((uncached_get(client, "/fr/cases/")[1], cold_get(client, "/fr/cases/")[1]))
    assert counts[0] == counts[1]
    assert counts[1][0] <= 15


def test_every_imported_case_is_indexed_for_search_a_batch_at_a_time(
    case_index, homes, monkeypatch
):
    """20,000 cases in four languages are indexed a batch at a time, never all loaded at once,
    and none is left out."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.search.models import IndexEntry

    monkeypatch.setattr("cases.importing.INDEX_BATCH", 7, raising=False)
    import_cases(SAMPLE)
    case_type = ContentType.objects.get_for_model(CasePage)
    indexed = set(
        IndexEntry.objects.filter(content_type=case_type).values_list("object_id", flat=True)
    )
    cases = {str(pk) for pk in CasePage.objects.values_list("pk", flat=True)}
    assert len(cases) == 4 * 78
    assert indexed == cases
