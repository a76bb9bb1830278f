from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from ifex.core.search import register_search_type

        from . import signals

        signals.connect()

        register_search_type("campaigns", _("Campaigns"), "campaigns.CampaignPage")
