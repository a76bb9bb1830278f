"""Countries and topics are picked by typing part of a name, not by Ctrl-clicking a long list."""

import json
import re

import pytest
from django.urls import reverse

from articles.factories import ArticlePageFactory
from ifex.core.factories import CountryFactory, TopicFactory
from tests.campaigns.test_editorial_roles import news_form

pytestmark = pytest.mark.django_db

SEARCH = "/admin/autocomplete/search/"
OBJECTS = "/admin/autocomplete/objects/"


def names(response):
    return [item["title"] for item in response.json()["items"]]


def test_an_editor_finds_a_country_by_part_of_its_name_without_accents(client, login_as):
    CountryFactory(name="Côte d'Ivoire", iso_code="CI")
    CountryFactory(name="Costa Rica", iso_code="CR")
    login_as("editor")

    response = client.post(SEARCH, {"type": "core.Country", "query": "cote"})

    assert response.status_code == 200
    assert names(response) == ["Côte d'Ivoire"]


def test_a_topic_is_found_the_same_way(client, login_as):
    TopicFactory(name="Impunity")
    TopicFactory(name="Internet shutdowns")
    login_as("editor")

    assert names(client.post(SEARCH, {"type": "core.Topic", "query": "PUNI"})) == ["Impunity"]


@pytest.mark.parametrize("label", ["auth.User", "otp_totp.TOTPDevice", "wagtailcore.Page", "x"])
def test_the_picker_lists_no_other_kind_of_record(client, login_as, label):
    login_as("editor")

    assert client.post(SEARCH, {"type": label, "query": ""}).status_code == 400
    assert client.get(OBJECTS, {"type": label, "pks": "1"}).status_code == 400


def test_the_picker_is_for_staff_only(client):
    CountryFactory(name="Haiti", iso_code="HT")

    response = client.post(SEARCH, {"type": "core.Country", "query": "hai"})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_article_form_shows_pickers_and_saves_what_was_picked(client, login_as, article_index):
    haiti = CountryFactory(name="Haiti", iso_code="HT")
    impunity = TopicFactory(name="Impunity")
    article = ArticlePageFactory(parent=article_index, title="Port-au-Prince")
    login_as("editor")
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])

    form = client.get(url).content.decode()
    assert 'data-controller="autocomplete-controller"' in form
    assert 'name="countries" multiple' not in form

    picked = {
        "countries": json.dumps([{"pk": haiti.pk, "title": "Haiti"}]),
        "topics": json.dumps([{"pk": impunity.pk, "title": "Impunity"}]),
    }
    response = client.post(url, {**news_form(article, "Port-au-Prince"), **picked})
    assert response.status_code == 302, response.context["form"].errors

    article.refresh_from_db()
    draft = article.get_latest_revision_as_object()
    assert list(draft.countries.all()) == [haiti]
    assert list(draft.topics.all()) == [impunity]


def test_the_kind_named_in_the_address_is_the_kind_searched(client, login_as, private_collection):
    """The picker searches the kind it allowed, whichever part of the request names it: a
    second kind in the body is refused, and a body naming none (or JSON) still searches only
    the kind allowed, never the library's default (pages)."""
    from tests.support import document_in

    document_in(private_collection, "Board minutes")
    CountryFactory(name="Bolivia", iso_code="BO")
    login_as("moderator")
    allowed = f"{SEARCH}?type=core.Country"

    for other in ("wagtaildocs.Document", "wagtailimages.Image", "wagtailcore.Page", "auth.User"):
        response = client.post(allowed, {"type": other, "query": ""})
        assert response.status_code == 400, other
        assert b"Board minutes" not in response.content
        two_in_the_body = client.post(SEARCH, {"type": ["core.Country", other], "query": ""})
        assert two_in_the_body.status_code == 400, other
    for body in ({"query": ""}, {}):
        assert names(client.post(allowed, body)) == ["Bolivia"]
    as_json = client.post(allowed, '{"type": "auth.User"}', content_type="application/json")
    assert names(as_json) == ["Bolivia"]


def test_the_objects_view_reads_one_kind_only(client, login_as):
    bolivia = CountryFactory(name="Bolivia", iso_code="BO")
    login_as("moderator")

    twice = client.get(f"{OBJECTS}?type=core.Country&type=auth.User&pks={bolivia.pk}")
    assert twice.status_code == 400
    agreed = client.get(f"{OBJECTS}?type=core.Country&type=core.country&pks={bolivia.pk}")
    assert agreed.status_code == 400
    assert names(client.get(OBJECTS, {"type": "core.Country", "pks": bolivia.pk})) == ["Bolivia"]


def test_the_moderator_finds_a_country_the_way_the_editor_does(client, login_as):
    CountryFactory(name="Bolivia", iso_code="BO")
    login_as("moderator")

    assert names(client.post(SEARCH, {"type": "core.Country", "query": "boli"})) == ["Bolivia"]


