"""The app servers' access log, formatted by gunicorn itself with the site's settings."""

import datetime
import logging
import types

from gunicorn import glogging
from gunicorn.config import Config

from ifex.deploy import gunicorn as site_settings
from tests.support import WITHHELD_NAME


def access_line(path: str, query: str, referer: str) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", site_settings.access_log_format)
    logger = glogging.Logger(config)
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    logger.access_log.handlers = [handler]
    request = types.SimpleNamespace(
        method="GET", path=path, query=query, uri=f"{path}?{query}", version=(1, 1), headers=[]
    )
    response = types.SimpleNamespace(status="200 OK", sent=1234, headers=[])
    environ = {
        "REMOTE_ADDR": "203.0.113.9",
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "RAW_URI": f"{path}?{query}",
        "QUERY_STRING": query,
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    logger.access(response, request, environ, datetime.timedelta(milliseconds=12))
    return lines[0]


def test_a_search_for_a_withheld_name_leaves_no_trace_of_it_in_the_access_log():
    searched = WITHHELD_NAME.replace(" ", "+")
    line = access_line(
        "/admin/case_listing/", f"q={searched}", f"https://site.example/search/?q={searched}"
    )
    assert "GET /admin/case_listing/ HTTP/1.1" in line and " 200 " in line
    for word in WITHHELD_NAME.split():
        assert word not in line
