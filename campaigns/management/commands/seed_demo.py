from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.models import HomePage

HOME_INTRO = (
    "Every day, citizens, journalists, artists and activists are harassed, tortured and killed "
    "for expressing themselves. In the majority of these cases, no one is punished. "
    "We're working to change this."
)


class Command(BaseCommand):
    help = _("Create the demo content when the site has none; run again, it changes nothing.")

    @transaction.atomic
    def handle(self, *args, **options):
        home = HomePage.objects.first()
        if home is None or home.revisions.exists():
            self.stdout.write(_("Demo content: already there, nothing changed."))
            return
        home.title = "IFEX: No Impunity"
        home.intro = HOME_INTRO
        home.save_revision().publish()
        self.stdout.write(_("Demo content: created."))
