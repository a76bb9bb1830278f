"""The reader's forms: sign up, and change one's choices from a mail's link."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from .models import Country, Region, Topic


def in_current_language(model):
    """The taxonomy as the reader's language names it (the source's where untranslated)."""
    locale = Locale.objects.filter(language_code=get_language()).first() or Locale.get_default()
    return model.objects.filter(locale=locale)


class ChoicesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the mails"), choices=settings.LANGUAGES)
    wants_digest = forms.BooleanField(
        label=_("The weekly digest"),
        required=False,
        help_text=_("A mail each week with what the network published."),
    )
    wants_alerts = forms.BooleanField(
        label=_("Alerts"),
        required=False,
        help_text=_(
            "A mail when something is published about the countries, regions or topics you "
            "choose below: at most one a day."
        ),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (or ⌘) to choose more than one."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = in_current_language(Region)
        self.fields["countries"].queryset = in_current_language(Country)
        self.fields["topics"].queryset = in_current_language(Topic)
        self.fields["countries"].widget.attrs["size"] = 8

    def clean(self):
        data = super().clean()
        chosen = any(data.get(name) for name in ("regions", "countries", "topics"))
        if not (data.get("wants_digest") or data.get("wants_alerts")):
            raise forms.ValidationError(_("Choose the weekly digest, alerts, or both."))
        if data.get("wants_alerts") and not chosen:
            self.add_error(
                "wants_alerts",
                _("For alerts, choose at least one region, country or topic."),
            )
        return data

    def save_to(self, subscriber):
        data = self.cleaned_data
        subscriber.language = data["language"]
        subscriber.wants_digest = data["wants_digest"]
        subscriber.wants_alerts = data["wants_alerts"]
        subscriber.save()
        subscriber.regions.set(data["regions"])
        subscriber.countries.set(data["countries"])
        subscriber.topics.set(data["topics"])


class SubscribeForm(ChoicesForm):
    field_order = ["email", "language", "wants_digest", "wants_alerts"]

    email = forms.EmailField(label=_("Your email address"), max_length=254)
    # Left empty by people; filled by the robots that fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_a_robot(self) -> bool:
        return bool(self.data.get("website"))
