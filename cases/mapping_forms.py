"""The form staff map a CSV's columns with: each case field offers the columns of the file's
header (read from the uploaded file, never typed), or "not in this file"."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from .models import ColumnMapping

COLUMN_FIELDS = [field_name for field_name, _case_field, _required in ColumnMapping.COLUMNS]


class ColumnMappingForm(WagtailAdminModelForm):
    class Meta:
        model = ColumnMapping
        fields = ["name", "source_name", "source_url", *COLUMN_FIELDS]

    def __init__(self, *args, header=None, **kwargs):
        super().__init__(*args, **kwargs)
        header = list(header if header is not None else self.instance.header)
        self.header = header
        for field_name in COLUMN_FIELDS:
            if field_name not in self.fields:
                continue
            model_field = ColumnMapping._meta.get_field(field_name)
            current = getattr(self.instance, field_name)
            columns = header + ([current] if current and current not in header else [])
            self.fields[field_name] = forms.ChoiceField(
                label=model_field.verbose_name,
                help_text=model_field.help_text,
                required=False,
                choices=[("", _("— not in this file —"))] + [(c, c) for c in columns],
            )

    def save(self, commit=True):
        if self.header:
            self.instance.header = self.header
        return super().save(commit=commit)
