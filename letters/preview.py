"""The letter drawn as HTML inside a page, with the very template its PDF is drawn from."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from .document import LetterDocument


def letter_preview(document: LetterDocument) -> SafeString:
    from .render import letter_paper

    with translation.override(document.language):
        return mark_safe(render_to_string("letters/pdf/_letter.html", {"paper": letter_paper(document)}))
