"""Who approves signatures made online: Moderators any, Editors those of the statements they
own (articles/signing.py, `SignatureQuerySet.moderated_by`)."""

from django.db import migrations

RIGHTS = {
    "Moderators": ("moderate_signatures", "Approve or reject any signature"),
    "Editors": (
        "moderate_own_statement_signatures",
        "Approve or reject signatures of own statements",
    ),
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _ = ContentType.objects.get_or_create(app_label="articles", model="signature")
    for group_name, (codename, name) in RIGHTS.items():
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        for group in Group.objects.filter(name=group_name):
            group.permissions.add(permission)


def withdraw(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="articles",
        codename__in=[codename for codename, _ in RIGHTS.values()],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_signing_online"),
        ("campaigns", "0005_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, withdraw)]
