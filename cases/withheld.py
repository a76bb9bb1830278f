"""A withheld name: where it would show, and how to keep it out.

Names are compared as readers would recognise them, not as they were typed: accents, case and
compatibility forms are folded ("Jose Perez" is "José Pérez"), and each part of the name is
matched as a whole word, however short ("Li Na"), so that "Li" is not found inside "police".
A handful of words that are both name particles and everyday words in the site's languages
("de", "la", "van", "al"...) count only next to another part of the name: "Du Bin" is found in
"Du Bin said", but a French "du" alone is not the name.

Link addresses are read unquoted, and a name run together there counts too
("/zorbanequillfeather/").

Used by the cases (the checks on save and what readers see) and by the importers.
"""

import contextvars
import copy
import hashlib
import html
import json
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

# Both name particles and common words in English, French, Spanish or a Latin transliteration of
# Arabic: a part of the name that is one of them is only the name beside another part.
PARTICLES = frozenset(
    {
        "a",
        "e",
        "i",
        "o",
        "u",
        "y",
        "an",
        "as",
        "at",
        "by",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "to",
        "and",
        "the",
        "et",
        "en",
        "un",
        "une",
        "le",
        "la",
        "les",
        "lo",
        "los",
        "las",
        "el",
        "al",
        "de",
        "da",
        "do",
        "du",
        "di",
        "dos",
        "das",
        "del",
        "des",
        "della",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "ten",
        "bin",
        "ibn",
        "bint",
    }
)

REDACTED = "…"


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(part for part in decomposed if not unicodedata.combining(part)).casefold()


def fold(text: str) -> str:
    """Accents and case folded: what to compare a name with."""
    return "".join(_fold_char(char) for char in text)


def _folded_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the one it came from."""
    folded, origins = [], []
    for index, char in enumerate(text):
        for part in _fold_char(char):
            folded.append(part)
            origins.append(index)
    return "".join(folded), origins


def _whole(pattern: str) -> str:
    return rf"(?<!\w){pattern}(?!\w)"


class WithheldName:
    """One or more spellings of a person's name (a case and its translations), to find in text."""

    def __init__(self, *names: str):
        spellings = {tuple(re.findall(r"\w+", fold(name or ""))) for name in names}
        spellings.discard(())
        words = set()
        phrases = set()
        for parts in spellings:
            words.update(
                part
                for part in parts
                if len(part) > 1 and part not in PARTICLES and not part.isdigit()
            )
            if len(parts) > 1:
                phrases.add(parts)
        # Longest first: "José Pérez" is one ellipsis, not two.
        text_patterns = [
            _whole(r"[\W_]+".join(map(re.escape, parts)))
            for parts in sorted(phrases, key=len, reverse=True)
        ]
        text_patterns += [_whole(re.escape(word)) for word in sorted(words, key=len, reverse=True)]
        # In an address, words also run together: /zorbanequillfeather/.
        address_patterns = [
            _whole("".join(map(re.escape, parts))) for parts in sorted(phrases)
        ] + text_patterns
        self._in_text = re.compile("|".join(text_patterns)) if text_patterns else None
        self._in_address = re.compile("|".join(address_patterns)) if address_patterns else None

    def __bool__(self):
        return self._in_text is not None

    # Finding

    def in_text(self, text) -> bool:
        return bool(self._in_text and text and self._in_text.search(fold(str(text))))

    def in_address(self, address) -> bool:
        if not (self._in_address and address):
            return False
        # "_" joins words in file names (zorbane_quillfeather_2019.jpg): a separator here.
        address = unquote(str(address).replace("+", " ")).replace("_", " ")
        return bool(self._in_address.search(fold(address)))

    def in_html(self, markup) -> bool:
        """In the text of rich text, or in any of its attributes: link addresses, titles."""
        if not (self and markup):
            return False
        reader = _MarkupReader(self)
        reader.feed(str(markup))
        reader.close()
        return reader.found

    # Keeping out

    def redact(self, text) -> str:
        """The text with each occurrence of the name replaced by an ellipsis."""
        text = "" if text is None else str(text)
        if not (self._in_text and text):
            return text
        folded, origins = _folded_with_origins(text)
        pieces, last = [], 0
        for match in self._in_text.finditer(folded):
            start, end = origins[match.start()], origins[match.end() - 1] + 1
            if start < last:
                continue
            pieces += [text[last:start], REDACTED]
            last = end
        return "".join(pieces) + text[last:]

    def redact_address(self, address) -> str:
        """The address, or nothing if it carries the name."""
        return "" if self.in_address(address) else (address or "")

    def redact_html(self, markup) -> str:
        """Rich text with the name out of its text and attributes; a link whose address carries
        the name keeps its words and loses its address."""
        if not (self and markup):
            return markup or ""
        writer = _MarkupWriter(self)
        writer.feed(str(markup))
        writer.close()
        return "".join(writer.output)


