"""The public page that tells anyone holding a letter whether it is the one the coalition finalised."""

import hashlib
import re

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from letters.forms import VerifyForm
from letters.models import Letter, LetterPdf, LetterStatus
from letters.selectors import approval_times

HASH = re.compile(r"[0-9a-f]{64}")
# A letter is a few hundred kilobytes; a file far larger than any letter is not one of them.
VERIFY_MAX_BYTES = 20 * 1024 * 1024


def _checked_hash(form: VerifyForm) -> str | None:
    """The SHA-256 of the uploaded file, or the pasted one; None (with an error on the form) otherwise."""
    document = form.cleaned_data.get("document")
    if document is not None:
        if document.size > VERIFY_MAX_BYTES:
            form.add_error("document", _("This file is far larger than any letter."))
            return None
        digest = hashlib.sha256()
        for chunk in document.chunks():
            digest.update(chunk)
        return digest.hexdigest()
    pasted = "".join(form.cleaned_data.get("sha256", "").split()).lower()
    if HASH.fullmatch(pasted):
        return pasted
    form.add_error(
        "sha256" if pasted else None,
        _("A SHA-256 hash is 64 letters (a to f) and digits.") if pasted else _("Choose the PDF or paste its hash."),
    )
    return None


def _final_pdf(letter: Letter) -> LetterPdf | None:
    return LetterPdf.objects.filter(version=letter.current_version, final=True, rendered_at__isnull=False, failure="").first()


@never_cache
def verify_index(request):
    """Check any file or hash against every finalised letter."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        checked = _checked_hash(form)
        if checked is not None:
            pdf = (
                LetterPdf.objects.filter(final=True, sha256=checked, failure="")
                .select_related("version__letter__current_version")
                .first()
            )
            result = {"hash": checked, "letter": _public(pdf.version.letter) if pdf else None}
    return render(request, "letters/verify_index.html", {"form": form, "result": result})


@never_cache
def letter_verify(request, code: str):
    """What the QR code on the letter's last page opens: the hash, who co-signed, when they approved."""
    letter = get_object_or_404(
        Letter.objects.select_related("current_version"), verification_code=code,
        status=LetterStatus.FINAL,
    )
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        checked = _checked_hash(form)
        if checked is not None:
            result = {"hash": checked, "matches": checked == _final_pdf(letter).sha256}
    return render(request, "letters/letter_verify.html", {"letter": _public(letter), "form": form, "result": result})


def _public(letter: Letter) -> dict:
    """Only what the letter itself shows: never who co-signed without being named."""
    version = letter.current_version
    pdf = _final_pdf(letter)
    named, hidden = approval_times(letter, version)
    return {
        "code": letter.verification_code, "subject": version.content["subject"], "date": version.content["date"],
        "finalised_at": letter.finalised_at,
        "pdf_sha256": pdf.sha256 if pdf else "", "version_sha256": version.sha256, "version_number": version.number,
        "approvals": named, "unnamed_approvals": hidden,
    }
