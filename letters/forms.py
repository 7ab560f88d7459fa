from collections import Counter

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from coalitions.images import megabytes
from coalitions.models import User

from .assets import signature_validate


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
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("For example: General Secretary."))
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
