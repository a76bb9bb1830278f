from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from wagtail.models import Page

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
            "figure": publication.figure_id,  # its id: the name is for the admin only
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


def framable_by_any_site(view):
    """The widgets are the only addresses of the site any origin may frame (its own CSP
    frame-ancestors, no X-Frame-Options); everything else keeps 'none'."""

    @require_safe
    @xframe_options_exempt
    @wraps(view)
    def framable(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._csp_replace = {"frame-ancestors": ["*"]}
        return response

    return framable


@framable_by_any_site
def figure_widget(request, pk):
    """One published figure, for other sites to show in a frame: value, sentence, source and
    date, and a link to how it is counted; no script, so it shows with JavaScript off."""
    figure = get_object_or_404(ImpunityFigure.objects.filter(live=True), pk=pk)
    [figure] = in_readers_language([figure])
    return render(request, "campaigns/figure_widget.html", {"figure": figure})


@framable_by_any_site
def stats_widget(request, page_pk, block_id):
    """A stats block of a published page, as the page shows it, for other sites to frame."""
    page = get_object_or_404(Page.objects.live().public(), pk=page_pk).specific
    stats = next(
        (
            block
            for block in getattr(page, "body", ())
            if block.block_type == "stats" and block.id == str(block_id)
        ),
        None,
    )
    if stats is None:
        raise Http404("No such figures on this page")
    figures = stats.block.get_context(stats.value)["figures"]
    if not figures:
        raise Http404("None of these figures is published")
    heading = stats.value["heading"] or _("The facts about impunity")
    return render(request, "campaigns/stats_widget.html", {"figures": figures, "heading": heading})
