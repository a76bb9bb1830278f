from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page, Revision

from articles.models import ArticlePage, JointStatementPage
from campaigns.models import CampaignPage, HomePage, ImpunityFigure
from ifex.core.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "impunity-page.txt"


def seed():
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module in a transaction rolled back at its end; each
    test's own transaction is a savepoint inside it, so no test sees another's changes."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield
        transaction.set_rollback(True)


def test_seed_builds_the_no_impunity_campaign_page(client):
    campaign = CampaignPage.objects.get(slug="no-impunity")
    html = client.get(campaign.url).content.decode()
    assert "no one is punished. We’re working to change this." in html
    assert "The shocking facts about the problem of impunity:" in html
    assert "9 out of 10" in html
    assert "Recent Articles on Impunity" in html
    assert "Violence and insecurity, the main obstacle for the press in Haiti" in html
    assert "Signed by 94 organisations" in html


def test_seed_lists_every_article_and_statement_of_the_original_page():
    article_titles = set(ArticlePage.objects.live().values_list("title", flat=True))
    statement_titles = set(JointStatementPage.objects.live().values_list("title", flat=True))
    assert len(article_titles) == 5
    assert len(statement_titles) == 2
    if SEED.exists():  # the seed sits beside the project in a checkout of the workplace
        seed_text = SEED.read_text()
        for title in article_titles | statement_titles:
            assert title in seed_text


def test_seed_figures_are_published_with_sources_and_the_member_count_is_live():
    figures = {figure.name: figure for figure in ImpunityFigure.objects.filter(live=True)}
    assert len(figures) == 3
    for figure in figures.values():
        assert figure.display_source_name and figure.display_as_of
    network = figures["Organisations in the network"]
    assert network.current_value == Organisation.objects.members().count() >= 20


def test_magnitsky_statement_has_over_ninety_structured_signatories():
    statement = JointStatementPage.objects.get(slug="global-magnitsky-sanctions")
    assert statement.signatories.count() > 90
    assert statement.signatories.filter(organisation__isnull=False).count() >= 20
    assert statement.signed_text is not None


def test_seed_demo_twice_changes_nothing():
    before = (Page.objects.count(), Revision.objects.count(), Organisation.objects.count())
    seed()
    assert (Page.objects.count(), Revision.objects.count(), Organisation.objects.count()) == before


def test_seed_demo_keeps_what_editors_changed():
    home = HomePage.objects.get()
    home.teaser = "Edited by staff"
    home.save_revision().publish()
    seed()
    home.refresh_from_db()
    assert home.teaser == "Edited by staff"


def test_every_demo_page_renders(client):
    for page in Page.objects.live().filter(depth__gte=2).specific():
        response = client.get(page.url)
        assert response.status_code == 200, page.url


def test_renditions_are_made_before_the_first_reader(client):
    from ifex.core.renditions import PUBLIC_RENDITION_SPECS

    call_command("prepare_renditions", stdout=StringIO())
    campaign = CampaignPage.objects.get(slug="no-impunity")
    image = campaign.hero_image
    made = set(image.renditions.values_list("filter_spec", flat=True))
    assert set(PUBLIC_RENDITION_SPECS) <= made

    before = image.renditions.count()
    client.get(campaign.url)
    assert image.renditions.count() == before, "the page asked for nothing new"
