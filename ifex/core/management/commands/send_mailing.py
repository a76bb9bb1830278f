from django.core.management.base import BaseCommand, CommandError

from ifex.core.mailing import send_mailing
from ifex.core.subscriptions import Mailing


class Command(BaseCommand):
    help = (
        "Send what is left of a mailing in this process (the background worker does it "
        "otherwise): resumes where a stopped sender left off, mailing no one twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("mailing_id", type=int)
        parser.add_argument("--batch-size", type=int, default=None)
        parser.add_argument("--rate", type=int, default=None, help="mails a minute; 0: no limit")

    def handle(self, *args, mailing_id, batch_size, rate, **options):
        if not Mailing.objects.filter(pk=mailing_id).exists():
            raise CommandError(f"There is no mailing {mailing_id}.")
        outcome = send_mailing(mailing_id, batch_size=batch_size, rate_per_minute=rate)
        mailing = Mailing.objects.get(pk=mailing_id)
        self.stdout.write(
            f"{outcome}: {mailing.sent_count} of {mailing.total} sent, "
            f"{mailing.failed_count} refused, {mailing.uncertain_count} maybe not sent."
        )
