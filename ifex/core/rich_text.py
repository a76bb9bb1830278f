"""Wagtail's rich text editor, named by its field's label for screen readers."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.admin.rich_text import DraftailRichTextArea


class LabelledDraftailRichTextArea(DraftailRichTextArea):
    """Wagtail renders a rich text field's label (its id: the field's, then "-label") but gives
    the editable area, a role="textbox", no name: a screen reader announces an unnamed text box
    (axe: aria-input-field-name). Draftail takes the label's id as an option. (In a StreamField
    the widget is drawn by JavaScript, which names it itself.)"""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field_id = context["widget"]["attrs"].get("id")
        if field_id:
            options = {**self.options, "ariaLabelledBy": f"{field_id}-label"}
            context["widget"]["attrs"]["data-w-init-detail-value"] = json.dumps(
                options, cls=DjangoJSONEncoder
            )
        return context
