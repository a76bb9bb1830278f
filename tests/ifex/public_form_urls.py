"""A public view whose template asks for a CSRF token only as it renders (test_page_cache)."""

from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from ifex.core.page_cache import public_page

FORM = engines["django"].from_string('<form method="post">{% csrf_token %}</form>')


def form(request):
    return TemplateResponse(request, FORM)


urlpatterns = [path("form/", public_page(form))]
