from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.forms.texts import SpeakingForForm
from campaigns.models import Channel, OutcomeAction, TextKind
from coalitions.models import Organisation, OrganisationKind
from coalitions.voting import Method, Position, position_label

OPTION_FIELDS = 4
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DecisionProposeForm(SpeakingForForm):
    """Several option fields, the method limited to what the coalition allows, and what a passed
    decision opens (only in a campaign, where tasks, texts and letters live)."""

    required_css_class = "required"
    question = forms.CharField(label=_("Question"), max_length=300)
    background = forms.CharField(
        label=_("Background"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the organisations need to know to decide."),
    )
    method = forms.ChoiceField(label=_("How it is decided"), widget=forms.RadioSelect)
    quorum_percent = forms.IntegerField(
        label=_("Quorum (per cent of member organisations)"), min_value=0, max_value=100, initial=50,
    )
    deadline = forms.DateTimeField(label=_("Deadline (your time)"), widget=DATETIME_WIDGET)
    results_hidden = forms.BooleanField(
        label=_("Hide the results until the vote closes"), required=False,
        help_text=_("Only who has voted is shown meanwhile, so that the first votes do not sway the others."),
    )
    caucus_kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisation that must each support it"), choices=OrganisationKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For example a community group and a union: at least one organisation of each kind must support."),
    )
    outcome_action = forms.ChoiceField(label=_("When it passes, open"), choices=OutcomeAction.choices, initial=OutcomeAction.NONE)
    text_kind = forms.ChoiceField(label=_("Which text"), choices=TextKind.choices, required=False)
    targets = forms.TypedMultipleChoiceField(label=_("For the task or letter: who it is for"), coerce=int, required=False)
    task_organisation = forms.TypedChoiceField(label=_("For the task: which organisation does it"), coerce=int, required=False)
    task_channel = forms.ChoiceField(label=_("For the task: how"), choices=[("", "")] + Channel.choices, required=False)
    task_due_days = forms.IntegerField(label=_("For the task: due so many days after the decision"), min_value=1, max_value=365, required=False, initial=14)

    def __init__(self, *args, coalition, campaign=None, targets=(), partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].label = _("Proposed by")
        for number in range(1, OPTION_FIELDS + 1):
            self.fields[f"option_{number}"] = forms.CharField(
                label=_("Option %(number)s") % {"number": number}, required=number == 1, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(
            ["question", "background"] + [f"option_{n}" for n in range(1, OPTION_FIELDS + 1)]
            + ["method", "quorum_percent", "deadline", "results_hidden", "caucus_kinds", "organisation"]
        )
        self.fields["method"].choices = [(m.value, m.label) for m in Method if m.value in coalition.decision_methods]
        self.fields["method"].initial = self.fields["method"].choices[0][0] if self.fields["method"].choices else None
        if not coalition.decision_results_hidden:
            del self.fields["results_hidden"]
        if campaign is None:
            for name in ("outcome_action", "text_kind", "targets", "task_organisation", "task_channel", "task_due_days"):
                del self.fields[name]
        else:
            self.fields["targets"].choices = [(t.pk, t.name) for t in targets]
            self.fields["task_organisation"].choices = [("", "")] + [(o.pk, o.name) for o in partners]
        if not self.has_choice:
            self.fields["organisation"].widget = forms.HiddenInput()

    def options(self) -> list[str]:
        return [self.cleaned_data.get(f"option_{n}", "") for n in range(1, OPTION_FIELDS + 1)]

    def outcome(self) -> tuple[str, dict]:
        data = self.cleaned_data
        action = data.get("outcome_action") or OutcomeAction.NONE
        return action, {
            "kind": data.get("text_kind"), "targets": data.get("targets") or [],
            "organisation": data.get("task_organisation"), "channel": data.get("task_channel"),
            "due_days": data.get("task_due_days"),
        }


class BallotForm(forms.Form):
    """One organisation's vote: the option and its position; under consent an objection gives reasons."""

    option = forms.TypedChoiceField(label=_("Option"), coerce=int, widget=forms.RadioSelect)
    position = forms.ChoiceField(label=_("Position"), widget=forms.RadioSelect)
    reasons = forms.CharField(
        label=_("Reasons"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for an objection: what would make it acceptable."),
    )

    def __init__(self, *args, decision, options, organisation: Organisation, ballot=None, **kwargs):
        self.organisation = organisation
        prefix = f"org{organisation.pk}"
        initial = {"option": ballot.option_id, "position": ballot.position, "reasons": ballot.reasons} if ballot else {}
        super().__init__(*args, prefix=prefix, initial=initial, **kwargs)
        self.fields["option"].choices = [(o.pk, f"{o.number}. {o.wording}") for o in options]
        if len(options) == 1:
            self.fields["option"].widget = forms.HiddenInput()
            self.initial.setdefault("option", options[0].pk)
        self.fields["position"].choices = [(p.value, position_label(decision.method, p.value)) for p in Position]
        self.ballot = ballot


class DelegateForm(forms.Form):
    to_organisation = forms.TypedChoiceField(label=_("Hand our vote to"), coerce=int)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {o.pk: o for o in organisations}
        self.fields["to_organisation"].choices = [(o.pk, o.name) for o in organisations]


class ExtendForm(forms.Form):
    deadline = forms.DateTimeField(label=_("New deadline (your time)"), widget=DATETIME_WIDGET)
    reason = forms.CharField(label=_("Why"), max_length=500)


class ReviseForm(forms.Form):
    wording = forms.CharField(label=_("Revised option"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(SpeakingForForm):
    observers_speak = True
    body = forms.CharField(label=_("Comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.has_choice:
            self.fields["organisation"].widget = forms.HiddenInput()
