from django.conf import settings
from django.db import migrations


def add_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for language_code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=language_code)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_site_settings"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(add_locales, migrations.RunPython.noop)]
