from django.core.management.base import BaseCommand

from ifex.core.alerts import send_alerts


class Command(BaseCommand):
    help = "Queue the alert mails that are due (at most one per reader per ALERT_INTERVAL_HOURS)."

    def handle(self, *args, **options):
        mailing = send_alerts()
        if mailing is not None:
            self.stdout.write(f"Alerts queued for {mailing.total} reader(s).")
