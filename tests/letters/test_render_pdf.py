"""A final letter is PDF/A-3b with its approval manifest, metadata and verification address; a
draft is marked as such on every page and carries no signature."""

import io
import json
import re
from base64 import b64decode

import pypdf
import pytest

from letters import render
from letters.document import Cosigner
from letters.render import MANIFEST_NAME, approval_manifest
from signatures.qr import qr_svg
from tests.letters.documents import SHA256, VERIFICATION_URL, letter_document, pdffonts, pdftotext


@pytest.fixture(scope="module")
def final():
    doc = letter_document()
    pdf = render.letter_pdf(doc)
    return {"doc": doc, "pdf": pdf, "reader": pypdf.PdfReader(io.BytesIO(pdf)), "text": pdftotext(pdf)}


@pytest.fixture(scope="module")
def draft():
    doc = letter_document(final=False)
    pdf = render.letter_pdf(doc)
    return {"doc": doc, "pdf": pdf, "reader": pypdf.PdfReader(io.BytesIO(pdf)), "text": pdftotext(pdf)}


def pages(text: str) -> list[str]:
    return [page for page in text.split("\f") if page.strip()]


def test_final_pdf_carries_the_approval_manifest(final):
    attachments = final["reader"].attachments
    assert list(attachments) == [MANIFEST_NAME]
    manifest = json.loads(attachments[MANIFEST_NAME][0])
    assert manifest == approval_manifest(final["doc"])
    assert manifest["version"] == 3 and manifest["version_sha256"] == SHA256
    assert [cosigner["organisation"] for cosigner in manifest["named_cosigners"]] == [
        "Organisation number 1", "Organisation number 2", "Organisation number 3",
    ]  # fmt: skip
    assert {cosigner["version_sha256"] for cosigner in manifest["named_cosigners"]} == {SHA256}
    assert manifest["named_cosigners"][0]["approved_at"] == "2026-12-01T10:00:00+00:00"
    assert manifest["unnamed_cosigners"] == {"count": 2, "approvals": 2}
    assert manifest["verification_url"] == VERIFICATION_URL


def test_the_manifest_never_names_the_unnamed_cosigners():
    manifest = approval_manifest(letter_document(unnamed_count=4, unnamed_approvals=3))
    assert manifest["unnamed_cosigners"] == {"count": 4, "approvals": 3}
    assert len(manifest["named_cosigners"]) == 3


def test_final_pdf_is_pdf_a_3b(final):
    root = final["reader"].trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert re.search(rb'pdfaid:part="3"', xmp) and re.search(rb'pdfaid:conformance="B"', xmp)
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


def test_final_pdf_names_its_title_author_and_language(final):
    metadata = final["reader"].metadata
    assert metadata.title == "Ratify ILO Convention 189"
    assert metadata.author == "Domestic workers' rights"
    assert metadata.producer.startswith("WeasyPrint")
    assert final["reader"].trailer["/Root"]["/Lang"] == "en"


def test_final_pdf_embeds_every_font(final):
    fonts = pdffonts(final["pdf"])
    assert fonts
    assert all(font["emb"] == "yes" for font in fonts), [font["line"] for font in fonts]
    assert any(font["name"].endswith("Noto-Serif") for font in fonts)


def test_final_pdf_prints_the_letter(final):
    text = final["text"]
    for printed in (
        "Ratify ILO Convention 189", "New Delhi, 3 December 2026", "The Minister of Labour", "Shram Shakti Bhawan",
        "We ask you to ratify Convention 189.", "Signatory 2", "General Secretary", "Organisation number 3",
        "and 2 other organisations", "Annex: Ratify C189 now", "1,300 people signed the petition.", "Kerala", "1,234",
    ):  # fmt: skip
        assert printed in text


def test_final_pdf_has_no_watermark_and_ends_with_the_verification_address(final):
    assert "DRAFT" not in final["text"]
    last_page = pages(final["text"])[-1]
    assert VERIFICATION_URL in last_page
    assert f"Version 3, SHA-256 {SHA256}" in last_page.replace("\n", " ")


def test_final_letter_shows_the_qr_code_of_its_verification_address():
    html = render.letter_html(letter_document())
    qr = re.search(r'class="letter-qr" src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert b64decode(qr[1]).decode() == qr_svg(VERIFICATION_URL)


def test_final_letter_shows_signatures(final):
    html = render.letter_html(final["doc"])
    assert html.count('class="letter-signature-image"') == 3
    assert "letter-signature-placeholder" not in html


def test_every_page_is_numbered_page_x_of_y(final):
    numbered = pages(final["text"])
    assert len(numbered) >= 2
    for number, page in enumerate(numbered, start=1):
        assert f"page {number} of {len(numbered)}" in page


def test_draft_carries_the_watermark_and_its_version_on_every_page(draft):
    for page in pages(draft["text"]):
        assert "DRAFT" in page
        assert "version 3 · hash abcdef123456" in page


def test_draft_has_no_manifest_nor_verification_address(draft):
    assert not draft["reader"].attachments
    assert VERIFICATION_URL not in draft["text"]
    assert "letter-qr" not in render.letter_html(draft["doc"])


def test_draft_shows_placeholders_rather_than_signatures(draft):
    html = render.letter_html(draft["doc"])
    assert html.count('class="letter-signature-placeholder"') == 3
    assert "letter-signature-image" not in html
    assert draft["text"].count("signature") >= 3


def test_a_cosigner_without_signatory_gets_a_placeholder_in_a_final_letter():
    html = render.letter_html(letter_document(cosigners=(Cosigner(name="Without signatory"),)))
    assert html.count('class="letter-signature-placeholder"') == 1
    assert '<p class="letter-signature-organisation">Without signatory</p>' in html


def test_a_french_draft_is_marked_and_numbered_in_french():
    text = pdftotext(render.letter_pdf(letter_document(language="fr", final=False)))
    assert "BROUILLON" in text and "DRAFT" not in text
    assert "page 1 sur 2" in text
    assert "version 3 · empreinte abcdef123456" in text
    assert "et 2 autres organisations" in text
