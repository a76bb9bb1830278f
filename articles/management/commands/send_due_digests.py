"""Start the digest sends that are due (a periodic job): see articles/digest_mail.py."""

from django.core.management.base import BaseCommand

from articles.digest_mail import send_due_digests


class Command(BaseCommand):
    help = "Start each scheduled digest send whose time has come."

    def handle(self, *args, **options):
        for line in send_due_digests():
            self.stdout.write(line)