ADDRESS_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "cite", "data", "poster"})


class _MarkupReader(HTMLParser):
    def __init__(self, name: WithheldName):
        super().__init__(convert_charrefs=True)
        self.name, self.found, self.text = name, False, []

    def handle_starttag(self, tag, attrs):
        for attribute, value in attrs:
            if value and (
                self.name.in_address(value)
                if attribute in ADDRESS_ATTRIBUTES
                else self.name.in_text(value)
            ):
                self.found = True

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)

    def handle_endtag(self, tag):
        # Words are read across inline tags: "<b>Zor</b>bane" is one word to a reader.
        if tag in {"p", "li", "ol", "ul", "br", "div", "h2", "h3", "h4", "blockquote"}:
            self.text.append(" ")

    def close(self):
        super().close()
        if self.name.in_text("".join(self.text)):
            self.found = True


class _MarkupWriter(HTMLParser):
    def __init__(self, name: WithheldName):
        super().__init__(convert_charrefs=True)
        self.name, self.output = name, []

    def _attributes(self, attrs) -> str:
        kept = []
        for attribute, value in attrs:
            if value is None:
                kept.append(f" {attribute}")
                continue
            if attribute in ADDRESS_ATTRIBUTES:
                if self.name.in_address(value):
                    continue
            else:
                value = self.name.redact(value)
            kept.append(f' {attribute}="{html.escape(value, quote=True)}"')
        return "".join(kept)

    def handle_starttag(self, tag, attrs):
        self.output.append(f"<{tag}{self._attributes(attrs)}>")

    def handle_startendtag(self, tag, attrs):
        self.output.append(f"<{tag}{self._attributes(attrs)}/>")

    def handle_endtag(self, tag):
        self.output.append(f"</{tag}>")

    def handle_data(self, data):
        self.output.append(html.escape(self.name.redact(data), quote=False))

    def handle_comment(self, data):
        pass  # nothing a reader needs, and a place a name could hide


# A case's public text: everything a reader, a search engine, a link preview, a download or the
# API can see of it.
TEXT_FIELDS = (
    "title",
    "seo_title",
    "search_description",
    "teaser",
    "employers",
    "locality",
    "source_name",
    "hero_caption",
    "hero_image_alt",
)
IMAGE_TEXT_FIELDS = ("hero_caption", "hero_image_alt")  # not on the case form
ADDRESS_FIELDS = ("slug", "source_url")
RICH_TEXT_FIELDS = ("summary",)
EVENT_TEXT_FIELDS = ("source_name", "note")
EVENT_ADDRESS_FIELDS = ("source_url",)


def fields_carrying(name: WithheldName, instance, text=(), addresses=(), rich_text=()) -> list[str]:
    """The fields of `instance` in which the name shows."""
    from wagtail.rich_text import expand_db_html

    found = [field for field in text if name.in_text(getattr(instance, field, ""))]
    found += [field for field in addresses if name.in_address(getattr(instance, field, ""))]
    for field in rich_text:
        markup = getattr(instance, field, "") or ""
        # Links to pages are read as readers get them: with the page's address.
        if name.in_html(markup) or name.in_html(expand_db_html(markup)):
            found.append(field)
    return found


def case_fields_carrying(name: WithheldName, case) -> list[str]:
    found = fields_carrying(name, case, TEXT_FIELDS, ADDRESS_FIELDS, RICH_TEXT_FIELDS)
    if case.hero_image_id and image_naming(name, case.hero_image):
        found.append("hero_image")
    return found


