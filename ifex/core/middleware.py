"""Response headers that depend on who is asking."""


class FrameablePreviewMiddleware:
    """A Wagtail preview is rendered for the admin's side panel, in a frame of the admin's own
    origin: it may be framed by that origin (CSP frame-ancestors 'self', X-Frame-Options
    SAMEORIGIN), while every public page keeps frame-ancestors 'none'. Listed after
    CSPMiddleware, so its answer is in place before the policy is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "is_preview", False):
            response._csp_replace = {"frame-ancestors": ["'self'"]}
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response


# The admin runs under the public policy, with what Wagtail 8's editor needs on top: the page
# editor still runs inline scripts (five on an edit form) and sets style attributes, and images
# are drawn from blob: addresses while uploading; the admin's update check asks wagtail.org.
# Scripts can still send nothing to another site: connections, images, forms and frames stay
# on this origin.
ADMIN_POLICY_ADDITIONS = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["blob:"],
    "connect-src": ["https://releases.wagtail.org"],
}


class AdminContentSecurityPolicyMiddleware:
    """Listed after CSPMiddleware, so its additions are in place before the policy is written.
    Previews keep the public policy: they show what readers will get."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/") and not getattr(request, "is_preview", False):
            response._csp_update = ADMIN_POLICY_ADDITIONS
        return response
