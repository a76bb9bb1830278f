"""The read-only open-data API (/api/v1/): cases, figures and statements as the public pages
give them, a page at a time, with their licence and citation; never a draft, a private page or
a withheld name; bad input answered in words; each address rate-limited; described by an
OpenAPI schema that validates."""

import datetime
import io
import json
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from drf_spectacular.validation import validate_schema
from wagtail.models import Locale, PageViewRestriction

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from articles.models import Signatory
from campaigns.factories import ImpunityFigureFactory
from cases.choices import Status
from cases.factories import CasePageFactory
from ifex.core.factories import OrganisationFactory
from tests.support import translated

pytestmark = pytest.mark.django_db

API = "/api/v1/"


def api_get(client, path, data=None, **headers):
    response = client.get(API + path, data, **headers)
    return response, json.loads(response.content)


def test_cases_come_a_page_at_a_time_with_the_index_filters_licence_and_citation(
    client, case_index, mexico
):
    for number in range(3):
        CasePageFactory(
            parent=case_index,
            person_name=f"Mexico {number}",
            country=mexico,
            attacked_on=datetime.date(2015 + number, 1, 1),
        )
    CasePageFactory(parent=case_index, person_name="Elsewhere")

    response, first = api_get(client, "cases/", {"country": "mx", "page_size": 2})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert first["count"] == 3
    assert [case["name"] for case in first["results"]] == ["Mexico 2", "Mexico 1"]
    assert first["about"]["licence"] == "CC BY 4.0"
    assert "downloaded on" in first["about"]["citation"]
    assert first["about"]["filtered"] is True
    assert first["about"]["filters"] == {"Country": "Mexico"}
    assert first["about"]["source"] == "http://testserver" + case_index.url

    _response, second = api_get(client, first["next"].removeprefix("http://testserver" + API))
    assert [case["name"] for case in second["results"]] == ["Mexico 0"]
    assert second["next"] is None

    _response, everything = api_get(client, "cases/")
    assert everything["count"] == 4 and everything["about"]["filtered"] is False
    assert everything["about"]["note"] == "The complete set of published cases."


def test_a_case_has_its_dated_history_and_only_published_reports(
    client, case_index, mexico, article_index
):
    published = ArticlePageFactory(parent=article_index, title="Reporter shot in Veracruz")
    draft = ArticlePageFactory(parent=article_index, title="Unpublished follow-up", live=False)
    case = CasePageFactory(
        parent=case_index,
        person_name="Ana Example",
        country=mexico,
        statuses=[
            (Status.INVESTIGATION_OPEN, datetime.date(2016, 4, 1)),
            (Status.COMPLETE_IMPUNITY, datetime.date(2024, 11, 2)),
        ],
        reports=[published, draft],
    )
    response, record = api_get(client, f"cases/{case.pk}/")
    assert response.status_code == 200
    assert record["name"] == "Ana Example" and record["country_code"] == "MX"
    assert record["status"] == "complete-impunity"
    assert [(event["confirmed_on"], event["status"]) for event in record["status_history"]] == [
        ("2016-04-01", "investigation-open"),
        ("2024-11-02", "complete-impunity"),
    ]
    assert record["reports"] == [
        {"title": "Reporter shot in Veracruz", "url": "http://testserver" + published.url}
    ]
    assert record["about"]["licence"] == "CC BY 4.0" and record["about"]["citation"]


def test_no_draft_private_page_or_withheld_name_ever_leaves(client, case_index, mexico):
    withheld = CasePageFactory(
        parent=case_index,
        title="Reporter attacked in Veracruz",
        slug="reporter-attacked-in-veracruz",
        person_name="Zelda Hidalgo",
        name_withheld=True,
        country=mexico,
    )
    draft = CasePageFactory(parent=case_index, person_name="Draft Dolores", live=False)
    private = CasePageFactory(parent=case_index, person_name="Private Paloma")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    changed = CasePageFactory(parent=case_index, person_name="Published Pilar")
    changed.person_name = "Unpublished Ursula"
    changed.save_revision()  # a draft of a live case: readers still see what was published

    responses = [
        api_get(client, "cases/")[0],
        api_get(client, f"cases/{withheld.pk}/")[0],
        api_get(client, f"cases/{changed.pk}/")[0],
        client.get(API + "schema/", {"format": "json"}),
    ]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        for secret in ("Zelda", "Hidalgo", "Dolores", "Paloma", "Ursula"):
            assert secret not in text, (response.request["PATH_INFO"], secret)
    listed = json.loads(responses[0].content)["results"]
    assert sorted(case["name"] for case in listed) == ["Name withheld", "Published Pilar"]
    assert api_get(client, f"cases/{draft.pk}/")[0].status_code == 404
    assert api_get(client, f"cases/{private.pk}/")[0].status_code == 404


