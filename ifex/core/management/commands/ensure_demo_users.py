from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ifex.core.demo_logins import ensure_demo_user, read_logins, write_logins


class Command(BaseCommand):
    help = _("Create the demo administrator and one demo user per role (once); print the logins.")

    def handle(self, *args, **options):
        logins = read_logins()
        ensure_demo_user(
            "admin", logins, email="admin@example.org", is_staff=True, is_superuser=True
        )
        for username, group_name in settings.DEMO_ROLE_USERS.items():
            group = Group.objects.filter(name=group_name).first()
            if group is None:
                self.stderr.write(
                    _("No group %(group)s: skipped %(user)s.")
                    % {"group": group_name, "user": username}
                )
                continue
            user = ensure_demo_user(username, logins, email=f"{username}@example.org")
            user.groups.add(group)
        write_logins(logins)
        self.stdout.write(_("Demo logins (kept in var/demo-logins.json):"))
        for username, password in sorted(logins.items()):
            role = settings.DEMO_ROLE_USERS.get(username, _("administrator"))
            self.stdout.write(f"  {username} / {password}   ({role})")
