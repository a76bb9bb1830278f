"""The admin's bulk actions, only those the user may take on the listing in front of them."""

from django import template
from django.apps import apps
from django.urls import reverse
from wagtail.admin.templatetags.wagtailadmin_tags import bulk_action_choices
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.widgets.button import ButtonWithDropdown

register = template.Library()


@register.inclusion_tag("wagtailadmin/shared/buttons.html", takes_context=True)
def permitted_bulk_action_choices(context, app_label, model_name, objects):
    """Wagtail's bulk action buttons, less those refused for every item listed: an editor
    is not offered "Publish" on statements, which only a moderator's approval publishes."""
    request = context["request"]
    model = apps.get_model(app_label, model_name)
    items = list(getattr(objects, "object_list", objects) or [])
    permitted = {
        reverse("wagtail_bulk_action", args=[app_label, model_name, action.action_type])
        for action in bulk_action_registry.get_bulk_actions_for_model(app_label, model_name)
        if any(action(request, model).check_perm(item) for item in items)
    }
    buttons = []
    for button in bulk_action_choices(context, app_label, model_name)["buttons"]:
        if isinstance(button, ButtonWithDropdown):
            button.dropdown_buttons = [b for b in button.dropdown_buttons if b.url in permitted]
            if button.dropdown_buttons:
                buttons.append(button)
        elif button.url in permitted:
            buttons.append(button)
    return {"buttons": buttons}
