"""Importing an export in the admin: upload and choose the source, read the review (the same as
`import_cases` prints), confirm; the background worker writes it while the page shows its
progress, then the summary."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import importing
from .models import CaseImport
from .sources import source_choices
from .tasks import write_case_import

MAX_UPLOAD = 20 * 1024 * 1024  # CPJ's whole export is about 1 MB


class ImportForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=source_choices)
    file = forms.FileField(label=_("Export file (CSV)"))
    exported_on = forms.DateField(
        label=_("Exported on"),
        help_text=_("The date the source exported the file: the file itself does not say."),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB: is it an export?"))
        return upload

    def clean_exported_on(self):
        exported_on = self.cleaned_data["exported_on"]
        if exported_on > timezone.localdate():
            raise forms.ValidationError(_("An export date cannot be in the future."))
        return exported_on


def may_import(request):
    if not request.user.has_perm("cases.import_cases"):
        raise PermissionDenied


def upload(request):
    may_import(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        source, exported_on = form.cleaned_data["source"], form.cleaned_data["exported_on"]
        try:
            review = importing.review(data, source, exported_on)
        except importing.ImportRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            case_import = CaseImport.objects.create(
                source=source,
                file_name=form.cleaned_data["file"].name[:255],
                data=data,
                exported_on=exported_on,
                state=CaseImport.State.REVIEWED,
                review_counts=review.counts(),
                review_lines=review.summary_lines() + review.detail_lines(),
                created_by=request.user,
            )
            return redirect("cases_import_review", case_import.pk)
    recent = CaseImport.objects.order_by("-created_at")[:10]
    return TemplateResponse(
        request, "cases/admin/import_upload.html", {"form": form, "recent": recent}
    )


def review(request, import_id):
    may_import(request)
    case_import = get_object_or_404(CaseImport, pk=import_id)
    if request.method == "POST" and case_import.state == CaseImport.State.REVIEWED:
        CaseImport.objects.filter(pk=case_import.pk).update(state=CaseImport.State.QUEUED)
        transaction.on_commit(lambda: write_case_import.enqueue(case_import.pk))
        return redirect("cases_import_review", case_import.pk)
    finished = case_import.state in (CaseImport.State.DONE, CaseImport.State.FAILED)
    return TemplateResponse(
        request,
        "cases/admin/import_review.html",
        {
            "case_import": case_import,
            "counts": case_import.review_counts,
            "lines": case_import.review_lines,
            "waiting": case_import.state != CaseImport.State.REVIEWED and not finished,
            "finished": finished,
        },
    )
