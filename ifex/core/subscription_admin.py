"""Staff's side of the subscriptions: the list of subscribers (search, export as CSV, erase
one), and the mailings with their progress.

Staff never add an address: readers sign themselves up and confirm (double opt-in). Erasing a
reader deletes the record and its deliveries, and takes the address out of the admin's
history too (`forget_in_history`)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_delete
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .open_data import csv_with_comments
from .subscriptions import Mailing, Subscriber

EXPORT_COLUMNS = [
    "email",
    "language",
    "wants_digest",
    "wants_alerts",
    "regions",
    "countries",
    "topics",
    "signed_up",
    "confirmed",
    "bounces",
    "sending_stopped",
]


class NoAddingPolicy(ModelPermissionPolicy):
    """The model's permissions, less "add": these records come from readers only."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        actions = [action for action in actions if action != "add"]
        return bool(actions) and super().user_has_any_permission(user, actions)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action != "add"]
        if not actions:
            return super().users_with_any_permission(["add"]).none()
        return super().users_with_any_permission(actions)


class SubscriberIndexView(ModelViewSet.index_view_class):
    @property
    def header_buttons(self):
        buttons = [button for button in super().header_buttons if button is not self.add_button]
        if self.permission_policy.user_has_permission(self.request.user, "view"):
            buttons.append(
                HeaderButton(
                    _("Export as CSV"),
                    url=self.get_export_url(),
                    icon_name="download",
                )
            )
        return buttons

    def get_export_url(self):
        return reverse(subscriber_viewset.get_url_name("export"))


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    icon = "mail"
    menu_label = gettext_lazy("Subscribers")
    index_view_class = SubscriberIndexView
    list_display = [
        "email",
        "language",
        "wants_digest",
        "wants_alerts",
        "confirmed_at",
        "bounce_count",
        "sending_stopped_at",
    ]
    list_filter = ["language", "wants_digest", "wants_alerts"]
    search_fields = ["email"]
    form_fields = [
        "language",
        "wants_digest",
        "wants_alerts",
        "regions",
        "countries",
        "topics",
        "bounce_count",
        "sending_stopped_at",
    ]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_urlpatterns(self):
        return [
            *(pattern for pattern in super().get_urlpatterns() if pattern.name != "add"),
            path("export/", self.export_view, name="export"),
        ]

    def export_view(self, request):
        if not NoAddingPolicy(Subscriber).user_has_permission(request.user, "view"):
            raise PermissionDenied
        return subscribers_csv()


def subscribers_csv() -> HttpResponse:
    subscribers = Subscriber.objects.order_by("email").prefetch_related(
        "regions", "countries", "topics"
    )
    rows = (
        {
            "email": reader.email,
            "language": reader.language,
            "wants_digest": reader.wants_digest,
            "wants_alerts": reader.wants_alerts,
            "regions": "; ".join(region.name for region in reader.regions.all()),
            "countries": "; ".join(country.iso_code for country in reader.countries.all()),
            "topics": "; ".join(topic.name for topic in reader.topics.all()),
            "signed_up": reader.created_at.isoformat(),
            "confirmed": reader.confirmed_at.isoformat() if reader.confirmed_at else "",
            "bounces": reader.bounce_count,
            "sending_stopped": (
                reader.sending_stopped_at.isoformat() if reader.sending_stopped_at else ""
            ),
        }
        for reader in subscribers
    )
    lines = (
        _("Subscribers, exported on %(date)s") % {"date": timezone.localdate().isoformat()},
        _("Personal data: keep this file private and delete it when you are done with it."),
    )
    response = HttpResponse(
        csv_with_comments(lines, rows, EXPORT_COLUMNS), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
    return response


class MailingViewSet(ModelViewSet):
    """What was sent, and how far a send has gone: sent of total, refused, maybe not sent."""

    model = Mailing
    icon = "mail"
    menu_label = gettext_lazy("Mailings")
    list_display = [
        "__str__",
        "kind",
        "language",
        "status",
        "sent_count",
        "total",
        "failed_count",
        "uncertain_count",
        "created_at",
        "finished_at",
    ]
    list_filter = ["kind", "status"]
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["subject"]

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "add"]


class MailingIndexView(ModelViewSet.index_view_class):
    @property
    def header_buttons(self):
        return []


MailingViewSet.index_view_class = MailingIndexView


subscriber_viewset = SubscriberViewSet()
mailing_viewset = MailingViewSet()


class SubscriptionsGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Subscriptions")
    menu_icon = "mail"
    menu_order = 350
    items = (subscriber_viewset, mailing_viewset)


def forget_in_history(sender, instance, **kwargs):
    """An erased (or unsubscribed) reader's address leaves the admin's history with them."""
    ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Subscriber),
        object_id=str(instance.pk),
    ).update(label=_("Erased subscriber %(id)s") % {"id": instance.pk})


def connect():
    register_permission_policy(Subscriber, NoAddingPolicy(Subscriber))
    register_permission_policy(Mailing, NoAddingPolicy(Mailing))
    post_delete.connect(forget_in_history, sender=Subscriber, dispatch_uid="forget_subscriber")
