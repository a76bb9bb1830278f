"""What wagtail-localize's editor offers a translator: the words to translate, never a code that
must stay the same in every language, and nothing hidden on another tab left "missing"."""

import pytest
from wagtail.models import DraftStateMixin, Locale
from wagtail_localize.models import (
    OverridableSegment,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from articles.factories import ArticlePageFactory
from ifex.core.factories import CountryFactory

pytestmark = pytest.mark.django_db


def translation_into(instance, language) -> Translation:
    """The translation a translator opens in wagtail-localize's editor, as "Translate" makes it."""
    source, _ = TranslationSource.get_or_create_from_instance(instance)
    translation = Translation.objects.create(
        source=source, target_locale=Locale.objects.get(language_code=language)
    )
    # Pages start as a draft; snippets have none and are made at once, in the original's words.
    translation.save_target(publish=not isinstance(instance, DraftStateMixin))
    return translation


def offered_for_translation(translation) -> set[str]:
    return set(
        StringSegment.objects.filter(source=translation.source).values_list(
            "context__path", flat=True
        )
    )


def translate_every_offered_word(translation, words: dict[str, str]):
    for segment in StringSegment.objects.filter(source=translation.source).select_related(
        "string", "context"
    ):
        StringTranslation.objects.create(
            translation_of=segment.string,
            locale=translation.target_locale,
            context=segment.context,
            data=words[segment.context.path],
        )


def test_a_country_s_code_is_not_offered_for_translation_and_stays_synchronised():
    nepal = CountryFactory(name="Nepal", iso_code="NP")
    translation = translation_into(nepal, "fr")
    assert offered_for_translation(translation) == {"name"}

    translate_every_offered_word(translation, {"name": "Népal"})
    assert translation.get_progress() == (1, 1), "nothing else is missing"
    translation.save_target(publish=True)
    french = nepal.get_translation(translation.target_locale)
    assert (french.name, french.iso_code) == ("Népal", "NP")

    # A code corrected in English reaches the French country with the next sync.
    nepal.iso_code = "NQ"
    nepal.save()
    translation.source.update_from_db()
    translation.save_target(publish=True)
    french.refresh_from_db()
    assert (french.name, french.iso_code) == ("Népal", "NQ")


def test_a_page_s_slug_is_not_a_missing_translation_but_the_translator_may_change_it(
    article_index,
):
    article = ArticlePageFactory(
        parent=article_index, title="Verdict in the Cardona case", slug="cardona-verdict"
    )
    index_translation = translation_into(article_index, "fr")
    translate_every_offered_word(
        index_translation,
        {path: f"FR {path}" for path in offered_for_translation(index_translation)},
    )
    index_translation.save_target(publish=True)
    translation = translation_into(article, "fr")

    offered = offered_for_translation(translation)
    assert "slug" not in offered, "the slug, on the Promote tab, is not counted missing"
    assert "title" in offered
    assert OverridableSegment.objects.filter(
        source=translation.source, context__path="slug"
    ).exists(), "the translator may still give the French page its own slug"

    translate_every_offered_word(translation, {path: f"FR {path}" for path in offered})
    done, total = translation.get_progress()
    assert done == total, "every word translated: nothing shows as missing"
    translation.save_target(publish=True)
    french = article.get_translation(translation.target_locale)
    assert (french.title, french.slug) == ("FR title", "cardona-verdict")
