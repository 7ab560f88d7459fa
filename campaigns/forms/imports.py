from django import forms
from django.utils.translation import gettext_lazy as _

from coalitions.imports import MAX_FILE_BYTES


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What does the spreadsheet hold?"), widget=forms.RadioSelect,
        choices=[("targets", _("Targets")), ("tasks", _("Tasks of the outreach plan"))],
    )
    file = forms.FileField(
        label=_("CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted here, in the reader's language, not once when the module is imported.
        self.fields["file"].help_text = _(
            "Saved from Excel, LibreOffice or Google Sheets as CSV; at most %(size)s MB."
        ) % {"size": MAX_FILE_BYTES // (1024 * 1024)}
