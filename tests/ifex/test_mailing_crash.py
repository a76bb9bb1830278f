"""A sender killed mid-batch (SIGKILL, as a worker dies with its machine) and resumed by another
process: no reader gets the mailing twice, and the one copy that may have gone is counted."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg
import pytest

from tests.support import BASE_DIR, Inbox, child_environment, scratch_database, smtp_server

READERS = 12
BATCH = 5
HELD = 8  # the sink takes this message in, then holds its answer until the sender is dead

SETUP = f"""
from django.utils import timezone
from ifex.core.subscriptions import Mailing, Subscriber
for n in range({READERS}):
    Subscriber.objects.create(
        email=f"reader{{n}}@example.org", language="en", wants_digest=True,
        confirmed_at=timezone.now(),
    )
mailing = Mailing.objects.create(
    kind="digest", renderer="tests.ifex.test_subscriptions.PlainDigest"
)
from ifex.core.mailing import audience
from ifex.core.subscriptions import Delivery
Delivery.objects.bulk_create(
    Delivery(mailing=mailing, subscriber=reader) for reader in audience(mailing)
)
Mailing.objects.filter(pk=mailing.pk).update(total={READERS}, status="queued")
print(mailing.pk)
"""


class HoldingInbox(Inbox):
    """Keeps message HELD, then leaves the sender waiting for the server's answer."""

    def __init__(self):
        super().__init__()
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if len(self.messages) == HELD:
            while not self.released.is_set():
                await asyncio.sleep(0.05)
        return answer


def manage(env, *arguments, **kwargs):
    return subprocess.Popen(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


def finished(process) -> str:
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output
    return output.strip()


def test_a_sender_killed_mid_batch_is_resumed_without_mailing_anyone_twice(
    migrated_template, tmp_path
):
    inbox = HoldingInbox()
    with smtp_server(inbox) as port, scratch_database(migrated_template) as url:
        env = child_environment(
            DJANGO_SETTINGS_MODULE="ifex.settings.production",
            DATABASE_URL=url,
            SECRET_KEY="crash-test-" + "x" * 40,
            ALLOWED_HOSTS="testserver",
            VAR_DIR=str(tmp_path),
            EMAIL_URL=f"smtp://127.0.0.1:{port}",
            MAIL_RATE_PER_MINUTE="0",
        )
        mailing_id = finished(manage(env, "shell", "-c", SETUP)).splitlines()[-1]

        sender = manage(env, "send_mailing", mailing_id, "--batch-size", str(BATCH))
        try:
            inbox.wait_for(HELD, timeout=60)
        finally:
            os.kill(sender.pid, signal.SIGKILL)
            sender.wait(timeout=30)
            inbox.released.set()

        # The database frees the dead sender's lock once it sees its connection gone.
        deadline = time.monotonic() + 30
        while True:
            resumed = manage(env, "send_mailing", mailing_id, "--batch-size", str(BATCH))
            outcome = finished(resumed).splitlines()[-1]
            if not outcome.startswith("busy") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert outcome.startswith("done"), outcome

        received = sorted(rcpt for rcpts, _message in inbox.messages for rcpt in rcpts)
        assert received == sorted(f"reader{n}@example.org" for n in range(READERS))
        with psycopg.connect(url) as connection:
            sent, uncertain, status = connection.execute(
                "SELECT sent_count, uncertain_count, status FROM core_mailing WHERE id = %s",
                [int(mailing_id)],
            ).fetchone()
    # Seven marked sent before the kill (5 + 2), four by the resumed sender; the eighth reached
    # the server, but its sender died before hearing so: counted as maybe not sent, not resent.
    assert (sent, uncertain, status) == (READERS - 1, 1, "done")


pytestmark = pytest.mark.django_db
