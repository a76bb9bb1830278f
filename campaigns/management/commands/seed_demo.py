from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from campaigns.demo import build_demo_site, site_has_content
from ifex.core.bulk import indexes_updated_at_the_end


class Command(BaseCommand):
    help = _("Create the demo content when the site has none; run again, it changes nothing.")

    def handle(self, *args, **options):
        if site_has_content():
            self.stdout.write(_("Demo content: the site has content already, nothing changed."))
            return
        with indexes_updated_at_the_end():
            build_demo_site()
        self.stdout.write(_("Demo content: created."))
