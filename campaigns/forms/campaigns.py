from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "slug", "language", "status", "decision_deadline", "description"]
        widgets = {"decision_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"slug": _("Letters, digits and hyphens, used in links. Leave empty to make one from the title.")}

    def __init__(self, *args, coalition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.coalition = coalition
        self.fields["slug"].required = False
        if self.instance.pk:
            del self.fields["slug"]

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:60]
        if not slug:
            raise forms.ValidationError(_("Please give a short name made of letters, digits and hyphens."))
        if Campaign.objects.filter(coalition=self.coalition, slug=slug).exists():
            raise forms.ValidationError(_("That short name is taken; please choose another."))
        return slug
