"""The client's address as the outermost trusted proxy saw it, for login throttling and logs.

With TRUSTED_PROXY_COUNT proxies in front (nginx: 1), the client is the address that many
entries from the end of X-Forwarded-For; anything further left was written by the client itself
and is never trusted. With no proxy (0), it is the socket's address.
"""

from django.conf import settings


def client_address(request) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
