"""`/healthz` for a load balancer: is this app server able to serve (database and cache)?

Answered before any other middleware: the balancer asks by the server's own address (not in
ALLOWED_HOSTS) over plain HTTP (no HTTPS redirect), and gets a small uncached answer at once.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse

from .edge_cache import GUARD_PATH, guard_answer

HEALTH_PATH = "/healthz"
logger = logging.getLogger(__name__)


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        logger.warning("healthz: database: %s", str(error).splitlines()[0] if str(error) else "")
        return False


def cache_answers() -> bool:
    probe = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(probe, "ok", timeout=10)
        answered = cache.get(probe) == "ok"
        cache.delete(probe)
        return answered
    except Exception as error:  # any backend's failure (Redis down, a full disk) means "not ready"
        logger.warning("healthz: cache: %s", error)
        return False


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == GUARD_PATH:
            return guard_answer()
        if request.path != HEALTH_PATH:
            return self.get_response(request)
        checks = {"database": database_answers(), "cache": cache_answers()}
        response = JsonResponse(
            {name: "ok" if passed else "failing" for name, passed in checks.items()},
            status=200 if all(checks.values()) else 503,
        )
        response["Cache-Control"] = "no-store"
        return response
