from django.shortcuts import render
from django.views.decorators.http import require_safe

from .history import published_figures_history


@require_safe
def figure_history(request):
    return render(
        request, "campaigns/figure_history.html", {"histories": published_figures_history()}
    )
