"""A page being created in the admin, before and around its first save.

Wagtail 8 autosaves a page while it is being created. A draft cannot be kept without a title
(its address is made from it), so until the title is given every pause in typing was answered
with a 400, an error in the browser's console each time. The answer is now what it is: not
saved yet, and why, which the autosave indicator shows; the save buttons still validate as
Wagtail does.
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

SAVE_BUTTONS = ("action-publish", "action-submit")


def autosave_waits_for_a_title(request, parent_page, page_class):
    """`before_create_page`: the autosave of a new page that has no title yet."""
    if request.method != "POST" or request.accepts("text/html"):
        return None
    if request.POST.get("title", "").strip() or any(request.POST.get(b) for b in SAVE_BUTTONS):
        return None
    return JsonResponse(
        {
            "success": False,
            "error_code": "validation_error",
            "error_message": _("Not saved yet: a new page is saved as you go once it has a title."),
        }
    )


def address_taken_message(taken, slug, user):
    """Why `slug` cannot be this page's address: `taken`, the page under the same parent that
    has it (often the draft a session left behind), linked when `user` may edit it."""
    state = pgettext("page state", "published") if taken.live else pgettext("page state", "draft")
    title = taken.specific_deferred.get_admin_display_title()
    if taken.permissions_for_user(user).can_edit():
        return format_html(
            _(
                "The address “{slug}” is used by the page “{title}” ({state}). "
                '<a href="{url}">Edit that page</a>, or give this one another address.'
            ),
            slug=slug,
            title=title,
            state=state,
            url=reverse("wagtailadmin_pages:edit", args=[taken.pk]),
        )
    return format_html(
        _(
            "The address “{slug}” is used by the page “{title}” ({state}), which you may not "
            "edit: give this page another address, or ask whoever wrote that page."
        ),
        slug=slug,
        title=title,
        state=state,
    )
