"""The case form in the admin: a withheld name refused in the status rows staff are sending,
beside the field it is in (the page's own fields are checked by the page itself)."""

from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _

from ifex.core.page_forms import BasePageForm

from . import withheld

REFUSED = _("The name is withheld: take it out of this field, readers would see it here.")

REPORT_REFUSED = _(
    "The name is withheld: this page names the person, and listing it here would tie them to "
    "the case."
)


class CasePageForm(BasePageForm):
    def clean(self):
        data = super().clean()
        events, reports = self.formsets.get("status_events"), self.formsets.get("reports")
        if events is None or reports is None:
            return data
        # The page's own check then leaves the rows to this one: it would see the saved rows.
        self.instance.rows_checked = True
        name = withheld.withheld_name_of(
            self.instance, data.get("person_name"), data.get("name_withheld")
        )
        if not name:
            return data
        for row in sent(events):
            for field in withheld.event_fields_carrying(name, SimpleNamespace(**row.cleaned_data)):
                row.add_error(field, REFUSED)
        for row in sent(reports):
            page = row.cleaned_data.get("page")
            if page is not None and withheld.page_carrying(name, page):
                row.add_error("page", REPORT_REFUSED)
        return data


def sent(formset):
    return [row for row in formset.forms if row.is_valid() and not row.cleaned_data.get("DELETE")]
