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
GETTEXT_CALL = re.compile(r"\bn?gettext\(u'((?:[^'\\]|\\.)*)'")


def public_templates():
    for template in sorted(TEMPLATES.rglob("*.html")):
        name = str(template.relative_to(BASE_DIR))
        if not any(part in name for part in STAFF_ONLY):
            yield name, template


def words_in(template) -> set[str]:
    """The message ids Django's own extraction (makemessages) finds in a template."""
    python = templatize(template.read_text(), str(template))
    return {ast.literal_eval(f"'{found}'") for found in GETTEXT_CALL.findall(python)}


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


def admin_words() -> dict[str, str]:
    """The words the project adds to Wagtail's admin menus, columns and account page (each
    app's wagtail_hooks.py), which staff read in the language they chose. {word: file}."""
    found = {}
    for hooks in sorted(BASE_DIR.glob("*/**/wagtail_hooks.py")):
        if ".venv" in hooks.parts:
            continue
        for node in ast.walk(ast.parse(hooks.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in ("_", "gettext", "gettext_lazy")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found[node.args[0].value] = str(hooks.relative_to(BASE_DIR))
    return found


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_admin_word_the_project_adds_is_translated(language):
    entries = {entry.msgid: entry for entry in catalogue(language)}
    words = admin_words()
    assert words["Directory"] == "ifex/core/wagtail_hooks.py"
    untranslated = sorted(
        f"{source}: {word!r}"
        for word, source in words.items()
        if word not in entries or not is_translated(entries[word])
    )
    assert not untranslated, f"not translated into {language}: {untranslated}"


# The models whose forms editors fill in every day (articles, statements, cases): their field
# labels, help texts and panel headings, read in the admin's language.
EDITORS_MODEL_FILES = ("articles/models.py", "cases/models.py")


def words_marked_in(relative_path) -> set[str]:
    tree = ast.parse((BASE_DIR / relative_path).read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) in ("_", "gettext", "gettext_lazy", "pgettext_lazy")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
@pytest.mark.parametrize("model_file", EDITORS_MODEL_FILES)
def test_the_editors_forms_read_in_the_admins_language(language, model_file):
    entries = {entry.msgid: entry for entry in catalogue(language)}
    words = words_marked_in(model_file)
    assert "teaser" in words or "withhold the name from the public" in words
    untranslated = sorted(
        word for word in words if word not in entries or not is_translated(entries[word])
    )
    assert not untranslated, f"{model_file} not translated into {language}: {untranslated}"
