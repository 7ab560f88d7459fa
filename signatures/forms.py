from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Petition, Visibility
from .selectors import petition_co_owners


class SignatureForm(forms.Form):
    """Signing a petition; with `collecting`, a coalition member types in someone else's signature
    at an event, where people without an address may sign too."""

    name = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    region = forms.ChoiceField(label=_("Region"))
    visibility = forms.ChoiceField(
        label=_("Show my signature as"), choices=Visibility.choices, initial=Visibility.COUNTED,
        widget=forms.RadioSelect,
    )
    opt_in = forms.TypedMultipleChoiceField(
        label=_("News from the organisations behind this petition"), coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, petition: Petition, collecting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if petition.regions:
            self.fields["region"].choices = [("", _("Choose…")), *((region, region) for region in petition.regions)]
        else:
            del self.fields["region"]
        co_owners = petition_co_owners(petition)
        if co_owners:
            self.fields["opt_in"].choices = [
                (organisation.pk, _("Keep me informed by %(organisation)s") % {"organisation": organisation.short_name})
                for organisation in co_owners
            ]
        else:
            del self.fields["opt_in"]
        if collecting:
            self.fields["email"].required = False
            self.fields["email"].label = _("Email (optional)")
            self.fields["visibility"].label = _("Show the signature as")

    def signature_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"], "email": data["email"], "region": data.get("region", ""),
            "visibility": data["visibility"], "opt_ins": data.get("opt_in", []),
        }
