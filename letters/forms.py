from collections import Counter
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.forms.plan import DATE_WIDGET, ObjectChoiceField
from campaigns.forms.texts import SpeakingForForm
from campaigns.models import Outcome
from coalitions.images import megabytes
from coalitions.models import User

from .assets import signature_validate
from .models import LETTER_LANGUAGES, Decision, DeliveryMethod

BODY_HELP = _(
    "Leave an empty line between paragraphs. *Italic*, **bold**, lists starting with “-” and headings "
    "starting with “##” are kept; anything else is printed as you typed it."
)


class ObjectsField(forms.TypedMultipleChoiceField):
    """Several of the objects already fetched, as checkboxes, in their given order."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, objects, **kwargs):
        self.objects = {obj.pk: obj for obj in objects}
        super().__init__(
            choices=[(obj.pk, str(obj)) for obj in objects], coerce=lambda value: self.objects[int(value)], **kwargs
        )

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return [getattr(item, "pk", item) for item in value]
        return getattr(value, "pk", value)


class LetterForm(SpeakingForForm):
    required_css_class = "required"
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Letter"), max_length=20000, widget=forms.Textarea(attrs={"rows": 16}), help_text=BODY_HELP
    )
    language = forms.ChoiceField(label=_("Language of the letter"), choices=LETTER_LANGUAGES)
    place = forms.CharField(label=_("Place"), max_length=100, help_text=_("Where it is signed, e.g. New Delhi."))
    on = forms.DateField(label=_("Date of the letter"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("What changed"), max_length=500, required=False,
        help_text=_("Optional: a line for the organisations that approve it."),
    )

    def __init__(self, *args, access, targets, partners, petitions, **kwargs):
        super().__init__(*args, access=access, **kwargs)
        self.fields["organisation"].label = _("Proposed by")
        if not self.has_choice:
            self.fields["organisation"].widget = forms.HiddenInput()
        self.fields["targets"] = ObjectsField(label=_("Addressed to"), objects=targets)
        self.fields["cosigners"] = ObjectsField(
            label=_("Co-signing organisations"), objects=partners,
            help_text=_("Their logos head the letter, in this order, and each signs it."),
        )
        self.fields["unnamed"] = ObjectsField(
            label=_("Co-sign without being named"), objects=partners, required=False,
            help_text=_(
                "For an organisation at risk: the letter says “and N other organisations”; its approval still "
                "counts, and only the coalition sees who it is."
            ),
        )
        self.petitions = {petition.pk: petition for petition, _title in petitions}
        self.fields["petition"] = forms.TypedChoiceField(
            label=_("Annex with a petition's totals"), required=False, empty_value=None,
            choices=[("", _("No annex"))] + [(petition.pk, title) for petition, title in petitions],
            coerce=lambda value: self.petitions[int(value)],
            help_text=_("The total, by region and by channel; never a signer's name."),
        )
        self.order_fields(
            ["subject", "body", "targets", "cosigners", "unnamed", "language", "place", "on", "petition", "note",
             "organisation"]
        )

    def clean(self):
        data = super().clean()
        cosigners = data.get("cosigners") or []
        unnamed = data.get("unnamed") or []
        if any(organisation not in cosigners for organisation in unnamed):
            self.add_error("unnamed", _("An organisation that does not co-sign cannot be left unnamed."))
        elif cosigners and len(unnamed) == len(cosigners):
            self.add_error("unnamed", _("At least one co-signing organisation must be named in the letter."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        unnamed = set(data.get("unnamed") or [])
        return {
            "subject": data["subject"], "body": data["body"], "language": data["language"], "place": data["place"],
            "on": data["on"], "targets": list(data["targets"]),
            "cosigners": [(organisation, organisation not in unnamed) for organisation in data["cosigners"]],
            "petition": data.get("petition"), "note": data.get("note", ""), "organisation": data["organisation"],
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
    version_sha256 = forms.CharField(max_length=64, required=False)
    organisation = forms.IntegerField()
    comment = forms.CharField(label=_("Comment"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DeliveryForm(forms.Form):
    required_css_class = "required"
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE_WIDGET)
    method = forms.ChoiceField(label=_("How"), choices=DeliveryMethod.choices)
    delivered_to = forms.CharField(
        label=_("Received by"), max_length=200, required=False, help_text=_("Who or which office received it.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(
        label=_("Follow up by"), required=False, widget=DATE_WIDGET,
        help_text=_("With a date, following up becomes a task on the outreach plan."),
    )

    def __init__(self, *args, targets, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"] = ObjectChoiceField(label=_("Delivered to"), objects=targets)
        self.fields["organisation"] = ObjectChoiceField(label=_("By"), objects=organisations)
        self.order_fields(["target", "organisation", "delivered_on", "method", "delivered_to", "notes", "follow_up_on"])

    def clean_delivered_on(self):
        delivered_on = self.cleaned_data["delivered_on"]
        if delivered_on > timezone.localdate() + timedelta(days=1):
            raise forms.ValidationError(_("The date cannot be in the future."))
        return delivered_on


class ResponseForm(forms.Form):
    required_css_class = "required"
    response = forms.ChoiceField(label=_("Response"), choices=Outcome.choices)
    response_on = forms.DateField(label=_("Received on"), widget=DATE_WIDGET)
    summary = forms.CharField(label=_("What they answered"), widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label=_("Next step"), required=False, max_length=500)
    next_step_due = forms.DateField(
        label=_("Next step due by"), required=False, widget=DATE_WIDGET,
        help_text=_("With a date, the next step becomes a task on the outreach plan."),
    )


class VerifyForm(forms.Form):
    document = forms.FileField(label=_("The PDF you received"), required=False)
    sha256 = forms.CharField(
        label=_("Or its SHA-256 hash"), required=False, max_length=200,
        help_text=_("64 letters and digits, e.g. from “sha256sum letter.pdf”."),
    )


# Signing assets ------------------------------------------------------------------------------


def person_choices(people: list[User]) -> list[tuple[int, str]]:
    """People by the name they gave, never by their address; namesakes are numbered apart."""
    totals = Counter(str(person) for person in people)
    seen: Counter = Counter()
    choices = []
    for person in people:
        label = str(person)
        if totals[label] > 1:
            seen[label] += 1
            label = f"{label} ({seen[label]})"
        choices.append((person.pk, label))
    return choices


class PersonField(forms.TypedChoiceField):
    """One of the given people, chosen by name; cleans to the person."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, **kwargs)
        self.people: dict[int, User] = {}

    def set_people(self, people: list[User]) -> None:
        self.people = {person.pk: person for person in people}
        self.choices = person_choices(people)

    def clean(self, value):
        return self.people[super().clean(value)]


