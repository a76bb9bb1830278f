"""`make bench`'s mailing section: a weekly digest page mailed to 2,500 and then 10,000
subscribers through a local SMTP sink (aiosmtpd, in a process of its own), by the command the
background worker's task runs (`manage.py send_mailing`, production settings, no rate limit):
the time, the mails a second, and the sender's peak memory. The sender reads its list a batch
at a time, so its memory must stay flat as the list grows.

`python -m ifex.bench_mail` runs this section alone, on a database of its own
(ifex_bench_mail); `make bench` runs it on the bench's database after the pages.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

SIZES = (2_500, 10_000)
DIGEST_STORIES = 25  # about what a week brings
# The sender's peak memory at the larger list may exceed the smaller's by this much at most.
FLAT_MEMORY_RATIO = 1.10
BASE_DIR = Path(__file__).resolve().parent.parent

SETUP = """
import datetime
from django.db import connection, transaction
from django.utils import timezone
from articles.digest import DigestIndexPage, DigestPage, DigestSend
from articles.digest_mail import RENDERER
from articles.factories import ArticlePageFactory, DigestIndexPageFactory, DigestPageFactory
from articles.models import ArticleIndexPage, ArticlePage
from campaigns.models import HomePage
from ifex.core.mailing import start_mailing
from ifex.core.subscriptions import Mailing, Subscriber

STORIES = {stories}
Subscriber.objects.filter(email__endswith="@bench.invalid").delete()
digest = DigestPage.objects.filter(slug="bench-digest").first()
if digest is None:
    # A real weekly digest page: the week's articles, the site's own renderer writes the mail.
    home = HomePage.objects.first()
    index = DigestIndexPage.objects.first() or DigestIndexPageFactory(parent=home)
    articles = list(ArticlePage.objects.live().public().order_by("-date")[:STORIES])
    article_index = ArticleIndexPage.objects.first()
    for n in range(len(articles), STORIES):
        articles.append(ArticlePageFactory(
            parent=article_index,
            title=f"Article {{n}}: journalists in the region call for an independent inquiry",
            teaser="A two-sentence teaser, as editors write them for listings and the digest. "
            "It says what happened and why it matters to the network.",
        ))
    digest = DigestPageFactory(
        parent=index, title="Bench digest", slug="bench-digest",
        intro="The week's articles, as the site drafts the digest each week.",
        stories=[("story", page) for page in articles],
    )
sends = DigestSend.objects.filter(page=digest)
mailings = [send.mailing_id for send in sends]
sends.delete()
Mailing.objects.filter(pk__in=mailings).delete()
with connection.cursor() as cursor:
    cursor.execute(
        "INSERT INTO core_subscriber (email, language, wants_digest, wants_alerts, created_at, "
        "confirmed_at, secret, bounce_count) SELECT 'reader' || n || '@bench.invalid', 'en', "
        "true, false, now(), now(), md5(n::text), 0 FROM generate_series(1, %s) AS n",
        [{count}],
    )
with transaction.atomic():
    # What the editor's "Send now" makes (articles/digest_mail.py), but started here by hand
    # rather than by the worker: deliveries for the digest's readers, the sender not yet.
    mailing = Mailing.objects.create(
        kind=Mailing.Kind.DIGEST, language="en", renderer=RENDERER, page=digest,
        subject=digest.title,
    )
    DigestSend.objects.create(page=digest, mailing=mailing)
    start_mailing(mailing, at=timezone.now() + datetime.timedelta(days=365))
print(mailing.pk)
"""

COUNT = (
    "from ifex.core.subscriptions import Mailing; m = Mailing.objects.get(pk={id}); "
    "print(m.sent_count, m.total, m.status)"
)


def manage(env, *arguments) -> str:
    finished = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return finished.stdout.strip()


def start_sink(env) -> tuple[subprocess.Popen, int]:
    from ifex.bench import free_port

    port = free_port()
    sink = subprocess.Popen(
        [
            *(sys.executable, "-m", "aiosmtpd", "-n"),
            *("-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return sink, port
        time.sleep(0.1)
    raise RuntimeError("the SMTP sink did not start")


def send_and_measure(env, count: int) -> dict:
    mailing_id = manage(
        env, "shell", "-c", SETUP.format(count=count, stories=DIGEST_STORIES)
    ).splitlines()[-1]
    started = time.monotonic()
    sender = subprocess.Popen(
        [sys.executable, "manage.py", "send_mailing", mailing_id, "--rate", "0"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    # wait4 gives this one process's own peak resident memory (ru_maxrss, in KB on Linux).
    _pid, status, usage = os.wait4(sender.pid, 0)
    seconds = time.monotonic() - started
    sender.returncode = os.waitstatus_to_exitcode(status)
    output = sender.stdout.read().strip()
    if sender.returncode != 0:
        raise RuntimeError(f"send_mailing failed: {output}")
    print(f"   {output.splitlines()[-1]}", flush=True)
    counted = manage(env, "shell", "-c", COUNT.format(id=mailing_id)).splitlines()[-1]
    sent, total, state = counted.split()
    return {
        "subscribers": count,
        "sent": int(sent),
        "total": int(total),
        "status": state,
        "seconds": round(seconds, 1),
        "mails_per_second": round(int(sent) / seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def measure(env) -> dict:
    print("\n== mailing", flush=True)
    sink, port = start_sink(env)
    env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "MAIL_RATE_PER_MINUTE": "0"}
    try:
        runs = [send_and_measure(env, count) for count in SIZES]
    finally:
        sink.terminate()
        sink.wait(timeout=30)
    for run in runs:
        print(
            f"   {run['subscribers']} subscribers: {run['sent']} sent in {run['seconds']} s "
            f"({run['mails_per_second']}/s), sender peak {run['peak_rss_mb']} MB",
            flush=True,
        )
    return {"runs": runs}


def judge(figures) -> list[str]:
    from ifex.bench import verdict

    small, large = figures["runs"][0], figures["runs"][-1]
    verdicts = [
        verdict(
            run["sent"] == run["subscribers"] and run["status"] == "done",
            f"mailing to {run['subscribers']}: {run['sent']} sent, {run['status']}",
        )
        for run in figures["runs"]
    ]
    verdicts.append(
        verdict(
            large["peak_rss_mb"] <= FLAT_MEMORY_RATIO * small["peak_rss_mb"],
            f"mailing sender memory flat: {small['peak_rss_mb']} MB for {small['subscribers']}, "
            f"{large['peak_rss_mb']} MB for {large['subscribers']} (<= {FLAT_MEMORY_RATIO}x)",
        )
    )
    return verdicts


def render(figures) -> list[str]:
    lines = [
        "",
        f"A weekly digest page of {DIGEST_STORIES} articles, written by the site's own digest "
        "mail (articles/digest_mail.py, HTML and text parts, each reader's links and headers), "
        "through a local SMTP sink (aiosmtpd), by `manage.py send_mailing`, no rate limit:",
        "",
        "| subscribers | sent | seconds | mails/s | sender peak MB |",
        "|---:|---:|---:|---:|---:|",
    ]
    for run in figures["runs"]:
        lines.append(
            f"| {run['subscribers']} | {run['sent']} | {run['seconds']} | "
            f"{run['mails_per_second']} | {run['peak_rss_mb']} |"
        )
    return lines


def main() -> int:
    """This section alone, on a database of its own."""
    from ifex.bench import print_figures, section_environment

    with section_environment("ifex_bench_mail") as env:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        figures = measure(env)
    return print_figures(render(figures), judge(figures))


if __name__ == "__main__":
    sys.exit(main())
