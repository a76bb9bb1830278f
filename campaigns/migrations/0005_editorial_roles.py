"""Editorial roles, created here so every site has them (never by hand).

- Editors: write and publish articles; write joint statements and submit them for review;
  manage images, documents, organisations, countries and topics.
- Campaign staff: edit and publish the impunity figures and campaign pages.
- Moderators: review joint statements in the "Joint statement review" workflow.
Only superusers manage users, groups and site settings.

Wagtail's first migrations make "Editors" and "Moderators" groups that may edit and publish
everything from the root, and put every page under a "Moderators approval" workflow. Those
defaults are replaced here: each group gets exactly the rights below, and only joint statements
go through review.
"""

from django.db import migrations

EDITORS = "Editors"
CAMPAIGN_STAFF = "Campaign staff"
MODERATORS = "Moderators"
WORKFLOW_NAME = "Joint statement review"
TASK_NAME = "Review"


def get_permission(apps, app_label, model, codename, name=None):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": name or f"Can {codename.replace('_', ' ')}"},
    )
    return permission


def grant_model(apps, group, app_label, model, actions):
    for action in actions:
        group.permissions.add(get_permission(apps, app_label, model, f"{action}_{model}"))


def grant_page(apps, group, page, actions):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    for action in actions:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page_id=page.pk,
            permission=get_permission(apps, "wagtailcore", "page", f"{action}_page"),
        )


def grant_collection(apps, group, app_label, model, actions):
    # Images are authorised against wagtailimages.Image even with a custom image model.
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root = Collection.objects.filter(depth=1).first()
    for action in actions:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=root,
            permission=get_permission(apps, app_label, model, f"{action}_{model}"),
        )


def reset(apps, group):
    group.permissions.clear()
    apps.get_model("wagtailcore", "GroupPagePermission").objects.filter(group=group).delete()
    apps.get_model("wagtailcore", "GroupCollectionPermission").objects.filter(group=group).delete()


def remove_site_wide_workflow(apps):
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    for workflow_page in WorkflowPage.objects.filter(page__depth=1).select_related("workflow"):
        workflow = workflow_page.workflow
        workflow_page.delete()
        if not WorkflowPage.objects.filter(workflow=workflow).exists():
            workflow.active = False
            workflow.save(update_fields=["active"])


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    staff, _ = Group.objects.get_or_create(name=CAMPAIGN_STAFF)
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    for group in (editors, staff, moderators):
        reset(apps, group)
    remove_site_wide_workflow(apps)
    access_admin = get_permission(apps, "wagtailadmin", "admin", "access_admin")
    for group in (editors, staff, moderators):
        group.permissions.add(access_admin)
        grant_collection(apps, group, "wagtailimages", "image", ["choose"])
        grant_collection(apps, group, "wagtaildocs", "document", ["choose"])
        for model in ("organisation", "country", "topic", "region"):
            grant_model(apps, group, "core", model, ["view"])

    grant_collection(apps, editors, "wagtailimages", "image", ["add", "change"])
    grant_collection(apps, editors, "wagtaildocs", "document", ["add", "change"])
    for model in ("organisation", "country", "topic"):
        grant_model(apps, editors, "core", model, ["add", "change", "delete"])
    grant_collection(apps, staff, "wagtailimages", "image", ["add", "change"])
    grant_model(
        apps,
        staff,
        "campaigns",
        "impunityfigure",
        ["view", "add", "change", "delete", "publish", "lock", "unlock"],
    )

    sections = {
        model: apps.get_model(app_label, model).objects.order_by("path").first()
        for app_label, model in (
            ("articles", "ArticleIndexPage"),
            ("articles", "StatementIndexPage"),
            ("campaigns", "CampaignIndexPage"),
        )
    }
    if sections["ArticleIndexPage"]:
        grant_page(apps, editors, sections["ArticleIndexPage"], ["add", "change", "publish", "lock"])
    if sections["StatementIndexPage"]:
        grant_page(apps, editors, sections["StatementIndexPage"], ["add", "change", "lock"])
        grant_page(apps, moderators, sections["StatementIndexPage"], ["change", "publish", "lock"])
        create_review_workflow(apps, moderators, sections["StatementIndexPage"])
    if sections["CampaignIndexPage"]:
        grant_page(
            apps, staff, sections["CampaignIndexPage"], ["add", "change", "publish", "lock"]
        )


def create_review_workflow(apps, moderators, statement_index):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    if WorkflowPage.objects.filter(page_id=statement_index.pk).exists():
        return
    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.add(moderators)
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.create(workflow=workflow, task_id=task.pk, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page_id=statement_index.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_site_sections"),
        ("core", "0002_regions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0003_admin_managed"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
