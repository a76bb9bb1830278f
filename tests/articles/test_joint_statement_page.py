import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from articles.factories import JointStatementPageFactory
from articles.models import Signatory
from ifex.core.factories import OrganisationFactory
from tests.campaigns.test_editorial_roles import news_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(statement_index):
    return JointStatementPageFactory(parent=statement_index, title="Call for justice")


def sign(statement, *signatories):
    statement.signatories = list(signatories)
    statement.save_revision().publish()


def test_signature_count_is_counted_from_the_list(client, statement):
    member = OrganisationFactory(name="PEN International", website="https://pen.example/")
    sign(statement, Signatory(organisation=member), Signatory(name="Local Group", url=""))
    html = client.get(statement.url).content.decode()
    assert "Signed by 2 organisations" in html
    assert '<a href="https://pen.example/" rel="noopener">PEN International</a>' in html
    assert "<li>Local Group</li>" in html


def test_signature_count_follows_a_removed_signatory(client, statement):
    sign(statement, Signatory(name="One"), Signatory(name="Two"), Signatory(name="Three"))
    sign(statement, Signatory(name="One"))
    assert "Signed by 1 organisation<" in client.get(statement.url).content.decode()


def test_signatory_is_either_an_organisation_or_a_name(statement):
    with pytest.raises(ValidationError):
        Signatory(page=statement).clean()
    with pytest.raises(ValidationError):
        Signatory(page=statement, organisation=OrganisationFactory(), name="Also typed").clean()
    Signatory(page=statement, name="A group").clean()


def test_listing_shows_the_signature_count(client, statement_index, statement):
    sign(statement, *(Signatory(name=f"Group {n}") for n in range(5)))
    html = client.get(statement_index.url).content.decode()
    assert "Signed by 5 organisations" in html


def test_signed_pdf_is_offered_for_download(client, statement):
    from wagtail.models import Collection
    from wagtail_factories import DocumentFactory

    document = DocumentFactory(
        title="Signed", collection=Collection.get_first_root_node(), file__filename="signed.pdf"
    )
    statement.signed_text = document
    statement.save_revision().publish()
    html = client.get(statement.url).content.decode()
    assert f'href="{document.url}">Download the signed statement</a>' in html


def test_the_signed_text_must_be_a_pdf(statement):
    from wagtail.models import Collection
    from wagtail_factories import DocumentFactory

    statement.signed_text = DocumentFactory(
        collection=Collection.get_first_root_node(), file__filename="notes.txt"
    )
    with pytest.raises(ValidationError) as refused:
        statement.full_clean()
    assert "PDF" in str(refused.value.message_dict["signed_text"])


def test_a_preview_lists_the_signatures_as_edited(admin_client, client, statement):
    member = OrganisationFactory(name="PEN International", website="https://pen.example/")
    sign(statement, Signatory(organisation=member))
    signed = Signatory.objects.get(page=statement)
    edited = [
        {"id": signed.pk, "organisation": member.pk, "name": "", "url": "", "ORDER": 2},
        {
            "id": "",
            "organisation": "",
            "name": "Newly Signed Group",
            "url": "https://new.example/",
            "ORDER": 1,
        },
    ]
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[statement.pk])
    form = news_form(statement, statement.title, signatories=inline_formset(edited, initial=1))
    assert admin_client.post(url, form).json()["is_valid"]

    preview = admin_client.get(url).content.decode()
    assert "Signed by 2 organisations" in preview
    newly, member_link = (
        '<li><a href="https://new.example/" rel="noopener">Newly Signed Group</a></li>',
        '<li><a href="https://pen.example/" rel="noopener">PEN International</a></li>',
    )
    assert preview.index(newly) < preview.index(member_link), "in the order the editor set"
    assert "Newly Signed Group" not in client.get(statement.url).content.decode()