def test_bad_input_gets_an_answer_in_words(client, case_index):
    CasePageFactory(parent=case_index)
    for query, field in [
        ({"country": "zz"}, "country"),
        ({"status": "solved"}, "status"),
        ({"year": "last"}, "year"),
        ({"language": "xx"}, "language"),
    ]:
        response, body = api_get(client, "cases/", query)
        assert response.status_code == 400, query
        assert field in body and body[field][0], body
    response, body = api_get(client, "cases/", {"page": 99})
    assert response.status_code == 404 and body["detail"] == "Invalid page."
    response, body = api_get(client, "cases/", {"role": "reporter\x00"})
    assert response.status_code == 400
    assert api_get(client, "cases/999999/")[0].status_code == 404


def test_each_address_is_rate_limited(client, settings, case_index):
    settings.API_RATE_LIMIT = "3/minute"
    for _attempt in range(3):
        assert api_get(client, "cases/")[0].status_code == 200
    refused, body = api_get(client, "cases/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0 and "throttled" in body["detail"]
    other = api_get(client, "cases/", REMOTE_ADDR="192.0.2.7")[0]
    assert other.status_code == 200, "another reader is not refused"


def test_the_client_address_is_the_proxys_not_one_the_client_writes(client, settings, case_index):
    """Behind one proxy, a client cannot escape the limit by writing its own X-Forwarded-For."""
    settings.API_RATE_LIMIT = "2/minute"
    settings.TRUSTED_PROXY_COUNT = 1
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        response = api_get(
            client,
            "cases/",
            HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.4",
            REMOTE_ADDR="127.0.0.1",
        )[0]
    assert response.status_code == 429


@pytest.fixture
def every_kind_of_record(case_index, statement_index, mexico):
    """A record of each kind the API lists, and what it must never show: a draft, a private
    case, a withheld name, a published case with an unpublished change."""
    case = CasePageFactory(parent=case_index, person_name="Published Pilar", country=mexico)
    case.person_name = "Unpublished Ursula"
    case.save_revision()
    CasePageFactory(
        parent=case_index,
        title="Reporter attacked in Veracruz",
        slug="reporter-attacked-in-veracruz",
        person_name="Zelda Hidalgo",
        name_withheld=True,
    )
    CasePageFactory(parent=case_index, person_name="Draft Dolores", live=False)
    private = CasePageFactory(parent=case_index, person_name="Private Paloma")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    figure = ImpunityFigureFactory(name="Killed since 2006")
    figure.value = 1999
    figure.save_revision()
    ImpunityFigureFactory(name="Never published", live=False)
    statement = JointStatementPageFactory(parent=statement_index, title="End impunity now")
    JointStatementPageFactory(parent=statement_index, title="Draft statement", live=False)
    publication = figure.publications.first()
    return SimpleNamespace(
        case=case, private=private, figure=figure, statement=statement, publication=publication
    )


def everything_stored() -> str:
    out = io.StringIO()
    call_command("dumpdata", "cases", "campaigns", "articles", "core", "wagtailcore", stdout=out)
    return out.getvalue()


def test_the_api_refuses_every_write_in_json_and_changes_nothing(
    client, django_user_model, every_kind_of_record, settings
):
    settings.API_RATE_LIMIT = "1000/minute"  # 80 writes from one address: refused, not throttled
    records = every_kind_of_record
    addresses = ["", "schema/"] + [
        address
        for name, record in (
            ("cases", records.case),
            ("figures", records.figure),
            ("figure-publications", records.publication),
            ("statements", records.statement),
        )
        for address in (f"{name}/", f"{name}/{record.pk}/")
    ]
    before = everything_stored()
    staff = Client(enforce_csrf_checks=True)  # a session, as a browser's, with its CSRF check
    staff.force_login(django_user_model.objects.create_superuser("root", "r@example.org", "pw"))
    anonymous = Client(enforce_csrf_checks=True)
    body = json.dumps({"title": "Injected", "person_name": "Injected", "value": 1})
    for reader in (anonymous, staff):
        for address in addresses:
            for method in ("post", "put", "patch", "delete"):
                response = getattr(reader, method)(
                    API + address, body, content_type="application/json"
                )
                where = (method, address, reader is staff)
                assert response.status_code in (403, 405), where
                assert response["Content-Type"] == "application/json", where
                assert json.loads(response.content)["detail"], where
    assert everything_stored() == before


def test_a_signed_in_editor_gets_exactly_what_an_anonymous_reader_gets(
    client, login_as, every_kind_of_record
):
    records = every_kind_of_record
    anonymous = Client()
    login_as("editor")  # `client` is now an editor, signed in
    assert client.get(records.private.url).status_code == 200, "the session is a real one"
    assert anonymous.get(records.private.url).status_code != 200
    addresses = [
        "cases/",
        f"cases/{records.case.pk}/",
        f"cases/{records.private.pk}/",
        "figures/",
        f"figures/{records.figure.pk}/",
        "figure-publications/",
        "statements/",
        f"statements/{records.statement.pk}/",
    ]
    for address in addresses:
        for language in ("en", "fr"):
            as_editor = client.get(API + address, {"language": language})
            as_reader = anonymous.get(API + address, {"language": language})
            assert as_editor.status_code == as_reader.status_code, address
            assert as_editor.content == as_reader.content, address
    listed = json.loads(anonymous.get(API + "cases/").content)["results"]
    assert sorted(case["name"] for case in listed) == ["Name withheld", "Published Pilar"]
    assert json.loads(client.get(API + "figures/").content)["results"][0]["value"] == 1700


def test_figures_show_what_readers_see_with_every_published_value(client):
    figure = ImpunityFigureFactory(
        ratio=True, name="Impunity ratio", as_of=datetime.date(2026, 11, 1)
    )
    figure.value, figure.out_of = 8, 10
    figure.save_revision().publish()
    figure.value = 7  # a draft: not what readers see
    figure.save_revision()
    ImpunityFigureFactory(name="Never published", live=False)

    response, body = api_get(client, "figures/")
    assert response.status_code == 200
    [shown] = body["results"]
    assert (shown["id"], shown["value"], shown["out_of"], shown["value_as_shown"]) == (
        figure.pk,
        8,
        10,
        "8 out of 10",
    )
    assert shown["source"] == "UNESCO Observatory of Killed Journalists"
    assert shown["as_of"] == "2026-11-01"
    assert [entry["value"] for entry in shown["history"]] == [9, 8]
    assert shown["widget_url"] == f"http://testserver/embed/figures/{figure.pk}/"
    assert body["about"]["licence"] == "CC BY 4.0"

    _response, record = api_get(client, "figure-publications/")
    assert [entry["value_as_shown"] for entry in record["results"]] == [
        "9 out of 10",
        "8 out of 10",
    ]
    assert "Never published" not in json.dumps(body) + json.dumps(record)


def test_a_figures_admin_name_is_in_no_public_output(client):
    """The name is "for the admin only" (staff may write "check with Ana before May"): the API,
    its schema and the record's downloads give the figure's id, never its name."""
    figure = ImpunityFigureFactory(name="Internal: check with Ana")
    figure.value = 1701
    figure.save_revision().publish()
    addresses = [
        f"{API}figures/",
        f"{API}figures/{figure.pk}/",
        f"{API}figure-publications/",
        f"{API}figure-publications/{figure.publications.first().pk}/",
        "/how-we-count/",
        "/how-we-count/csv/",
        "/how-we-count/json/",
        f"/embed/figures/{figure.pk}/",
    ]

    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        assert b"check with Ana" not in response.content, address
    schema = json.loads(client.get(API + "schema/", {"format": "json"}).content)["components"]
    for serializer in ("Figure", "FigureDetail", "Publication", "PublicationDetail"):
        fields = schema["schemas"][serializer]["properties"]
        assert "name" not in fields and "figure_name" not in fields, serializer
    record = json.loads(client.get("/how-we-count/json/").content)["publications"]
    assert [row["figure"] for row in record] == [figure.pk, figure.pk]


def test_statements_list_their_signatures_in_order(client, statement_index):
    member = OrganisationFactory(name="Member Org", is_member=True)
    statement = JointStatementPageFactory(parent=statement_index, title="End impunity now")
    statement.signatories.add(Signatory(organisation=member, sort_order=0))
    statement.signatories.add(
        Signatory(name="Friends of Press", url="https://example.org", sort_order=1)
    )
    statement.save_revision().publish()
    JointStatementPageFactory(parent=statement_index, title="Draft statement", live=False)

    _response, body = api_get(client, "statements/")
    [listed] = body["results"]
    assert listed["title"] == "End impunity now"
    assert listed["signatories"] == [
        {"name": "Member Org", "website": member.website, "member_of_the_network": True},
        {
            "name": "Friends of Press",
            "website": "https://example.org",
            "member_of_the_network": False,
        },
    ]


def test_a_listing_costs_the_same_queries_however_many_records(client, case_index, mexico):
    def queries_for_listing():
        with CaptureQueriesContext(connection) as queries:
            assert api_get(client, "cases/")[0].status_code == 200
        return len(queries)

    CasePageFactory(parent=case_index, country=mexico)
    api_get(client, "cases/")  # what is kept until content changes (years, the site)
    few = queries_for_listing()
    for _number in range(5):
        CasePageFactory(parent=case_index, country=mexico)
    api_get(client, "cases/")
    assert queries_for_listing() == few


def test_the_schema_is_valid_openapi_describing_this_api_only(client):
    response = client.get(API + "schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert sorted(schema["paths"]) == [
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/figure-publications/",
        "/api/v1/figure-publications/{id}/",
        "/api/v1/figures/",
        "/api/v1/figures/{id}/",
        "/api/v1/statements/",
        "/api/v1/statements/{id}/",
    ]
    listing = schema["components"]["schemas"]["PaginatedCaseList"]
    assert listing["required"][0] == "about", "a listing's licence and citation are documented"
    case_filters = {p["name"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert {"country", "region", "year", "role", "status", "language", "page"} <= case_filters

    _response, root = api_get(client, "")
    assert root["cases"] == "http://testserver/api/v1/cases/"
    assert root["schema"] == "http://testserver/api/v1/schema/"
    assert root["about"]["licence"] == "CC BY 4.0"


def test_in_another_language(client, case_index, mexico):
    """?language=fr: the French cases, countries and labels; a figure whose French translation is
    still a draft is the English one, as the stats blocks show it."""
    case = CasePageFactory(parent=case_index, person_name="Ana Example", country=mexico)
    translated(case, "fr", title="Ana Example (fr)")
    french_mexico = mexico.copy_for_translation(Locale.objects.get(language_code="fr"))
    french_mexico.name = "Mexique"
    french_mexico.save()
    english_figure = ImpunityFigureFactory(name="Killed since 2006")
    french_figure = english_figure.copy_for_translation(Locale.objects.get(language_code="fr"))
    french_figure.sentence = "journalistes tués depuis 2006."
    french_figure.live = False
    french_figure.save()

    _response, cases = api_get(client, "cases/", {"language": "fr"})
    [french_case] = cases["results"]
    assert french_case["country"] == "Mexique"
    assert french_case["status_label"] == "Impunité totale"
    assert french_case["url"].startswith("http://testserver/fr/")
    assert cases["about"]["source"].startswith("http://testserver/fr/")

    _response, figures = api_get(client, "figures/", {"language": "fr"})
    assert [figure["id"] for figure in figures["results"]] == [english_figure.pk]
    french_figure.save_revision().publish()
    _response, figures = api_get(client, "figures/", {"language": "fr"})
    assert [figure["sentence"] for figure in figures["results"]] == [
        "journalistes tués depuis 2006."
    ]
