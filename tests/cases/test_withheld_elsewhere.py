"""A withheld name stays out of the other pages about the person too: an article, a statement or
a campaign that links to the case or is listed as one of its reports cannot be saved naming the
person (the error beside the field), and one that named them before the name was withheld is
shown to readers with the name taken out, wherever it shows: its page, its card, search, its
feed, the API. The case itself shows its redacted title wherever it is referred to, and lists
no report whose text names the person."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from campaigns.factories import CampaignPageFactory
from cases.factories import CasePageFactory
from cases.models import CasePage, CaseReport
from ifex.core.factories import stream_data
from tests.cases.test_withheld import assert_no_trace, edit_form, public_bytes
from tests.support import WITHHELD_NAME as NAME

pytestmark = pytest.mark.django_db


def link_to(case, text: str) -> str:
    return f'<p>Read about <a linktype="page" id="{case.pk}">{text}</a>.</p>'


def body_linking_to(case, text="the case") -> list:
    return stream_data([("paragraph", link_to(case, text))])


def texts_of(client, addresses: dict) -> dict[str, str]:
    responses = {where: client.get(address) for where, address in addresses.items()}
    assert all(response.status_code == 200 for response in responses.values()), responses
    return {where: response.content.decode() for where, response in responses.items()}


# Staff-written text on other pages: refused on save, beside the field


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", stream_data([("paragraph", "<p>Zorbane Quillfeather was followed.</p>")])),
        ("body", stream_data([("pull_quote", {"quote": "No", "attribution": "Quillfeather"})])),
        ("title", "Why Quillfeather was targeted"),
        ("teaser", "Zörbane had received threats."),
        ("seo_title", "The Quillfeather case"),
        ("search_description", "What happened to Zorbane"),
        ("slug", "zorbane-quillfeather-shot"),
        ("hero_caption", "Zorbane Quillfeather in 2019"),
    ],
)
@pytest.mark.parametrize("tie", ["link", "report"])
def test_a_page_about_a_withheld_case_cannot_name_the_person(
    withheld_case, article_index, tie, field, value
):
    page = ArticlePageFactory(
        parent=article_index, title="A reporter attacked", slug="a-reporter-attacked"
    )
    if tie == "link":
        page.body = body_linking_to(withheld_case)
        page.save_revision().publish()
    else:
        withheld_case.reports.add(CaseReport(page=page))
        withheld_case.save_revision().publish()
    if tie == "link" and field == "body":
        value = body_linking_to(withheld_case) + value  # the link stays, the name is added
    setattr(page, field, value)
    with pytest.raises(ValidationError) as refused:
        page.save_revision().publish()
    assert field in refused.value.message_dict


def test_the_link_text_to_a_withheld_case_cannot_name_the_person(
    withheld_case, statement_index, campaign_index
):
    for factory, parent in ((JointStatementPageFactory, statement_index),):
        with pytest.raises(ValidationError) as refused:
            factory(parent=parent, body=body_linking_to(withheld_case, "Zorbane Quillfeather"))
        assert "body" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        CampaignPageFactory(
            parent=campaign_index, body=body_linking_to(withheld_case, "Zorbane Quillfeather")
        )
    assert "body" in refused.value.message_dict


def test_a_page_about_no_withheld_case_may_use_the_words(withheld_case, article_index):
    page = ArticlePageFactory(parent=article_index, teaser="Quillfeather is a bird, here.")
    assert page.live


@pytest.mark.parametrize(
    ("field", "link_text", "teaser"),
    [
        ("teaser", "the case", "Zorbane Quillfeather had received threats."),
        ("body", "Zorbane Quillfeather", "A reporter had received threats."),
    ],
)
def test_the_admin_form_says_which_field_names_the_person(
    admin_client, withheld_case, article_index, field, link_text, teaser
):
    page = ArticlePageFactory(parent=article_index, body=body_linking_to(withheld_case))
    address, data = edit_form(admin_client, page)
    data["teaser"] = teaser
    body = streamfield([("paragraph", rich_text(link_to(withheld_case, link_text)))])
    response = admin_client.post(
        address,
        {**data, **nested_form_data({"body": body}), "action-publish": "action-publish"},
    )
    assert response.status_code == 200, "the form again, not a 500 and not saved"
    errors = response.context["form"].errors
    assert list(errors) == [field], errors
    assert "names a person whose name is withheld" in response.content.decode()
    assert not ArticlePageFactory._meta.model.objects.filter(teaser=teaser).exists()
    assert "Zorbane" not in str(page.get_latest_revision().content)


# What readers get of a page that named the person before the name was withheld


def test_a_page_that_named_the_person_before_the_withholding_does_not_name_them_to_readers(
    client, case_index, mexico, article_index, statement_index
):
    case = CasePageFactory(
        parent=case_index, title="Reporter attacked", person_name=NAME, country=mexico
    )
    naming = {
        "title": "Why Quillfeather was targeted",
        "teaser": "Zorbane Quillfeather had received threats about the quarry.",
        "hero_caption": "Zorbane at work",
        "body": stream_data(
            [
                ("paragraph", link_to(case, "Zorbane Quillfeather") + "<p>Zörbane said no.</p>"),
                ("pull_quote", {"quote": "They will not stop me.", "attribution": NAME}),
                ("heading", {"text": "Who is Quillfeather?", "level": "h2"}),
            ]
        ),
    }
    article = ArticlePageFactory(parent=article_index, slug="why-she-was-targeted", **naming)
    statement = JointStatementPageFactory(
        parent=statement_index, slug="free-the-reporter", **naming
    )
    case.name_withheld = True
    case.save_revision().publish()

    texts = texts_of(
        client,
        {
            "article": article.url,
            "statement": statement.url,
            "articles": article_index.url,
            "feed": article_index.url + "feed/",
            "search": "/search/?q=targeted",
            "home": "/",
            "statements API": "/api/v1/statements/",
            "statement API": f"/api/v1/statements/{statement.pk}/",
        },
    )
    assert_no_trace(texts, "Zorbane", "Zörbane", "Quillfeather")
    assert "Why … was targeted" in texts["article"]
    assert "Why … was targeted" in texts["articles"], "the card, with the name taken out"
    assert "Why … was targeted" in texts["search"]
    assert "They will not stop me." in texts["article"], "the rest of the text stays"
    assert json.loads(texts["statement API"])["title"] == "Why … was targeted"


def test_a_card_kept_from_before_the_withholding_is_drawn_again(
    client, case_index, mexico, article_index
):
    case = CasePageFactory(
        parent=case_index, title="Reporter attacked", person_name=NAME, country=mexico
    )
    ArticlePageFactory(
        parent=article_index,
        slug="threats",
        teaser="Quillfeather had received threats.",
        body=body_linking_to(case),
    )
    assert "Quillfeather had received threats." in client.get(article_index.url).content.decode()
    case.name_withheld = True
    case.save_revision().publish()
    assert_no_trace({"articles": client.get(article_index.url).content.decode()}, "Quillfeather")


# Reports: none whose text names the person is listed beside the case


def test_a_report_whose_body_names_the_person_is_not_listed_and_does_not_name_them(
    client, withheld_case, article_index
):
    report = ArticlePageFactory(
        parent=article_index,
        title="Attack on a reporter",
        slug="attack-on-a-reporter",
        teaser="A reporter was attacked.",
        body=stream_data([("paragraph", "<p>Zorbane Quillfeather was shot on Monday.</p>")]),
    )
    # As an import or a shell could write, with no save to check it:
    CaseReport.objects.create(case=withheld_case, page=report)
    texts = public_bytes(client, withheld_case)
    assert "Attack on a reporter" not in texts["page"]
    assert json.loads(texts["api"])["reports"] == []
    assert_no_trace({"report": client.get(report.url).content.decode()}, "Zorbane", "Quillfeather")


def test_a_case_refuses_a_report_whose_body_names_the_person(withheld_case, article_index):
    report = ArticlePageFactory(
        parent=article_index,
        title="Attack on a reporter",
        body=stream_data([("paragraph", "<p>Zorbane Quillfeather was shot on Monday.</p>")]),
    )
    withheld_case.reports.add(CaseReport(page=report))
    with pytest.raises(ValidationError) as refused:
        withheld_case.save_revision().publish()
    assert "Attack on a reporter" in str(refused.value)
    assert not CaseReport.objects.filter(page=report).exists()


# The case's own title, wherever the case is shown


def test_a_withheld_case_is_shown_with_its_redacted_title_wherever_it_is_referred_to(
    client, withheld_case, article_index
):
    report = ArticlePageFactory(
        parent=article_index, title="Attack on a reporter", slug="attack-on-a-reporter"
    )
    withheld_case.reports.add(CaseReport(page=report))
    withheld_case.save_revision().publish()
    # As an import or a shell could write, with no save to check it:
    CasePage.objects.filter(pk=withheld_case.pk).update(
        title="Zorbane Quillfeather attacked in Veracruz",
        teaser="Quillfeather was attacked.",
        seo_title="Quillfeather",
    )
    texts = texts_of(
        client,
        {
            "case": withheld_case.url,
            "cases": withheld_case.get_parent().url,
            "report": report.url,
            "search": "/search/?q=Veracruz",
            "sitemap": "/sitemap.xml",
            "api": "/api/v1/cases/",
        },
    )
    assert_no_trace(texts, "Zorbane", "Quillfeather")
    assert "… attacked in Veracruz" in texts["report"], "under “Cases this concerns”"
    assert "… attacked in Veracruz" in texts["cases"]
    assert "… attacked in Veracruz" in texts["search"]


# Addresses: a page about the person, its old addresses, its images' file names


def test_withholding_is_refused_while_a_page_about_the_case_has_the_name_in_its_address(
    withheld_case, case_index, mexico, article_index
):
    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    ArticlePageFactory(
        parent=article_index,
        title="A reporter shot",
        slug="zorbane-quillfeather-shot",
        body=body_linking_to(case),
    )
    case.name_withheld = True
    with pytest.raises(ValidationError) as refused:
        case.save_revision().publish()
    assert "A reporter shot" in str(refused.value), "the staff member is told which page"
    assert not CasePage.objects.get(pk=case.pk).name_withheld


def test_an_old_address_naming_the_person_leads_nowhere_once_the_name_is_withheld(
    client, case_index, mexico, article_index, django_capture_on_commit_callbacks
):
    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    article = ArticlePageFactory(
        parent=article_index, slug="zorbane-quillfeather-shot", body=body_linking_to(case)
    )
    old_address = article.url
    article.slug = "a-reporter-shot"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert client.get(old_address).status_code == 301, "Wagtail's redirect"
    case.name_withheld = True
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()
    assert client.get(old_address).status_code == 404


def test_a_redirect_naming_the_person_made_after_the_withholding_leads_nowhere(
    client, withheld_case, article_index, django_capture_on_commit_callbacks
):
    from wagtail.contrib.redirects.models import Redirect

    article = ArticlePageFactory(parent=article_index, body=body_linking_to(withheld_case))
    with django_capture_on_commit_callbacks(execute=True):
        Redirect.objects.create(old_path="/jose-quillfeather", redirect_page=article)
        Redirect.objects.create(old_path="/news/Zörbane", redirect_page=withheld_case)
    assert client.get("/jose-quillfeather/").status_code == 404
    assert client.get("/news/Zörbane/").status_code == 404


def image_in_file(file_name: str):
    from django.core.files.images import ImageFile

    from ifex.core.factories import SiteImageFactory, generated_picture

    return SiteImageFactory(
        title="A street", file=ImageFile(io.BytesIO(generated_picture()), name=file_name)
    )


def test_a_page_about_the_case_cannot_show_an_image_whose_file_names_the_person(
    withheld_case, article_index
):
    with pytest.raises(ValidationError) as refused:
        ArticlePageFactory(
            parent=article_index,
            body=body_linking_to(withheld_case),
            hero_image=image_in_file("zorbane_quillfeather_2019.jpg"),
        )
    assert "hero_image" in refused.value.message_dict
    withheld_case.hero_image = image_in_file("Quillfeather-portrait.jpg")
    with pytest.raises(ValidationError) as refused:
        withheld_case.save_revision().publish()
    assert "image's file name" in str(refused.value)


def test_an_image_whose_file_named_the_person_before_the_withholding_is_not_shown(
    client, case_index, mexico, article_index
):
    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    article = ArticlePageFactory(
        parent=article_index,
        slug="a-reporter-shot",
        body=body_linking_to(case),
        hero_image=image_in_file("quillfeather.jpg"),
    )
    assert "quillfeather" in client.get(article.url).content.decode()
    case.name_withheld = True
    case.save_revision().publish()
    # As an import or a shell could write, with no save to check it:
    CasePage.objects.filter(pk=case.pk).update(hero_image=image_in_file("Zorbane-at-work.jpg"))
    texts = texts_of(
        client,
        {"article": article.url, "articles": article_index.url, "case": case.url, "home": "/"},
    )
    assert_no_trace(texts, "Zorbane", "Quillfeather")


def test_renditions_whose_address_names_the_person_are_deleted_when_the_name_is_withheld(
    case_index, mexico, article_index, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    portrait = image_in_file("quillfeather-portrait.jpg")
    ArticlePageFactory(parent=article_index, body=body_linking_to(case), hero_image=portrait)
    named = portrait.get_rendition("width-100")
    unrelated = image_in_file("a-street.jpg").get_rendition("width-100")
    assert "quillfeather" in named.url and default_storage.exists(named.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        case.name_withheld = True
        case.save_revision().publish()

    assert not default_storage.exists(named.file.name), "served at an address naming them"
    assert not portrait.renditions.exists()
    assert default_storage.exists(unrelated.file.name)


# Whose names are withheld: kept by each worker, read by a new one with the site


def test_a_new_worker_reads_whose_names_are_withheld_with_the_site_in_one_query(
    rf, withheld_case, case_index, mexico
):
    import pickle

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.withheld import WITHHELD_NAMES_KEY, withheld_names
    from ifex.core.page_cache import KEPT_BY_WORKER
    from ifex.core.site_wide import read_together

    CasePageFactory(parent=case_index, person_name="Ana Lima", country=mexico)
    KEPT_BY_WORKER.clear()
    with CaptureQueriesContext(connection) as queries:
        read_together(rf.get("/"))
    assert len(queries) == 1
    assert pickle.loads(KEPT_BY_WORKER[WITHHELD_NAMES_KEY][1]) == {
        withheld_case.pk: frozenset({NAME})
    }
    with CaptureQueriesContext(connection) as queries:
        assert withheld_names() == {withheld_case.pk: frozenset({NAME})}
    assert len(queries) == 0


def test_withholding_a_name_is_known_to_the_worker_at_once(client, case_index, mexico):
    from cases.withheld import withheld_names

    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    assert withheld_names() == {}
    case.name_withheld = True
    case.save_revision().publish()
    assert withheld_names() == {case.pk: frozenset({NAME})}
    case.name_withheld = False
    case.save_revision().publish()
    assert withheld_names() == {}


# Translations made in wagtail-localize's editor, as a translator makes them over HTTP


@pytest.mark.parametrize("kind", ["the case", "an article about it"])
def test_a_translation_made_in_the_localize_editor_cannot_name_the_person(
    client, admin_client, withheld_case, article_index, django_capture_on_commit_callbacks, kind
):
    from wagtail.models import Locale, Page
    from wagtail_localize.models import StringSegment, Translation

    if kind == "the case":
        withheld_case.teaser = "A reporter was attacked."
        withheld_case.save_revision().publish()
        page = withheld_case
    else:
        page = ArticlePageFactory(
            parent=article_index,
            teaser="A reporter was attacked.",
            body=body_linking_to(withheld_case),
        )
    french = Locale.objects.get(language_code="fr")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [french.pk]})
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale=french
    )
    segment = StringSegment.objects.get(
        source=translation.source, string__data="A reporter was attacked."
    )
    typed = admin_client.put(
        f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
        "value=Jos%C3%A9+Quillfeather+a+%C3%A9t%C3%A9+attaqu%C3%A9.",
        content_type="application/x-www-form-urlencoded",
    )
    assert typed.status_code in (200, 201), typed.content
    target = Page.objects.get(translation_key=page.translation_key, locale=french)
    published = admin_client.post(
        f"/admin/pages/{target.pk}/edit/", {"action": "publish"}, follow=True
    )
    assert published.status_code == 200, "the editor again, not a 500"
    told = [str(message) for message in published.context["messages"]]
    assert any("validation errors" in message for message in told), told
    assert (
        not type(page)
        .objects.filter(
            translation_key=page.translation_key, locale=french, teaser__icontains="Quillfeather"
        )
        .exists()
    )
    french_pages = Page.objects.filter(locale=french, live=True).specific()
    texts = texts_of(client, {page.title: page.url for page in french_pages if page.url})
    texts.update(
        texts_of(client, {"api": "/api/v1/cases/?lang=fr", "search": "/fr/search/?q=attaqué"})
    )
    assert_no_trace(texts, "Quillfeather")


# Search and linked files: what a page about the person said before the withholding


def test_readers_search_does_not_find_a_page_about_the_person_by_the_name(
    client, case_index, mexico, article_index, django_capture_on_commit_callbacks
):
    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    ArticlePageFactory(
        parent=article_index,
        title="Threats before the attack",
        body=body_linking_to(case)
        + stream_data([("paragraph", "<p>Quillfeather had received threats.</p>")]),
    )
    assert "Threats before the attack" in client.get("/search/?q=Quillfeather").content.decode()
    case.name_withheld = True
    with django_capture_on_commit_callbacks(execute=True):
        case.save_revision().publish()
    for query in ("Quillfeather", "Zorbane", "quillfeather threats"):
        found = client.get("/search/", {"q": query}).content.decode()
        assert "Threats before the attack" not in found, query
    assert "Threats before the attack" in client.get("/search/?q=threats").content.decode()


def test_a_linked_document_whose_file_names_the_person_is_not_linked_to_readers(
    client, case_index, mexico, article_index
):
    from wagtail.models import Collection

    from tests.support import document_in

    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    document = document_in(Collection.get_first_root_node(), "zorbane-quillfeather-complaint")
    article = ArticlePageFactory(
        parent=article_index,
        slug="the-complaint",
        body=body_linking_to(case)
        + stream_data(
            [("paragraph", f'<p>Read <a linktype="document" id="{document.pk}">it</a>.</p>')]
        ),
    )
    assert "quillfeather" in client.get(article.url).content.decode()
    case.name_withheld = True
    case.save_revision().publish()
    texts = texts_of(client, {"article": article.url, "api": "/api/v1/statements/"})
    assert_no_trace(texts, "Zorbane", "Quillfeather")
    assert "Read it." in texts["article"] or "Read <a>it</a>." in texts["article"]


def body_with_files(case, image, document) -> list:
    return body_linking_to(case) + stream_data(
        [
            ("image", {"image": {"image": image.pk, "alt_text": "", "decorative": True}}),
            ("document", {"document": document.pk, "title": "The complaint"}),
            ("paragraph", "<p>The family filed a complaint.</p>"),
        ]
    )


def test_a_page_about_the_case_cannot_show_a_file_whose_name_names_the_person_in_its_body(
    withheld_case, article_index
):
    from wagtail.models import Collection

    from tests.support import document_in

    document = document_in(Collection.get_first_root_node(), "quillfeather-complaint")
    with pytest.raises(ValidationError) as refused:
        ArticlePageFactory(
            parent=article_index,
            body=body_with_files(withheld_case, image_in_file("street.jpg"), document),
        )
    assert "body" in refused.value.message_dict


def test_a_body_image_or_document_whose_file_named_the_person_before_the_withholding_is_not_shown(
    client, case_index, mexico, article_index
):
    from wagtail.models import Collection

    from tests.support import document_in

    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    document = document_in(Collection.get_first_root_node(), "quillfeather-complaint")
    article = ArticlePageFactory(
        parent=article_index,
        slug="the-complaint",
        body=body_with_files(case, image_in_file("zorbane-at-the-quarry.jpg"), document),
    )
    shown = client.get(article.url).content.decode()
    assert "zorbane-at-the-quarry" in shown and "quillfeather-complaint" in shown
    case.name_withheld = True
    case.save_revision().publish()
    texts = texts_of(client, {"article": article.url, "articles": article_index.url})
    assert_no_trace(texts, "Zorbane", "Quillfeather")
    assert "The family filed a complaint." in texts["article"], "the rest of the body stays"


def test_the_weekly_digest_does_not_name_the_person_on_its_page_or_in_its_mail(
    client, home, case_index, mexico, article_index
):
    from articles.digest_mail import digest_mail
    from articles.factories import DigestIndexPageFactory, DigestPageFactory

    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    article = ArticlePageFactory(
        parent=article_index,
        title="Why Quillfeather was targeted",
        slug="why-she-was-targeted",
        teaser="Zorbane had received threats.",
        body=body_linking_to(case),
    )
    index = DigestIndexPageFactory(parent=home, title="Weekly digest", slug="digest")
    issue = DigestPageFactory(
        parent=index, title="This week", stories=[("story", article)], intro="One piece."
    )
    case.name_withheld = True
    case.save_revision().publish()
    mail = digest_mail(issue)
    texts = {"mail": mail.text, "mail html": mail.html, "subject": mail.subject}
    texts.update(texts_of(client, {"page": issue.url, "feed": index.url + "feed/"}))
    assert_no_trace(texts, "Zorbane", "Quillfeather")
    assert "Why … was targeted" in mail.text, "the piece is still in the mail"


def test_an_alert_sent_after_the_withholding_does_not_name_the_person(
    smtp_inbox, case_index, mexico, article_index, django_capture_on_commit_callbacks
):
    from tests.ifex.test_subscriptions import alerts_sent, follower
    from tests.support import mail_body

    reader = follower("follows-mx@example.org", countries=[mexico])
    case = CasePageFactory(
        parent=case_index, title="Reporter shot", person_name=NAME, country=mexico
    )
    ArticlePageFactory(
        parent=article_index,
        title="Why Quillfeather was targeted",
        slug="why-she-was-targeted",
        teaser="Zorbane had received threats.",
        countries=[mexico],
        body=body_linking_to(case),
    )
    case.name_withheld = True
    case.save_revision().publish()
    alerts_sent(django_capture_on_commit_callbacks)
    mails = smtp_inbox.to(reader.email)
    assert "Why … was targeted" in " ".join(mail_body(mail) for mail in mails)
    for mail in mails:
        assert_no_trace({"alert": mail.as_string()}, "Zorbane", "Quillfeather")
