"""Draft the weekly digest in each language (a periodic job): see articles/digest.py."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from articles.digest import draft_weekly_digests


class Command(BaseCommand):
    help = (
        "Draft the digest of the last whole week (or the week of --week) in each language "
        "with a digest index, unless that week was drafted before. Never publishes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", help="a day of the week to draft, as 2025-03-14")

    def handle(self, *args, week=None, **options):
        day = None
        if week:
            try:
                day = datetime.date.fromisoformat(week)
            except ValueError:
                raise CommandError(
                    f"--week takes a date such as 2025-03-14, not {week!r}."
                ) from None
        for line in draft_weekly_digests(day):
            self.stdout.write(line)
