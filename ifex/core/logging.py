"""Log filters: one readable line per request that failed because the database was away, or
that named a host the site does not serve."""

import logging

from django.db import InterfaceError, OperationalError


class DatabaseOutageInOneLine(logging.Filter):
    """An outage fails every request the same way: log each as one line (answered 503, see
    ifex.core.views.server_error), not as a traceback that buries everything else."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, OperationalError | InterfaceError):
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            record.msg = "Database unavailable, answered 503: %s %s (%s)"
            record.args = (
                getattr(record, "request", None) and record.request.method,
                getattr(record, "request", None) and record.request.path,
                first_line,
            )
            record.exc_info = None
            record.exc_text = None
        return True


class DisallowedHostInOneLine(logging.Filter):
    """Scanners send any Host header: Django's refusal (answered 400) already says which host
    in one line; its traceback says nothing more."""

    def filter(self, record):
        if record.name == "django.security.DisallowedHost":
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