def image_naming(name: WithheldName, image) -> bool:
    """Readers get an image's title, description and credit as its text, and its file's name in
    the address of each of its renditions."""
    return any(name.in_text(getattr(image, part, "")) for part in IMAGE_TEXT) or (
        name.in_address(image.file.name)
    )


def public_hero(view, name: WithheldName) -> None:
    """The view's hero image as readers get it: its text redacted, or none at all when its file's
    name (in every rendition's address) names the person."""
    if not getattr(view, "hero_image_id", None):
        return
    if name.in_address(view.hero_image.file.name):
        view.hero_image = None
        return
    image = copy.copy(view.hero_image)
    for part in IMAGE_TEXT:
        setattr(image, part, name.redact(getattr(image, part, "")))
    view.hero_image = image


def addresses_naming_pages_about(name: WithheldName, case) -> list[str]:
    """The titles of the pages about the case (linking to any of its languages, or that it
    links to) whose address names the person."""
    from wagtail.models import Page, ReferenceIndex

    cases = [case.pk, *translations_of(case).values_list("pk", flat=True)] if case.pk else []
    page_type = _page_content_type()
    linking = ReferenceIndex.objects.filter(
        base_content_type=page_type,
        to_content_type=page_type,
        to_object_id__in=[str(pk) for pk in cases],
    ).values_list("object_id", flat=True)
    about = {int(pk) for pk in linking if pk.isdigit()} | _pages_linked_from(case)
    pages = Page.objects.filter(pk__in=about).exclude(pk__in=cases)
    rows = pages.values_list("title", "url_path")
    return [title for title, path in rows if name.in_address(path)]


def event_fields_carrying(name: WithheldName, event) -> list[str]:
    return fields_carrying(name, event, EVENT_TEXT_FIELDS, EVENT_ADDRESS_FIELDS)


def translations_of(case):
    """The case's other languages (or none yet, for a new case)."""
    return type(case).objects.filter(translation_key=case.translation_key).exclude(pk=case.pk)


def withheld_name_of(case, person_name=None, name_withheld=None) -> WithheldName | None:
    """The name to keep out of the case's public text, in every spelling the case has in any
    language; None when the name is public. Withheld in one language is withheld in all: a
    translation is the same person. (`person_name` and `name_withheld`: as a form is about to
    set them.)"""
    person_name = case.person_name if person_name is None else person_name
    name_withheld = case.name_withheld if name_withheld is None else name_withheld
    others = list(translations_of(case).values_list("person_name", "name_withheld"))
    if not (name_withheld or any(withheld for _name, withheld in others)):
        return None
    name = WithheldName(person_name, *(other for other, _withheld in others))
    return name or None


def public_view(case):
    """The case as readers, downloads and the API see it: a copy in which a withheld name is
    taken out of every text, link and status event, whatever road it came in by (the checks on
    save refuse it; an import or a shell might not have asked). Its status history, oldest
    first, is `public_history`; `keep_out` redacts any other text shown beside it."""
    from wagtail.rich_text import expand_db_html

    view = copy.copy(case)
    view.public_history = case.status_history()
    view.keep_out = WithheldName(case.person_name) if case.name_withheld else None
    name = view.keep_out
    if not name:
        view.keep_out = None
        return view
    for field in TEXT_FIELDS:
        setattr(view, field, name.redact(getattr(case, field, "")))
    for field in ADDRESS_FIELDS[1:]:  # the slug is the page's address: refused on save
        setattr(view, field, name.redact_address(getattr(case, field, "")))
    for field in RICH_TEXT_FIELDS:
        setattr(view, field, name.redact_html(expand_db_html(getattr(case, field, "") or "")))
    public_hero(view, name)
    events = []
    for event in view.public_history:
        event = copy.copy(event)
        for field in EVENT_TEXT_FIELDS:
            setattr(event, field, name.redact(getattr(event, field)))
        for field in EVENT_ADDRESS_FIELDS:
            setattr(event, field, name.redact_address(getattr(event, field)))
        events.append(event)
    view.public_history = events
    return view


def page_carrying(name: WithheldName, page) -> bool:
    """A page shown beside the case (a report) that names the person anywhere readers would see
    it (its title, address, teaser, body, images): listing it would tie the name to the case."""
    return (
        name.in_text(page.title)
        or name.in_address(page.url_path)
        or bool(page_fields_naming(name, page.specific))
    )


