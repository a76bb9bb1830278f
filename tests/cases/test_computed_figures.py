"""Figures computed by the database from the cases: a count or the impunity ratio, current on
the next request after a case changes, with a method note that says what was counted, and a
public record of every value."""

import datetime

import pytest
from wagtail.models import Locale

from campaigns.factories import ImpunityFigureFactory
from campaigns.models import FigurePublication, ImpunityFigure
from cases.choices import Role, Status
from cases.factories import CasePageFactory
from ifex.core.factories import stream_data

pytestmark = pytest.mark.django_db
EARLY, LATE = datetime.date(2020, 1, 1), datetime.date(2026, 11, 1)


def computed(measure, **fields):
    fields.setdefault("sentence", "cases.")
    return ImpunityFigureFactory(
        kind=ImpunityFigure.Kind.CASES,
        value=None,
        source_name="",
        as_of=None,
        cases_measure=measure,
        **fields,
    )


def case(parent, status, **fields):
    return CasePageFactory(parent=parent, statuses=[(status, EARLY)], **fields)


def test_a_count_and_the_impunity_ratio_come_from_the_cases(case_index, mexico):
    case(
        case_index, Status.COMPLETE_IMPUNITY, country=mexico, attacked_on=datetime.date(2012, 5, 1)
    )
    case(
        case_index, Status.COMPLETE_IMPUNITY, country=mexico, attacked_on=datetime.date(2015, 5, 1)
    )
    case(case_index, Status.FULL_JUSTICE, country=mexico, attacked_on=datetime.date(2016, 5, 1))
    case(case_index, Status.NO_INFORMATION, country=mexico, attacked_on=datetime.date(2017, 5, 1))
    case(case_index, Status.COMPLETE_IMPUNITY, attacked_on=datetime.date(2005, 5, 1))
    case(case_index, Status.COMPLETE_IMPUNITY, role=Role.ARTIST, country=mexico,
         attacked_on=datetime.date(2018, 5, 1))  # fmt: skip
    CasePageFactory(parent=case_index, live=False)  # a draft counts for nothing

    assert computed("count").display_value == "6"
    assert computed("count", cases_since=2006).display_value == "5"
    mexican_journalists = computed("count", cases_country=mexico, cases_role=Role.JOURNALIST)
    assert mexican_journalists.display_value == "4"
    ratio = computed("impunity", cases_since=2006)
    assert ratio.display_value == "3 out of 4", "no information is not a known status"
    assert ratio.display_method_note == (
        "Counted by this site: of the published cases on this site attacked in 2006 or since "
        "whose judicial status is known (cases with no information left out), those in "
        "complete impunity."
    )
    assert mexican_journalists.display_method_note == (
        "Counted by this site: every one of the published cases on this site of a journalist "
        "in Mexico."
    )
    assert not ratio.is_stale and ratio.display_as_of == datetime.date.today()


def test_a_case_translated_counts_once(case_index, mexico):
    english = case(case_index, Status.COMPLETE_IMPUNITY, country=mexico)
    french_index = case_index.copy_for_translation(
        Locale.objects.get(language_code="fr"), copy_parents=True
    )
    french_index.save_revision().publish()
    french = english.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.save_revision().publish()
    assert computed("count").display_value == "1"


def test_a_changed_status_reaches_the_home_page_on_the_next_request_and_the_record(
    client, home, case_index, mexico, django_capture_on_commit_callbacks
):
    first = case(case_index, Status.INVESTIGATION_OPEN, country=mexico)
    case(case_index, Status.COMPLETE_IMPUNITY, country=mexico)
    figure = computed("impunity", sentence="cases end in complete impunity.")
    home.body = stream_data([("stats", {"heading": "Facts", "figures": [figure.pk]})])
    home.save_revision().publish()
    assert "1 out of 2" in client.get("/").content.decode()
    assert "1 out of 2" in client.get("/").content.decode(), "from the page cache"

    first.status_events.add(
        first.status_events.model(
            status=Status.COMPLETE_IMPUNITY, confirmed_on=LATE, source_name="CPJ"
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        first.save_revision().publish()

    assert "2 out of 2" in client.get("/").content.decode()
    record = FigurePublication.objects.filter(figure=figure).order_by("published_at", "pk")
    assert [row.display_value for row in record] == ["1 out of 2", "2 out of 2"]
    history = client.get("/how-we-count/").content.decode()
    assert "computed from the cases on this site" in history and "2 out of 2" in history


def test_a_case_made_private_or_public_again_writes_the_new_value_on_the_record(
    admin_client, case_index, mexico, django_capture_on_commit_callbacks
):
    """Privacy changes what the site counts as much as a publish does: the public record gets
    each new value, whether staff restrict the case itself or its whole section."""
    from wagtail.models import PageViewRestriction

    private_soon = case(case_index, Status.COMPLETE_IMPUNITY, country=mexico)
    case(case_index, Status.COMPLETE_IMPUNITY, country=mexico)
    figure = computed("count", sentence="cases.")

    def record():
        rows = FigurePublication.objects.filter(figure=figure).order_by("published_at", "pk")
        return [row.display_value for row in rows]

    assert record() == ["2"]
    privacy = f"/admin/pages/{private_soon.pk}/privacy/"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(privacy, {"restriction_type": "login"})
    assert response.status_code == 200 and private_soon.get_view_restrictions().exists()
    assert record() == ["2", "1"]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(privacy, {"restriction_type": "none"})
    assert record() == ["2", "1", "2"]

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=case_index, restriction_type="login")
    assert record() == ["2", "1", "2", "0"]
