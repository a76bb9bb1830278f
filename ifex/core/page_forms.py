from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from .new_pages import address_taken_message


class BasePageForm(WagtailAdminPageForm):
    """What a page needs to be published but not to be saved as a draft. Wagtail defers a
    required field for a draft (and for autosave); rules that span fields are deferred here."""

    def clean(self):
        slug = self.cleaned_data.get("slug")
        data = super().clean()
        if slug and self.has_error("slug"):
            self.name_the_page_with_this_address(slug)
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

    def name_the_page_with_this_address(self, slug):
        """Wagtail's refusal of an address in use says neither by what nor where it is."""
        parent = self.parent_page
        if parent is None:
            return
        taken = parent.get_children().filter(slug=slug).exclude(pk=self.instance.pk).first()
        if taken is not None:
            self.errors["slug"] = self.error_class(
                [address_taken_message(taken, slug, self.for_user)]
            )
