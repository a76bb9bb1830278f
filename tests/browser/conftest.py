"""Browser tests: Debian's Chromium, driven by Playwright, against the site as `make run` serves
it (gunicorn, production settings, demo content) on a database of its own."""

import os
from pathlib import Path

import pytest

from tests.support import BASE_DIR

# Playwright's sync API keeps an event loop in this thread; the ORM tests that run after the
# browser tests would otherwise be refused. Child processes never inherit it (tests/support.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = BASE_DIR / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (make browser).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def site_url(demo_site):
    return demo_site.base


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
