from django import forms
from django.utils.translation import gettext_lazy as _

from coalitions.imports import MAX_FILE_BYTES


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What does the spreadsheet hold?"), widget=forms.RadioSelect,
        choices=[("targets", _("Targets")), ("tasks", _("Tasks of the outreach plan"))],
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Saved from Excel, LibreOffice or Google Sheets as CSV; at most %(size)s MB.")
        % {"size": MAX_FILE_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )
