"""Figures computed from the imported record equal an independent count of the sample export
with the csv module: "journalists and media workers killed since 2006" (motive confirmed, and
media workers) and "N out of 10 murders in complete impunity" over a window of years; the
method note says what was counted, from which source and export; a newer export changes the
figure and its public record."""

import csv
import io

import pytest
from django.utils import translation

from campaigns.factories import ImpunityFigureFactory
from campaigns.models import FigurePublication, ImpunityFigure
from cases.choices import DeathType
from cases.models import CasePage
from tests.cases.test_import import NEWER_EXPORT, SAMPLE, export_file, import_cases
from tests.support import export_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> list[dict]:
    """The sample's rows that are people (the summary rows have no name)."""
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        return [row for row in csv.DictReader(file) if row["fullName"].strip()]


def computed(measure, **fields):
    return ImpunityFigureFactory(
        kind=ImpunityFigure.Kind.CASES,
        value=None,
        source_name="",
        as_of=None,
        cases_measure=measure,
        sentence="cases.",
        **fields,
    )


def test_killed_since_2006_equals_the_count_of_the_export(case_index, people):
    import_cases(SAMPLE)
    expected = sum(
        1
        for row in people
        if int(row["year"]) >= 2006
        and (row["motiveConfirmed"] == "Confirmed" or row["type"] == "Media Worker")
    )
    figure = computed(
        "count", cases_since=2006, cases_source="cpj", cases_motives="confirmed-media-workers"
    )
    assert figure.display_value == str(expected)
    note = figure.display_method_note
    assert "from the record of Committee to Protect Journalists" in note
    assert "attacked in 2006 or since" in note
    assert "cases of unconfirmed motive left out" in note
    assert note.endswith("Source: Committee to Protect Journalists, export of 2026-06-01.")
    assert figure.display_source_name == "Committee to Protect Journalists"
    # Every motive class: the confirmed and unconfirmed and media workers alike.
    everyone = computed("count", cases_since=2006, cases_source="cpj")
    assert everyone.display_value == str(sum(1 for row in people if int(row["year"]) >= 2006))


def test_murders_in_complete_impunity_out_of_ten_equal_the_export(case_index, people):
    import_cases(SAMPLE)
    window = [row for row in people if 2006 <= int(row["year"]) <= 2022]
    murders = [row for row in window if row["typeOfDeath"] == "Murder"]
    unpunished = [row for row in murders if row["impunityMurder"] == "Complete Impunity"]
    assert murders and all(row["impunityMurder"] for row in murders)
    per_ten = int(10 * len(unpunished) / len(murders) + 0.5)
    figure = computed(
        "impunity_per_ten",
        cases_since=2006,
        cases_until=2022,
        cases_source="cpj",
        cases_death_type=DeathType.MURDER,
    )
    assert figure.display_value == f"{per_ten} out of 10"
    assert (
        f"those in complete impunity: {len(unpunished)} of {len(murders)}, shown out of 10"
    ) in figure.display_method_note
    assert "attacked from 2006 to 2022" in figure.display_method_note
    assert "whose type of death is “murder”" in figure.display_method_note
    ratio = computed(
        "impunity", cases_since=2006, cases_until=2022, cases_death_type=DeathType.MURDER
    )
    assert ratio.display_value == f"{len(unpunished)} out of {len(murders)}"


def test_a_newer_export_changes_the_figure_and_its_public_record(
    case_index, people, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_cases(SAMPLE)
    figure = computed(
        "count", cases_source="cpj", cases_motives="confirmed-media-workers", live=False
    )
    figure.save_revision().publish()
    before = figure.display_value
    header = list(people[0])
    newcomer = export_row(
        header,
        year="2022",
        fullName="Newcomer of the newer export",
        type="Journalist",
        typeOfDeath="Murder",
        motiveConfirmed="Confirmed",
        impunityMurder="Complete Impunity",
        country="Mexico",
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_cases(export_file(tmp_path, header, [*people, newcomer]), NEWER_EXPORT)
    figure = ImpunityFigure.objects.get(pk=figure.pk)
    assert figure.display_value == str(int(before) + 1)
    record = FigurePublication.objects.filter(figure=figure).order_by("published_at", "pk")
    assert [row.display_value for row in record] == [before, str(int(before) + 1)]
    assert record.last().method_note.endswith("export of 2026-11-01.")


def test_aliases_in_every_language_count_once(case_index, home, people):
    """Imported cases are aliased into the French, Spanish and Arabic sites: each person is
    still counted once, in every language's figure."""
    from wagtail.models import Locale

    from tests.support import translated

    for language in ("fr", "es", "ar"):
        translated(home, language)
    import_cases(SAMPLE)
    assert CasePage.objects.filter(alias_of__isnull=False).count() == 3 * len(people)
    expected = sum(1 for row in people if int(row["year"]) >= 2006)
    figure = computed("count", cases_since=2006, cases_source="cpj")
    assert figure.display_value == str(expected)
    cpj_named = {
        "fr": "du registre de Comité pour la protection des journalistes",
        "es": "del registro de Comité para la Protección de los Periodistas",
        "ar": "من سجل لجنة حماية الصحفيين",
    }
    for language, words in cpj_named.items():
        version = figure.copy_for_translation(Locale.objects.get(language_code=language))
        version.save()
        with translation.override(language):
            assert version.display_value == str(expected), language
            # The source named in the reader's language.
            assert words in version.display_method_note, language


def test_a_mapped_source_is_a_choice_named_for_staff_and_its_figure_counts_its_own_cases(
    case_index, client, login_as, tmp_path
):
    """A figure "by source" offers every source the cases come from: CPJ (named in the staff's
    language) and each column mapping's source (as staff named it), and counts only its cases."""
    from django.urls import reverse

    from tests.articles.test_pickers import working_in
    from tests.cases.test_import_mapping import import_mapped, monitor_file, saved_mapping

    import_cases(SAMPLE)  # CPJ's cases are on the site too: the mapped figure leaves them out
    mapping = saved_mapping()
    import_mapped(tmp_path, monitor_file())
    rows = list(csv.DictReader(io.StringIO(monitor_file().decode())))
    importable = [
        row
        for row in rows
        if row["Profession"].casefold() in ("journalist", "media-worker")
        and row["Nation"] != "Atlantis"
    ]
    since_2016 = [row for row in importable if int(row["Date of death"][:4]) >= 2016]
    assert 0 < len(since_2016) < len(importable)

    working_in(login_as("campaigner"), "fr")
    url = reverse("wagtailsnippets_campaigns_impunityfigure:add")
    html = client.get(url).content.decode()
    assert '<option value="cpj">Comité pour la protection des journalistes</option>' in html
    assert (
        f'<option value="{mapping.source_key}">Demo Monitor of Killed Journalists</option>'
    ) in html
    response = client.post(
        url,
        {
            "name": "Killed, by the monitor",
            "kind": "cases",
            "cases_measure": "count",
            "cases_since": "2016",
            "cases_source": mapping.source_key,
            "sentence": "killed.",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    figure = ImpunityFigure.objects.get(name="Killed, by the monitor")
    assert figure.display_value == str(len(since_2016))
    note = figure.display_method_note
    assert "from the record of Demo Monitor of Killed Journalists" in note
    assert note.endswith("Source: Demo Monitor of Killed Journalists, export of 2026-06-01.")
    assert figure.display_source_name == "Demo Monitor of Killed Journalists"

    # The same by CPJ's record: the mapped cases left out, the export date CPJ's.
    cpj = computed("count", cases_since=2016, cases_source="cpj")
    assert cpj.display_value == str(
        CasePage.objects.filter(imported__source="cpj", attacked_on__year__gte=2016).count()
    )
    assert cpj.display_method_note.endswith(
        "Source: Committee to Protect Journalists, export of 2026-06-01."
    )
