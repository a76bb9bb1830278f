"""Campaign staff may edit and publish the home page (its figures and campaign blocks), and no
page below it: campaigns/permissions.py."""

from django.db import migrations

CAMPAIGN_STAFF = "Campaign staff"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    staff = Group.objects.filter(name=CAMPAIGN_STAFF).first()
    if staff is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="campaigns", model="homepage")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="edit_home_page",
        defaults={"name": "Can edit and publish the home page (only)"},
    )
    staff.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0012_rich_text_editing")]

    operations = [
        migrations.AlterModelOptions(
            name="homepage",
            options={
                "permissions": [
                    ("edit_home_page", "Can edit and publish the home page (only)")
                ],
                "verbose_name": "home page",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
