from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.forms.plan import DATE_WIDGET
from campaigns.forms.texts import SpeakingForForm
from campaigns.models import CommitmentStatus
from coalitions.models import Organisation

PUBLIC_WORDING_HELP = _(
    "A letter quotes it as “On 3 May, the Ministry committed to … by 16 June.”, with whether it was kept: write "
    "what comes after “committed to”, e.g. “table the domestic workers bill in the March session”."
)


def _not_in_the_future(value):
    # The server keeps UTC; east of it, "today" is already tomorrow here for part of the day.
    if value > timezone.localdate() + timedelta(days=1):
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


class CommitmentFieldsForm(forms.Form):
    """What a commitment says, whoever made it; the partner's form adds who made it."""

    required_css_class = "required"
    wording = forms.CharField(
        label=_("What they committed to"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In their words, as close as you can: “the Ministry will table the bill by March”."),
    )
    made_on = forms.DateField(label=_("Committed on"), widget=DATE_WIDGET, help_text=_("It may be in the past."))
    due_on = forms.DateField(label=_("By when"), widget=DATE_WIDGET)
    notes = forms.CharField(
        label=_("Notes for the coalition"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the coalition's partners see them; they never go into a letter."),
    )
    public = forms.BooleanField(
        label=_("May be quoted in letters"), required=False,
        help_text=_("Only a target's commitment, and only in the wording below."),
    )
    public_wording = forms.CharField(
        label=_("Wording for letters"), required=False, max_length=500, help_text=PUBLIC_WORDING_HELP
    )

    def clean_made_on(self):
        return _not_in_the_future(self.cleaned_data["made_on"])


class CommitmentForm(SpeakingForForm, CommitmentFieldsForm):
    """A promise heard outside a check-off: by a target, or by a partner organisation."""

    field_order = ["made_by", "wording", "made_on", "due_on", "notes", "public", "public_wording", "organisation"]

    def __init__(self, *args, access, targets, partners: list[Organisation], **kwargs):
        super().__init__(*args, access=access, **kwargs)
        self.fields["organisation"].label = _("Recorded by")
        if not self.has_choice:
            self.fields["organisation"].widget = forms.HiddenInput()
        self.targets = {f"target-{target.pk}": target for target in targets}
        # Members record their own organisation's promises; leads any partner's.
        self.partners = {
            f"partner-{organisation.pk}": organisation
            for organisation in partners
            if access.may_act_for(organisation.pk)
        }
        self.fields["made_by"] = forms.ChoiceField(
            label=_("Who committed"),
            choices=[("", _("Choose who committed"))]
            + [(_("Targets"), [(key, target.name) for key, target in self.targets.items()])]
            + [(_("Partner organisations"), [(key, org.name) for key, org in self.partners.items()])],
        )
        self.order_fields(self.field_order)

    def clean(self):
        data = super().clean()
        made_by = data.get("made_by")
        data["target"] = self.targets.get(made_by)
        data["partner"] = self.partners.get(made_by)
        if data.get("public") and data["partner"] is not None:
            self.add_error("public", _("Only a target's commitment can be quoted in letters; a partner's stays in the coalition."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in ("target", "partner", "organisation", "wording", "made_on", "due_on", "notes", "public", "public_wording")
        }


class CommitmentEditForm(CommitmentFieldsForm):
    def __init__(self, *args, commitment, **kwargs):
        super().__init__(*args, **kwargs)
        if commitment.partner_id:
            # A partner's promise never goes into a letter.
            del self.fields["public"], self.fields["public_wording"]


class CommitmentStatusForm(forms.Form):
    required_css_class = "required"
    status = forms.ChoiceField(
        label=_("What became of it"), choices=[(s.value, s.label) for s in CommitmentStatus if s != CommitmentStatus.PENDING]
    )
    settled_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)
    evidence = forms.CharField(
        label=_("Evidence"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows it: a vote, a document, a meeting, figures."),
    )
    evidence_url = forms.URLField(label=_("Link to the evidence"), required=False, max_length=500, assume_scheme="https")

    def clean_settled_on(self):
        return _not_in_the_future(self.cleaned_data["settled_on"])
