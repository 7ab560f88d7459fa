from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import TextKind
from coalitions.models import CoalitionRole, Organisation


class SpeakingForForm(forms.Form):
    """Which of the person's organisations speaks; chosen only when there is more than one.

    The choices come from the coalition access already fetched, so the form runs no query.
    """

    organisation = forms.TypedChoiceField(label=_("On behalf of"), coerce=int, required=False)
    # Observers decide nothing; where they may still speak (a discussion), a form says so.
    observers_speak = False

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations: dict[int, Organisation] = {
            p.organisation_id: p.organisation
            for p in sorted(access.participations, key=lambda p: p.organisation.name.lower())
            if self.observers_speak or p.role != CoalitionRole.OBSERVER
        }
        field = self.fields["organisation"]
        field.choices = [("", "")] + [(pk, org.name) for pk, org in self.organisations.items()]
        if len(self.organisations) > 1:
            field.required = True
            field.choices = field.choices[1:]

    @property
    def has_choice(self) -> bool:
        return len(self.organisations) > 1

    def clean_organisation(self) -> Organisation:
        chosen = self.cleaned_data.get("organisation")
        if chosen in (None, "") and len(self.organisations) == 1:
            chosen = next(iter(self.organisations))
        if chosen not in self.organisations:
            raise forms.ValidationError(_("Please choose which of your organisations speaks."))
        return self.organisations[chosen]


class TextProposeForm(SpeakingForForm):
    required_css_class = "required"
    kind = forms.ChoiceField(label=_("Which text"), choices=TextKind.choices)
    body = forms.CharField(
        label=_("Proposed wording"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The whole text as you want it adopted; the changes are shown to everyone."),
    )
    note = forms.CharField(
        label=_("Why this wording"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what it changes and why, for the other organisations."),
    )

    field_order = ["kind", "body", "note", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label = _("Proposed by")
        if self["kind"].value() not in TextKind.values:
            self.initial["kind"] = TextKind.MESSAGE
        if not self.has_choice:
            self.fields["organisation"].widget = forms.HiddenInput()

    @property
    def chosen_kind(self) -> TextKind:
        """The text the form is for: what was posted, or else what the page was opened for."""
        value = self["kind"].value()
        return TextKind(value) if value in TextKind.values else TextKind.MESSAGE
