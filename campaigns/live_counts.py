"""Figures the site knows itself, so a figure bound to one never goes stale."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ifex.core.models import Organisation
from ifex.core.page_cache import kept_until_saved


@dataclass(frozen=True)
class LiveCount:
    label: Promise
    source_name: Promise
    count: Callable[[], int]


LIVE_COUNTS = {
    "member_organisations": LiveCount(
        label=_("Member organisations in the directory"),
        source_name=_("The network's member directory"),
        count=lambda: kept_until_saved(
            "live_count:member_organisations",
            lambda: Organisation.objects.members().count(),
            Organisation,
        ),
    ),
}


def live_count_choices():
    return [(key, live.label) for key, live in LIVE_COUNTS.items()]
