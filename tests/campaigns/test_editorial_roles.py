"""Each role against each action, through the admin's own views (issue: editorial roles)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from articles.factories import ArticlePageFactory, JointStatementPageFactory
from campaigns.factories import CampaignPageFactory, ImpunityFigureFactory
from campaigns.models import ImpunityFigure
from tests.support import ROLES

pytestmark = pytest.mark.django_db


def news_form(page, title, **extra):
    data = nested_form_data(
        {
            "title": title,
            "slug": page.slug,
            "date": page.date.isoformat(),
            "teaser": page.teaser or "A teaser.",
            "body": streamfield([("paragraph", rich_text("<p>Body text.</p>"))]),
            "comments": inline_formset([]),
            **extra,
        }
    )
    return data


def statement_form(page, title, **extra):
    return news_form(page, title, signatories=inline_formset([]), **extra)


def campaign_form(page, title, **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": page.slug,
            "teaser": page.teaser,
            "intro": page.intro,
            "body": streamfield([]),
            "comments": inline_formset([]),
            **extra,
        }
    )


def figure_form(figure, **changes):
    data = {
        "name": figure.name,
        "kind": figure.kind,
        "value": figure.value,
        "out_of": figure.out_of or "",
        "live_count": figure.live_count,
        "sentence": figure.sentence,
        "source_name": figure.source_name,
        "source_url": figure.source_url,
        "as_of": figure.as_of.isoformat() if figure.as_of else "",
        "method_note": figure.method_note,
    }
    data.update(changes)
    return data


def live_title(page):
    return Page.objects.get(pk=page.pk).title


def draft_title(page):
    return Page.objects.get(pk=page.pk).get_latest_revision_as_object().title


# --- actions: each returns True when the role could do it -------------------------------


def edit_article(client, article_index, **_):
    article = ArticlePageFactory(parent=article_index, title="Original")
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    client.post(url, news_form(article, "Edited draft"))
    return draft_title(article) == "Edited draft"


def publish_article(client, article_index, **_):
    article = ArticlePageFactory(parent=article_index, title="Original")
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    client.post(url, {**news_form(article, "Published edit"), "action-publish": "publish"})
    return live_title(article) == "Published edit"


def delete_article(client, article_index, **_):
    article = ArticlePageFactory(parent=article_index)
    client.post(reverse("wagtailadmin_pages:delete", args=[article.pk]))
    return not Page.objects.filter(pk=article.pk).exists()


def create_statement(client, statement_index, **_):
    url = reverse(
        "wagtailadmin_pages:add", args=["articles", "jointstatementpage", statement_index.pk]
    )
    template = JointStatementPageFactory.build(slug="new-statement")
    client.post(url, statement_form(template, "New statement"))
    return Page.objects.child_of(statement_index).filter(slug="new-statement").exists()


def publish_statement(client, statement_index, **_):
    statement = JointStatementPageFactory(parent=statement_index, title="Original")
    url = reverse("wagtailadmin_pages:edit", args=[statement.pk])
    client.post(url, {**statement_form(statement, "Published edit"), "action-publish": "1"})
    return live_title(statement) == "Published edit"


def delete_statement(client, statement_index, **_):
    statement = JointStatementPageFactory(parent=statement_index)
    client.post(reverse("wagtailadmin_pages:delete", args=[statement.pk]))
    return not Page.objects.filter(pk=statement.pk).exists()


def unpublish_statement(client, statement_index, **_):
    statement = JointStatementPageFactory(parent=statement_index)
    client.post(reverse("wagtailadmin_pages:unpublish", args=[statement.pk]))
    return not Page.objects.get(pk=statement.pk).live


def change_figures(client, **_):
    figure = ImpunityFigureFactory(value=1700)
    url = reverse("wagtailsnippets_campaigns_impunityfigure:edit", args=[figure.pk])
    client.post(url, figure_form(figure, value=1800))
    figure.refresh_from_db()
    return figure.latest_revision is not None and figure.latest_revision.content["value"] == 1800


def publish_figures(client, **_):
    figure = ImpunityFigureFactory(value=1700)
    url = reverse("wagtailsnippets_campaigns_impunityfigure:edit", args=[figure.pk])
    client.post(url, {**figure_form(figure, value=1800), "action-publish": "1"})
    return ImpunityFigure.objects.get(pk=figure.pk).value == 1800


def edit_campaign_page(client, campaign_index, **_):
    campaign = CampaignPageFactory(parent=campaign_index, title="Original")
    client.post(
        reverse("wagtailadmin_pages:edit", args=[campaign.pk]), campaign_form(campaign, "Draft")
    )
    return draft_title(campaign) == "Draft"


def publish_campaign_page(client, campaign_index, **_):
    campaign = CampaignPageFactory(parent=campaign_index, title="Original")
    client.post(
        reverse("wagtailadmin_pages:edit", args=[campaign.pk]),
        {**campaign_form(campaign, "Published"), "action-publish": "1"},
    )
    return live_title(campaign) == "Published"


def publish_home_page(client, article_index, **_):
    home = article_index.get_parent().specific
    form = nested_form_data(
        {
            "title": "Home, edited",
            "slug": home.slug,
            "teaser": home.teaser,
            "body": streamfield([]),
            "comments": inline_formset([]),
            "action-publish": "1",
        }
    )
    client.post(reverse("wagtailadmin_pages:edit", args=[home.pk]), form)
    return live_title(home) == "Home, edited"


def unpublish_home_page(client, article_index, **_):
    home = article_index.get_parent()
    client.post(reverse("wagtailadmin_pages:unpublish", args=[home.pk]))
    return not Page.objects.get(pk=home.pk).live


def approve_statement(client, statement_index, django_user_model, **_):
    author = django_user_model.objects.create_user("author", "a@example.org", "pw")
    statement = JointStatementPageFactory(parent=statement_index, title="Awaiting review")
    revision = statement.save_revision(user=author)
    workflow = statement.get_workflow()
    workflow.start(statement, author)
    task_state = statement.current_workflow_task_state
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[statement.pk, "approve", task_state.pk]
    )
    client.post(url, {"comment": ""})
    statement.refresh_from_db()
    return statement.live_revision_id == revision.pk


def manage_users(client, **_):
    return client.get(reverse("wagtailusers_users:index")).status_code == 200


ALLOWED = {
    # action: the roles that may do it
    edit_article: {"editor"},
    publish_article: {"editor"},
    delete_article: {"editor"},
    create_statement: {"editor"},
    # Moderators decide through the review task only: never a direct publish, unpublish or delete.
    publish_statement: set(),
    unpublish_statement: set(),
    delete_statement: set(),
    approve_statement: {"moderator"},
    change_figures: {"campaigner"},
    publish_figures: {"campaigner"},
    edit_campaign_page: {"campaigner"},
    publish_campaign_page: {"campaigner"},
    # The home page alone (its figures and campaign blocks): not the pages below it, above.
    publish_home_page: {"campaigner"},
    unpublish_home_page: set(),
    manage_users: set(),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ALLOWED, ids=lambda action: action.__name__)
def test_permission_matrix(
    role,
    action,
    login_as,
    client,
    article_index,
    statement_index,
    campaign_index,
    django_user_model,
):
    login_as(role)
    could = action(
        client,
        article_index=article_index,
        statement_index=statement_index,
        campaign_index=campaign_index,
        django_user_model=django_user_model,
    )
    assert could == (role in ALLOWED[action])


def test_superuser_manages_users(admin_client):
    assert admin_client.get(reverse("wagtailusers_users:index")).status_code == 200


def test_only_joint_statements_go_through_review(article_index, statement_index, campaign_index):
    assert statement_index.get_workflow().name == "Joint statement review"
    assert article_index.get_workflow() is None
    assert campaign_index.get_workflow() is None


# Every right each role holds, pinned: a migration or a hand edit that widens one fails here.
EXPECTED_PERMISSIONS = {
    "Editors": {
        "global": {
            "wagtailadmin.access_admin",
            *(
                f"core.{action}_{model}"
                for model in ("organisation", "country", "topic")
                for action in ("add", "change", "delete", "view")
            ),
            "core.view_region",
            "core.change_sitesettings",
            "wagtail_localize.submit_translation",
            "articles.moderate_own_statement_signatures",
        },
        "pages": {
            ("articles", "add"),
            ("articles", "change"),
            ("articles", "publish"),
            ("articles", "lock"),
            ("statements", "add"),
            ("statements", "change"),
            ("statements", "lock"),
        },
        "collections": {
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.choose_image",
            "wagtaildocs.add_document",
            "wagtaildocs.change_document",
            "wagtaildocs.choose_document",
        },
    },
    "Campaign staff": {
        "global": {
            "wagtailadmin.access_admin",
            *(f"core.view_{model}" for model in ("organisation", "country", "topic", "region")),
            *(
                f"campaigns.{action}_impunityfigure"
                for action in ("view", "add", "change", "delete", "publish", "lock", "unlock")
            ),
            "campaigns.view_figurepublication",
            "campaigns.change_figurepublication",
            "campaigns.edit_home_page",
            "wagtail_localize.submit_translation",
            "cases.import_cases",
        },
        "pages": {
            *(
                (section, action)
                for section in ("campaigns", "cases")
                for action in ("add", "change", "publish", "lock")
            ),
        },
        "collections": {
            "wagtailimages.add_image",
            "wagtailimages.change_image",
            "wagtailimages.choose_image",
            "wagtaildocs.choose_document",
        },
    },
    "Moderators": {
        "global": {
            "wagtailadmin.access_admin",
            *(f"core.view_{model}" for model in ("organisation", "country", "topic", "region")),
            "articles.moderate_signatures",
        },
        "pages": set(),
        "collections": {"wagtailimages.choose_image", "wagtaildocs.choose_document"},
    },
}


def permission_names(permissions):
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


@pytest.mark.parametrize("group_name", EXPECTED_PERMISSIONS)
def test_each_group_holds_exactly_its_permissions(group_name, home):
    group = Group.objects.get(name=group_name)
    expected = EXPECTED_PERMISSIONS[group_name]
    sections = {page.pk: page.slug for page in home.get_children()}

    assert permission_names(group.permissions.all()) == expected["global"]
    assert {
        (sections.get(grant.page_id, grant.page_id), grant.permission.codename.split("_")[0])
        for grant in group.page_permissions.select_related("permission")
    } == expected["pages"]
    assert {
        f"{grant.permission.content_type.app_label}.{grant.permission.codename}"
        for grant in group.collection_permissions.select_related("permission__content_type")
    } == expected["collections"]
    assert not group.collection_permissions.exclude(collection__depth=1).exists()
