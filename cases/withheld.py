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
import html
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

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
        return bool(self._in_address.search(fold(unquote(str(address).replace("+", " ")))))

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
    return fields_carrying(name, case, TEXT_FIELDS, ADDRESS_FIELDS, RICH_TEXT_FIELDS)


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
    """A page shown beside the case (a report) whose title or address names the person: listing
    it would tie the name to the case."""
    return name.in_text(page.title) or name.in_address(page.url_path)


def public_reports(view, pages) -> list:
    """The pages about the case that readers may see beside it."""
    if not view.keep_out:
        return list(pages)
    return [page for page in pages if not page_carrying(view.keep_out, page)]


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
    remove_addresses_naming(case)
    transaction.on_commit(lambda: remove_addresses_naming(case))


def remove_addresses_naming(case) -> list[str]:
    """Deletes the redirects from an address that carries the withheld name, to any language of
    the case (or to a link), and returns their old paths."""
    from django.db.models import Q
    from wagtail.contrib.redirects.models import Redirect

    name = withheld_name_of(case)
    if not name:
        return []
    pages = [case.pk, *translations_of(case).values_list("pk", flat=True)]
    redirects = Redirect.objects.filter(
        Q(redirect_page_id__in=pages) | Q(redirect_page__isnull=True)
    ).values_list("pk", "old_path")
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
