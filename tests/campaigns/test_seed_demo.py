from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from campaigns.models import HomePage

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=StringIO())


def test_seed_demo_fills_the_home_page_from_the_seed():
    seed()
    home = HomePage.objects.get()
    assert "no one is punished" in home.intro
    assert home.live


def test_seed_demo_twice_changes_nothing():
    seed()
    before = (Page.objects.count(), Revision.objects.count())
    seed()
    assert (Page.objects.count(), Revision.objects.count()) == before


def test_seed_demo_keeps_what_editors_changed():
    seed()
    home = HomePage.objects.get()
    home.intro = "Edited by staff"
    home.save_revision().publish()
    seed()
    home.refresh_from_db()
    assert home.intro == "Edited by staff"
