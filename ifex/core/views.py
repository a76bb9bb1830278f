import hashlib
import math
import sys

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe
from wagtail import views as wagtail_views

from .forms import SearchForm
from .languages import language_root
from .listing import PER_PAGE, requested_page_number
from .page_cache import PAGE_DECLARES, not_kept, read_only, reads_query
from .pages import specific_pages
from .public_text import reader_views
from .search import (
    SEARCH_TYPES,
    FoundPagesPaginator,
    clean_query,
    search_models,
    search_pages,
)
from .sign_in import page_password_credentials

OTHER_RESULTS_SHOWN = 10


@reads_query("q", *SearchForm.base_fields, "page")
@require_safe
def search(request):
    form = SearchForm(request.GET)
    query = clean_query(request.GET.get("q", ""))
    if request.GET.get("q", "") != query.text:
        not_kept(request)  # the same search as its cleaned words: one entry for them
    context = {
        "form": form,
        "query": query,
        "results": None,
        "others": [],
        "share_title": _("Search"),
        "share_description": _(
            "Search the network's articles, joint statements, campaigns and member organisations."
        ),
    }
    if not form.is_valid() or not query.searchable:
        return render(request, "core/search.html", context)

    chosen = form.cleaned_data["type"]
    types = [SEARCH_TYPES[chosen]] if chosen else list(SEARCH_TYPES.values())
    country, year = form.cleaned_data["country"], form.cleaned_data["year"]
    page_types = [t for t in types if t.is_page]
    other_types = [t for t in types if not t.is_page] if year is None else []

    if page_types:
        # The candidates (and so the count) are kept, as a listing's count is, until content
        # changes: paging through a search finds them again at no cost.
        found = search_pages(
            query.text,
            types=page_types,
            country=country,
            year=year,
            kept_as=search_candidates_key(query.text, page_types, country, year),
        )
        paginator = FoundPagesPaginator(found, PER_PAGE)
        results = paginator.get_page(requested_page_number(request, paginator))
        results.object_list = reader_views(specific_pages(list(results.object_list)))
        context["results"] = results
        shown = OTHER_RESULTS_SHOWN
    else:
        shown = None  # only organisations were asked for: show them all
    if not page_types or context["results"].number == 1:
        for other in other_types:
            matches = search_models(query.text, other, country=country)
            context["others"].append((other, list(matches[:shown]), matches.count()))
        context["other_count"] = sum(found for _, _, found in context["others"])
    context["query_string"] = query_string_without_page(request)
    return render(request, "core/search.html", context)


def search_candidates_key(text, page_types, country, year) -> str:
    asked = [get_language(), text, *(t.key for t in page_types), str(country and country.pk), year]
    return "candidates:search:" + hashlib.sha256(repr(asked).encode()).hexdigest()


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the real icon."""
    return redirect(static("favicon.svg"), permanent=True)


def query_string_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


DATABASE_RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
# As the error pages say them (templates/503.html, 500.html).
OUTAGE_DETAIL = _(
    "The site cannot reach its database just now. Nothing is lost: please try again in a minute."
)
ERROR_DETAIL = _("The site could not show this page. Please try again in a moment.")


@requires_csrf_token
def server_error(request):
    """A 503 with Retry-After when the database is unreachable (readers retry, nothing is
    broken); the plain 500 page otherwise. Neither page touches the database."""
    error = sys.exc_info()[1]
    outage = isinstance(error, OperationalError | InterfaceError)
    if request.path.startswith(API_PREFIX):  # programs read the API: they get JSON
        detail = OUTAGE_DETAIL if outage else ERROR_DETAIL
        response = JsonResponse({"detail": str(detail)}, status=503 if outage else 500)
    elif outage:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    else:
        return HttpResponseServerError(loader.render_to_string("500.html"))
    if outage:
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def login_refused(request, response=None, credentials=None):
    """django-axes' answer once an account or an address has failed too often."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "core/login_refused.html", {"cooloff_minutes": minutes}, status=429)


def authenticate_with_password(request, page_view_restriction_id, page_id):
    """Wagtail's page-password form, with failures counted by django-axes like a login's:
    per protected section and per address."""
    credentials = page_password_credentials(page_view_restriction_id)
    if request.method == "POST" and not AxesProxyHandler.is_allowed(request, credentials):
        return login_refused(request)
    response = wagtail_views.authenticate_with_password(request, page_view_restriction_id, page_id)
    if request.method == "POST" and response.status_code != 302:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return login_refused(request)
    return response


@reads_query(PAGE_DECLARES)
def serve_page(request, path):
    """Wagtail's own serve view, routed from the home page in the reader's language as the
    cache keeps it (ifex/core/languages.py): Wagtail's lookup of it (`root_page.localized`)
    costs a query on every request, two in a language other than English. Wagtail keeps a
    request's route on the request, and its view takes it from there."""
    if not hasattr(request, "_wagtail_route_for_request"):
        root = language_root(request)
        try:
            components = [component for component in path.split("/") if component]
            route = root.specific.route(request, components) if root else None
        except Http404:
            route = None
        request._wagtail_route_for_request = route
        if route:
            read_only(request, getattr(route[0], "query_parameters", ()))
    return wagtail_views.serve(request, path)
