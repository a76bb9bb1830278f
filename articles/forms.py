from django.utils.translation import gettext_lazy as _

from ifex.core.page_forms import BasePageForm


class NewsPageForm(BasePageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "teaser" in self.fields:
            self.fields["teaser"].error_messages["required"] = _(
                "Write a teaser: listings and previews show it."
            )
