from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.forms.texts import SpeakingForForm

from .services import MAX_LENGTH


class MessageForm(SpeakingForForm):
    observers_speak = True
    body = forms.CharField(
        label=_("Message"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            '*Emphasis*, **bold** and links are kept. Write @ and an acronym (@NDWM) or a name in quotes '
            '(@"Asha Devi") to let them know.'
        ),
    )
    field_order = ["body", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.has_choice:
            self.fields["organisation"].widget = forms.HiddenInput()


class MessageEditForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
