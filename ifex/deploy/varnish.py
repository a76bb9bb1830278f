"""Write the Varnish configuration of the edge cache: `python -m ifex.deploy.varnish --help`."""

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("varnish.vcl")


def render(
    *,
    app_servers: list[str],
    purge_from=("127.0.0.1", "::1"),
    front=("127.0.0.1", "::1"),
    session_cookie="sessionid",
):
    backends, director = [], []
    for number, server in enumerate(app_servers, start=1):
        host, _, port = server.rpartition(":")
        backends.append(
            f'backend app_{number} {{\n    .host = "{host}";\n    .port = "{port}";\n'
            "    .first_byte_timeout = 60s;\n}"
        )
        # The same server, probed: whether it owes this cache a ban (ifex/core/edge_cache.py).
        backends.append(
            f'backend guard_{number} {{\n    .host = "{host}";\n    .port = "{port}";\n'
            "    .probe = owes_nothing;\n}"
        )
        director.append(f"    apps.add_backend(app_{number});")
        director.append(f"    guards.add_backend(guard_{number});")
    replacements = {
        "@BACKENDS@": "\n".join(backends),
        "@DIRECTOR@": "\n".join(director),
        "@PURGE_FROM@": "\n".join(f'    "{address}";' for address in purge_from),
        "@FRONT@": "\n".join(f'    "{address}";' for address in front),
        "@SESSION_COOKIE@": session_cookie,
    }
    text = TEMPLATE.read_text()
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--app", action="append", dest="app_servers", help="an app server, host:port (repeat)"
    )
    parser.add_argument(
        "--purge-from",
        action="append",
        help="an address (or network, '10.0.0.0'/8) of the app servers, allowed to refresh, "
        "purge and ban (repeat; default 127.0.0.1 and ::1)",
    )
    parser.add_argument(
        "--front",
        action="append",
        help="an address of the nginx in front (repeat; default 127.0.0.1 and ::1)",
    )
    args = parser.parse_args(argv)
    sys.stdout.write(
        render(
            app_servers=args.app_servers or ["127.0.0.1:8000"],
            purge_from=args.purge_from or ("127.0.0.1", "::1"),
            front=args.front or ("127.0.0.1", "::1"),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
