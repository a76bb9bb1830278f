"""Many saves at once (the demo): Wagtail's search and reference indexes brought up to date once
at the end, instead of on each of a page's several saves (revision, publish, translation) as
they are for an editor's one page. Seeding the demo spent half its time there."""

import contextlib

from django.core.management import call_command
from django.db.models.signals import post_save
from modelsearch.index import get_indexed_models
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update


@contextlib.contextmanager
def indexes_updated_at_the_end():
    """Only for a command run alone: other threads' saves are not indexed meanwhile either."""
    models = [model for model in get_indexed_models() if getattr(model, "search_auto_update", True)]
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)
    call_command("update_index", verbosity=0)
    call_command("rebuild_references_index", verbosity=0)
