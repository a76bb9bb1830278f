"""Uploads in a private S3-compatible bucket (AWS_STORAGE_BUCKET_NAME): readers reach a file only
through the site's views, which answer with a short-lived signed address; the bucket's own
address for a file answers nobody; an upload never replaces another of the same name.

The bucket is moto's S3 server (`python -m moto.server`), the closest to S3 that runs here. It
checks that a request is signed, not that the signature is right or still valid, so these tests
check the lifetime the site asks for, and leave expiry to the real service (see README.md).
"""

import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Collection

from ifex.core.factories import generated_picture
from ifex.core.storage import PrivateBucketStorage
from ifex.settings.env import bucket_origins, default_storage_settings
from tests.support import BASE_DIR, child_environment, document_in, free_port, wait_for_port

pytestmark = pytest.mark.django_db

BUCKET = "ifex-media"
SIGNED_FOR_SECONDS = 120


def get(url: str) -> tuple[int, bytes]:
    """A plain GET from outside the site, as a reader's browser follows a redirect."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """The site's uploads go to a new, empty private bucket; returns a boto3 client for it."""
    for name, value in {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "site-key",
        "AWS_SECRET_ACCESS_KEY": "site-secret",
        "MEDIA_SIGNED_URL_SECONDS": str(SIGNED_FOR_SECONDS),
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_settings()}
    yield client
    for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=stored["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys_in(client) -> set[str]:
    return {stored["Key"] for stored in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def bucket_address(s3_endpoint: str, key: str) -> str:
    return f"{s3_endpoint}/{BUCKET}/{key}"


def assert_signed_for_a_short_while(location: str, s3_endpoint: str, key: str):
    address = urlsplit(location)
    assert location.startswith(bucket_address(s3_endpoint, key) + "?")
    query = parse_qs(address.query)
    assert "X-Amz-Signature" in query
    assert query["X-Amz-Expires"] == [str(SIGNED_FOR_SECONDS)]


def upload_image(client, name: str, content: bytes, collection: Collection):
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": name,
            "file": SimpleUploadedFile(name, content, content_type="image/jpeg"),
            "collection": collection.pk,
        },
    )
    assert response.status_code == 302, response.content[:500]
    return get_image_model().objects.get(title=name)


def test_without_a_bucket_uploads_stay_in_the_media_folder(monkeypatch):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    assert default_storage_settings() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def origin_of(url: str) -> str:
    address = urlsplit(url)
    return f"{address.scheme}://{address.netloc}"


@pytest.mark.parametrize(
    "environment",
    [
        {"AWS_S3_REGION_NAME": "eu-west-1"},
        {"AWS_S3_ENDPOINT_URL": "https://objects.example.net"},
    ],
    ids=["aws", "elsewhere"],
)
def test_the_content_security_policy_lets_images_follow_the_signed_address(
    environment, monkeypatch
):
    environment = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_ACCESS_KEY_ID": "site-key",
        "AWS_SECRET_ACCESS_KEY": "site-secret",
        **environment,
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    storage_settings = default_storage_settings()
    signed = PrivateBucketStorage(**storage_settings["OPTIONS"]).signed_url("images/a.jpg")
    assert origin_of(signed) in bucket_origins(storage_settings)

    settings_read = subprocess.run(
        [sys.executable, "-c", "from ifex.settings import base; "
         "print(' '.join(base.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"],
        cwd=BASE_DIR, env=child_environment(**environment), capture_output=True, text=True,
    )  # fmt: skip
    assert origin_of(signed) in settings_read.stdout.split(), settings_read.stderr


def test_an_image_uploaded_by_staff_reaches_readers_by_a_signed_address(
    bucket, s3_endpoint, admin_client
):
    root = Collection.get_first_root_node()
    image = upload_image(admin_client, "protest.jpg", generated_picture(800, 600), root)
    assert image.file.name in keys_in(bucket)
    assert get(bucket_address(s3_endpoint, image.file.name))[0] == 403, "the bucket is private"

    rendition = image.get_rendition("fill-400x300|format-webp")
    assert rendition.url == f"/media/{rendition.file.name}", "pages name a lasting address"
    answer = Client().get(rendition.url)
    assert answer.status_code == 302
    assert answer["Cache-Control"] == f"public, max-age={SIGNED_FOR_SECONDS // 2}"
    assert_signed_for_a_short_while(answer["Location"], s3_endpoint, rendition.file.name)
    status, body = get(answer["Location"])
    assert status == 200 and body[8:12] == b"WEBP"
    assert get(bucket_address(s3_endpoint, rendition.file.name))[0] == 403
    assert Client().get(f"/media/{image.file.name}").status_code == 404, "originals never"


def test_a_private_image_is_signed_only_for_readers_its_collection_lets_in(
    bucket, s3_endpoint, admin_client, private_collection
):
    image = upload_image(admin_client, "board.jpg", generated_picture(640, 480), private_collection)
    rendition = image.get_rendition("fill-400x300")

    refused = Client().get(rendition.url)
    assert refused.status_code == 404 and "Location" not in refused
    staff_view = admin_client.get(rendition.url)
    assert staff_view.status_code == 302
    assert staff_view["Cache-Control"] == "private, no-store"
    assert_signed_for_a_short_while(staff_view["Location"], s3_endpoint, rendition.file.name)
    assert get(staff_view["Location"])[0] == 200
    assert get(bucket_address(s3_endpoint, rendition.file.name))[0] == 403


def test_documents_go_through_wagtails_view_to_a_signed_address(
    bucket, s3_endpoint, admin_client, private_collection
):
    public = document_in(Collection.get_first_root_node(), "annual-report", b"%PDF-1.4 report")
    private = document_in(private_collection, "board-minutes", b"%PDF-1.4 minutes")
    assert {public.file.name, private.file.name} <= keys_in(bucket)

    answer = Client().get(public.url)
    assert answer.status_code == 302
    assert_signed_for_a_short_while(answer["Location"], s3_endpoint, public.file.name)
    assert get(answer["Location"]) == (200, b"%PDF-1.4 report")

    refused = Client().get(private.url)
    assert refused.status_code == 302 and "/login/" in refused["Location"]
    assert Client().get(f"/media/{private.file.name}").status_code == 404
    assert get(bucket_address(s3_endpoint, private.file.name))[0] == 403
    staff_answer = admin_client.get(private.url)
    assert_signed_for_a_short_while(staff_answer["Location"], s3_endpoint, private.file.name)
    assert get(staff_answer["Location"]) == (200, b"%PDF-1.4 minutes")


def test_an_upload_never_replaces_a_file_of_the_same_name(bucket, s3_endpoint, admin_client):
    root = Collection.get_first_root_node()
    first = document_in(root, "statement", b"%PDF-1.4 first")
    second = document_in(root, "statement", b"%PDF-1.4 second")

    assert first.file.name != second.file.name
    for document, content in ((first, b"%PDF-1.4 first"), (second, b"%PDF-1.4 second")):
        served = admin_client.get(document.url)
        assert get(served["Location"]) == (200, content)
