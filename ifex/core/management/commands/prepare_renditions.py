from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from ifex.core.renditions import prepare_public_renditions


class Command(BaseCommand):
    help = _("Make the renditions public pages use for every image, so no reader waits for them.")

    def handle(self, *args, **options):
        count = prepare_public_renditions(get_image_model().objects.all())
        self.stdout.write(_("Renditions ready for %(count)d images.") % {"count": count})
