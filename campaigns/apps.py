from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from ifex.core.page_cache import invalidate_on_change
        from ifex.core.search import register_search_type

        from . import signals
        from .models import FigurePublication

        signals.connect()
        # A correction added to the public record shows at once, on the record and its files.
        # A record only ever adds: pages may be served as before it while they render anew.
        invalidate_on_change(FigurePublication, saves_take_away=False)

        register_search_type("campaigns", _("Campaigns"), "campaigns.CampaignPage")
