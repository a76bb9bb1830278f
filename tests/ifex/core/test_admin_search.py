"""Searching in the admin: the country and topic choosers and the directory's lists answer with
the rows asked for, in any language, never with an error page."""

import pytest
from django.urls import reverse
from wagtail.models import Locale

from ifex.core.factories import CountryFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nepal(db):
    english = CountryFactory(name="Nepal", iso_code="NP")
    french = english.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.name = "Népal"
    french.save()
    CountryFactory(name="Peru", iso_code="PE")
    return english, french


def test_the_country_chooser_finds_a_country_by_name_in_each_language(admin_client, nepal):
    english, french = nepal
    url = reverse("wagtailsnippetchoosers_core_country:choose_results")
    assert french.name == "Népal"
    response = admin_client.get(url, {"q": "Nepal"})
    assert response.status_code == 200
    assert f"/{english.pk}/" in response.content.decode()
    assert "Peru" not in response.content.decode()
    # Found by its French name too, and offered once: as the row pages link to.
    response = admin_client.get(url, {"q": "Népal"})
    assert response.status_code == 200
    shown = response.content.decode()
    assert f"/{english.pk}/" in shown and f"/{french.pk}/" not in shown


def test_the_topic_chooser_searches_within_a_language(admin_client):
    topic = TopicFactory(name="Press freedom", slug="press-freedom")
    TopicFactory(name="Sanctions", slug="sanctions")
    url = reverse("wagtailsnippetchoosers_core_topic:choose_results")
    response = admin_client.get(url, {"q": "press", "locale": "en"})
    assert response.status_code == 200
    assert f"/{topic.pk}/" in response.content.decode()
    assert "Sanctions" not in response.content.decode()


def test_the_directory_finds_a_country_by_its_code(admin_client, nepal):
    response = admin_client.get(reverse("wagtailsnippets_core_country:list"), {"q": "NP"})
    assert response.status_code == 200
    assert "Nepal" in response.content.decode()
    assert "Peru" not in response.content.decode()
