from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ifex.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore an archive from `backup` into an empty database and media folder."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz file that `make backup` wrote")

    def handle(self, *args, archive, **options):
        try:
            restore_backup(Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {archive}.")
