import pytest

from ifex.core.factories import CountryFactory, OrganisationFactory
from ifex.core.models import Region

pytestmark = pytest.mark.django_db


def test_directory_lists_members_by_region_and_country(client, directory):
    africa = Region.objects.get(slug="africa")
    americas = Region.objects.get(slug="americas")
    ghana = CountryFactory(name="Ghana", iso_code="GH", region=africa)
    peru = CountryFactory(name="Peru", iso_code="PE", region=americas)
    OrganisationFactory(name="Media Foundation for West Africa", country=ghana)
    OrganisationFactory(name="Instituto Prensa y Sociedad", country=peru)
    OrganisationFactory(name="Not a member", country=peru, is_member=False)
    page = directory

    html = client.get(page.url).content.decode()
    assert "Not a member" not in html
    order = [
        html.index(text)
        for text in ("Africa", "Ghana", "Media Foundation", "Americas", "Peru", "Instituto")
    ]
    assert order == sorted(order)
    assert "2 member organisations" in html
