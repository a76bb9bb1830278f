"""Uploaded files in a private S3-compatible bucket (django-storages), when one is configured.

Nothing in the bucket is public. Pages link renditions at the site's own /media/ address, so a
cached page never holds an address that expires; ifex/core/media.py decides who may see the file
and answers with a short-lived signed address into the bucket. Every other file (documents,
original images) is only ever linked by Wagtail's views, which check first, so its own URL is
the signed one.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

from ifex.core.media import RENDITIONS_FOLDER


class PrivateBucketStorage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        if name.startswith(RENDITIONS_FOLDER):
            return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
        return self.signed_url(name, expire=expire, parameters=parameters)

    def signed_url(self, name, expire=None, parameters=None):
        return super().url(name, parameters=parameters, expire=expire)
