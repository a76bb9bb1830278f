"""Searchable pickers for taxonomy terms (countries, topics) in the page editor.

wagtail-autocomplete's admin views answer for any model named in the request, so they are mounted
here behind a list of the models the editor picks from: an editor cannot list users, devices,
documents or draft titles through them.
"""

from functools import wraps

from django.apps import apps
from django.http import HttpResponseBadRequest, QueryDict
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.admin.auth import require_admin_access
from wagtailautocomplete.views import objects, search

PICKABLE_MODELS = ("core.Country", "core.Topic")


class PickableByName:
    """Found by any part of the name, accents ignored: "cote" finds "Côte d'Ivoire"."""

    autocomplete_search_field = "name"

    def autocomplete_label(self):
        """In the staff member's working language (the admin's) where it has a translation
        there; otherwise the name it has, with its language shown."""
        from .languages import active_locale_id, locale_languages, names_in_language

        working = active_locale_id()
        if self.locale_id == working:
            return self.name
        translated = names_in_language(type(self), working).get(self.translation_key)
        if translated:
            return translated
        language = translation.get_language_info(locale_languages()[self.locale_id])
        return _("%(name)s (%(language)s)") % {
            "name": self.name,
            "language": language["name_translated"],
        }

    @classmethod
    def autocomplete_custom_queryset_filter(cls, search_query, request=None):
        """Found by its name in any language, offered once: the row in the site's language,
        the one pages link to (readers get it in their language through its translations),
        named in the staff member's language (`autocomplete_label`)."""
        from .languages import default_locale_id

        named = cls.objects.filter(name__unaccent__icontains=search_query.strip())
        return cls.objects.filter(
            locale_id=default_locale_id(), translation_key__in=named.values("translation_key")
        )


def pickable_model(request):
    """The one model the request names, if the editor may pick from it; else None.

    `type` is read from the address and the body alike, and must be named exactly once: the
    library's views read it from one or the other (and default to pages when it is missing),
    so a request naming two kinds, or none where the view looks, would search another model.
    """
    labels = request.GET.getlist("type") + request.POST.getlist("type")
    if len(labels) != 1:
        return None
    try:
        model = apps.get_model(labels[0])
    except (LookupError, ValueError):
        return None
    pickable = {apps.get_model(label) for label in PICKABLE_MODELS}
    return model if model in pickable else None


def naming_only(query: QueryDict, label: str) -> QueryDict:
    named = query.copy()
    named.setlist("type", [label])
    return named


def only_pickable_models(view, reads_type_from):
    """`reads_type_from`: "GET" or "POST", where the library's `view` looks for the model."""

    @wraps(view)
    def checked_view(request, *args, **kwargs):
        model = pickable_model(request)
        if model is None:
            return HttpResponseBadRequest(_("Nothing to pick of this kind."))
        # The library reads the model from the request again: give it only the one checked.
        label = model._meta.label
        if reads_type_from == "GET":
            request.GET = naming_only(request.GET, label)
        else:
            request.POST = naming_only(request.POST, label)
        return view(request, *args, **kwargs)

    return checked_view


urlpatterns = [
    path(
        "objects/",
        require_admin_access(only_pickable_models(objects, reads_type_from="GET")),
        {"public": False},
    ),
    path(
        "search/",
        require_admin_access(only_pickable_models(search, reads_type_from="POST")),
        {"public": False},
    ),
]
