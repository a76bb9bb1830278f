"""The form a representative signs a statement with."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ifex.core.models import Country, Organisation

from .signing import Signature

DIRECTORY, OTHER = "directory", "other"
MATCHES_SHOWN = 10


def directory_matches(text: str):
    """Members of the network whose name holds `text`, the closest first."""
    text = text.strip()
    if len(text) < 2:
        return Organisation.objects.none()
    return Organisation.objects.members().filter(name__icontains=text).order_by("name")


def countries_in_language():
    """The countries named in the reader's language, or in the site's first where none are."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    in_language = Country.objects.filter(locale__language_code=language)
    if in_language.exists():
        return in_language
    return Country.objects.filter(locale__language_code=settings.LANGUAGE_CODE)


class SignatureForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Who signs"),
        choices=[
            (DIRECTORY, _("An organisation in the network's directory")),
            (OTHER, _("Another organisation")),
        ],
        widget=forms.RadioSelect,
        initial=DIRECTORY,
    )
    organisation_query = forms.CharField(
        label=_("Organisation in the directory"),
        help_text=_("Type part of its name."),
        max_length=255,
        required=False,
        widget=forms.TextInput(
            attrs={"list": "signing-organisations", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    organisation = forms.ModelChoiceField(
        label=_("Which one?"),
        queryset=Organisation.objects.members(),
        required=False,
        widget=forms.RadioSelect,
    )
    other_name = forms.CharField(label=_("Organisation's name"), max_length=255, required=False)
    other_country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False
    )
    other_website = forms.URLField(
        label=_("Organisation's website"), required=False, assume_scheme="https"
    )
    representative_name = forms.CharField(label=_("Your name"), max_length=255)
    representative_email = forms.EmailField(label=_("Your email address"), max_length=254)
    authorised = forms.BooleanField(
        label=_("I am authorised to sign this statement on the organisation's behalf.")
    )
    # Hidden from people by the stylesheet; a robot filling every field fills it.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, statement, **kwargs):
        super().__init__(*args, **kwargs)
        self.statement = statement
        self.fields["other_country"].queryset = countries_in_language()
        self.matches = []

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("homepage", "").strip())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == OTHER:
            self.clean_other(cleaned)
        elif cleaned.get("kind") == DIRECTORY:
            self.clean_directory(cleaned)
        return cleaned

    def clean_directory(self, cleaned):
        organisation = cleaned.get("organisation")
        if organisation is None:
            organisation = self.find_in_directory(cleaned.get("organisation_query", ""))
            if organisation is None:
                return
        cleaned["organisation"] = organisation
        if not organisation.contact_email:
            self.add_error(
                "organisation_query",
                _(
                    "We have no registered contact address for %(name)s, so its signature "
                    "cannot be confirmed online. Please write to us."
                )
                % {"name": organisation.name},
            )
        elif self.already_signed(organisation=organisation):
            self.add_error(
                "organisation_query",
                _("%(name)s has already signed this statement.") % {"name": organisation.name},
            )

    def find_in_directory(self, text):
        text = text.strip()
        if not text:
            self.add_error(
                "organisation_query", _("Type part of the organisation's name, then choose it.")
            )
            return None
        exact = Organisation.objects.members().filter(name__iexact=text).first()
        if exact:
            return exact
        matches = list(directory_matches(text)[: MATCHES_SHOWN + 1])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            self.add_error(
                "organisation_query",
                _(
                    "No organisation in the directory matches “%(text)s”. Check the spelling, "
                    "or choose “Another organisation”."
                )
                % {"text": text},
            )
            return None
        self.matches = matches[:MATCHES_SHOWN]
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[match.pk for match in self.matches]
        )
        self.add_error("organisation", _("Several organisations match: choose yours."))
        return None

    def clean_other(self, cleaned):
        name = (cleaned.get("other_name") or "").strip()
        if not name:
            self.add_error("other_name", _("Give the organisation's name."))
            return
        cleaned["other_name"] = name
        if not cleaned.get("other_website") and "other_website" not in self.errors:
            self.add_error("other_website", _("Give the organisation's website."))
        if Organisation.objects.filter(name__iexact=name).exists():
            self.add_error(
                "other_name",
                _(
                    "%(name)s is in the directory: choose it there, so that its registered "
                    "contact confirms the signature."
                )
                % {"name": name},
            )
        elif self.already_signed(name=name):
            self.add_error(
                "other_name", _("%(name)s has already signed this statement.") % {"name": name}
            )

    def already_signed(self, *, organisation=None, name=None) -> bool:
        """Listed by the editor, or signed online and confirmed. A draft's own list of
        signatories is in memory (its latest revision): read it as such."""
        listed = list(self.statement.signatories.all())
        counted = Signature.objects.filter(
            statement_id=self.statement.pk,
            status__in=[Signature.Status.CONFIRMED, Signature.Status.APPROVED],
        )
        if organisation is not None:
            return (
                any(signatory.organisation_id == organisation.pk for signatory in listed)
                or counted.filter(organisation=organisation).exists()
            )
        folded = name.casefold()
        return (
            any(signatory.display_name.casefold() == folded for signatory in listed)
            or counted.filter(organisation__isnull=True, organisation_name__iexact=name).exists()
        )

    def signature(self, language: str) -> Signature:
        """The unsaved signature, with where its confirmation goes."""
        data = self.cleaned_data
        organisation = data.get("organisation") if data["kind"] == DIRECTORY else None
        email = data["representative_email"]
        if organisation is not None:
            return Signature(
                statement=self.statement,
                organisation=organisation,
                organisation_name=organisation.name,
                country=organisation.country,
                website=organisation.website,
                representative_name=data["representative_name"],
                representative_email=email,
                confirmation_sent_to=organisation.contact_email,
                language=language,
            )
        return Signature(
            statement=self.statement,
            organisation_name=data["other_name"],
            country=data.get("other_country"),
            website=data.get("other_website", ""),
            representative_name=data["representative_name"],
            representative_email=email,
            confirmation_sent_to=email,
            language=language,
        )
