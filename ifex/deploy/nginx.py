"""Write the nginx configuration for this site: `python -m ifex.deploy.nginx --help`."""

import argparse
import os
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
BASE_DIR = Path(__file__).resolve().parents[2]


def render(*, listen: str, app_servers: list[str], static_root, media_root, run_dir, mime_types):
    upstreams = "\n".join(f"        server {server};" for server in app_servers)
    replacements = {
        "@LISTEN@": listen,
        "@UPSTREAM_SERVERS@": upstreams,
        "@STATIC_ROOT@": str(Path(static_root).resolve()),
        "@MEDIA_ROOT@": str(Path(media_root).resolve()),
        "@RUN_DIR@": str(Path(run_dir).resolve()),
        "@MIME_TYPES@": str(mime_types),
    }
    text = TEMPLATE.read_text()
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return text


def main(argv=None) -> int:
    var = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", default="80", help="address:port or port (default 80)")
    parser.add_argument(
        "--app", action="append", dest="app_servers", help="an app server, host:port (repeat)"
    )
    parser.add_argument("--static-root", default=os.environ.get("STATIC_ROOT", var / "staticfiles"))
    parser.add_argument("--media-root", default=os.environ.get("MEDIA_ROOT", var / "media"))
    parser.add_argument("--run-dir", default="/var/lib/nginx/ifex")
    parser.add_argument("--mime-types", default="/etc/nginx/mime.types")
    args = parser.parse_args(argv)
    sys.stdout.write(
        render(
            listen=args.listen,
            app_servers=args.app_servers or ["127.0.0.1:8000"],
            static_root=args.static_root,
            media_root=args.media_root,
            run_dir=args.run_dir,
            mime_types=args.mime_types,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
