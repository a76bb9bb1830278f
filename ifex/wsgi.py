import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ifex.settings.production")

django_application = get_wsgi_application()

from ifex.core.page_cache import PageCacheInFront  # noqa: E402  (once the apps are loaded)

# The page cache's hits are answered before Django's request handling (ifex/core/page_cache.py).
application = PageCacheInFront(django_application)
