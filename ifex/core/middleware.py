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
