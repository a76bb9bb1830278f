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
    """As CPJ and UNESCO report a case's judicial status. CPJ tracks it for murders only: for
    another death it is "not tracked by the source", which says something else than UNESCO's
    "no information received"."""

    NO_INFORMATION = "no-information", _("No information")
    NOT_TRACKED = "not-tracked", _("Not tracked by the source")
    INVESTIGATION_OPEN = "investigation-open", _("Investigation open")
    COMPLETE_IMPUNITY = "complete-impunity", _("Complete impunity")
    PARTIAL_JUSTICE = "partial-justice", _("Partial justice")
    FULL_JUSTICE = "full-justice", _("Full justice")


# A case's judicial status is known when the source says where justice stands.
UNKNOWN_STATUSES = (Status.NO_INFORMATION, Status.NOT_TRACKED)


class Motive(models.TextChoices):
    """CPJ's motive: confirmed when it is reasonably certain the person was killed for their
    work; CPJ does not classify the motive for media workers ("N/A")."""

    CONFIRMED = "confirmed", _("Motive confirmed")
    UNCONFIRMED = "unconfirmed", _("Motive unconfirmed")
    NOT_APPLICABLE = "not-applicable", _("Not classified (media worker)")


class DeathType(models.TextChoices):
    MURDER = "murder", _("Murder")
    CROSSFIRE = "crossfire", _("Crossfire")
    DANGEROUS_ASSIGNMENT = "dangerous-assignment", _("Dangerous assignment")
    UNKNOWN = "unknown", _("Unknown")


class Employment(models.TextChoices):
    STAFF = "staff", _("Staff")
    FREELANCE = "freelance", _("Freelance")


class DatePrecision(models.TextChoices):
    """How much of the date the record knows: a year-only date is stored as its first day for
    sorting, and shown as the year alone."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
