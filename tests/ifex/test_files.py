"""Uploaded files: private ones reach no anonymous reader by any address, and a damaged or
oversized upload gets a form error, never a 500."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image as PillowImage
from wagtail.models import Collection

from ifex.core.factories import SiteImageFactory, generated_picture
from tests.support import document_in

pytestmark = pytest.mark.django_db


def test_a_private_document_reaches_no_anonymous_reader(client, private_collection):
    document = document_in(private_collection, "private-board-minutes")

    served = client.get(document.url)
    assert served.status_code == 302 and "/login/" in served["Location"]
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/media/documents/../{document.file.name}").status_code == 404


def test_a_public_document_is_served_through_wagtails_view(client):
    document = document_in(Collection.get_first_root_node(), "annual-report")
    assert document.url.startswith("/documents/")
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_a_private_image_reaches_no_anonymous_reader(admin_client, private_collection):
    image = SiteImageFactory(collection=private_collection)
    rendition = image.get_rendition("fill-400x300")

    client = Client()
    assert client.get(f"/media/{image.file.name}").status_code == 404, "originals never"
    assert client.get(rendition.url).status_code == 404
    staff_view = admin_client.get(rendition.url)
    assert staff_view.status_code == 200, "signed-in staff see what they work with"
    assert staff_view["Cache-Control"] == "private, no-store"


def test_a_public_rendition_is_served_and_its_original_is_not(client):
    image = SiteImageFactory()
    rendition = image.get_rendition("fill-400x300")
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")
    assert client.get(f"/media/{image.file.name}").status_code == 404
    assert client.get("/media/images/no-such-file.jpg").status_code == 404


def test_behind_nginx_the_proxy_sends_the_bytes(client, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    rendition = SiteImageFactory().get_rendition("fill-400x300")
    response = client.get(rendition.url)
    assert response["X-Accel-Redirect"] == "/protected-media/" + rendition.file.name
    assert response.content == b""


def truncated_jpeg() -> bytes:
    whole = generated_picture(800, 600)
    return whole[: len(whole) // 2]


def png(width, height) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def add_image(admin_client, name, content):
    return admin_client.post(
        reverse("wagtailimages:add"),
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": 1},
    )


def test_a_truncated_jpeg_is_refused_with_a_form_error(admin_client):
    response = add_image(admin_client, "broken.jpg", truncated_jpeg())
    assert response.status_code == 200
    assert b"damaged or incomplete" in response.content


def test_a_truncated_jpeg_is_refused_by_the_multiple_upload_view(admin_client):
    response = admin_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile("broken.jpg", truncated_jpeg())},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert "damaged or incomplete" in response.json()["error_message"]


def test_an_image_with_too_many_pixels_is_refused(admin_client):
    content = png(11_000, 11_000)
    assert len(content) < 200_000, "small on disk, huge in memory"
    response = add_image(admin_client, "bomb.png", content)
    assert response.status_code == 200
    assert b"too many pixels" in response.content


def test_a_sound_image_is_accepted(admin_client):
    response = add_image(admin_client, "fine.jpg", generated_picture(800, 600))
    assert response.status_code == 302


def test_a_nul_character_in_a_media_address_is_not_found(client):
    image = SiteImageFactory()
    rendition = image.get_rendition("fill-400x300")
    for address in ("/media/images/a%00b.jpg", rendition.url + "%00", "/media/%00"):
        assert client.get(address).status_code == 404, address
