"""The Cases section exists from the start, under the home page, and campaign staff keep it:
they add, edit and publish cases, as they do the figures."""

import importlib

from django.db import migrations
from django.utils import timezone

sections = importlib.import_module("campaigns.migrations.0004_site_sections")
roles = importlib.import_module("campaigns.migrations.0005_editorial_roles")


def create_case_section(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    CaseIndexPage = apps.get_model("cases", "CaseIndexPage")
    home = apps.get_model("campaigns", "HomePage").objects.order_by("path").first()
    if home is None:
        return
    index = CaseIndexPage.objects.order_by("path").first()
    siblings = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    if index is None and not siblings.filter(slug="cases").exists():
        content_type, _ = ContentType.objects.get_or_create(
            app_label="cases", model="caseindexpage"
        )
        index = CaseIndexPage.objects.create(
            title="Cases",
            draft_title="Cases",
            slug="cases",
            intro="Each person killed or attacked for what they said, and where their case stands.",
            content_type=content_type,
            path=sections.next_child_path(Page, home),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}cases/",
            locale_id=home.locale_id,
            live=True,
            show_in_menus=True,
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
        )
        Page.objects.filter(pk=home.pk).update(numchild=siblings.count())
    staff = Group.objects.filter(name=roles.CAMPAIGN_STAFF).first()
    if index is not None and staff is not None:
        roles.grant_page(apps, staff, index, ["add", "change", "publish", "lock"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("campaigns", "0016_figure_record_per_language"),
    ]

    operations = [migrations.RunPython(create_case_section, migrations.RunPython.noop)]
