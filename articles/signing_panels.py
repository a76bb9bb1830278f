"""What the statement's page and its editor show of signing online."""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail.admin.panels import Panel

from .signing import draft_link_token


def signing_state(statement) -> dict | None:
    """For the statement's page: None when it is not open for signatures, else whether it has
    closed, when it closes and where to sign. The page is cached for the day: it says when signing
    closes, and the form itself refuses once it has."""
    if not statement.signatures_open or not statement.signatures_close_at:
        return None
    return {
        "closed": statement.signing_closed(),
        "close_at": statement.signatures_close_at,
        "url": statement.url + statement.reverse_subpage("sign") if statement.url else "",
    }


def members_signing_path(statement, language_code=None) -> str:
    """The link to sign the statement while it is still a draft, to share with members."""
    return reverse("statement_draft_sign", kwargs={"token": draft_link_token(statement)})


class SigningLinkPanel(Panel):
    """The members' signing link, once the statement is saved and open for signatures."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "articles/signing/admin_link_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            statement = self.instance
            link = ""
            if statement.pk and statement.signatures_open:
                link = self.request.build_absolute_uri(members_signing_path(statement))
            context["members_link"] = link
            context["closes"] = statement.signatures_close_at
            context["closed"] = bool(
                statement.signatures_close_at and timezone.now() >= statement.signatures_close_at
            )
            context["explanation"] = format_html(
                "{}",
                _(
                    "Share this link with members to let them sign while the statement is a "
                    "draft. It shows the statement's latest saved text and stops working when "
                    "signing closes or is turned off."
                ),
            )
            return context
