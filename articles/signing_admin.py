"""Staff's side of signing: the queue of signatures, approved or rejected one at a time or many
together, and the export of the representatives' contact details.

Who decides (`SignaturePolicy`): Moderators any signature (the permission
`articles.moderate_signatures`), Editors those of the statements they own
(`articles.moderate_own_statement_signatures`), superusers all. No one adds a signature here:
they come from the form. A rejection keeps its reason, for staff only.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import classproperty
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import SnippetViewSet

from ifex.core.open_data import csv_with_comments

from .signing import Signature, decide_many

DECIDING = "articles.moderate_signatures"
DECIDING_OWN = "articles.moderate_own_statement_signatures"


class SignaturePolicy(BasePermissionPolicy):
    """View and change: the signatures a user may decide on. Add: no one. Delete: superusers."""

    def user_has_permission(self, user, action):
        if not (user.is_active and user.is_authenticated):
            return False
        if action == "add":
            return False
        if action == "delete":
            return user.is_superuser
        return user.is_superuser or user.has_perm(DECIDING) or user.has_perm(DECIDING_OWN)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "delete" in actions and not set(actions) & {"view", "change"}:
            return users.filter(is_superuser=True)
        deciding = Q(is_superuser=True)
        for codename in (DECIDING, DECIDING_OWN):
            name = codename.split(".")[1]
            deciding |= Q(user_permissions__codename=name) | Q(groups__permissions__codename=name)
        return users.filter(deciding).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return Signature.objects.moderated_by(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Signature.objects.none()
        return Signature.objects.moderated_by(user)


class DecisionForm(WagtailAdminModelForm):
    """One signature's decision: approved, or rejected with a reason."""

    DECISIONS = [Signature.Status.APPROVED, Signature.Status.REJECTED]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["status"]
        allowed = [*self.DECISIONS, self.instance.status]
        field.choices = [choice for choice in field.choices if choice[0] in allowed]

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status in self.DECISIONS and self.instance.status == Signature.Status.UNCONFIRMED:
            self.add_error("status", _("This signature was never confirmed from its mail."))
        if status == Signature.Status.REJECTED and not cleaned.get("rejection_reason", "").strip():
            self.add_error("rejection_reason", _("Say why it is rejected: staff will see it."))
        return cleaned

    def save(self, commit=True):
        signature = self.instance
        status = self.cleaned_data["status"]
        reason = self.cleaned_data.get("rejection_reason", "")
        before = Signature.objects.get(pk=signature.pk)
        if status != before.status or reason != before.rejection_reason:
            signature.status = before.status  # `decide` knows what the page showed
            signature.decide(status, self.for_user, reason)
        return signature


class SignatureIndexView(SnippetViewSet.index_view_class):
    @property
    def header_buttons(self):
        buttons = [button for button in super().header_buttons if button is not self.add_button]
        buttons.append(
            HeaderButton(
                _("Export contacts as CSV"),
                url=reverse(SignatureViewSet.export_url_name),
                icon_name="download",
            )
        )
        return buttons


class OnlyTheirs:
    """An edit or inspect view that opens only a signature the user may decide on."""

    def get_object(self, queryset=None):
        signature = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", signature
        ):
            raise PermissionDenied
        return signature


class SignatureEditView(OnlyTheirs, SnippetViewSet.edit_view_class):
    pass


class SignatureInspectView(OnlyTheirs, SnippetViewSet.inspect_view_class):
    pass


class SignatureViewSet(SnippetViewSet):
    model = Signature
    icon = "tick-inverse"
    menu_label = gettext_lazy("Signatures")
    menu_order = 320
    add_to_admin_menu = True
    index_view_class = SignatureIndexView
    edit_view_class = SignatureEditView
    inspect_view_class = SignatureInspectView
    list_display = [
        "organisation_name",
        "statement",
        BooleanColumn("verified", label=gettext_lazy("Verified")),
        "status",
        "signed_at",
        "confirmed_at",
    ]
    list_filter = ["status", "statement"]
    search_fields = ["organisation_name"]
    ordering = ["-signed_at"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "statement",
        "organisation_name",
        "organisation",
        "country",
        "website",
        "representative_name",
        "representative_email",
        "confirmation_sent_to",
        "language",
        "status",
        "signed_at",
        "confirmed_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
        "contacts_erased_at",
    ]
    edit_handler = ObjectList(
        [FieldPanel("status"), FieldPanel("rejection_reason")],
        base_form_class=DecisionForm,
    )
    export_url_name = "signature_contacts_export"

    def get_queryset(self, request):
        return (
            Signature.objects.moderated_by(request.user)
            .select_related("statement", "organisation")
            .order_by("-signed_at")
        )

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if getattr(pattern, "name", None) not in ("add", "copy")
        ]


