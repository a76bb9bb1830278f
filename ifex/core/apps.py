from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ifex.core"
    label = "core"
    verbose_name = _("Site core")

    def ready(self):
        from wagtail.images import get_image_model
        from wagtail.models import Locale, PageViewRestriction, Site

        from . import (
            alerts,
            checks,  # noqa: F401 (registers the deploy checks)
            edge_cache,
            languages,
            renditions,
            review_mail,
            shared_parts,
            subscription_admin,
            translations,
        )
        from .models import Country, Organisation, Region, SiteSettings, SiteWords, Topic
        from .page_cache import (
            connect_invalidation,
            invalidate_on_change,
            invalidate_with,
            serve_wagtails_site_root_paths,
        )
        from .search import register_search_type

        connect_invalidation()
        serve_wagtails_site_root_paths()
        edge_cache.connect()
        renditions.connect()
        languages.connect()
        translations.connect()
        review_mail.connect()
        shared_parts.connect()
        alerts.connect()
        subscription_admin.connect()
        # Privacy first: a page made private must leave the cache with the change.
        invalidate_on_change(PageViewRestriction, Site, get_image_model())
        invalidate_on_change(Country, Region, Topic, Organisation, SiteSettings, Locale)
        # The settings are kept with their words in each language: a word saved is a change.
        invalidate_with(SiteWords, SiteSettings)

        register_search_type("organisations", _("Organisations"), "core.Organisation")