def public_reports(view, pages) -> list:
    """The pages about the case that readers may see beside it."""
    if not view.keep_out:
        return list(pages)
    return [page for page in pages if not page_carrying(view.keep_out, page)]


def public_report_rows(view, rows) -> list:
    """The case's reports (rows with their `page`) that readers may see beside it."""
    rows = list(rows)
    if not view.keep_out:
        return rows
    shown = {page.pk for page in public_reports(view, [row.page for row in rows])}
    return [row for row in rows if row.page_id in shown]


# Withholding a name is the same in every language, and leaves no address pointing at the case.

# Addresses removed while an admin request is under way, to tell the staff member who withheld.
_removed_addresses: contextvars.ContextVar = contextvars.ContextVar("removed_addresses")


def follow_the_translations(case) -> bool:
    """Before a save. A translation saved with the name public while another language withholds
    it (a draft older than the withholding, a translator's override) stays withheld. Only the
    original, the case's first page, lifts it, and then for every language: returns True."""
    if case.name_withheld:
        return False
    others = translations_of(case)
    if not others.filter(name_withheld=True).exists():
        return False
    first = min(others.values_list("pk", flat=True))
    lifting = (
        case.pk is not None
        and case.pk < first
        and type(case).objects.filter(pk=case.pk, name_withheld=True).exists()
    )
    if not lifting:
        case.name_withheld = True
    return lifting


def withhold_in_every_language(case, lifting: bool) -> None:
    """After a save: every language follows; redirects from addresses that carry the name go,
    now and once the save is committed (Wagtail makes the one for a changed slug then)."""
    if lifting:
        translations_of(case).update(name_withheld=False)
        return
    if not case.name_withheld:
        return
    translations_of(case).filter(name_withheld=False).update(name_withheld=True)
    move_translations_off_addresses_naming(case)
    remove_addresses_naming(case)
    delete_renditions_naming(case)
    transaction.on_commit(lambda: remove_addresses_naming(case))
    transaction.on_commit(lambda: index_again_pages_about(case))


def move_translations_off_addresses_naming(case) -> None:
    """Wagtail keeps an alias's own slug when its original's changes, and a translation keeps
    its own until it is translated again: one whose address carries the name takes the case's,
    which withholding required to be free of it. Moved in place, so no redirect is made from
    the address that names the person."""
    from wagtail.models import Page

    name = withheld_name_of(case)
    if not name or name.in_address(case.slug):
        return
    for other in translations_of(case).only("pk", "slug", "path", "depth"):
        if not name.in_address(other.slug):
            continue
        parent = other.get_parent()
        slug = case.slug
        if parent.get_children().filter(slug=slug).exclude(pk=other.pk).exists():
            slug = f"{case.slug}-{other.pk}"
        Page.objects.filter(pk=other.pk).update(slug=slug, url_path=f"{parent.url_path}{slug}/")
    take_the_name_out_of_stored_addresses(name, case)


def take_the_name_out_of_stored_addresses(name: WithheldName, case) -> None:
    """What could be published later keeps each language's address as it is now: the stored
    revisions of the case and its translations (a translator's draft, one staff restore or
    schedule) and wagtail-localize's copy of the original, from which its editor publishes a
    translation until the next sync. The rest of an older revision is left as it was: staff
    alone read revisions, and a case's person's name is theirs to know."""
    from wagtail.models import Revision
    from wagtail_localize.models import TranslationSource

    pages = type(case).objects.filter(translation_key=case.translation_key)
    addresses = {
        pk: (slug, url_path) for pk, slug, url_path in pages.values_list("pk", "slug", "url_path")
    }
    revisions = Revision.page_revisions.filter(object_id__in=[str(pk) for pk in addresses])
    for revision in revisions.only("object_id", "content"):
        if name.in_address(revision.content.get("slug")):
            slug, url_path = addresses[int(revision.object_id)]
            revision.content.update(slug=slug, url_path=url_path)
            revision.save(update_fields=["content"])
    by_locale = dict(pages.values_list("locale_id", "pk"))
    for source in TranslationSource.objects.filter(object_id=case.translation_key):
        content = json.loads(source.content_json)
        if name.in_address(content.get("slug")) and source.locale_id in by_locale:
            slug, url_path = addresses[by_locale[source.locale_id]]
            content.update(slug=slug, url_path=url_path)
            TranslationSource.objects.filter(pk=source.pk).update(
                content_json=json.dumps(content, cls=DjangoJSONEncoder)
            )


