from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ifex.core.open_data import FORMATS

from . import views

urlpatterns = [
    path("embed/figures/<int:pk>/", views.figure_widget, name="figure_widget"),
    path("embed/stats/<int:page_pk>/<uuid:block_id>/", views.stats_widget, name="stats_widget"),
    path(_("how-we-count/"), views.figure_history, name="figure_history"),
    *(
        path(
            format_lazy("{}{}/", _("how-we-count/"), file_format),
            views.figure_history_download,
            {"file_format": file_format},
            name=f"figure_history_{file_format}",
        )
        for file_format in FORMATS
    ),
]
