"""Moderators approve or reject joint statements through the review task, and nothing else.

0005 also gave them change, publish and lock on the statement index, so a moderator could publish
a statement directly, skipping review, or unpublish a live one. The review task itself lets its
group open, approve and reject what is submitted to it.
"""

from django.db import migrations

MODERATORS = "Moderators"


def review_only(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(group__name=MODERATORS).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0005_editorial_roles")]

    operations = [migrations.RunPython(review_only, migrations.RunPython.noop)]
