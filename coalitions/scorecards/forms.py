from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Affiliation, Organisation
from .models import SCORE_MAX, SCORE_MIN, Indicator, ScoreAnswer
from .services import AnswerInput

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundOpenForm(forms.Form):
    required_css_class = "required"
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("For instance the period it looks back on: “Second half of 2010”."),
    )
    scoring_deadline = forms.DateField(label=_("Scores wanted by"), required=False, widget=DATE_WIDGET)


class OrganisationChoiceForm(forms.Form):
    """Which of the reader's organisations speaks; chosen only when there is more than one."""

    organisation = forms.TypedChoiceField(label=_("On behalf of"), coerce=int, required=False)

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        field = self.fields["organisation"]
        field.choices = [(pk, organisation.name) for pk, organisation in self.organisations.items()]
        field.required = len(self.organisations) > 1

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


class IndicatorAddForm(OrganisationChoiceForm):
    required_css_class = "required"
    wording = forms.CharField(
        label=_("New indicator"), max_length=300,
        help_text=_("Something the partners should rate, for instance “Decisions on the budget are shared in time”."),
    )
    field_order = ["wording", "organisation"]


SCORE_CHOICES = [("", _("No score"))] + [(str(score), str(score)) for score in range(SCORE_MIN, SCORE_MAX + 1)]


class AnswerForm(forms.Form):
    """One organisation's scores of every indicator of the round, with a comment and a signature each."""

    def __init__(self, *args, organisation: Organisation, indicators: list[Indicator], answers: dict[int, ScoreAnswer], **kwargs):
        super().__init__(*args, prefix=f"org{organisation.pk}", **kwargs)
        self.organisation = organisation
        self.indicators = indicators
        for indicator in indicators:
            given = answers.get(indicator.pk)
            self.fields[f"score_{indicator.pk}"] = forms.TypedChoiceField(
                label=indicator.label, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False,
                widget=forms.RadioSelect, initial=str(given.score) if given else "",
            )
            self.fields[f"comment_{indicator.pk}"] = forms.CharField(
                label=_("Comment"), max_length=1000, required=False, initial=given.comment if given else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"signed_{indicator.pk}"] = forms.BooleanField(
                label=_("Sign the comment with our name"), required=False, initial=given.signed if given else False,
            )

    @property
    def rows(self):
        return [
            (indicator, self[f"score_{indicator.pk}"], self[f"comment_{indicator.pk}"], self[f"signed_{indicator.pk}"])
            for indicator in self.indicators
        ]

    def answer_inputs(self) -> list[AnswerInput]:
        return [
            AnswerInput(
                indicator_id=indicator.pk, score=self.cleaned_data[f"score_{indicator.pk}"],
                comment=self.cleaned_data[f"comment_{indicator.pk}"], signed=self.cleaned_data[f"signed_{indicator.pk}"],
            )
            for indicator in self.indicators
        ]


class ActionPointForm(forms.Form):
    required_css_class = "required"
    wording = forms.CharField(label=_("Action point"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    organisation = forms.TypedChoiceField(label=_("Organisation responsible"), coerce=int)
    assignee = forms.TypedChoiceField(
        label=_("Person"), coerce=int, required=False, empty_value=None,
        help_text=_("Optional: someone of the organisation responsible."),
    )
    due_on = forms.DateField(label=_("Due by"), widget=DATE_WIDGET)

    def __init__(self, *args, organisations: list[Organisation], people: list[Affiliation], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        self.people = {affiliation.user_id: affiliation.user for affiliation in people}
        self.fields["organisation"].choices = [("", _("Choose an organisation"))] + [
            (pk, organisation.name) for pk, organisation in self.organisations.items()
        ]
        self.fields["assignee"].choices = [("", _("Nobody named"))] + [
            (affiliation.user_id, f"{affiliation.user} ({affiliation.organisation.short_name})") for affiliation in people
        ]

    def clean_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]

    def clean_assignee(self):
        chosen = self.cleaned_data.get("assignee")
        return self.people.get(chosen) if chosen is not None else None
