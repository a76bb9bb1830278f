"""Publish what is scheduled and clear expired sessions, once for the whole deployment.

Every app server may run this from the same timer (cron, a systemd timer, `make run`): a
PostgreSQL advisory lock lets one run at a time and the others return at once. No server is
special, so none has to be kept alive for scheduled pages to go live, and a page published by
one run is no longer due when the next one looks.
"""

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any fixed 64-bit number, the same on every server: the lock's name.
PERIODIC_JOBS_LOCK = 0x1FE5_0001
JOBS = (
    "publish_scheduled",
    "clearsessions",
    "send_alerts",  # after publish_scheduled: a page it published is alerted at once
    "resume_mailings",
    "delete_unconfirmed_subscribers",
    "erase_signature_contacts",
)


def periodic_jobs() -> tuple[str, ...]:
    """The core's jobs, then those each app names in its AppConfig's `periodic_jobs`: the core
    knows no app's content."""
    named = (getattr(config, "periodic_jobs", ()) for config in apps.get_app_configs())
    return (*JOBS, *(job for jobs in named for job in jobs))


class Command(BaseCommand):
    help = "Run the periodic jobs (JOBS) unless another server is."

    def handle(self, *args, **options):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [PERIODIC_JOBS_LOCK])
            if not cursor.fetchone()[0]:
                self.stdout.write("Another server is running the periodic jobs.")
                return
            try:
                for job in periodic_jobs():
                    call_command(job, stdout=self.stdout, stderr=self.stderr)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [PERIODIC_JOBS_LOCK])
