"""Forms of the leads' petition pages; the rules themselves are in signatures/services.py."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from coalitions.models import Organisation

from .models import PaperTotal, Petition, PetitionText
from .selectors import co_owner_candidates

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PetitionForm(forms.Form):
    slug = forms.SlugField(
        label=capfirst(Petition._meta.get_field("slug").verbose_name), max_length=60,
        help_text=_("Letters, digits and hyphens. The petition's public address is /p/ followed by it."),
    )
    goal = forms.IntegerField(label=_("Goal"), min_value=1, help_text=_("How many signatures you aim for."))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_WIDGET)
    regions = forms.CharField(
        label=_("Regions a signer picks from"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, such as states or provinces. Leave empty to ask for no region."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Co-owning organisations"), required=False, queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Signers get a checkbox for each one, to hear from it again."),
    )

    def __init__(self, *args, coalition, with_slug: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = co_owner_candidates(coalition)
        self.fields["organisations"].label_from_instance = lambda organisation: organisation.name
        if not with_slug:
            del self.fields["slug"]

    def clean_regions(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["regions"].splitlines() if line.strip()]

    @staticmethod
    def initial_for(petition: Petition) -> dict:
        return {
            "goal": petition.goal, "deadline": petition.deadline, "regions": "\n".join(petition.regions),
            "organisations": list(petition.organisations.all()),
        }


class PetitionTextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=PetitionText._meta.get_field("title").max_length)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))


class PaperTotalForm(forms.Form):
    count = forms.IntegerField(label=_("Number of signatures"), min_value=1)
    region = forms.CharField(label=_("Region"), required=False, max_length=PaperTotal._meta.get_field("region").max_length)
    collected_on = forms.DateField(label=_("Collected on"), widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=PaperTotal._meta.get_field("note").max_length,
        help_text=_("Where the sheets come from, e.g. “Kochi public meeting”."),
    )

    def __init__(self, *args, regions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if regions:
            self.fields["region"] = forms.ChoiceField(
                label=_("Region"), required=False, choices=[("", _("Several or unknown")), *((r, r) for r in regions)]
            )
