import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from ifex.core.subscriptions import Subscriber


class Command(BaseCommand):
    help = "Delete signups not confirmed within SUBSCRIPTION_CONFIRM_HOURS."

    def handle(self, *args, **options):
        before = timezone.now() - datetime.timedelta(hours=settings.SUBSCRIPTION_CONFIRM_HOURS)
        deleted, _kinds = Subscriber.objects.unconfirmed_before(before).delete()
        if deleted:
            self.stdout.write(f"Deleted {deleted} unconfirmed signup record(s).")
