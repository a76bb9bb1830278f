"""`manage.py import_cases FILE (--source cpj | --mapping NAME) [--dry-run] [--exported-on
YYYY-MM-DD]`: the review of what importing a monitor's export does (CPJ's, or a CSV read through
a column mapping staff saved in the admin) (cases/importing.py), then, unless --dry-run, the
write. One line each: rows read, added, changed, unchanged, rejected; then each rejected row
with its number and reason, and each change and conflict field by field."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases import importing
from cases.models import ColumnMapping


def export_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--exported-on {text!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Import cases from a monitor's export (CPJ's database of killed journalists)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--source", choices=sorted(importing.SOURCES))
        which.add_argument(
            "--mapping",
            metavar="NAME",
            help="A column mapping saved in the admin (Cases › Column mappings), by its name.",
        )
        parser.add_argument(
            "--exported-on",
            type=export_date,
            help="The date the source exported the file (the export itself does not say); "
            "today if not given.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Review only: write nothing.")

    def handle(self, *args, file, source, mapping, exported_on, dry_run, **options):
        if mapping is not None:
            saved = ColumnMapping.objects.filter(name=mapping).first()
            if saved is None:
                names = ", ".join(
                    ColumnMapping.objects.order_by("name").values_list("name", flat=True)
                )
                raise CommandError(
                    f"No column mapping is named {mapping!r}. Saved: {names or 'none'}."
                )
            source = saved.source_key
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        exported_on = exported_on or timezone.localdate()
        try:
            review = importing.review(data, source, exported_on)
        except importing.ImportRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(f"Source: {review.source.name}, export of {exported_on.isoformat()}")
        for line in review.summary_lines():
            self.stdout.write(line)
        for line in review.detail_lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing written.")
            return
        importing.write(review)
        self.stdout.write("Written.")
