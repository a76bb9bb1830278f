"""Mail to the editor when a reviewer stops a review ("Cancel workflow")."""

from wagtail.admin.mail import BaseWorkflowStateEmailNotifier, WorkflowStateRejectionEmailNotifier
from wagtail.models import WorkflowState
from wagtail.signals import workflow_cancelled


class WithdrawalEmailNotifier(WorkflowStateRejectionEmailNotifier):
    """A reviewer who stops a review ("Cancel workflow") withdraws the editor's submission:
    the editor is told, as for a request for changes (and under the same preference)."""

    def get_template_set(self, instance, **kwargs):
        base = f"{self.template_directory}workflow_state_withdrawn"
        return {"subject": f"{base}_subject.txt", "text": f"{base}.txt", "html": f"{base}.txt"}

    def get_context(self, workflow_state, **kwargs):
        context = BaseWorkflowStateEmailNotifier.get_context(self, workflow_state, **kwargs)
        context["cancelled_by"] = kwargs.get("user")
        return context


def connect():
    workflow_cancelled.connect(
        WithdrawalEmailNotifier(),
        sender=WorkflowState,
        weak=False,  # the notifier lives only in the signal
        dispatch_uid="tell_editor_of_withdrawal",
    )
