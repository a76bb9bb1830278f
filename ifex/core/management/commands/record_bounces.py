import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from ifex.core.subscriptions import Subscriber, normalise_email


class Command(BaseCommand):
    help = (
        "Count a bounce for each address given (or read one per line from standard input): "
        "after MAIL_BOUNCE_LIMIT, nothing more is sent to it. Feed it the addresses your mail "
        "provider or your bounce mailbox reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("addresses", nargs="*")

    def handle(self, *args, addresses, **options):
        addresses = addresses or [line for line in sys.stdin.read().split() if line]
        for address in addresses:
            subscriber = Subscriber.objects.filter(email=normalise_email(address)).first()
            if subscriber is None:
                self.stdout.write(f"{address}: not a subscriber")
                continue
            stopped = subscriber.record_bounce()
            state = "sending stopped" if stopped else f"limit {settings.MAIL_BOUNCE_LIMIT}"
            self.stdout.write(f"{address}: {subscriber.bounce_count} bounce(s), {state}")
