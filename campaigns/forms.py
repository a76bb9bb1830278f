import json

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel

from cases.sources import counted_source_choices

# Wagtail's own rules controller shows a figure's fields for the kind chosen.
KIND_RULES_ATTRS = {"data-controller": "w-rules", "data-action": "change->w-rules#resolve"}


def kind_field_panels(fields_by_kind):
    return [
        FieldPanel(
            field,
            attrs={"data-w-rules-target": "show", "data-w-rules": json.dumps({"kind": kinds})},
        )
        for field, kinds in fields_by_kind.items()
    ]


class ImpunityFigureForm(WagtailAdminModelForm):
    """What a figure must have to be published depends on its kind, so it cannot be declared
    on the fields; like Wagtail's own required fields, it is not asked of a draft."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "cases_source" in self.fields:
            # Read at each form: staff add sources by saving a column mapping.
            choices = counted_source_choices()
            current = self.instance.cases_source
            if current and current not in dict(choices):
                choices.append((current, current))
            field = self.fields["cases_source"]
            self.fields["cases_source"] = forms.ChoiceField(
                label=field.label,
                help_text=field.help_text,
                required=False,
                choices=[("", "---------"), *choices],
            )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        model = self._meta.model  # the model imports this form: no import the other way
        for field, used_by in model.FIELDS_BY_KIND.items():
            if kind not in used_by:  # hidden from the editor, so not kept
                data[field] = model._meta.get_field(field).get_default()
        if self.is_deferred_validation:
            return data
        kinds = model.Kind
        counted = kind in (kinds.COUNT, kinds.RATIO)
        missing = {}
        if counted and data.get("value") is None:
            missing["value"] = _("Enter the number.")
        if kind == kinds.RATIO and not data.get("out_of"):
            missing["out_of"] = _("Enter what the ratio is out of, such as 10.")
        if kind == kinds.LIVE and not data.get("live_count"):
            missing["live_count"] = _("Choose which count the site keeps for this figure.")
        if kind == kinds.CASES and not data.get("cases_measure"):
            missing["cases_measure"] = _("Choose what to count in the cases.")
        if counted:
            if not data.get("source_name"):
                missing["source_name"] = _("Name the source of the figure.")
            if not data.get("as_of"):
                missing["as_of"] = _("Give the date the figure was true on.")
        for field, message in missing.items():
            self.add_error(field, message)
        return data
