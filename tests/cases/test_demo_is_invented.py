"""`make run` serves the demo: invented people only. Its preparation (ifex/prepare.py, the steps
`make run` runs before serving) imports none of the real record unless staff ask for it."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from cases.models import CasePage, ImportedCase
from cases.sources import SOURCES
from ifex import prepare
from tests.cases.test_import import SAMPLE

pytestmark = pytest.mark.django_db

# Files, not data: the preparation's other steps run as `make run` runs them.
NOT_DATA = {"collectstatic"}


def test_make_runs_preparation_imports_no_real_case():
    for step in prepare.STEPS:
        if step[0] not in NOT_DATA:
            call_command(*step, stdout=StringIO())
    assert CasePage.objects.exists(), "the demo has its invented cases"

    cpj = SOURCES["cpj"]
    assert not ImportedCase.objects.exists()
    assert not CasePage.objects.filter(
        Q(source_name=cpj.name) | Q(source_url=cpj.url) | Q(source_exported_on__isnull=False)
    ).exists()
    with SAMPLE.open(newline="", encoding="utf-8") as file:
        real_names = {row["fullName"] for row in csv.DictReader(file)} - {"", "Unidentified"}
    names_shown = set(CasePage.objects.values_list("person_name", flat=True))
    names_shown |= set(CasePage.objects.values_list("title", flat=True))
    assert len(real_names) > 70
    assert not names_shown & real_names
