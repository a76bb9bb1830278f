from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

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
