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
    case_import = imports.get()
    imports.update(state=CaseImport.State.WRITING)
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

        def progress(done, total):
            imports.update(done=done, total=total)

        summary = importing.write(review, progress)
        imports.update(state=CaseImport.State.DONE, summary=summary, done=total)
    except Exception as error:
        logger.exception("case import %s failed", import_id)
        imports.update(
            state=CaseImport.State.FAILED,
            error=_("The import stopped: %(error)s. Importing the same file again writes the rest.")
            % {"error": error},
        )
