from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from .history import published_figures_history


@require_safe
def figure_history(request):
    return render(
        request,
        "campaigns/figure_history.html",
        {
            "histories": published_figures_history(),
            "share_title": _("How we count"),
            "share_description": _(
                "Every published value of the impunity figures, with its source and date."
            ),
        },
    )