def test_a_country_is_offered_once_though_it_is_named_in_four_languages(client, login_as):
    from wagtail.models import Locale

    nepal = CountryFactory(name="Nepal", iso_code="NP")
    for language, name in (("fr", "Népal"), ("es", "Nepal"), ("ar", "نيبال")):
        translation = nepal.copy_for_translation(Locale.objects.get(language_code=language))
        translation.name = name
        translation.save()
    login_as("editor")

    for typed in ("nepal", "népal", "نيبال"):
        response = client.post(SEARCH, {"type": "core.Country", "query": typed})
        assert response.status_code == 200
        assert response.json()["items"] == [{"pk": nepal.pk, "title": "Nepal"}], typed


def nepal_in_four_languages():
    from wagtail.models import Locale

    nepal = CountryFactory(name="Nepal", iso_code="NP")
    for language, name in (("fr", "Népal"), ("es", "Nepal"), ("ar", "نيبال")):
        translation = nepal.copy_for_translation(Locale.objects.get(language_code=language))
        translation.name = name
        translation.save()
    return nepal


def working_in(user, language):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


@pytest.mark.parametrize("language, name", [("fr", "Népal"), ("ar", "نيبال"), ("en", "Nepal")])
def test_a_country_is_offered_in_the_staff_member_s_working_language(
    client, login_as, language, name
):
    """The row pages link to (the site's language), named in the admin's language."""
    nepal = nepal_in_four_languages()
    working_in(login_as("editor"), language)

    for typed in ("nepal", "népal", "نيبال"):
        found = client.post(SEARCH, {"type": "core.Country", "query": typed})
        assert found.json()["items"] == [{"pk": nepal.pk, "title": name}], typed
    chosen = client.get(OBJECTS, {"type": "core.Country", "pks": nepal.pk})
    assert chosen.json()["items"] == [{"pk": nepal.pk, "title": name}]


def test_a_name_not_yet_translated_is_offered_with_its_language(client, login_as):
    from django.utils import translation

    haiti = CountryFactory(name="Haiti", iso_code="HT")
    impunity = TopicFactory(name="Impunity")
    working_in(login_as("editor"), "fr")
    with translation.override("fr"):
        english = str(translation.get_language_info("en")["name_translated"])

    country = client.post(SEARCH, {"type": "core.Country", "query": "hai"}).json()["items"]
    assert country == [{"pk": haiti.pk, "title": f"Haiti ({english})"}]
    topic = client.post(SEARCH, {"type": "core.Topic", "query": "impu"}).json()["items"]
    assert topic == [{"pk": impunity.pk, "title": f"Impunity ({english})"}]


def test_a_topic_is_offered_in_the_working_language_too(client, login_as):
    from wagtail.models import Locale

    impunity = TopicFactory(name="Impunity")
    french = impunity.copy_for_translation(Locale.objects.get(language_code="fr"))
    french.name = "Impunité"
    french.save()
    working_in(login_as("editor"), "fr")

    for typed in ("impunity", "impunité"):
        found = client.post(SEARCH, {"type": "core.Topic", "query": typed})
        assert found.json()["items"] == [{"pk": impunity.pk, "title": "Impunité"}], typed


def chooser_choices(response):
    """{chosen object's pk: the name shown} of a snippet chooser's listing."""
    html = response.json()["html"] if response["Content-Type"] == "application/json" else None
    html = html or response.content.decode()
    found = re.findall(r'href="[^"]*/chosen/(\d+)/"[^>]*>\s*([^<]*?)\s*</a>', html)
    return [(int(pk), name) for pk, name in found]


def test_the_case_form_s_country_chooser_offers_each_country_once_in_the_working_language(
    client, login_as, case_index
):
    """Wagtail's snippet chooser (the case form's country) listed "Nepal" once per language,
    the column naming the language headed "Région" in French."""
    nepal = nepal_in_four_languages()
    haiti = CountryFactory(name="Haiti", iso_code="HT")
    working_in(login_as("campaigner"), "fr")
    form = client.get(reverse("wagtailadmin_pages:add", args=["cases", "casepage", case_index.pk]))
    choose = reverse("wagtailsnippetchoosers_core_country:choose")
    assert f'data-chooser-url="{choose}"' in form.content.decode()

    listed = chooser_choices(client.get(choose))
    assert listed == [(haiti.pk, "Haiti (Anglais)"), (nepal.pk, "Népal")]
    results = reverse("wagtailsnippetchoosers_core_country:choose_results")
    for typed in ("nepal", "népal", "نيبال"):
        assert chooser_choices(client.get(results, {"q": typed})) == [(nepal.pk, "Népal")], typed
    chosen = reverse("wagtailsnippetchoosers_core_country:chosen", args=[nepal.pk])
    assert client.get(chosen).json()["result"]["string"] == "Népal"
