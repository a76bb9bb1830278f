from django.core.management.base import BaseCommand

from ifex.core.mailing import resume_mailings


class Command(BaseCommand):
    help = "Start the mailings that are due, and resume those whose sender stopped."

    def handle(self, *args, **options):
        for mailing_id in resume_mailings():
            self.stdout.write(f"Mailing {mailing_id} queued.")
