"""Campaign staff may see the public record of the figures and add a correction note to a row.

No one may add or delete a row (campaigns/wagtail_hooks.py): the record only grows.
"""

from django.db import migrations

CAMPAIGN_STAFF = "Campaign staff"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    staff = Group.objects.filter(name=CAMPAIGN_STAFF).first()
    if staff is None:
        return
    content_type, _ = ContentType.objects.get_or_create(
        app_label="campaigns", model="figurepublication"
    )
    for action in ("view", "change"):
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_figurepublication",
            defaults={"name": f"Can {action} figure publication"},
        )
        staff.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0010_figure_corrections")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
