"""A joint statement goes out in dozens of organisations' names: it is reviewed first."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, TaskState, WorkflowState

from articles.factories import JointStatementPageFactory
from tests.campaigns.test_editorial_roles import statement_form

pytestmark = pytest.mark.django_db


def client_in_group(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(django_user_model):
    return client_in_group(django_user_model, "editor", "Editors")


@pytest.fixture
def moderator_client(django_user_model):
    return client_in_group(django_user_model, "moderator", "Moderators")


def submit(client, statement, title):
    url = reverse("wagtailadmin_pages:edit", args=[statement.pk])
    response = client.post(url, {**statement_form(statement, title), "action-submit": "1"})
    assert response.status_code == 302


def act(client, statement, action, comment=""):
    task_state = Page.objects.get(pk=statement.pk).specific.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[statement.pk, action, task_state.pk])
    response = client.post(url, {"comment": comment})
    assert response.status_code in (200, 302)


def test_statement_review_reject_resubmit_approve(
    editor_client, moderator_client, statement_index, client
):
    statement = JointStatementPageFactory(parent=statement_index, title="Draft", live=False)

    submit(editor_client, statement, "Call for justice")
    workflow_state = WorkflowState.objects.get(base_content_type__model="page")
    assert workflow_state.workflow.name == "Joint statement review"
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    act(moderator_client, statement, "reject", comment="Add the signatories from Asia first.")
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert TaskState.objects.filter(status=TaskState.STATUS_REJECTED).exists()
    assert "Add the signatories from Asia first." in (
        TaskState.objects.get(status=TaskState.STATUS_REJECTED).get_comment()
    )
    assert client.get(f"/statements/{statement.slug}/").status_code == 404

    submit(editor_client, statement, "Call for justice, with Asia")
    act(moderator_client, statement, "approve")

    statement = Page.objects.get(pk=statement.pk)
    assert statement.live
    assert statement.title == "Call for justice, with Asia"
    assert client.get(statement.url).status_code == 200


def test_editor_cannot_publish_a_statement_by_skipping_review(editor_client, statement_index):
    statement = JointStatementPageFactory(parent=statement_index, title="Draft", live=False)
    url = reverse("wagtailadmin_pages:edit", args=[statement.pk])
    editor_client.post(url, {**statement_form(statement, "Sneaked out"), "action-publish": "1"})
    assert not Page.objects.get(pk=statement.pk).live


def test_rejection_comment_reaches_the_editor_in_the_page_history(
    editor_client, moderator_client, statement_index
):
    statement = JointStatementPageFactory(parent=statement_index, live=False)
    submit(editor_client, statement, "Statement")
    act(moderator_client, statement, "reject", comment="Check the date.")
    history = editor_client.get(reverse("wagtailadmin_pages:history", args=[statement.pk]))
    assert history.status_code == 200
    assert b"Check the date." in history.content


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_the_moderator_is_told_what_their_decision_did(
    editor_client, moderator_client, statement_index
):
    statement = JointStatementPageFactory(parent=statement_index, title="Draft", live=False)
    submit(editor_client, statement, "Call for justice")
    task_state = Page.objects.get(pk=statement.pk).specific.current_workflow_task_state
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[statement.pk, "reject", task_state.pk]
    )
    landed = moderator_client.post(url, {"comment": "Add the signatories from Asia."}, follow=True)
    assert landed.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "Changes requested on “Call for justice”: the editor has been told." in messages_of(
        landed
    )
    assert "permission" not in landed.content.decode()

    edit_page = editor_client.get(reverse("wagtailadmin_pages:edit", args=[statement.pk]))
    html = edit_page.content.decode()
    assert "Add the signatories from Asia." in html
    assert "Changes requested by moderator" in html, "named as the moderator's"

    submit(editor_client, statement, "Call for justice")
    statement = Page.objects.get(pk=statement.pk).specific
    landed = moderator_client.post(
        reverse("wagtailadmin_pages:edit", args=[statement.pk]),
        {
            **statement_form(statement, "Call for justice"),
            "action-workflow-action": "1",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": "{}",
        },
        follow=True,
    )
    assert landed.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "Approved and published: “Call for justice”." in messages_of(landed)
    assert Page.objects.get(pk=statement.pk).live


def test_the_editor_is_mailed_changes_requested_in_the_admins_words(
    editor_client, moderator_client, statement_index, mailoutbox
):
    statement = JointStatementPageFactory(parent=statement_index, title="Draft", live=False)
    submit(editor_client, statement, "Call for justice")
    mailoutbox.clear()
    act(moderator_client, statement, "reject", comment="Add the signatories from Asia first.")

    (mail,) = [mail for mail in mailoutbox if mail.to == ["editor@example.org"]]
    expected = 'Changes requested on the page "Call for justice" (Joint statement review)'
    assert mail.subject == expected
    assert "rejected" not in mail.subject + mail.body
    assert "Add the signatories from Asia first." in mail.body


def test_a_reviewer_who_stops_a_review_tells_the_editor(
    editor_client, moderator_client, statement_index, mailoutbox
):
    statement = JointStatementPageFactory(parent=statement_index, title="Draft", live=False)
    submit(editor_client, statement, "Call for justice")
    mailoutbox.clear()
    url = reverse("wagtailadmin_pages:edit", args=[statement.pk])
    form = statement_form(statement, "Call for justice", **{"action-cancel-workflow": "1"})
    moderator_client.post(url, form)
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_CANCELLED

    (mail,) = [mail for mail in mailoutbox if mail.to == ["editor@example.org"]]
    assert mail.subject == 'Review stopped for "Call for justice" (Joint statement review)'
    assert "moderator has stopped the review" in mail.body
    assert f"/admin/pages/{statement.pk}/edit/" in mail.body
