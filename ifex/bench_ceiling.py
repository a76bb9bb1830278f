"""The ceiling `make bench` measures each page against: a minimal WSGI app that answers a page's
own bytes (captured from the site, with its content type) under the same gunicorn settings. Any
time the site takes beyond this is the site's own.

BENCH_CEILING_DIR holds `pages.json` ({address: [file name, content type]}) and the files.
"""

import json
import os
from pathlib import Path

FOLDER = Path(os.environ.get("BENCH_CEILING_DIR", "."))
PAGES = {
    address: ((FOLDER / name).read_bytes(), content_type)
    for address, (name, content_type) in json.loads(
        (FOLDER / "pages.json").read_text() if (FOLDER / "pages.json").exists() else "{}"
    ).items()
}


def application(request, start_response):
    address = request.get("PATH_INFO", "/")
    if request.get("QUERY_STRING"):
        address += "?" + request["QUERY_STRING"]
    found = PAGES.get(address)
    if found is None:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]
    body, content_type = found
    start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
