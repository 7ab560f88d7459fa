from datetime import date, tzinfo

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .balance import DEFAULT_PRESET, PRESETS, Period, preset_period
from .images import logo_validate
from .imports import MAX_FILE_BYTES
from .models import AffiliationRole, Coalition, CoalitionRole, Organisation, User
from .timezones import DEFAULT_TIME_ZONE, time_zone_choices
from .voting import Method


class CsvUploadForm(forms.Form):
    """The spreadsheet of an import (coalitions/imports.py); a kind's own form adds what it asks."""

    file = forms.FileField(
        label=_("CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the reader's language, not once when the module is imported.
        self.fields["file"].help_text = _(
            "Saved from Excel, LibreOffice or Google Sheets as CSV; at most %(size)s MB."
        ) % {"size": MAX_FILE_BYTES // (1024 * 1024)}


class TimeZoneField(forms.ChoiceField):
    """A select of IANA zones; the browser's own zone is filled in by site.js on sign-up."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        super().__init__(choices=time_zone_choices, **kwargs)


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to email and password."""

    display_name = forms.CharField(
        label=_("Your name as partners will see it"), max_length=100, required=False,
        help_text=_("You may use a first name or a pseudonym."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE)
    # Not required: a sign-up from a script or an old form without it still works, in UTC.
    timezone = TimeZoneField(
        initial=DEFAULT_TIME_ZONE, required=False,
        help_text=_("Times on the site and your reminder mails follow it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Whoever signs up keeps the language they were reading the page in.
        language = (get_language() or settings.LANGUAGE_CODE).lower()
        codes = dict(settings.LANGUAGES)
        self.fields["language"].initial = language if language in codes else language[:2]
        if not self.is_bound:
            # Only a fresh form: a form sent back with an error keeps the zone the person chose.
            self.fields["timezone"].widget.attrs["data-browser-time-zone"] = ""

    def signup(self, request, user):
        user.display_name = self.cleaned_data.get("display_name", "")
        user.language = self.cleaned_data["language"]
        user.timezone = self.cleaned_data.get("timezone") or DEFAULT_TIME_ZONE
        user.save(update_fields=["display_name", "language", "timezone"])


class KeepTimeZoneMixin:
    """A form sent without a time zone (an older page still open) keeps the one stored."""

    def clean_timezone(self):
        return self.cleaned_data.get("timezone") or self.instance.timezone


class ProfileForm(KeepTimeZoneMixin, forms.ModelForm):
    timezone = TimeZoneField(required=False, help_text=_("Times on the site and your reminder mails follow it."))

    class Meta:
        model = User
        fields = ["display_name", "language", "timezone", "notification_mail"]
        widgets = {"notification_mail": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notification_mail"].required = False

    def clean_notification_mail(self):
        # A page opened before the choice existed sends none: what is stored stays.
        return self.cleaned_data.get("notification_mail") or self.instance.notification_mail


class RegionsField(forms.CharField):
    """Regions typed one per line or separated by commas; stored as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        parts = [part.strip() for line in text.splitlines() for part in line.split(",")]
        return [part for part in parts if part]


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    regions = RegionsField(
        label=_("Regions or states where active"), required=False, help_text=_("One per line, or separated by commas.")
    )
    logo = forms.FileField(
        label=_("Logo"), required=False, help_text=_("PNG or JPEG, at most 2 MB. It is redrawn and resized to 512 pixels.")
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "country", "regions", "website", "member_count"]

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            logo_validate(upload)
        return upload

    def service_kwargs(self) -> dict:
        data = {key: self.cleaned_data[key] for key in self.Meta.fields}
        if self.cleaned_data.get("logo"):
            data["logo"] = self.cleaned_data["logo"]
        elif self.cleaned_data.get("remove_logo"):
            data["logo"] = False
        return data


class NewOrganisationForm(OrganisationForm):
    class Meta(OrganisationForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["remove_logo"]


class CoalitionCreateForm(forms.ModelForm):
    lead_organisation = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none(), empty_label=None,
        help_text=_("Your organisation facilitates the coalition at first; the lead can be handed over later."),
    )

    class Meta:
        model = Coalition
        fields = ["name", "slug", "description", "language"]
        help_texts = {
            "slug": _(
                "Letters, digits and hyphens, used in links. Leave empty to make one from the name. "
                "A few random characters are added to it."
            )
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()
        self.fields["slug"].required = False

    def clean_slug(self):
        return self.cleaned_data.get("slug") or slugify(self.data.get("name", ""))

    def validate_unique(self):
        # The service makes the link unique; a check here would tell anyone which links exist.
        pass


class CoalitionSettingsForm(KeepTimeZoneMixin, forms.ModelForm):
    class Meta:
        model = Coalition
        fields = [
            "name", "description", "language", "timezone", "adoption_rule", "require_mfa_for_leads",
            "decision_methods", "decision_results_hidden", "decision_delegation",
        ]

    timezone = TimeZoneField(
        label=_("Default time zone"), required=False,
        help_text=_("Where most of its people live; each person still sees times in their own zone."),
    )
    decision_methods = forms.MultipleChoiceField(
        label=_("How decisions may be taken"), choices=Method.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Whoever proposes a decision chooses one of these. One vote per organisation; observers never vote."),
        required=False,
    )

    def clean_decision_methods(self) -> list[str]:
        # A decision needs some method: with none ticked, the coalition keeps the ones it had.
        return self.cleaned_data["decision_methods"] or self.instance.decision_methods


class CoalitionInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email of the contact person"))
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=CoalitionRole.choices, initial=CoalitionRole.MEMBER)
    message = forms.CharField(label=_("Personal message (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)


class StaffInviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=AffiliationRole.choices, initial=AffiliationRole.STAFF)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=CoalitionRole.choices)


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=AffiliationRole.choices)


class AcceptInvitationForm(forms.Form):
    """Join with an organisation the person already administers, or describe a new one."""

    organisation = forms.ModelChoiceField(
        label=_("Join as"), queryset=Organisation.objects.none(), required=False, empty_label=_("A new organisation…")
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()


class LeaveForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations if organisations is not None else Organisation.objects.none()


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BalancePeriodForm(forms.Form):
    """The balance of power's period, from the query string: a preset (`period`), or the reader's
    own dates, either of which may be left empty (since the coalition began; up to today)."""

    start = forms.DateField(
        label=pgettext_lazy("period", "From"), required=False, widget=DATE_WIDGET,
        validators=[MinValueValidator(date(1900, 1, 1))],
        error_messages={"invalid": _("Please give the start date as year, month and day, such as 2026-12-01.")},
    )
    end = forms.DateField(
        label=pgettext_lazy("period", "To"), required=False, widget=DATE_WIDGET,
        validators=[MaxValueValidator(date(2999, 12, 31))],
        error_messages={"invalid": _("Please give the end date as year, month and day, such as 2026-12-31.")},
    )

    def __init__(self, query, *, today: date, zone: tzinfo):
        self.today, self.zone = today, zone
        self.custom = bool(query.get("start", "").strip() or query.get("end", "").strip())
        preset = query.get("period")
        self.preset = None if self.custom else preset if preset in PRESETS else DEFAULT_PRESET
        if self.custom:
            super().__init__(query)
        else:
            shown = preset_period(self.preset, today=today, zone=zone)
            super().__init__(initial={"start": shown.first, "end": shown.last})

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and start > (end or self.today):
            raise forms.ValidationError(
                _("The start date is after the end date.") if end else _("The start date is after today.")
            )
        return cleaned

    def period(self) -> Period | None:
        """None while the dates typed are wrong."""
        if not self.custom:
            return preset_period(self.preset, today=self.today, zone=self.zone)
        if not self.is_valid():
            return None
        return Period(first=self.cleaned_data["start"], last=self.cleaned_data["end"] or self.today, zone=self.zone)
