from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

urlpatterns = [
    path(_("how-we-count/"), views.figure_history, name="figure_history"),
]
