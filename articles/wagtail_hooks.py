from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from . import digest_admin
from .signing import Signature
from .signing_admin import (
    ApproveBulkAction,
    RejectBulkAction,
    SignaturePolicy,
    SignatureViewSet,
    export_urls,
)

register_permission_policy(Signature, SignaturePolicy(Signature))
register_snippet(SignatureViewSet)
hooks.register("register_bulk_action", ApproveBulkAction)
hooks.register("register_bulk_action", RejectBulkAction)
hooks.register("register_admin_urls", export_urls)

# The weekly digest's send (articles/digest_admin.py).
hooks.register("register_admin_urls", digest_admin.digest_admin_urls)
hooks.register("register_page_action_menu_item", digest_admin.send_menu_item)
hooks.register("register_page_header_buttons", digest_admin.send_buttons)
hooks.register("register_page_listing_more_buttons", digest_admin.send_buttons)
