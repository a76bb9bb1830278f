"""Mail to staff about reviews, each in its reader's admin language.

Wagtail writes each notification in its recipient's preferred language, but the names of the
review workflow and its step are data (campaigns/migrations/0005_editorial_roles.py), so they
stayed English in a French or Arabic mail. Here they are read in the recipient's words too.

Also: mail to the editor when a reviewer stops a review ("Cancel workflow").
"""

import copy

from django.utils.translation import pgettext_lazy
from wagtail.admin import mail
from wagtail.admin.mail import BaseWorkflowStateEmailNotifier, WorkflowStateRejectionEmailNotifier
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import (
    task_submitted,
    workflow_approved,
    workflow_cancelled,
    workflow_rejected,
    workflow_submitted,
)

# The names the project gives its review; another name given in the admin stays as written.
NAMES_IN_THE_READERS_WORDS = {
    "Joint statement review": pgettext_lazy("workflow", "Joint statement review"),
    "Review": pgettext_lazy("workflow", "Review"),
}


def in_the_readers_words(named):
    """A copy of a workflow or task whose name is read in the language of the mail being
    written: the names are lazy, and Wagtail writes each mail in its recipient's language."""
    copied = copy.copy(named)
    copied.name = NAMES_IN_THE_READERS_WORDS.get(named.name, named.name)
    return copied


class InTheReadersWords:
    def get_context(self, instance, **kwargs):
        context = super().get_context(instance, **kwargs)
        for key in ("workflow", "task"):
            if key in context:
                context[key] = in_the_readers_words(context[key])
        return context


class TaskSubmission(InTheReadersWords, mail.GroupApprovalTaskStateSubmissionEmailNotifier):
    pass


class WorkflowSubmission(InTheReadersWords, mail.WorkflowStateSubmissionEmailNotifier):
    pass


class WorkflowApproval(InTheReadersWords, mail.WorkflowStateApprovalEmailNotifier):
    pass


class WorkflowRejection(InTheReadersWords, WorkflowStateRejectionEmailNotifier):
    pass


class WithdrawalEmailNotifier(WorkflowStateRejectionEmailNotifier):
    """A reviewer who stops a review ("Cancel workflow") withdraws the editor's submission:
    the editor is told, as for a request for changes (and under the same preference)."""

    def get_template_set(self, instance, **kwargs):
        base = f"{self.template_directory}workflow_state_withdrawn"
        return {"subject": f"{base}_subject.txt", "text": f"{base}.txt", "html": f"{base}.txt"}

    def get_context(self, workflow_state, **kwargs):
        context = BaseWorkflowStateEmailNotifier.get_context(self, workflow_state, **kwargs)
        context["cancelled_by"] = kwargs.get("user")
        context["workflow"] = in_the_readers_words(context["workflow"])
        return context


# Wagtail's own notifiers (wagtail/admin/signal_handlers.py), by the keys it connects them under.
WAGTAILS_NOTIFIERS = [
    (task_submitted, TaskState, "group_approval_task_submitted_email_notification", TaskSubmission),
    (workflow_submitted, WorkflowState, "workflow_state_submitted_email_notification",
     WorkflowSubmission),
    (workflow_rejected, WorkflowState, "workflow_state_rejected_email_notification",
     WorkflowRejection),
    (workflow_approved, WorkflowState, "workflow_state_approved_email_notification",
     WorkflowApproval),
]  # fmt: skip


def connect():
    # Ours take Wagtail's keys: whichever app is ready first, each mail is sent once, by ours.
    for signal, sender, key, notifier in WAGTAILS_NOTIFIERS:
        signal.disconnect(sender=sender, dispatch_uid=key)
        signal.connect(notifier(), sender=sender, weak=False, dispatch_uid=key)
    workflow_cancelled.connect(
        WithdrawalEmailNotifier(),
        sender=WorkflowState,
        weak=False,  # the notifier lives only in the signal
        dispatch_uid="tell_editor_of_withdrawal",
    )
