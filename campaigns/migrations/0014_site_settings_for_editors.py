"""Editors change the site's name, description, footer and social links (the site settings)
without a deploy; users and groups stay with superusers. Each site gets its settings now, so
that no reader's request ever creates them (a save, which would empty the page cache)."""

from django.db import migrations

EDITORS = "Editors"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="core", model="sitesettings")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="change_sitesettings",
        defaults={"name": "Can change site settings"},
    )
    editors.permissions.add(permission)


def create_settings(apps, schema_editor):
    SiteSettings = apps.get_model("core", "SiteSettings")
    for site in apps.get_model("wagtailcore", "Site").objects.all():
        SiteSettings.objects.get_or_create(site=site)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0013_home_page_for_campaign_staff"),
        ("core", "0006_site_settings"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(create_settings, migrations.RunPython.noop),
    ]