EXPORT_COLUMNS = [
    "statement",
    "organisation",
    "verified",
    "status",
    "representative",
    "representative_email",
    "confirmation_sent_to",
    "signed",
    "confirmed",
]


def contacts_export(request):
    """The contact details of the signatures the user may decide on (or of one statement's,
    with ?statement=), as CSV through the site's one writer, which makes every cell inert."""
    policy = SignaturePolicy(Signature)
    if not policy.user_has_permission(request.user, "view"):
        raise PermissionDenied
    signatures = (
        Signature.objects.moderated_by(request.user)
        .select_related("statement")
        .order_by("statement__title", "signed_at", "pk")
    )
    statement = request.GET.get("statement", "")
    if statement.isdigit():
        signatures = signatures.filter(statement_id=int(statement))
    rows = (
        {
            "statement": signature.statement.title,
            "organisation": signature.organisation_name,
            "verified": signature.verified,
            "status": signature.status,
            "representative": signature.representative_name,
            "representative_email": signature.representative_email,
            "confirmation_sent_to": signature.confirmation_sent_to,
            "signed": signature.signed_at.isoformat(),
            "confirmed": signature.confirmed_at.isoformat() if signature.confirmed_at else "",
        }
        for signature in signatures
    )
    lines = (
        _("Contacts of signatories, exported on %(date)s")
        % {"date": timezone.localdate().isoformat()},
        _("Personal data: keep this file private and delete it when you are done with it."),
    )
    response = HttpResponse(
        csv_with_comments(lines, rows, EXPORT_COLUMNS), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="signature-contacts.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_urls():
    return [path("signatures/export/", contacts_export, name=SignatureViewSet.export_url_name)]


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are they rejected? (staff only)"), widget=forms.Textarea
    )


class DecisionBulkAction(SnippetBulkAction):
    status = None
    decision_title = ""
    decision_icon = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            decision_title=self.decision_title, decision_icon=self.decision_icon, **kwargs
        )

    @classproperty
    def models(cls):
        return [Signature]

    def check_perm(self, signature):
        return SignaturePolicy(Signature).user_has_permission_for_instance(
            self.request.user, "change", signature
        )

    def get_execution_context(self):
        return {"user": self.request.user, "reason": self.reason()}

    def reason(self) -> str:
        return ""

    @classmethod
    def execute_action(cls, objects, user=None, reason="", **kwargs):
        decided = decide_many(objects, cls.status, user, reason)
        return decided, 0


class ApproveBulkAction(DecisionBulkAction):
    display_name = gettext_lazy("Approve")
    action_type = "approve_signatures"
    aria_label = gettext_lazy("Approve the selected signatures")
    template_name = "articles/signing/admin_approve.html"
    decision_title = gettext_lazy("Approve signatures")
    decision_icon = "tick-inverse"
    action_priority = 10
    status = Signature.Status.APPROVED

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d signature approved: it is shown on its statement.",
            "%(count)d signatures approved: they are shown on their statements.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class RejectBulkAction(DecisionBulkAction):
    display_name = gettext_lazy("Reject")
    action_type = "reject_signatures"
    aria_label = gettext_lazy("Reject the selected signatures")
    template_name = "articles/signing/admin_reject.html"
    decision_title = gettext_lazy("Reject signatures")
    decision_icon = "cross"
    action_priority = 20
    classes = {"serious"}
    form_class = RejectionForm
    status = Signature.Status.REJECTED

    def reason(self) -> str:
        return self.cleaned_form.cleaned_data["reason"]

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d signature rejected.",
            "%(count)d signatures rejected.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
