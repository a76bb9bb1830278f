"""Fill the public record from the publish log entries and revisions written before it existed."""

import datetime

from django.db import migrations
from django.utils.formats import number_format

PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")


def shown(content):
    if content.get("kind") == "live" or content.get("value") is None:
        return ""
    value = number_format(content["value"], force_grouping=True)
    if content.get("kind") == "ratio":
        return f"{value} out of {number_format(content.get('out_of') or 0, force_grouping=True)}"
    return value


def backfill(apps, schema_editor):
    from campaigns.live_counts import LIVE_COUNTS

    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    FigurePublication = apps.get_model("campaigns", "FigurePublication")
    ImpunityFigure = apps.get_model("campaigns", "ImpunityFigure")
    content_type = ContentType.objects.filter(app_label="campaigns", model="impunityfigure").first()
    if content_type is None:
        return
    existing = set(ImpunityFigure.objects.values_list("pk", flat=True))
    entries = (
        ModelLogEntry.objects.filter(
            content_type=content_type, action__in=PUBLISH_ACTIONS, revision__isnull=False
        )
        .select_related("revision", "user")
        .order_by("timestamp", "pk")
    )
    for entry in entries:
        content = entry.revision.content
        figure_id = int(entry.object_id)
        live = LIVE_COUNTS.get(content.get("live_count")) if content.get("kind") == "live" else None
        FigurePublication.objects.create(
            figure_id=figure_id if figure_id in existing else None,
            figure_name=content.get("name", ""),
            kind=content.get("kind", "count"),
            value=content.get("value"),
            out_of=content.get("out_of"),
            display_value=shown(content),
            sentence=content.get("sentence", ""),
            source_name=content.get("source_name") or (str(live.source_name) if live else ""),
            source_url=content.get("source_url", ""),
            as_of=datetime.date.fromisoformat(content["as_of"]) if content.get("as_of") else None,
            method_note=content.get("method_note", ""),
            published_at=entry.timestamp,
            published_by=entry.user,
            published_by_name=entry.user.username if entry.user else "",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0007_figure_public_record"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