class SigningAssetForm(forms.Form):
    signatory = PersonField(label=_("Who signs"))
    name = forms.CharField(label=_("Name as printed under the signature"), max_length=200)
    title = forms.CharField(label=_("Signatory's title"), max_length=200, help_text=_("For example: General Secretary."))
    signature = forms.FileField(
        label=_("Signature image"), widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})
    )
    confirm = forms.BooleanField(
        label=_("I confirm this is my signature"), required=False,
        help_text=_("Only when you upload your own. Anyone else's signature is used once they confirm it themselves."),
    )

    def __init__(self, *args, people: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory"].set_people(people)
        # Formatted here, in the reader's language and with the limit as set now.
        self.fields["signature"].help_text = _(
            "PNG or JPEG, at most %(size)s MB: a scan or photo of the signature on white paper, cropped close. "
            "The paper is made transparent."
        ) % {"size": megabytes(settings.SIGNATURE_MAX_UPLOAD_BYTES)}

    def clean_signature(self):
        upload = self.cleaned_data["signature"]
        signature_validate(upload)
        return upload

    @property
    def lost_its_file(self) -> bool:
        """Sent back with errors: the browser shows the file field empty again."""
        return self.is_bound and bool(self.errors)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "signatory": data["signatory"], "name": data["name"], "title": data["title"],
            "signature_upload": data["signature"], "confirm": data["confirm"],
        }  # fmt: skip


class PersonForm(forms.Form):
    person = PersonField(label=_("Person"))

    def __init__(self, *args, people: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].set_people(people)
