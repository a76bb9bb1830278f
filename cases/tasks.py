"""The write of an import staff confirmed in the admin, in the background worker
(`manage.py db_worker --backend background`; `make run` starts one)."""

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from . import importing
from .models import CaseImport

logger = logging.getLogger(__name__)


@task(backend="background")
def write_case_import(import_id: int):
    imports = CaseImport.objects.filter(pk=import_id)
    # Only a queued import is written, and only once: the task queued twice finds it writing.
    if not imports.filter(state=CaseImport.State.QUEUED).update(state=CaseImport.State.WRITING):
        logger.warning("case import %s is not waiting to be written: not written again", import_id)
        return
    case_import = imports.get()
    written = 0
    try:
        review = importing.review(
            bytes(case_import.data), case_import.source, case_import.exported_on
        )
        if review.counts() != case_import.review_counts:
            imports.update(
                state=CaseImport.State.FAILED,
                error=_(
                    "The site's cases changed between the review and the confirmation (another "
                    "import?): nothing was written. Upload the file again to review it."
                ),
            )
            return
        total = review.counts()["added"] + review.counts()["changed"] + review.counts()["unchanged"]
        imports.update(total=total)
        saved = 0

        def progress(done, total):
            nonlocal written, saved
            written = done
            if done - saved >= 50 or done == total:
                imports.update(done=done, total=total)
                saved = done

        summary = importing.write(review, progress)
        imports.update(state=CaseImport.State.DONE, summary=summary, done=total)
    except Exception as error:
        logger.exception("case import %s failed", import_id)
        if written:
            error_text = _(
                "The import stopped after writing %(written)s of %(total)s cases: %(error)s. "
                "Upload the file again to review what is left."
            ) % {"written": written, "total": total, "error": error}
        else:
            error_text = _(
                "The import stopped before writing any case: %(error)s. Nothing was written."
            ) % {"error": error}
        imports.update(state=CaseImport.State.FAILED, error=error_text, done=written)
