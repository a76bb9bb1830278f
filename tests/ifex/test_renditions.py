"""No reader waits for an image to be resized: renditions are made by a background worker after
an upload or a publish, and neither the upload nor the publish waits for them."""

from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from articles.factories import ArticlePageFactory
from ifex.core.factories import SiteImageFactory, generated_picture, stream_data
from ifex.core.renditions import PUBLIC_RENDITION_SPECS

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(settings, monkeypatch):
    """The "background" tasks go to the database queue, as on a real server, and the worker
    runs here; it closes its database connection between tasks, which would end the test's
    transaction (and its data), so that alone is left out."""
    settings.TASKS = {
        **settings.TASKS,
        "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def picture(name="photo.jpg"):
    return SiteImageFactory(file=ContentFile(generated_picture(640, 360), name=name))


def work_through_the_queue():
    call_command(
        "db_worker", "--batch", "--backend", "background", "--no-startup-delay", stdout=StringIO()
    )


def made_for(image) -> set[str]:
    return set(image.renditions.values_list("filter_spec", flat=True))


def test_an_upload_queues_its_renditions_and_does_not_wait_for_them(
    queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = picture()
    assert made_for(image) == set(), "the upload did not wait for AVIF encoding"
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    work_through_the_queue()

    assert made_for(image) >= set(PUBLIC_RENDITION_SPECS)
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1


def test_publishing_a_page_queues_its_hero_and_body_images(
    queue, article_index, django_capture_on_commit_callbacks
):
    hero, in_body = picture("hero.jpg"), picture("body.jpg")  # uploaded before: no queue yet
    shown = {"image": in_body.pk, "alt_text": "A court", "decorative": False}
    body = stream_data([("image", {"image": shown, "caption": "", "credit": ""})])
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePageFactory(parent=article_index, hero_image=hero, body=body)
    assert made_for(hero) == made_for(in_body) == set()

    work_through_the_queue()

    assert made_for(hero) >= set(PUBLIC_RENDITION_SPECS)
    assert made_for(in_body) >= set(PUBLIC_RENDITION_SPECS)


def test_avif_renditions_are_encoded_at_the_faster_speed(monkeypatch):
    from PIL import AvifImagePlugin

    encode = AvifImagePlugin._save
    speeds = []

    def spy(image, fp, filename):
        speeds.append(image.encoderinfo.get("speed"))
        encode(image, fp, filename)

    monkeypatch.setattr(AvifImagePlugin, "_save", spy)
    rendition = picture().get_rendition("format-avif|width-320")
    assert rendition.file.name.endswith(".avif")
    assert speeds == [8]
