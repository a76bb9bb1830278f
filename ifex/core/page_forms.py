from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class BasePageForm(WagtailAdminPageForm):
    """What a page needs to be published but not to be saved as a draft. Wagtail defers a
    required field for a draft (and for autosave); rules that span fields are deferred here."""

    def clean(self):
        data = super().clean()
        if self.is_deferred_validation:
            return data
        image = data.get("hero_image")
        described = data.get("hero_image_alt") or (image and image.description)
        if image and not data.get("hero_image_decorative") and not described:
            self.add_error(
                "hero_image_alt",
                _("Describe the image for people who cannot see it, or mark it as decorative."),
            )
        return data
