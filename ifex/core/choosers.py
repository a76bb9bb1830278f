"""Wagtail's snippet chooser for the taxonomy (the case form's country): each thing once, named
in the staff member's working language, found by its name in any language, as the pickers do
(ifex/core/pickers.py)."""

from django import forms
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import TitleColumn
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenView,
)

from .languages import default_locale_id


class NameSearchForm(BaseFilterForm):
    """The chooser's search, as the pickers': by any part of a name in any language."""

    q = forms.CharField(
        label=gettext_lazy("Search term"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Search")}),
        required=False,
    )

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            named = objects.model.objects.filter(name__unaccent__icontains=query)
            objects = objects.filter(translation_key__in=named.values("translation_key"))
            self.is_searching = True
            self.search_query = query
        return objects


class OncePerThingChooseMixin:
    """Wagtail's snippet chooser listed a country once per language, all under the same name
    (the column naming the language reads "Région" in the French admin). Pages and cases link
    to the row in the site's language: that one only is offered, named in the staff member's
    working language as the pickers name it."""

    i18n_enabled = False
    filter_form_class = NameSearchForm

    def get_object_list(self):
        return super().get_object_list().filter(locale_id=default_locale_id())

    @property
    def title_column(self):
        return TitleColumn(
            "title",
            label=gettext_lazy("Title"),
            accessor=lambda obj: obj.autocomplete_label(),
            get_url=lambda obj: self.append_preserved_url_parameters(
                reverse(self.chosen_url_name, args=(quote(obj.pk),))
            ),
            link_attrs={"data-chooser-modal-choice": True},
        )


class OncePerThingChooseView(OncePerThingChooseMixin, ChooseView):
    pass


class OncePerThingChooseResultsView(OncePerThingChooseMixin, ChooseResultsView):
    pass


class NamedInWorkingLanguageChosenView(SnippetChosenView):
    def get_display_title(self, instance):
        return instance.autocomplete_label()


class OncePerThingChooserViewSet(SnippetChooserViewSet):
    choose_view_class = OncePerThingChooseView
    choose_results_view_class = OncePerThingChooseResultsView
    chosen_view_class = NamedInWorkingLanguageChosenView
