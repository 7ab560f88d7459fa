from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import OutreachRole, Stance, Target
from campaigns.services import TARGET_FIELDS
from coalitions.access import CoalitionAccess
from coalitions.models import Organisation

INFLUENCE_CHOICES = [
    (1, _("1 – little say over the ask")),
    (2, "2"),
    (3, _("3 – some say")),
    (4, "4"),
    (5, _("5 – decides it")),
]


class TargetForm(forms.ModelForm):
    influence = forms.TypedChoiceField(label=_("Influence"), choices=INFLUENCE_CHOICES, coerce=int, initial=3)

    class Meta:
        model = Target
        fields = list(TARGET_FIELDS)
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "contact_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "name": _("A person or an institution, e.g. “Ministry of Labour” or “General secretary, CITU”."),
        }

    def identity_fields(self):
        return [self[name] for name in ("name", "kind", "title", "institution", "region", "influence")]

    def contact_fields(self):
        return [self[name] for name in ("email", "phone", "address", "contact_notes")]


def _organisation_field(organisations: list[Organisation], label) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=label, queryset=Organisation.objects.filter(pk__in=[o.pk for o in organisations]), empty_label=None
    )
    # The choices come from the list already read, so rendering the form runs no query.
    field.choices = [(o.pk, o.short_name) for o in organisations]
    if len(organisations) == 1:
        field.widget = forms.HiddenInput()
        field.initial = organisations[0].pk
    return field


class StanceForm(forms.Form):
    """An assessment speaks for one of the person's own organisations, lead or member."""

    stance = forms.TypedChoiceField(label=_("Stance on the ask"), choices=Stance.choices, coerce=int)
    assessed_on = forms.DateField(
        label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the position was observed; it may be long ago."),
    )
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was said or done, where, and who saw it."),
    )

    def __init__(self, *args, access: CoalitionAccess, **kwargs):
        super().__init__(*args, **kwargs)
        own = sorted(
            (p.organisation for p in access.participations if p.organisation_id in access.acting_organisation_ids),
            key=lambda o: o.short_name.lower(),
        )
        self.fields["organisation"] = _organisation_field(own, _("Assessed by"))
        if not self.is_bound:
            self.initial.setdefault("assessed_on", timezone.localdate())
            self.initial.setdefault("stance", Stance.UNKNOWN)

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An assessment records what was already observed; the date cannot be in the future."))
        return day


class OutreachRoleForm(forms.Form):
    """Leads place any partner organisation; a member its own, leading only where nobody leads."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=OutreachRole.choices)

    def __init__(self, *args, access: CoalitionAccess, partners: list[Organisation], lead_organisation_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        placeable = [o for o in partners if access.may_act_for(o.pk)]
        # Any partner is accepted here so that the service, not the form, refuses a member who
        # names another organisation: that refusal is a permission matter (403), not a typo.
        field = _organisation_field(placeable, _("Organisation"))
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in partners])
        self.fields["organisation"] = field
        may_lead = access.is_lead or lead_organisation_id is None or lead_organisation_id in access.acting_organisation_ids
        if not may_lead:
            self.fields["role"].choices = [(OutreachRole.SUPPORT, OutreachRole.SUPPORT.label)]
        self.initial.setdefault("role", OutreachRole.SUPPORT)
