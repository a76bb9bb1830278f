def specific_pages(pages) -> list:
    """`pages` (plain Page objects) as their specific types, in the same order, with what cards
    show fetched in bulk: a fixed number of queries per page type, never one per page."""
    ids_by_model: dict[type, list[int]] = {}
    for page in pages:
        ids_by_model.setdefault(page.specific_class, []).append(page.pk)
    found = {}
    for model, ids in ids_by_model.items():
        listing = getattr(model, "listing_queryset", None)
        queryset = listing() if listing else model.objects.all()
        found.update(queryset.filter(pk__in=ids).in_bulk())
    return [found[page.pk] for page in pages if page.pk in found]
