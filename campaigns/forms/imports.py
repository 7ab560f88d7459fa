from django import forms
from django.utils.translation import gettext_lazy as _

from coalitions.forms import CsvUploadForm


class ImportUploadForm(CsvUploadForm):
    kind = forms.ChoiceField(
        label=_("What does the spreadsheet hold?"), widget=forms.RadioSelect,
        choices=[("targets", _("Targets")), ("tasks", _("Tasks of the outreach plan"))],
    )
    field_order = ["kind", "file"]
