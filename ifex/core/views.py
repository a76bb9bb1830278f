from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .forms import SearchForm
from .listing import PER_PAGE, nearest_page_number
from .pages import specific_pages
from .search import SEARCH_TYPES, clean_query, search_models, search_pages

OTHER_RESULTS_SHOWN = 10


@require_safe
def search(request):
    form = SearchForm(request.GET)
    query = clean_query(request.GET.get("q", ""))
    context = {"form": form, "query": query, "results": None, "others": []}
    if not form.is_valid() or not query.searchable:
        return render(request, "core/search.html", context)

    chosen = form.cleaned_data["type"]
    types = [SEARCH_TYPES[chosen]] if chosen else list(SEARCH_TYPES.values())
    country, year = form.cleaned_data["country"], form.cleaned_data["year"]
    page_types = [t for t in types if t.is_page]
    other_types = [t for t in types if not t.is_page] if year is None else []

    if page_types:
        paginator = Paginator(
            search_pages(query.text, types=page_types, country=country, year=year), PER_PAGE
        )
        results = paginator.get_page(nearest_page_number(request.GET.get("page"), paginator))
        results.object_list = specific_pages(list(results.object_list))
        context["results"] = results
        shown = OTHER_RESULTS_SHOWN
    else:
        shown = None  # only organisations were asked for: show them all
    if not page_types or context["results"].number == 1:
        context["others"] = [
            (other, list(search_models(query.text, other, country=country)[:shown]))
            for other in other_types
        ]
    context["query_string"] = query_string_without_page(request)
    return render(request, "core/search.html", context)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def query_string_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
