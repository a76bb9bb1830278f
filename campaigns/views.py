from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from ifex.core.open_data import download, provenance

from .blocks import in_readers_language
from .history import published_figures_history
from .models import ImpunityFigure


@require_safe
def figure_history(request):
    histories = published_figures_history()
    for history in histories:
        if history.figure:  # what partners paste to show it (the embed code)
            widget = reverse("figure_widget", args=[history.figure.pk])
            history.widget_url = request.build_absolute_uri(widget)
            record = f"{reverse('figure_history')}#{history.anchor}"
            history.record_url = request.build_absolute_uri(record)
    return render(
        request,
        "campaigns/figure_history.html",
        {
            "histories": histories,
            "share_title": _("How we count"),
            "share_description": _(
                "Every published value of the impunity figures, with its source and date."
            ),
        },
    )


FIGURE_COLUMNS = (
    "figure",
    "value_as_shown",
    "value",
    "out_of",
    "sentence",
    "source",
    "source_url",
    "as_of",
    "how_we_count",
    "published_at",
    "retired",
    "correction",
    "corrected_at",
)


@require_safe
def figure_history_download(request, file_format):
    """Every value each figure was published with, and its provenance, in the reader's language."""
    rows = [
        {
            "figure": publication.figure_name,
            "value_as_shown": publication.display_value or _("counted live"),
            "value": publication.value,
            "out_of": publication.out_of,
            "sentence": publication.sentence,
            "source": publication.source_name,
            "source_url": publication.source_url,
            "as_of": publication.as_of.isoformat() if publication.as_of else None,
            "how_we_count": publication.method_note,
            "published_at": publication.published_at.isoformat(),
            "retired": history.retired,
            "correction": publication.correction_note,
            "corrected_at": (
                publication.corrected_at.isoformat() if publication.corrected_at else None
            ),
        }
        for history in published_figures_history()
        for publication in history.publications
    ]
    about = provenance(
        request,
        str(_("How we count")),
        reverse("figure_history"),
        complete_note=_("Every value each figure was published with, oldest first."),
    )
    return download(
        about, rows, FIGURE_COLUMNS, name="figures", key="publications", file_format=file_format
    )


@require_safe
@xframe_options_exempt
def figure_widget(request, pk):
    """One published figure, for other sites to show in a frame: the only address of the site
    any origin may frame. Value, sentence, source and date, and a link to how it is counted;
    no script, so it shows with JavaScript off."""
    figure = get_object_or_404(ImpunityFigure.objects.filter(live=True), pk=pk)
    [figure] = in_readers_language([figure])
    response = render(request, "campaigns/figure_widget.html", {"figure": figure})
    response._csp_replace = {"frame-ancestors": ["*"]}
    return response
