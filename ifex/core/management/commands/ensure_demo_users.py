from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ifex.core.demo_logins import ensure_demo_user, read_logins, write_logins


class Command(BaseCommand):
    help = _("Create the demo administrator (once) and print the demo logins kept in var/.")

    def handle(self, *args, **options):
        logins = read_logins()
        ensure_demo_user(
            "admin",
            logins,
            email="admin@example.org",
            is_staff=True,
            is_superuser=True,
        )
        write_logins(logins)
        self.stdout.write(_("Demo logins (kept in var/demo-logins.json):"))
        for username, password in sorted(logins.items()):
            self.stdout.write(f"  {username} / {password}")
