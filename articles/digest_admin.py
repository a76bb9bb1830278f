"""The digest's send in the admin: a page reached from the digest's action menu, its header and
listing buttons, where an editor who may publish it sends it now or at a set time, and then
follows its progress (sent of total), refreshed while it goes."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.widgets import AdminDateTimeInput, Button
from wagtail.models import Page

from ifex.core.subscriptions import Mailing, Subscriber

from .digest import DigestPage, DigestSend
from .digest_mail import SendRefused, refusal, send_digest

SEND_LABEL = gettext_lazy("Send as mail")


def may_send(user, page) -> bool:
    """A digest (of any page class as read: listings read plain pages) its user may publish."""
    model = getattr(page, "specific_class", None) or type(page)
    return issubclass(model, DigestPage) and page.permissions_for_user(user).can_publish()


def send_url(page) -> str:
    return reverse("digest_send", args=[page.pk])


class SendForm(forms.Form):
    send_at = forms.DateTimeField(
        label=gettext_lazy("Send at"),
        required=False,
        widget=AdminDateTimeInput,
        help_text=gettext_lazy("To schedule the send; Send now ignores it."),
    )

    def clean_send_at(self):
        send_at = self.cleaned_data["send_at"]
        if send_at is not None and send_at <= timezone.now():
            raise forms.ValidationError(_("Choose a time to come, or send now."))
        return send_at


def send_view(request, page_id):
    digest = get_object_or_404(Page, pk=page_id).specific
    if not isinstance(digest, DigestPage):
        raise Http404
    if not may_send(request.user, digest):
        raise PermissionDenied
    form = SendForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "cancel":
            cancelled, _count = DigestSend.objects.filter(
                page=digest, mailing__isnull=True
            ).delete()
            if cancelled:
                messages.success(request, _("The scheduled send is cancelled."))
            else:
                messages.error(request, _("The send has started: it can no longer be cancelled."))
            return redirect(send_url(digest))
        if form.is_valid():
            at = form.cleaned_data["send_at"] if action == "schedule" else None
            if action == "schedule" and at is None:
                form.add_error("send_at", _("Choose when to send it."))
            else:
                try:
                    send_digest(digest, request.user, at=at)
                except SendRefused as refused:
                    messages.error(request, str(refused))
                else:
                    messages.success(request, _("Scheduled.") if at else _("Sending has started."))
                return redirect(send_url(digest))
    send = DigestSend.objects.filter(page=digest).select_related("mailing").first()
    mailing = send.mailing if send else None
    language = digest.locale.language_code
    context = {
        "digest": digest,
        "form": form,
        "send": send,
        "mailing": mailing,
        "refused": "" if send else refusal(digest),
        "readers": Subscriber.objects.for_digest(language).count(),
        "language": digest.locale.get_display_name(),
        "waiting": mailing is not None
        and mailing.status in (Mailing.Status.QUEUED, Mailing.Status.SENDING),
        "edit_url": reverse("wagtailadmin_pages:edit", args=[digest.pk]),
    }
    return TemplateResponse(request, "articles/digest/admin/send.html", context)


def digest_admin_urls():
    return [path("digest/<int:page_id>/send/", send_view, name="digest_send")]


class SendMenuItem(ActionMenuItem):
    label = SEND_LABEL
    name = "action-send-digest"
    icon_name = "mail"
    order = 60

    def is_shown(self, context):
        page = context.get("page")
        return context["view"] == "edit" and may_send(context["request"].user, page)

    def get_url(self, context):
        return send_url(context["page"])


def send_menu_item():
    return SendMenuItem()


def send_buttons(page, user, *args, **kwargs):
    if may_send(user, page):
        yield Button(SEND_LABEL, send_url(page), icon_name="mail", priority=45)
