"""What a reviewer sees after deciding: a plain confirmation, and a page they may open.

Reviewers (Moderators) hold no edit right on what they review, so Wagtail's default of returning
them to the page's edit view or the explorer answered a successful decision with "Sorry, you do
not have permission". They go to the dashboard instead, told what happened.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.models import Page


def decision_message(page, action: str) -> str:
    title = page.get_latest_revision_as_object().title
    if action == "approve":
        if page.live and not page.has_unpublished_changes:
            return _("Approved and published: “%(title)s”.") % {"title": title}
        return _("Approved: “%(title)s” goes on to its next step.") % {"title": title}
    if action == "reject":
        return _("Changes requested on “%(title)s”: the editor has been told.") % {"title": title}
    return _("Done: “%(title)s”.") % {"title": title}


def can_edit(user, page) -> bool:
    return page.permissions_for_user(user).can_edit()


def after_review_in_editor(request, page):
    """`after_edit_page` hook: the decision was taken with the edit page's footer buttons."""
    action = request.POST.get("workflow-action-name")
    if "action-workflow-action" not in request.POST or not action:
        return None
    fresh = Page.objects.get(pk=page.pk).specific
    messages.success(request, decision_message(fresh, action))
    if not can_edit(request.user, fresh):
        return redirect("wagtailadmin_home")
    return None


class ReviewActionView(WorkflowActionView):
    """Wagtail's workflow action (dashboard buttons, review modal), ending on a page the
    reviewer may open, with the decision confirmed."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        self.task_state.refresh_from_db()
        if self.task_state.status == self.task_state.STATUS_IN_PROGRESS:
            return response  # nothing was decided (a form with errors)
        page = Page.objects.get(pk=self.object.pk).specific
        messages.success(request, decision_message(page, self.action_name))
        # Reviewing gave access to the editor; the decision ended it.
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        if self.redirect_url.startswith(edit_url) and not can_edit(request.user, page):
            self.redirect_url = reverse("wagtailadmin_home")
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                return self.render_modal_json(
                    request, {"step": "success", "redirect": self.redirect_url}
                )
            return redirect(self.redirect_url)
        return response
