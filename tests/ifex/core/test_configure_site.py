"""The admin names the site and its address from the settings, not "localhost"."""

import pytest
from django.core.management import call_command
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def test_the_default_site_takes_its_name_and_address_from_the_settings(home, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://noimpunity.example.org"
    settings.WAGTAIL_SITE_NAME = "IFEX No Impunity"

    call_command("configure_site", stdout=None)

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.site_name) == (
        "noimpunity.example.org",
        443,
        "IFEX No Impunity",
    )
    assert site.root_page_id == home.pk


def test_a_port_in_the_address_is_kept(home, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"

    call_command("configure_site")

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
