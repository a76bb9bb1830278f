from django.db import migrations

REGIONS = [
    ("africa", "Africa"),
    ("americas", "Americas"),
    ("asia-pacific", "Asia-Pacific"),
    ("europe-central-asia", "Europe and Central Asia"),
    ("middle-east-north-africa", "Middle East and North Africa"),
]


def create_regions(apps, schema_editor):
    Region = apps.get_model("core.Region")
    Locale = apps.get_model("wagtailcore.Locale")
    locale = Locale.objects.order_by("pk").first()
    for order, (slug, name) in enumerate(REGIONS):
        Region.objects.get_or_create(
            slug=slug, locale=locale, defaults={"name": name, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(create_regions, migrations.RunPython.noop),
    ]
