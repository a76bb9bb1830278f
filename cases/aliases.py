"""Cases in every language the site is read in, before anyone translates them: as
wagtail-localize's tree synchronisation does (`synctree`), each case gets an alias page in each
language's case section, showing its original's words until a translator publishes a
translation in its place. Readers of /fr/cases/ see the imported cases, marked as English
(`lang="en" dir="auto"`: ifex/core/languages.py `content_language`), and Wagtail keeps every
alias in step with its original when the original is published again.

wagtail-localize makes them one page at a time (`copy_for_translation(alias=True)`), a dozen
queries each: for thousands of imported cases, here they are written in bulk, as the importer
writes the originals, with the same rows Wagtail's copy would make (the page, the case, its
status events). A language whose home has no version yet gets none: its readers are served the
English site."""

from django.db import connection
from wagtail.models import Page

from .models import CaseIndexPage, CasePage, CaseStatusEvent


def case_sections(index: CaseIndexPage) -> list[Page]:
    """The case section in each other language whose home exists: its translation, its alias,
    or an alias made now (as wagtail-localize makes a translated page's missing parents)."""
    sections = {
        page.locale_id: page
        for page in Page.objects.filter(translation_key=index.translation_key).exclude(
            locale_id=index.locale_id
        )
    }
    parent = index.get_parent()
    homes = Page.objects.filter(translation_key=parent.translation_key).exclude(
        locale_id__in=[index.locale_id, *sections]
    )
    for home in homes.select_related("locale"):
        sections[home.locale_id] = index.copy_for_translation(home.locale, alias=True)
    return sorted(sections.values(), key=lambda section: section.locale_id)


def alias_in_every_language(case_ids) -> list[int]:
    """Aliases of the cases `case_ids` (originals under one case index), in each other
    language's case section that has no version of them yet. Returns the aliases' ids."""
    originals = list(Page.objects.filter(pk__in=case_ids, alias_of__isnull=True).order_by("path"))
    if not originals:
        return []
    index = CaseIndexPage.objects.get(pk=originals[0].get_parent().pk)
    made = []
    for section in case_sections(index):
        there = set(
            Page.objects.filter(
                locale_id=section.locale_id,
                translation_key__in=[page.translation_key for page in originals],
            ).values_list("translation_key", flat=True)
        )
        wanted = [page for page in originals if page.translation_key not in there]
        if wanted:
            made += alias_under(section, wanted)
    return made


# The columns of a case and of a status event that an alias copies from its original, as
# Wagtail's copy does: every one but the keys.
def copied_columns(model, *, leave_out) -> list[str]:
    return [
        field.column
        for field in model._meta.local_concrete_fields
        if field.column not in leave_out and not field.primary_key
    ]


def alias_under(section: Page, originals: list[Page]) -> list[int]:
    section.refresh_from_db()
    last = section.get_last_child()
    start = section._str2int(last.path[-section.steplen :]) + 1 if last else 1
    pages = [
        Page(
            path=section._get_path(section.path, section.depth + 1, start + offset),
            depth=section.depth + 1,
            numchild=0,
            translation_key=original.translation_key,
            locale_id=section.locale_id,
            alias_of_id=original.pk,
            live=original.live,
            has_unpublished_changes=False,
            first_published_at=original.first_published_at,
            last_published_at=original.last_published_at,
            latest_revision_created_at=original.latest_revision_created_at,
            title=original.title,
            draft_title=original.draft_title,
            slug=original.slug,
            seo_title=original.seo_title,
            search_description=original.search_description,
            show_in_menus=original.show_in_menus,
            content_type_id=original.content_type_id,
            url_path=f"{section.url_path}{original.slug}/",
        )
        for offset, original in enumerate(originals)
    ]
    created = Page.objects.bulk_create(pages)
    Page.objects.filter(pk=section.pk).update(numchild=section.numchild + len(created))
    pairs = [[page.alias_of_id for page in created], [page.pk for page in created]]
    quote = connection.ops.quote_name
    case_columns = copied_columns(CasePage, leave_out={"page_ptr_id"})
    event_columns = copied_columns(CaseStatusEvent, leave_out={"case_id", "id"})
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO {table} (page_ptr_id, {columns}) "
            "SELECT copy.new, {selected} FROM {table} AS original "
            "JOIN unnest(%s, %s) AS copy(old, new) ON original.page_ptr_id = copy.old".format(
                table=quote(CasePage._meta.db_table),
                columns=", ".join(quote(column) for column in case_columns),
                selected=", ".join(f"original.{quote(column)}" for column in case_columns),
            ),
            pairs,
        )
        cursor.execute(
            "INSERT INTO {table} (case_id, {columns}) "
            "SELECT copy.new, {selected} FROM {table} AS original "
            "JOIN unnest(%s, %s) AS copy(old, new) ON original.case_id = copy.old".format(
                table=quote(CaseStatusEvent._meta.db_table),
                columns=", ".join(quote(column) for column in event_columns),
                selected=", ".join(f"original.{quote(column)}" for column in event_columns),
            ),
            pairs,
        )
    return [page.pk for page in created]
