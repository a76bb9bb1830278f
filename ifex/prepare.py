"""`make run`'s preparation before serving, in one process: the database's tables, the Site
record, static files, demo content, image renditions and demo logins. Each step in a process of
its own paid Django's start-up again (about 3 s each)."""

import sys

import django
from django.core.management import call_command
from django.core.management.base import CommandError

STEPS = (
    ("migrate", "--noinput"),
    ("configure_site",),
    ("collectstatic", "--noinput", "--verbosity", "0"),
    ("seed_demo",),
    ("prepare_renditions",),
    ("ensure_demo_users",),
)


def main() -> int:
    django.setup()
    for step in STEPS:
        try:
            call_command(*step)
        except CommandError as error:
            print(f"ifex: `manage.py {' '.join(step)}` failed: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
