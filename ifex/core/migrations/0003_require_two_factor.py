"""The permission a superuser gives a group to require two-factor sign-in of its members."""

from django.db import migrations


def create_permission(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    admin, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    Permission.objects.get_or_create(
        content_type=admin,
        codename="require_2fa",
        defaults={"name": "Must sign in with two factors"},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_regions"),
        ("wagtailadmin", "0003_admin_managed"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_permission, migrations.RunPython.noop)]