def delete_renditions_naming(case) -> None:
    """A rendition's address carries its image's file name. Those made while the name was public
    stay at an address anyone may have kept, or may guess from the name: they are deleted, their
    files with them once the save is committed (Wagtail's own clean-up)."""
    from wagtail.images import get_image_model

    name = withheld_name_of(case)
    if not name:
        return
    image_model = get_image_model()
    images = image_model.objects.values_list("pk", "file")
    naming = [pk for pk, file in images if name.in_address(file)]
    if naming:
        image_model.get_rendition_model().objects.filter(image_id__in=naming).delete()


def index_again_pages_about(case) -> None:
    """The search index holds each page as readers get it (`BasePage.get_indexed_instance`):
    the pages about the person, indexed while the name was public, are indexed again without
    it, so that searching the name finds none of them."""
    from wagtail.models import Page
    from wagtail.search import index

    name = withheld_name_of(case)
    if not name:
        return
    spellings = set(translations_of(case).values_list("person_name", flat=True))
    spellings.add(case.person_name)
    about = [pk for pk, names in withheld_ties().items() if spellings & set(names)]
    for page in Page.objects.filter(pk__in=about).specific():
        index.insert_or_update_object(page)


def remove_addresses_naming(case) -> list[str]:
    """Deletes the redirects from an address that carries the withheld name, to any page or
    link, and returns their old paths."""
    from wagtail.contrib.redirects.models import Redirect

    name = withheld_name_of(case)
    if not name:
        return []
    # To any page: an old address of a page about the person, or one typed by staff, names them.
    redirects = Redirect.objects.values_list("pk", "old_path")
    naming = {pk: old_path for pk, old_path in redirects if name.in_address(old_path)}
    if naming:
        Redirect.objects.filter(pk__in=naming).delete()
        collected = _removed_addresses.get(None)
        if collected is not None:
            collected.update(naming.values())
    return sorted(naming.values())


def start_collecting_removed_addresses() -> None:
    _removed_addresses.set(set())


def collected_removed_addresses() -> list[str]:
    collected = _removed_addresses.get(None) or set()
    _removed_addresses.set(None)
    return sorted(collected)


# Other pages about the person: an article, a statement or a campaign that links to the case, or
# that the case links to or lists as a report. Staff cannot save one that names the person (the
# error beside the field); one that named them before the name was withheld is shown to readers
# with the name taken out (`reader_view`).

PAGE_TEXT_FIELDS = (
    "title",
    "seo_title",
    "search_description",
    "teaser",
    "intro",
    "hero_caption",
    "hero_image_alt",
)
PAGE_ADDRESS_FIELDS = ("slug",)
IMAGE_TEXT = ("title", "description", "credit")
# In stored StreamField content: the block's kind and identity, never words.
STREAM_KEYS_NOT_TEXT = frozenset({"type", "id"})


def _looks_like_address(text: str) -> bool:
    return text.startswith(("http://", "https://", "/", "mailto:")) and " " not in text


