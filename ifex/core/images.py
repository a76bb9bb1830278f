"""The image upload form: damaged or oversized files get a form error, never a 500.

Wagtail's field reads the image's size and frame count but lets Pillow's OSError (a truncated
JPEG) escape, and a file that only fails when fully decoded would fail later, in a reader's
request. Here every raster upload is decoded once, within the pixel limit, before it is saved.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

DAMAGED = _(
    "This image file is damaged or incomplete (%(problem)s). Save it again from an image "
    "editor, or upload another copy."
)


class CheckedImageField(WagtailImageField):
    def to_python(self, data):
        try:
            checked = super().to_python(data)
        except (OSError, SyntaxError, ValueError) as error:
            raise ValidationError(DAMAGED % {"problem": error}, code="invalid_image") from None
        if checked is not None and checked.image.format_name != "svg":
            decode_fully(checked)
        return checked


def decode_fully(upload):
    upload.seek(0)
    try:
        with PILImage.open(upload) as image:
            image.load()
    except PILImage.DecompressionBombError:
        raise ValidationError(
            _("This image has too many pixels to be shown safely."), code="file_too_many_pixels"
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(DAMAGED % {"problem": error}, code="invalid_image") from None
    finally:
        upload.seek(0)


class SiteImageForm(BaseImageForm):
    file = CheckedImageField(
        label=_("File"), widget=BaseImageForm.Meta.widgets["file"], required=True
    )
