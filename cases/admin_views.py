"""Importing an export in the admin: upload and choose the source (CPJ's export, a CSV read
through a column mapping staff saved, or a new CSV whose columns they map next), read the review
(the same as `import_cases` prints), confirm; the background worker writes it while the page
shows its progress, then the summary."""

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import importing
from .mapping_forms import ColumnMappingForm
from .models import CaseImport, ColumnMapping
from .sources import source_choices
from .tasks import write_case_import

NEW_MAPPING = "new-mapping"


def import_sources():
    return [
        *source_choices(),
        *(
            (mapping.source_key, _("Column mapping: %(name)s") % {"name": mapping.name})
            for mapping in ColumnMapping.objects.order_by("name")
        ),
        (NEW_MAPPING, _("Another CSV: map its columns next")),
    ]


def header_of(data: bytes) -> list[str]:
    """The columns of a CSV's first line, or ImportRefused in words."""
    text = importing.decoded(data)
    try:
        header = next(csv.reader(io.StringIO(text)), [])
    except csv.Error as error:
        raise importing.ImportRefused(
            _("The file cannot be read as CSV: %(error)s.") % {"error": error}
        ) from error
    if any("\x00" in column for column in header):
        raise importing.ImportRefused(
            _("The file's header holds a NUL character (byte 0): export it again as CSV.")
        )
    header = [column for column in header if column.strip()]
    if not header:
        raise importing.ImportRefused(_("The file has no header: its first line names no column."))
    return header


MAX_UPLOAD = 20 * 1024 * 1024  # CPJ's whole export is about 1 MB


class ImportForm(forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=import_sources)
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
        upload = CaseImport(
            source="" if source == NEW_MAPPING else source,
            file_name=form.cleaned_data["file"].name[:255],
            data=data,
            exported_on=exported_on,
            created_by=request.user,
        )
        try:
            if source == NEW_MAPPING:
                header_of(data)
                upload.state = CaseImport.State.MAPPING
                upload.save()
                return redirect("cases_import_map", upload.pk)
            reviewed(upload)
        except importing.ImportRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect("cases_import_review", upload.pk)
    recent = CaseImport.objects.order_by("-created_at")[:10]
    return TemplateResponse(
        request, "cases/admin/import_upload.html", {"form": form, "recent": recent}
    )


def reviewed(case_import: CaseImport):
    """The review of the upload, kept with it for staff to confirm: saved, or ImportRefused."""
    result = importing.review(bytes(case_import.data), case_import.source, case_import.exported_on)
    case_import.state = CaseImport.State.REVIEWED
    case_import.review_counts = result.counts()
    case_import.review_lines = result.summary_lines() + result.detail_lines()
    case_import.save()


def map_columns(request, import_id):
    """Staff map the uploaded file's columns to the case fields and save the mapping under a
    name; the file is then reviewed through it."""
    may_import(request)
    case_import = get_object_or_404(CaseImport, pk=import_id, state=CaseImport.State.MAPPING)
    try:
        header = header_of(bytes(case_import.data))
    except importing.ImportRefused as refusal:
        header, refused = [], str(refusal)
    else:
        refused = ""
    form = ColumnMappingForm(request.POST or None, header=header, for_user=request.user)
    if request.method == "POST" and not refused and form.is_valid():
        with transaction.atomic():
            mapping = form.save()
            case_import.source = mapping.source_key
            try:
                reviewed(case_import)
            except importing.ImportRefused as refusal:
                transaction.set_rollback(True)
                form.add_error(None, str(refusal))
            else:
                return redirect("cases_import_review", case_import.pk)
    return TemplateResponse(
        request,
        "cases/admin/import_map.html",
        {"form": form, "case_import": case_import, "header": header, "refused": refused},
    )


@require_POST
def cancel(request, import_id):
    """Cancel discards a review: it can no longer be confirmed. One already confirmed stays."""
    may_import(request)
    case_import = get_object_or_404(CaseImport, pk=import_id)
    discarded, _kinds = CaseImport.objects.filter(
        pk=case_import.pk, state__in=(CaseImport.State.MAPPING, CaseImport.State.REVIEWED)
    ).delete()
    if not discarded:
        return redirect("cases_import_review", case_import.pk)
    messages.success(
        request, _("The import of “%(file)s” was cancelled.") % {"file": case_import.file_name}
    )
    return redirect("cases_import")


def review(request, import_id):
    may_import(request)
    case_import = get_object_or_404(CaseImport, pk=import_id)
    if case_import.state == CaseImport.State.MAPPING:
        return redirect("cases_import_map", case_import.pk)
    if request.method == "POST":
        # Only the confirmation that moves the review on queues the write: a second one (a
        # double click, two tabs) finds it queued already and shows what the first is doing.
        confirmed = CaseImport.objects.filter(
            pk=case_import.pk, state=CaseImport.State.REVIEWED
        ).update(state=CaseImport.State.QUEUED)
        if confirmed:
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
