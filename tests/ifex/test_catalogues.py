"""Every word the public site's templates show is translated into French, Spanish and Arabic.

English is the source language: its words are the message ids themselves, so it needs no
catalogue of its own. A template given new words fails here until `make messages-update` has
gathered them and each catalogue translates them.
"""

import ast
import re

import polib
import pytest
from django.utils import translation
from django.utils.translation.template import templatize

from tests.support import BASE_DIR

TRANSLATED_LANGUAGES = ("fr", "es", "ar")
TEMPLATES = BASE_DIR / "templates"
# What staff alone see: the admin, two-factor sign-in, admin previews, the sign-in refusal.
STAFF_ONLY = ("wagtailadmin/", "/admin/", "two_factor/", "previews/", "login_refused")


def public_templates():
    for template in sorted(TEMPLATES.rglob("*.html")):
        name = str(template.relative_to(BASE_DIR))
        if not any(part in name for part in STAFF_ONLY):
            yield name, template


QUOTED = r"""u(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_GETTEXT = re.compile(rf"\b(n?p?gettext)\(((?:{QUOTED},? ?)+)")


def template_words(template) -> set[tuple[str | None, str]]:
    """(context, message id) of each word Django's extraction finds in a template."""
    words = set()
    for function, arguments in TEMPLATE_GETTEXT.findall(templatize(template.read_text())):
        found = [ast.literal_eval(quoted[1:]) for quoted in re.findall(QUOTED, arguments)]
        words.add((found[0], found[1]) if "p" in function else (None, found[0]))
    return words


def words_in(template) -> set[str]:
    """The message ids Django's own extraction (makemessages) finds in a template."""
    return {word for _context, word in template_words(template)}


def catalogue(language):
    return polib.pofile(str(BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"))


def is_translated(entry) -> bool:
    if entry.fuzzy or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


PUBLIC_WORDS = {word: name for name, template in public_templates() for word in words_in(template)}


def test_the_public_templates_have_words_to_translate():
    assert len(PUBLIC_WORDS) > 60
    assert PUBLIC_WORDS["Skip to main content"] == "templates/base.html"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_public_template_word_is_translated(language):
    entries = {entry.msgid: entry for entry in catalogue(language)}
    missing = sorted(
        f"{name}: {word!r}" for word, name in PUBLIC_WORDS.items() if word not in entries
    )
    assert not missing, f"not in locale/{language} (make messages-update): {missing}"
    untranslated = sorted(
        f"{PUBLIC_WORDS[word]}: {word!r}"
        for word in PUBLIC_WORDS
        if not is_translated(entries[word])
    )
    assert not untranslated, f"not translated into {language}: {untranslated}"


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Aller au contenu principal"), ("es", "Saltar al contenido principal"),
     ("ar", "انتقل إلى المحتوى الرئيسي")],
)  # fmt: skip
def test_the_compiled_catalogues_are_what_django_reads(language, words):
    with translation.override(language):
        assert translation.gettext("Skip to main content") == words


def public_model_words() -> dict[str, str]:
    """Words readers see that come from the code, not a template: what a card or a search
    result calls each kind of page ("Article", "Joint statement", "Campaign page"), and the
    words a case page shows for its role and status. {English word: where it comes from}."""
    from django.apps import apps

    from cases.choices import Role, Status
    from ifex.core.models import BasePage

    with translation.override("en"):  # English is the source: its words are the message ids
        words = {
            str(model._meta.verbose_name): model._meta.label
            for model in apps.get_models()
            if issubclass(model, BasePage)
        }
        for choices in (Role, Status):
            words.update({str(label): choices.__name__ for label in choices.labels})
    return words


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_public_word_from_the_code_is_translated(language):
    entries = {entry.msgid: entry for entry in catalogue(language)}
    words = public_model_words()
    assert "joint statement" in words and "Complete impunity" in words
    untranslated = sorted(
        f"{source}: {word!r}"
        for word, source in words.items()
        if word not in entries or not is_translated(entries[word])
    )
    assert not untranslated, f"not translated into {language}: {untranslated}"


