"""Searchable pickers for taxonomy terms (countries, topics) in the page editor.

wagtail-autocomplete's admin views answer for any model named in the request, so they are mounted
here behind a list of the models the editor picks from: an editor cannot list users or devices
through them.
"""

from functools import wraps

from django.http import HttpResponseBadRequest
from django.urls import path
from django.utils.translation import gettext as _
from wagtail.admin.auth import require_admin_access
from wagtailautocomplete.views import objects, search

PICKABLE_MODELS = {"core.country", "core.topic"}


class PickableByName:
    """Found by any part of the name, accents ignored: "cote" finds "Côte d'Ivoire"."""

    autocomplete_search_field = "name"

    def autocomplete_label(self):
        return self.name

    @classmethod
    def autocomplete_custom_queryset_filter(cls, search_query, request=None):
        return cls.objects.filter(name__unaccent__icontains=search_query.strip())


def only_pickable_models(view):
    @wraps(view)
    def checked_view(request, *args, **kwargs):
        label = request.GET.get("type") or request.POST.get("type") or ""
        if label.lower() not in PICKABLE_MODELS:
            return HttpResponseBadRequest(_("Nothing to pick of this kind."))
        return view(request, *args, **kwargs)

    return checked_view


urlpatterns = [
    path("objects/", require_admin_access(only_pickable_models(objects)), {"public": False}),
    path("search/", require_admin_access(only_pickable_models(search)), {"public": False}),
]
