"""A new page in the admin: autosave while it is still incomplete, and a draft left behind by a
session that ended mid-edit (issue 25, item 12)."""

import html

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from articles.factories import ArticlePageFactory
from articles.models import ArticlePage

pytestmark = pytest.mark.django_db

AS_AUTOSAVE = {"HTTP_ACCEPT": "application/json"}


def new_article(title, slug="", **extra):
    """The add form as the browser sends it; only the title and the address filled in."""
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "date": "2026-12-05",
            "teaser": "",
            "body": streamfield([]),
            "comments": inline_formset([]),
            **extra,
        }
    )


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["articles", "articlepage", parent.pk])


def test_autosaving_a_new_page_before_it_has_a_title_is_no_error(client, login_as, article_index):
    """Wagtail 8 autosaves a page being created; before the title (the one field a draft
    cannot be without) is given, its answer was a 400, one console error a pause in typing."""
    login_as("editor")

    waiting = client.post(add_url(article_index), new_article(""), **AS_AUTOSAVE)

    assert waiting.status_code == 200
    assert waiting.json()["success"] is False
    assert "title" in waiting.json()["error_message"]
    assert not ArticlePage.objects.exists()

    saved = client.post(
        add_url(article_index), new_article("Raid on a newsroom", "raid"), **AS_AUTOSAVE
    )
    assert saved.status_code == 200
    assert saved.json()["success"] is True
    draft = ArticlePage.objects.get(slug="raid")
    assert not draft.live  # required to publish (the teaser) but not to keep a draft


def test_a_new_page_whose_title_is_given_is_saved_as_before(client, login_as, article_index):
    login_as("editor")

    saved = client.post(add_url(article_index), new_article("Raid", "raid"), **AS_AUTOSAVE)

    assert saved.json()["success"] is True
    assert saved.json()["url"] == reverse("wagtailadmin_pages:edit", args=[saved.json()["pk"]])


def slug_message(response):
    return " ".join(str(error) for error in response.context["form"].errors["slug"])


def test_an_address_in_use_by_a_draft_links_to_the_draft(client, login_as, article_index):
    """A session that ended mid-edit leaves the autosaved draft: writing the page again gives
    its address, and the refusal leads to the draft instead of a dead end."""
    editor = login_as("editor")
    left = ArticlePageFactory(parent=article_index, title="Raid on a newsroom", slug="raid")
    left.unpublish()
    left.owner = editor
    left.save()

    again = client.post(add_url(article_index), new_article("Raid on a newsroom", "raid"))

    assert again.status_code == 200
    message = slug_message(again)
    edit = reverse("wagtailadmin_pages:edit", args=[left.pk])
    assert f'href="{edit}"' in message
    assert "Raid on a newsroom" in html.unescape(message)
    assert f'href="{edit}"' in again.content.decode()  # shown on the form, not escaped
    assert ArticlePage.objects.count() == 1


def test_the_link_is_only_for_who_may_edit_the_page(client, django_user_model, article_index):
    """Someone who may add articles but edit only their own (Wagtail's "add" right) is told the
    address is taken, by which page, and given no link they could not follow."""
    writers = Group.objects.create(name="Guest writers")
    GroupPagePermission.objects.create(group=writers, page=article_index, permission_type="add")
    writers.permissions.add(
        *Group.objects.get(name="Editors").permissions.filter(codename="access_admin")
    )
    guest = django_user_model.objects.create_user("guest", "guest@example.org", "pw")
    guest.groups.add(writers)
    client.force_login(guest)
    someone_elses = ArticlePageFactory(
        parent=article_index, title="Raid on a newsroom", slug="raid"
    )

    again = client.post(add_url(article_index), new_article("Raid", "raid"))

    assert again.status_code == 200
    message = html.unescape(slug_message(again))
    assert "Raid on a newsroom" in message
    assert "href" not in message
    assert reverse("wagtailadmin_pages:edit", args=[someone_elses.pk]) not in again.content.decode()
    assert Page.objects.filter(slug="raid").count() == 1
