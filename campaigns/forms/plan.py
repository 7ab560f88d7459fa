import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Channel, DueState, Outcome, Stance, TaskStatus
from campaigns.selectors import BoardFilters
from coalitions.models import Affiliation, Organisation, User

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def new_form_key() -> str:
    return uuid.uuid4().hex


def form_key_field() -> forms.CharField:
    """A key new with every form shown: the service records what the form says once, however often it
    arrives (a second tap, a change kept on a phone while the link was down and sent again)."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64, initial=new_form_key)


def person_label(user: User) -> str:
    """How a person is named to every partner; email addresses are not shown on shared pages."""
    return user.display_name or str(_("(no name given)"))


class PlanFilterForm(forms.Form):
    """The board's filters, read from the query string; a value that no longer exists is ignored."""

    organisation = forms.TypedChoiceField(label=_("Organisation"), required=False, coerce=int, empty_value=None)
    target = forms.TypedChoiceField(label=_("Target"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    due = forms.ChoiceField(label=_("Due"), required=False)
    assignee = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, organisations: list[Organisation], targets, people: list[Affiliation]):
        super().__init__(data)
        anything = [("", _("All"))]
        self.fields["organisation"].choices = anything + [(o.pk, o.short_name) for o in organisations]
        self.fields["target"].choices = anything + [(t.pk, t.name) for t in targets]
        self.fields["status"].choices = anything + TaskStatus.choices
        self.fields["channel"].choices = anything + Channel.choices
        self.fields["due"].choices = anything + DueState.choices
        seen, people_choices = set(), []
        for affiliation in people:
            if affiliation.user_id not in seen:
                seen.add(affiliation.user_id)
                people_choices.append((affiliation.user_id, f"{person_label(affiliation.user)} ({affiliation.organisation})"))
        self.fields["assignee"].choices = anything + people_choices

    def filters(self, *, own_organisation_ids=None) -> BoardFilters:
        self.is_valid()
        values = {name: self.cleaned_data.get(name) for name in self.fields}
        chosen = {values["organisation"]} if values["organisation"] else set()
        if own_organisation_ids is not None:
            chosen = (chosen & set(own_organisation_ids)) if chosen else set(own_organisation_ids)
            # An empty selection would mean "all organisations": keep "ours" meaning ours.
            chosen = chosen or {0}
        return BoardFilters(
            organisation_ids=chosen,
            target_id=values["target"],
            status=values["status"] or "",
            channel=values["channel"] or "",
            due=values["due"] or "",
            assignee_id=values["assignee"],
        )


class PersonChoiceField(forms.TypedChoiceField):
    """People listed as "Organisation — person", grouped by organisation. Whether the person belongs to
    the chosen organisation is the service's to decide, so its message reaches the form."""

    def __init__(self, *, people: list[Affiliation], **kwargs):
        self.users = {affiliation.user_id: affiliation.user for affiliation in people}
        groups: dict[Organisation, list] = {}
        for affiliation in people:
            groups.setdefault(affiliation.organisation, []).append(
                (affiliation.user_id, f"{affiliation.organisation} — {affiliation.user}")
            )
        choices = [("", _("Nobody in particular"))] + [(str(org), options) for org, options in groups.items()]
        super().__init__(
            choices=choices, coerce=lambda value: self.users[int(value)], empty_value=None, required=False, **kwargs
        )

    def prepare_value(self, value):
        return value.pk if isinstance(value, User) else value


class ObjectChoiceField(forms.TypedChoiceField):
    """A choice among objects already fetched, so that neither showing nor checking it runs a query."""

    def __init__(self, *, objects, empty_label=None, **kwargs):
        self.objects = {obj.pk: obj for obj in objects}
        choices = [(obj.pk, str(obj)) for obj in objects]
        if empty_label is not None:
            choices.insert(0, ("", empty_label))
        super().__init__(choices=choices, coerce=lambda value: self.objects[int(value)], **kwargs)

    def prepare_value(self, value):
        return getattr(value, "pk", value)


class TaskForm(forms.Form):
    required_css_class = "required"
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    due_on = forms.DateField(label=_("Due by"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    acknowledge_overlap = forms.BooleanField(label=_("Plan it anyway"), required=False)

    def __init__(self, *args, targets: list, organisations: list[Organisation], people: list[Affiliation], **kwargs):
        super().__init__(*args, **kwargs)
        # A pre-selected target is too easily planned for by mistake: the person picks one.
        self.fields["target"] = ObjectChoiceField(label=_("Target"), objects=targets, empty_label=_("Choose a target"))
        self.fields["organisation"] = ObjectChoiceField(label=_("Organisation"), objects=organisations)
        self.fields["assignee"] = PersonChoiceField(
            label=_("Person"), people=people, help_text=_("Optional: someone of the chosen organisation.")
        )
        self.order_fields(["target", "organisation", "assignee", "channel", "due_on", "notes", "acknowledge_overlap"])


class TaskEditForm(forms.Form):
    required_css_class = "required"
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    due_on = forms.DateField(label=_("Due by"), widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, people: list[Affiliation], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = PersonChoiceField(label=_("Person"), people=people)
        self.order_fields(["assignee", "channel", "due_on", "notes"])


class TaskStatusForm(forms.Form):
    """Done is not among the choices: a task is checked off with a record of what happened."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[(s.value, s.label) for s in TaskStatus if s != TaskStatus.DONE]
    )
    blocked_reason = forms.CharField(label=_("Why it is blocked"), required=False, max_length=500)
    idempotency_key = form_key_field()


class TaskCompleteForm(forms.Form):
    required_css_class = "required"
    happened_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET, help_text=_("It may be in the past."))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    attendees = forms.CharField(label=_("Who attended"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=500)
    next_step_due = forms.DateField(
        label=_("Next step due by"), required=False, widget=DATE_WIDGET,
        help_text=_("With a date, the next step becomes a new task on the plan."),
    )
    stance = forms.TypedChoiceField(
        label=_("Their stance on the ask now"), required=False, coerce=int, empty_value=None,
        choices=[("", _("No change"))] + Stance.choices,
        help_text=_("Leave “No change” unless this contact showed where they stand."),
    )
    commitment = forms.CharField(
        label=_("What did they commit to?"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("With the outcome “Committed”: it goes on the campaign's commitments, to follow up."),
    )
    commitment_due = forms.DateField(label=_("By when?"), required=False, widget=DATE_WIDGET)
    idempotency_key = form_key_field()

    def clean_happened_on(self):
        happened_on = self.cleaned_data["happened_on"]
        # The server keeps UTC; east of it, "today" is already tomorrow here for part of the day.
        if happened_on > timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError(_("The date cannot be in the future."))
        return happened_on
