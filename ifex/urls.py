from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from ifex import api_urls
from ifex.core import pickers, sign_in, subscription_views
from ifex.core import views as core_views
from ifex.core.media import serve_media
from ifex.core.page_cache import public_page, reads_query
from ifex.core.review import ReviewActionView
from ifex.core.sitemap import sitemap_or_index, sitemap_part

urlpatterns = [
    # Wagtail's own workflow action, ending where a reviewer may go (ifex/core/review.py).
    path(
        "admin/pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/",
        require_admin_access(ReviewActionView.as_view()),
        name="review_action",
    ),
    path("admin/autocomplete/", include(pickers)),
    # Wagtail's "Forgotten password?", with its mails limited (ifex/core/sign_in.py).
    path(
        "admin/password_reset/",
        sign_in.PasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        core_views.authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
]

# What every anonymous reader sees alike: kept in the page cache, held by a CDN
# (ifex/core/page_cache.py). The sitemap lists every language; the rest is per language.
urlpatterns += decorate_urlpatterns(
    [
        path("sitemap.xml", reads_query("p")(sitemap_or_index), name="sitemap"),
        path(
            "sitemap-<str:section>.xml",
            reads_query("p")(sitemap_part),  # Django's sitemap is paged by ?p=
            name="sitemap_part",
        ),
        path("robots.txt", core_views.robots_txt, name="robots_txt"),
        path("favicon.ico", core_views.favicon, name="favicon"),
    ],
    public_page,
)

handler500 = "ifex.core.views.server_error"

# The read-only open-data API (ifex/core/api.py), in every language by ?language=.
urlpatterns += api_urls.urlpatterns

media_prefix = settings.MEDIA_URL.strip("/")
urlpatterns += [
    re_path(rf"^{media_prefix}/(?P<path>.*)$", serve_media, name="media"),
]

# Each language under its prefix (/fr/, /es/, /ar/); English, the source, keeps the addresses
# it always had. Wagtail serves every page; keep it last.
# A reader's own subscription: never cached, in the reader's language.
subscription_urlpatterns = [
    path("subscribe/", subscription_views.subscribe, name="subscribe"),
    path(
        "subscribe/confirm/<str:token>/",
        subscription_views.confirm,
        name="subscription_confirm",
    ),
    path("subscriptions/<str:token>/", subscription_views.manage, name="subscription_manage"),
    path("unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"),
]

urlpatterns += i18n_patterns(
    # Signing a statement: each reader's own answers, never kept (articles/signing_urls.py).
    path("", include("articles.signing_urls")),
    *subscription_urlpatterns,
    *decorate_urlpatterns(
        [
            path("search/", core_views.search, name="search"),
            path("", include("campaigns.urls")),
            # Wagtail's own views (its login for private pages), its serve view replaced by ours.
            *(view for view in wagtail_urls.urlpatterns if view.name != "wagtail_serve"),
            re_path(wagtail_urls.serve_pattern, core_views.serve_page, name="wagtail_serve"),
        ],
        public_page,
    ),
    prefix_default_language=False,
)
