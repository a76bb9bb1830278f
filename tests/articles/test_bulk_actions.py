"""Staff are offered only the bulk actions they may take on the pages listed."""

import pytest
from django.urls import reverse

from articles.factories import ArticlePageFactory, JointStatementPageFactory

pytestmark = pytest.mark.django_db


def bulk_action_url(action):
    return reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])


def listing(client, parent):
    return client.get(reverse("wagtailadmin_explore", args=[parent.pk])).content.decode()


def test_an_editor_is_offered_publish_for_articles_but_not_for_statements(
    client, login_as, article_index, statement_index
):
    ArticlePageFactory(parent=article_index)
    JointStatementPageFactory(parent=statement_index)
    login_as("editor")

    articles = listing(client, article_index)
    assert bulk_action_url("publish") in articles
    assert bulk_action_url("delete") in articles

    statements = listing(client, statement_index)
    assert 'data-bulk-action-footer="PAGE"' in statements
    for refused in ("publish", "unpublish", "delete", "move"):
        assert bulk_action_url(refused) not in statements, refused


def test_a_superuser_is_offered_every_bulk_action(admin_client, statement_index):
    JointStatementPageFactory(parent=statement_index)

    statements = listing(admin_client, statement_index)
    for action in ("publish", "unpublish", "delete", "move"):
        assert bulk_action_url(action) in statements, action
