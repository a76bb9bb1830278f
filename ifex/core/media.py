"""Uploaded files as readers may see them: image renditions of public collections, nothing else.

Original images and documents are never served from /media/: documents go through Wagtail's own
serve view (WAGTAILDOCS_SERVE_METHOD), which honours collection privacy, and pages only ever show
renditions. A rendition of an image in a private collection is served only to a reader the
collection's restriction lets in. Behind nginx, MEDIA_ACCEL_REDIRECT hands the bytes to the proxy
(X-Accel-Redirect to an internal location) once this view has said yes.
"""

import mimetypes
import posixpath

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
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
    if not path.startswith(RENDITIONS_FOLDER) or ".." in path.split("/"):
        raise Http404("Not a public file")
    rendition = rendition_for(path)
    if rendition is None:
        raise Http404("No such file")
    restrictions = restrictions_on(rendition.image.collection)
    if not all(restriction.accept_request(request) for restriction in restrictions):
        raise Http404("No such file")
    private = bool(restrictions)
    accel_prefix = settings.MEDIA_ACCEL_REDIRECT
    if accel_prefix:
        response = HttpResponse(content_type=mimetypes.guess_type(path)[0] or "")
        response["X-Accel-Redirect"] = accel_prefix.rstrip("/") + "/" + path
    else:
        try:
            full_path = safe_join(settings.MEDIA_ROOT, path)
            response = FileResponse(open(full_path, "rb"))  # noqa: SIM115 (FileResponse closes it)
        except (OSError, ValueError):
            raise Http404("No such file") from None
    response["Cache-Control"] = (
        "private, no-store" if private else f"public, max-age={PUBLIC_MAX_AGE}"
    )
    return response
