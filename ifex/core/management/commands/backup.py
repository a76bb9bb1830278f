from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ifex.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a timestamped archive of the database and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="where the archive goes (default: var/backups/)",
        )

    def handle(self, *args, folder, **options):
        try:
            archive = create_backup(Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backup written: {archive}")
        bucket = settings.STORAGES["default"].get("OPTIONS", {}).get("bucket_name")
        if bucket:
            self.stdout.write(
                f"Uploaded files are in the bucket {bucket}, not in this archive: "
                "keep them with the bucket's own versioning or replication."
            )