def _texts_in_stream(value):
    """Every string in StreamField content as stored (blocks, structs, lists)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in STREAM_KEYS_NOT_TEXT:
                yield from _texts_in_stream(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts_in_stream(item)
    elif isinstance(value, str):
        yield value


def _redact_stream(name: WithheldName, value):
    if isinstance(value, dict):
        return {
            key: item if key in STREAM_KEYS_NOT_TEXT else _redact_stream(name, item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_stream(name, item) for item in value]
    if isinstance(value, str):
        if "<" in value:
            return _redact_rich_text(name, value)
        if _looks_like_address(value):
            return name.redact_address(value)
        return name.redact(value)
    return value


def _redact_rich_text(name: WithheldName, markup: str) -> str:
    """Rich text as readers get it, links and embeds expanded (a document's address carries its
    file's name), with the name out."""
    from wagtail.rich_text import expand_db_html

    return name.redact_html(expand_db_html(markup))


def _string_naming(name: WithheldName, text: str) -> bool:
    from wagtail.rich_text import expand_db_html

    if "<" in text:
        # Links to pages are read as readers get them: with the page's address.
        return name.in_html(text) or name.in_html(expand_db_html(text))
    if _looks_like_address(text):
        return name.in_address(text)
    return name.in_text(text)


def _content_fields(page, kind) -> list[str]:
    return [field.name for field in page._meta.concrete_fields if isinstance(field, kind)]


def _stored_stream(page, field: str) -> list:
    return list(getattr(page, field).raw_data)


def _files_of(page):
    """The images and documents the page shows: its hero, and those its fields refer to, each
    as (field, file, where in the field: the top block's id, or "")."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    kinds = (get_image_model(), get_document_model())
    hero = getattr(page, "hero_image", None) if "hero_image_id" in page.__dict__ else None
    if hero is not None:
        yield "hero_image", hero, ""
    wanted = {kind: [] for kind in kinds}
    for field in page._meta.concrete_fields:
        extract = getattr(field, "extract_references", None)
        if extract is None or field.attname in page.get_deferred_fields():
            continue
        for model, pk, _model_path, content_path in extract(field.value_from_object(page)):
            for kind in kinds:
                if issubclass(kind, model) or model is kind:
                    wanted[kind].append((str(pk), field.name, content_path.split(".")[0]))
    for kind, references in wanted.items():
        if references:
            found = kind.objects.in_bulk([pk for pk, _field, _block in references])
            for pk, field, block in references:
                if (file := found.get(int(pk)) if pk.isdigit() else None) is not None:
                    yield field, file, block


def _images_of(page):
    from wagtail.images import get_image_model

    image_model = get_image_model()
    for field, file, _block in _files_of(page):
        if isinstance(file, image_model):
            yield field, file


def file_naming(name: WithheldName, file) -> bool:
    """An image (`image_naming`), or a document: its title and its file's name, in its address."""
    from wagtail.images import get_image_model

    if isinstance(file, get_image_model()):
        return image_naming(name, file)
    return name.in_text(getattr(file, "title", "")) or name.in_address(file.file.name)


def page_fields_naming(name: WithheldName, page) -> list[str]:
    """The fields of any page in which the name shows to readers: its text, address, rich text
    and StreamField content (link addresses and the words of every block), and the title and
    description of the images it shows (readers get them as alternative text)."""
    from wagtail.fields import RichTextField, StreamField

    deferred = page.get_deferred_fields()
    text = [field for field in PAGE_TEXT_FIELDS if isinstance(getattr(page, field, None), str)]
    addresses = [field for field in PAGE_ADDRESS_FIELDS if hasattr(page, field)]
    rich_text = [field for field in _content_fields(page, RichTextField) if field not in deferred]
    found = fields_carrying(name, page, text, addresses, rich_text)
    for field in _content_fields(page, StreamField):
        if field not in deferred and any(
            _string_naming(name, text) for text in _texts_in_stream(_stored_stream(page, field))
        ):
            found.append(field)
    for field, file, _block in _files_of(page):
        if field not in found and file_naming(name, file):
            found.append(field)
    return found


def _page_content_type():
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    return ContentType.objects.get_for_model(Page)


def _pages_linked_from(page) -> set[int]:
    """The pages the page (as about to be saved) links to or chooses, in any of its fields."""
    from wagtail.models import Page

    linked = set()
    for field in page._meta.concrete_fields:
        extract = getattr(field, "extract_references", None)
        if extract is None or field.attname in page.get_deferred_fields():
            continue
        for model, pk, _model_path, _content_path in extract(field.value_from_object(page)):
            if issubclass(model, Page) and str(pk).isdigit():
                linked.add(int(pk))
    return linked


def withheld_cases_about(page):
    """The cases with a withheld name that `page` (as about to be saved) is about: those it links
    to, and those that list it as a report or link to it."""
    from django.db.models import IntegerField, Q
    from django.db.models.functions import Cast
    from wagtail.models import ReferenceIndex

    from .models import CasePage

    about = Q(pk__in=_pages_linked_from(page))
    if page.pk is not None:
        page_type = _page_content_type()
        linking = ReferenceIndex.objects.filter(
            base_content_type=page_type, to_content_type=page_type, to_object_id=str(page.pk)
        ).annotate(page_id=Cast("object_id", IntegerField()))
        about |= Q(reports__page_id=page.pk) | Q(pk__in=linking.values("page_id"))
    withheld = CasePage.objects.filter(name_withheld=True).values("translation_key")
    return (
        CasePage.objects.filter(about, translation_key__in=withheld).exclude(pk=page.pk).distinct()
    )


def refuse_names_in_page(page):
    """Any page but a case (whose own check is its clean), on every save: a page about a case
    with a withheld name must not name the person. The error is beside each field at fault."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import CasePage

    if isinstance(page, CasePage):
        return
    cases = list(withheld_cases_about(page))
    if not cases:
        return
    translations = type(cases[0]).objects.filter(
        translation_key__in=[case.translation_key for case in cases]
    )
    name = WithheldName(*translations.values_list("person_name", flat=True))
    fields = page_fields_naming(name, page)
    if not fields:
        return
    titles = ", ".join(f"“{name.redact(case.title)}”" for case in cases)
    message = _(
        "This names a person whose name is withheld (the case %(cases)s): readers would see "
        "it here. Take the name out of this field."
    ) % {"cases": titles}
    image_message = _(
        "This image's file name, title, description or credit names a person whose name is "
        "withheld (the case %(cases)s): readers would get it with the image. Choose another "
        "image, or change the image in the image library."
    ) % {"cases": titles}
    image_fields = {field for field, _image in _images_of(page)}
    raise ValidationError(
        {
            field: image_message if field == "hero_image" and field in image_fields else message
            for field in fields
        }
    )


# What readers get: each page about a withheld case, as kept until content changes.


def withheld_ties() -> dict[int, tuple[str, ...]]:
    """For each page about a case with a withheld name (the case itself in every language, and
    each page linking to it or that it links to or lists as a report): the spellings of the
    names to keep out of it. The withheld names are kept by each worker until a case is saved
    (no query on most requests, none at all when no name is withheld); the pages about them are
    read once per content version."""
    from ifex.core.shared_parts import kept_until_content_changes

    names_of = withheld_names()
    if not names_of:
        return {}
    names = hashlib.sha256(repr(sorted((pk, sorted(n)) for pk, n in names_of.items())).encode())
    return kept_until_content_changes(
        f"cases:withheld_ties:{names.hexdigest()[:16]}", lambda: _read_withheld_ties(names_of)
    )


WITHHELD_NAMES_KEY = "cases:withheld_names"


def withheld_names() -> dict[int, frozenset[str]]:
    """Each case (in each language) whose name is withheld in any language: its spellings. Kept
    by each worker until a case is saved; a new worker reads it with the site (`read_with_the_
    site`), in the query it makes anyway."""
    from ifex.core.page_cache import kept_until_saved

    from .models import CasePage

    return kept_until_saved(WITHHELD_NAMES_KEY, _read_withheld_names, CasePage)


def withheld_name_rows():
    """One row per case in each language whose name is withheld in any language."""
    from django.db.models import F, TextField
    from django.db.models.functions import Cast, JSONObject

    from .models import CasePage

    withheld = CasePage.objects.filter(name_withheld=True).values("translation_key")
    return CasePage.objects.filter(translation_key__in=withheld).annotate(
        row=JSONObject(
            pk="pk",
            key=Cast("translation_key", TextField()),
            name=F("person_name"),
        )
    )


def names_from_rows(rows) -> dict[int, frozenset[str]]:
    names_by_key: dict = {}
    for row in rows:
        names_by_key.setdefault(row["key"], set()).add(row["name"])
    return {row["pk"]: frozenset(names_by_key[row["key"]]) for row in rows}


def _read_withheld_names() -> dict[int, frozenset[str]]:
    return names_from_rows(list(withheld_name_rows().values_list("row", flat=True)))


def case_saved(sender, instance, update_fields=None, **kwargs):
    """Whose name is withheld may have changed: each worker reads the names again."""
    from ifex.core.page_cache import model_changed

    if update_fields is None or {"person_name", "name_withheld"} & set(update_fields):
        model_changed(sender)


def redirect_saved(sender, instance, **kwargs):
    """A redirect whose old address names a person whose name is withheld (Wagtail's, made once
    a page's new slug is committed, or one staff typed) is deleted: it would tie the name to the
    page it leads to."""
    transaction.on_commit(lambda: _remove_redirect_naming(sender, instance.pk))


def _remove_redirect_naming(model, pk) -> None:
    names = withheld_names()
    if not names:
        return
    name = _name_for(tuple(sorted(set().union(*names.values()))))
    redirect = model.objects.filter(pk=pk).first()
    if redirect is not None and name.in_address(redirect.old_path):
        redirect.delete()


def case_deleted(sender, instance, **kwargs):
    from ifex.core.page_cache import model_changed

    model_changed(sender)


def _read_withheld_ties(names_of: dict[int, frozenset[str]]) -> dict[int, tuple[str, ...]]:
    from django.db.models import CharField
    from django.db.models.functions import Cast
    from wagtail.models import ReferenceIndex

    from .models import CaseReport

    page_type = _page_content_type()
    ids = [str(pk) for pk in names_of]
    links = (
        ReferenceIndex.objects.filter(base_content_type=page_type, to_content_type=page_type)
        .filter(to_object_id__in=ids)
        .values_list("object_id", "to_object_id")
        .union(
            ReferenceIndex.objects.filter(
                base_content_type=page_type, to_content_type=page_type, object_id__in=ids
            ).values_list("to_object_id", "object_id"),
            CaseReport.objects.filter(case_id__in=list(names_of))
            .annotate(page_key=Cast("page_id", CharField()), case_key=Cast("case_id", CharField()))
            .values_list("page_key", "case_key"),
        )
    )
    ties: dict[int, set] = {pk: set(names) for pk, names in names_of.items()}
    for page_id, case_id in links:
        if page_id.isdigit():
            ties.setdefault(int(page_id), set()).update(names_of[int(case_id)])
    return {pk: tuple(sorted(names)) for pk, names in ties.items()}


_compiled: dict[tuple, WithheldName] = {}


def _name_for(names: tuple[str, ...]) -> WithheldName:
    if names not in _compiled:
        if len(_compiled) > 1000:
            _compiled.clear()
        _compiled[names] = WithheldName(*names)
    return _compiled[names]


def _block_naming(child, kinds, blocks_naming) -> bool:
    """A top block showing a file that names the person; rich text keeps its words (its links
    lose their address when redacted)."""
    from wagtail.blocks import RichTextBlock

    return (
        isinstance(child, dict)
        and child.get("id") in blocks_naming
        and not isinstance(kinds.get(child.get("type")), RichTextBlock)
    )


def redacted_page(page, name: WithheldName):
    """A copy of `page` with the name out of every text readers see of it (fields not read, as
    a listing defers a body, are left unread)."""
    from wagtail.fields import RichTextField, StreamField

    view = copy.copy(page)
    deferred = page.get_deferred_fields()
    for field in PAGE_TEXT_FIELDS:
        if field not in deferred and isinstance(getattr(page, field, None), str):
            setattr(view, field, name.redact(getattr(page, field)))
    for field in _content_fields(page, RichTextField):
        if field not in deferred:
            setattr(view, field, _redact_rich_text(name, getattr(page, field) or ""))
    # A block showing an image or a document whose name names the person is left out whole.
    blocks_naming = {
        block for _field, file, block in _files_of(page) if block and file_naming(name, file)
    }
    for field in _content_fields(page, StreamField):
        if field not in deferred:
            kinds = page._meta.get_field(field).stream_block.child_blocks
            stored = [
                child
                for child in _stored_stream(page, field)
                if not _block_naming(child, kinds, blocks_naming)
            ]
            setattr(view, field, _redact_stream(name, stored))
    if "hero_image_id" not in deferred:
        public_hero(view, name)
    return view


def reader_view(page):
    """Registered with the core: the page as readers get it."""
    names = withheld_ties().get(page.pk)
    if not names:
        return page
    return redacted_page(page, _name_for(names))


def reader_view_key(page) -> str:
    """What a kept card of the page depends on: the names kept out of it, if any."""
    names = withheld_ties().get(page.pk)
    if not names:
        return ""
    return ":withheld-" + hashlib.sha256(repr(names).encode()).hexdigest()[:16]