# Where the project speaks to staff: every Python module of the four apps (models, blocks,
# forms, hooks, views, review and mail modules, whatever they are called) and every template
# staff alone see, mails included. Found, not listed, so a new file is covered without editing
# this test. Left out: console commands (`manage.py`'s output is not the admin) and migrations.
APPS = ("articles", "campaigns", "cases", "ifex")
NOT_THE_ADMIN = {"management", "migrations"}
GETTEXT_FUNCTIONS = {
    # name: (index of the context argument or None, index of the message id)
    "_": (None, 0), "gettext": (None, 0), "gettext_lazy": (None, 0), "gettext_noop": (None, 0),
    "ngettext": (None, 0), "ngettext_lazy": (None, 0),
    "pgettext": (0, 1), "pgettext_lazy": (0, 1), "npgettext": (0, 1), "npgettext_lazy": (0, 1),
}  # fmt: skip


def admin_python_files():
    for app in APPS:
        for module in sorted((BASE_DIR / app).rglob("*.py")):
            relative = module.relative_to(BASE_DIR)
            if not NOT_THE_ADMIN & set(relative.parts):
                yield str(relative), module


def staff_templates():
    for template in sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]):
        name = str(template.relative_to(BASE_DIR))
        if any(part in name for part in STAFF_ONLY):
            yield name, template


def python_words(module) -> set[tuple[str | None, str]]:
    """(context, message id) of each string marked for translation, as makemessages reads."""
    words = set()
    for node in ast.walk(ast.parse(module.read_text())):
        name = getattr(node, "func", None) and getattr(node.func, "id", None)
        if name not in GETTEXT_FUNCTIONS:
            continue
        context_at, word_at = GETTEXT_FUNCTIONS[name]
        arguments = node.args
        if len(arguments) > word_at and isinstance(arguments[word_at], ast.Constant):
            context = arguments[context_at].value if context_at is not None else None
            words.add((context, arguments[word_at].value))
    return words


def admin_words_by_file() -> dict[str, set[tuple[str | None, str]]]:
    """{file: its (context, English word)s}, for every file that shows staff words."""
    found = {name: template_words(template) for name, template in staff_templates()}
    found |= {name: python_words(module) for name, module in admin_python_files()}
    return {name: words for name, words in found.items() if words}


ADMIN_WORDS_BY_FILE = admin_words_by_file()


def test_every_file_that_speaks_to_staff_is_read():
    files = set(ADMIN_WORDS_BY_FILE)
    for app in ("articles", "campaigns", "cases", "ifex/core"):
        assert f"{app}/models.py" in files
    for app in ("campaigns", "cases", "ifex/core"):  # articles' hooks add no words
        assert f"{app}/wagtail_hooks.py" in files
    for expected in (
        "campaigns/blocks.py", "ifex/core/blocks.py", "campaigns/forms.py", "articles/forms.py",
        "ifex/core/review.py", "ifex/core/two_factor_views.py", "cases/importing.py",
        "templates/core/two_factor/setup.html", "templates/core/two_factor/enrolment_mail.txt",
        "templates/wagtailadmin/notifications/workflow_state_withdrawn.txt",
    ):  # fmt: skip
        assert expected in files
    assert not any("/management/" in name or "/migrations/" in name for name in files)
    assert (None, "Directory") in ADMIN_WORDS_BY_FILE["ifex/core/wagtail_hooks.py"]


def untranslated_admin_words(language, files=None) -> list[str]:
    entries = {(entry.msgctxt, entry.msgid): entry for entry in catalogue(language)}
    return sorted(
        f"{name}: {word!r}"
        for name, words in ADMIN_WORDS_BY_FILE.items()
        if files is None or name in files
        for context, word in words
        if (context, word) not in entries or not is_translated(entries[(context, word)])
    )


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_admin_word_the_project_adds_is_translated(language):
    untranslated = untranslated_admin_words(language)
    assert not untranslated, f"not translated into {language}: {untranslated}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
@pytest.mark.parametrize(
    "model_file",
    ["articles/models.py", "cases/models.py", "campaigns/models.py", "ifex/core/models.py",
     "campaigns/blocks.py", "ifex/core/blocks.py"],
)  # fmt: skip
def test_the_editors_forms_read_in_the_admins_language(language, model_file):
    """The forms editors fill in every day: field labels, help texts, panel headings, blocks."""
    assert len(ADMIN_WORDS_BY_FILE[model_file]) > 10
    untranslated = untranslated_admin_words(language, files={model_file})
    assert not untranslated, f"{model_file} not translated into {language}: {untranslated}"
