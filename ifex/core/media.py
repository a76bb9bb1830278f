"""Uploaded files as readers may see them: image renditions of public collections, nothing else.

Original images and documents are never served from /media/: documents go through Wagtail's own
serve view (WAGTAILDOCS_SERVE_METHOD), which honours collection privacy, and pages only ever show
renditions. A rendition of an image in a private collection is served only to a reader the
collection's restriction lets in. Behind nginx, MEDIA_ACCEL_REDIRECT hands the bytes to the proxy
(X-Accel-Redirect to an internal location) once this view has said yes; with a private bucket
(ifex/core/storage.py) the answer is a redirect to a short-lived signed address.
"""

import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils._os import safe_join
from django.views.decorators.http import require_safe
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction

RENDITIONS_FOLDER = "images/"
PUBLIC_MAX_AGE = 60 * 60 * 24


def rendition_for(path: str):
    Rendition = get_image_model().get_rendition_model()
    return Rendition.objects.select_related("image__collection").filter(file=path).first()


def restrictions_on(collection) -> list:
    """The view restrictions of `collection` and of every collection above it."""
    return list(
        CollectionViewRestriction.objects.filter(
            collection__in=collection.get_ancestors(inclusive=True)
        )
    )


@require_safe
def serve_media(request, path):
    path = posixpath.normpath(path).lstrip("/")
    # No file name holds a NUL character (nor may one reach PostgreSQL, which refuses it).
    if not path.startswith(RENDITIONS_FOLDER) or ".." in path.split("/") or "\x00" in path:
        raise Http404("Not a public file")
    rendition = rendition_for(path)
    if rendition is None:
        raise Http404("No such file")
    restrictions = restrictions_on(rendition.image.collection)
    if not all(restriction.accept_request(request) for restriction in restrictions):
        raise Http404("No such file")
    private = bool(restrictions)
    if hasattr(default_storage, "signed_url"):
        lifetime = default_storage.querystring_expire
        response = HttpResponseRedirect(default_storage.signed_url(path, expire=lifetime))
        public_max_age = lifetime // 2  # a kept redirect must not outlive the address it names
    elif settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=mimetypes.guess_type(path)[0] or "")
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + path
        public_max_age = PUBLIC_MAX_AGE
    else:
        try:
            full_path = safe_join(settings.MEDIA_ROOT, path)
            response = FileResponse(open(full_path, "rb"))  # noqa: SIM115 (FileResponse closes it)
        except (OSError, ValueError):
            raise Http404("No such file") from None
        public_max_age = PUBLIC_MAX_AGE
    response["Cache-Control"] = (
        "private, no-store" if private else f"public, max-age={public_max_age}"
    )
    return response
