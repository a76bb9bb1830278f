from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles and joint statements")
    # Run by ifex/core's run_periodic_jobs, in this order.
    periodic_jobs = ("draft_weekly_digests", "send_due_digests")

    def ready(self):
        from ifex.core.cards import cards_borrow
        from ifex.core.search import register_search_type

        from .signing import Signature

        cards_borrow(Signature)  # a statement's card counts its approved signatures

        register_search_type("articles", _("Articles"), "articles.ArticlePage")
        register_search_type("statements", _("Joint statements"), "articles.JointStatementPage")
