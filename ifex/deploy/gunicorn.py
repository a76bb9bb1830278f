"""gunicorn's settings for the site (`gunicorn -c python:ifex.deploy.gunicorn ...`).

The site is loaded once, before gunicorn listens (`preload_app`), and each new worker renders
the home page once before it takes a request. A reader arriving as the server starts used to
wait while every worker imported Django and Wagtail (4.7 s for the first page after a start);
now the port opens when the site is loaded, and the first page takes under a second.

What is loaded then lives as long as the process: it is frozen out of the garbage collector's
reach (`gc.freeze`), in the master before it forks and in each worker once warm. A full
collection walked those 220,000 objects every few dozen requests, about 6 ms a request on
average; and a collection in a worker no longer writes to the pages it shares with the master.
"""

import gc
import io
import logging
import os
import sys

logger = logging.getLogger("gunicorn.error")

accesslog = "-"  # one line per request on standard output, for the platform to collect
# Without the query string and the Referer: a search (a reader's, or staff finding a case whose
# name is withheld) would otherwise write the words searched for into every log kept of it.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
errorlog = "-"
preload_app = True


def when_ready(server):
    gc.collect()
    gc.freeze()


def pre_fork(server, worker):
    """A worker must not share the master's database connections: none should be open after
    loading the site, but a forked connection would be used by two processes at once."""
    from django.db import connections

    connections.close_all()


def post_worker_init(worker):
    from django.conf import settings

    host = (os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0] or "localhost").strip()
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": host.lstrip("."),
        "SERVER_PORT": "80",
        "HTTP_HOST": host.lstrip("."),
        # As a signed-in visitor would: past the page cache, so the templates are really used.
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}=warm-up",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "https" if os.environ.get("HTTPS_ONLY", "true") != "false" else "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    try:
        for _ in worker.wsgi(environ, lambda status, headers, exc_info=None: None):
            pass
    except Exception as error:  # a worker that could not warm up still serves
        logger.warning("warming up the worker failed: %s", error)
    gc.freeze()
