"""Editors translate articles and statements, campaign staff their pages and figures (with
wagtail-localize, in the admin). wagtail-localize's own migration gives the right to whichever of
"Editors" and "Moderators" exist when it runs; here it is the same on every database: moderators
review translations, they do not make them."""

from django.db import migrations

TRANSLATORS = ["Editors", "Campaign staff"]


def grant(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permission = Permission.objects.get(
        content_type__app_label="wagtail_localize", codename="submit_translation"
    )
    for group in Group.objects.filter(name__in=TRANSLATORS):
        group.permissions.add(permission)
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0014_site_settings_for_editors"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
