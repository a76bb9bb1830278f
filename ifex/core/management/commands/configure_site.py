from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from wagtail.models import Site


class Command(BaseCommand):
    help = _(
        "Name the default site and give it the address in SITE_URL, as the admin shows it "
        "(the first migration can only call it localhost)."
    )

    def handle(self, *args, **options):
        address = urlsplit(settings.WAGTAILADMIN_BASE_URL)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            self.stderr.write(_("No default site: nothing to configure."))
            return
        site.hostname = address.hostname or site.hostname
        site.port = address.port or (443 if address.scheme == "https" else 80)
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save()
        self.stdout.write(
            _("Site: %(name)s at %(host)s:%(port)s")
            % {"name": site.site_name, "host": site.hostname, "port": site.port}
        )
