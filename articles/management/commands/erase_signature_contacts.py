"""Erase the representatives' names and addresses SIGNATURE_CONTACT_RETENTION_DAYS after their
statement closed, and signatures never confirmed once their link has expired (a periodic job:
ifex/core/management/commands/run_periodic_jobs.py)."""

from django.core.management.base import BaseCommand

from articles.signing import erase_expired_contacts


class Command(BaseCommand):
    help = "Erase signatories' contact details kept past SIGNATURE_CONTACT_RETENTION_DAYS."

    def handle(self, *args, **options):
        erased = erase_expired_contacts()
        if erased:
            self.stdout.write(f"Contact details of {erased} signatures erased.")
