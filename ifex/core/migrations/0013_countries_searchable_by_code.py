"""Countries are found in the admin by their code too (Directory › Countries, ?q=NP): their
search entries are written again with it. Choosers filter countries and topics by language;
filters need no entry."""

from django.db import migrations


def index_codes(apps, schema_editor):
    # The model as it is now: the search backend writes what its search_fields say.
    from wagtail.search.backends import get_search_backend

    from ifex.core.models import Country

    get_search_backend().add_bulk(Country, Country.objects.all())


class Migration(migrations.Migration):
    dependencies = [
        # Arabic countries are indexed with the Arabic configuration: it must exist first.
        ("core", "0012_arabic_search_configuration"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(index_codes, migrations.RunPython.noop)]
