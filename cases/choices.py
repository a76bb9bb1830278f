from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    JOURNALIST = "journalist", _("Journalist")
    MEDIA_WORKER = "media-worker", _("Media worker")
    ARTIST = "artist", _("Artist")
    WRITER = "writer", _("Writer")
    ACTIVIST = "activist", _("Activist")
    DEFENDER = "defender", _("Human rights defender")


class Status(models.TextChoices):
    """As CPJ and UNESCO report a case's judicial status."""

    NO_INFORMATION = "no-information", _("No information")
    INVESTIGATION_OPEN = "investigation-open", _("Investigation open")
    COMPLETE_IMPUNITY = "complete-impunity", _("Complete impunity")
    PARTIAL_JUSTICE = "partial-justice", _("Partial justice")
    FULL_JUSTICE = "full-justice", _("Full justice")
