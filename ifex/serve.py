"""`make run`: start the database, prepare the site, and serve it with gunicorn until Ctrl-C.

Runs with the production settings (DEBUG off, WhiteNoise, hashed static files) over plain HTTP on
the loopback address. The secret key is generated once and kept in var/; DATABASE_URL, when set,
is used as it is and nothing embedded starts.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
HOST = "127.0.0.1"


def main() -> int:
    VAR_DIR.mkdir(exist_ok=True)
    port = read_port()
    if port is None:
        return 2
    if not port_is_free(port):
        print(f"ifex: port {port} is in use; stop what uses it, or run `make run PORT=8001`.")
        return 2
    configure_environment(port)

    from ifex.database import start_embedded

    server = None
    if not os.environ.get("DATABASE_URL"):
        server = start_embedded(Path(os.environ.get("EMBEDDED_PGDATA", VAR_DIR / "pgdata")))
        os.environ["DATABASE_URL"] = server.url
    try:
        subprocess.run([sys.executable, "-m", "ifex.prepare"], check=True, cwd=BASE_DIR)
        print_welcome(port)
        scheduler = ScheduledPublisher(int(os.environ.get("PUBLISH_SCHEDULED_EVERY", "60")))
        scheduler.start()
        worker = BackgroundWorker()
        worker.start()
        try:
            return serve(port)
        finally:
            scheduler.stop()
            worker.stop()
    except subprocess.CalledProcessError:
        print("ifex: preparing the site failed; see the lines above.")
        return 1
    finally:
        if server is not None:
            server.stop()


class ScheduledPublisher(threading.Thread):
    """Runs `manage.py run_periodic_jobs` (publish_scheduled, clearsessions) every so many
    seconds, so go-live dates just work. On a server, a cron job or systemd timer runs the same
    command instead (README.md); with several servers each may, one runs at a time."""

    def __init__(self, every_seconds: int):
        super().__init__(daemon=True, name="publish_scheduled")
        self.every_seconds = max(every_seconds, 1)
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(self.every_seconds):
            finished = subprocess.run(
                [sys.executable, str(BASE_DIR / "manage.py"), "run_periodic_jobs"],
                cwd=BASE_DIR,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
                # Out of the terminal's process group: Ctrl-C stops `make run`, and a run under
                # way finishes its few database writes instead of dying with a traceback.
                start_new_session=True,
            )
            if finished.returncode != 0:
                # A database outage fails every run alike: one line each, not a traceback.
                reason = (finished.stderr or "").strip().splitlines()[-1:] or ["no output"]
                print(f"ifex: periodic jobs failed: {reason[0]}", file=sys.stderr, flush=True)

    def stop(self):
        self.stopping.set()


class BackgroundWorker(threading.Thread):
    """Keeps one `manage.py db_worker --backend background` running: it makes image renditions
    after an upload or a publish, so no request waits for them. On a server it is a process of
    its own (README.md). A database outage ends it; it is started again, with one line said."""

    RESTART_AFTER_SECONDS = 5

    def __init__(self):
        super().__init__(daemon=True, name="db_worker")
        self.stopping = threading.Event()
        self.process = None

    def run(self):
        while not self.stopping.is_set():
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    str(BASE_DIR / "manage.py"),
                    "db_worker",
                    "--backend",
                    "background",
                ],
                cwd=BASE_DIR,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,  # stopped below, after gunicorn, not by Ctrl-C
            )
            if self.stopping.is_set():  # stop() came while it was starting
                self.process.terminate()
            errors = self.process.communicate()[1]
            if self.stopping.is_set():
                return
            reason = (errors or "").strip().splitlines()[-1:] or ["no output"]
            print(f"ifex: background worker stopped ({reason[0]}); restarting", file=sys.stderr)
            self.stopping.wait(self.RESTART_AFTER_SECONDS)

    def stop(self):
        self.stopping.set()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # it finishes the task under way
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.join(timeout=35)
        if self.process is not None and self.process.poll() is None:
            self.process.kill()


def read_port() -> int | None:
    raw = os.environ.get("PORT", "8000")
    if raw.isdigit() and 0 < int(raw) < 65536:
        return int(raw)
    print(f"ifex: PORT must be a number from 1 to 65535, not {raw!r}.")
    return None


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As gunicorn does: connections closing from an earlier run must not count as "in use".
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def configure_environment(port: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ifex.settings.production")
    os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    os.environ.setdefault("SECRET_KEY", read_or_create_secret(VAR_DIR / "secret_key"))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("HTTPS_ONLY", "false")
    if not (os.environ.get("EMAIL_URL") or os.environ.get("EMAIL_HOST")):
        os.environ["EMAIL_URL"] = f"file://{mail_dir()}"


def mail_dir() -> Path:
    """Where `make run` writes the mail it would send (one .log file per message)."""
    return VAR_DIR / "mail"


def read_or_create_secret(path: Path) -> str:
    if path.exists() and path.read_text().strip():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(50)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


def print_welcome(port: int) -> None:
    site = f"http://{HOST}:{port}"
    email_url = os.environ.get("EMAIL_URL", "")
    mail = (
        f"written to {email_url.removeprefix('file://')}/ (one file per message)"
        if email_url.startswith("file://")
        else "sent as EMAIL_URL / EMAIL_HOST say"
    )
    print(
        f"\n  Site:  {site}/\n  Admin: {site}/admin/\n  Mail:  {mail}\n  Stop:  Ctrl-C\n",
        flush=True,
    )


def serve(port: int) -> int:
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ifex.wsgi:application",
            "--config",
            "python:ifex.deploy.gunicorn",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "3"),
            "--access-logfile",
            "-",
            "--no-control-socket",
            "--forwarded-allow-ips",
            HOST,
        ],
        cwd=BASE_DIR,
        # Out of the terminal's process group: Ctrl-C would reach every worker as gunicorn's
        # quick shutdown, cutting a page off mid-write. The SIGTERM below lets them finish it.
        start_new_session=True,
    )

    def stop(signum, frame):
        # Gunicorn finishes the requests under way, then exits; the database stops after it.
        gunicorn.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return gunicorn.wait()


if __name__ == "__main__":
    sys.exit(main())
