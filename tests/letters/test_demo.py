"""The demo letters, as `make run` loads them: every font of their PDFs embedded, Bengali as Bengali."""

import hashlib
import io
import subprocess

import pytest
from django.core.management import call_command

from letters.models import Decision, Letter, LetterPdf, LetterStatus
from letters.render import letter_pdf
from letters.selectors import letter_document


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    return {letter.campaign.slug: letter for letter in Letter.objects.select_related("campaign", "current_version")}


def _fonts(data: bytes) -> list[list[str]]:
    out = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _embedded(data: bytes) -> None:
    rows = _fonts(data)
    assert rows, "a PDF with text has fonts"
    # Columns: name, type (one or two words), encoding, emb, sub, uni, object, generation.
    assert all(row[-5] == "yes" for row in rows), rows


def _text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_the_india_letter_is_finalised_with_its_petition_annex(demo):
    letter = demo["ilo-c189"]
    assert letter.status == LetterStatus.FINAL
    assert letter.current_version.number == 2
    assert set(letter.current_version.decisions.values_list("decision", flat=True)) == {Decision.APPROVE}
    pdf = LetterPdf.objects.get(version=letter.current_version, final=True)
    data = pdf.file.read()
    assert hashlib.sha256(data).hexdigest() == pdf.sha256
    _embedded(data)
    text = _text(data)
    assert "people signed the petition" in text
    for name in ("National Domestic Workers", "Confederation of Free Trade", "Christian Workers Movement"):
        assert name in text
    assert {entry["organisation"] for entry in pdf.manifest["named_cosigners"]} == {"National Domestic Workers Movement", "Confederation of Free Trade Unions of India", "Association of Rural Education and Development Service", "Christian Workers Movement India", "Young Christian Workers India"}
    assert letter.deliveries.get().response == "acknowledged"


def test_the_pamusab_draft_waits_for_changes_in_french(demo):
    letter = demo["carte-cam"]
    assert letter.status == LetterStatus.DRAFT and letter.current_version.content["language"] == "fr"
    assert letter.decisions.filter(decision=Decision.CHANGES).exists()
    data = letter_pdf(letter_document(letter.current_version, final=False))
    _embedded(data)
    assert "carte d'assistance médicale" in _text(data).replace("\n", " ")


def test_the_bengali_letter_prints_and_extracts_as_bengali(demo):
    letter = demo["equal-pay"]
    content = letter.current_version.content
    assert content["language"] == "bn"
    assert [c["named"] for c in content["cosigners"]] == [True, True, True, False]
    data = letter_pdf(letter_document(letter.current_version, final=False))
    _embedded(data)
    text = " ".join(_text(data).split())
    assert "সরকার-সমর্থিত কৃষি কাজে সমান মজুরি প্রতিষ্ঠা করুন" in text
    assert "Char Women's Forum" not in text
