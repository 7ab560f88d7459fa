"""Letters in Bengali, Hindi and Tamil print in their own Noto faces, embedded, and their text
extracts as written; a final letter with a character none of its fonts has is refused."""

import unicodedata

import pytest

from letters import render
from letters.render import MissingGlyphs, RenderError, font_families, missing_glyphs
from tests.letters.documents import letter_document, pdffonts, pdftotext

BENGALI_SENTENCE = "গৃহকর্মীদের সুরক্ষা নিশ্চিত করতে আমরা আইএলও কনভেনশন ১৮৯ অনুসমর্থনের আহ্বান জানাই।"
BENGALI_BODY = f"মাননীয় মন্ত্রী মহোদয়,\n\n{BENGALI_SENTENCE}\n\nবিনীত,"
TIBETAN_KA = "\u0f40"  # ཀ: fonts-noto-core has no Tibetan face


@pytest.fixture(scope="module")
def bengali():
    doc = letter_document(
        language="bn", subject="গৃহকর্মীদের সুরক্ষা", body_markdown=BENGALI_BODY, place="কলকাতা",
    )  # fmt: skip
    pdf = render.letter_pdf(doc)
    return {"doc": doc, "pdf": pdf, "text": pdftotext(pdf)}


def test_bengali_pdf_embeds_every_font(bengali):
    fonts = pdffonts(bengali["pdf"])
    assert all(font["emb"] == "yes" for font in fonts), [font["line"] for font in fonts]
    assert any("Bengali" in font["name"] for font in fonts)


def test_bengali_text_extracts_as_written(bengali):
    text = " ".join(bengali["text"].split())
    assert "গৃহকর্মীদের সুরক্ষা" in text
    assert BENGALI_SENTENCE in text
    assert "কলকাতা, 3 ডিসেম্বর 2026" in text


def test_bengali_letter_starts_its_fonts_with_bengali_faces():
    assert font_families("bn")[:2] == ("Noto Serif Bengali", "Noto Sans Bengali")
    assert font_families("ta")[0] == "Noto Serif Tamil" and font_families("hi")[0] == "Noto Serif Devanagari"
    assert font_families("fr")[0] == "Noto Serif"
    html = render.letter_html(letter_document(language="bn"))
    assert 'html { font-family: "Noto Serif Bengali", "Noto Sans Bengali", "Noto Serif"' in html


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Ratify ILO C189 — “now”, at ₹18,000 a month"),
        ("fr", "Œuvrons « ensemble » : ratification, déjà ça"),
        ("es", "¿Ratificará? ¡Sí! Señora Muñoz"),
        ("bn", BENGALI_SENTENCE),
        ("hi", "घरेलू कामगारों की सुरक्षा के लिए श्रम मंत्रालय"),
        ("ta", "வீட்டுப் பணியாளர்களின் பாதுகாப்பு ஸ்ரீ க்ஷ"),
    ],
)
def test_each_letter_language_is_covered_by_the_fonts(language, text):
    assert missing_glyphs(letter_document(language=language, subject=text, body_markdown=text)) == set()


def test_the_check_reads_every_printed_text():
    doc = letter_document(place=f"Lhasa {TIBETAN_KA}")
    assert missing_glyphs(doc) == {TIBETAN_KA}


def test_spaces_and_joiners_are_not_missing():
    body = "নিশ্চিত\u200c করতে\u200d\u00a0a\tb\u2009c"
    assert missing_glyphs(letter_document(body_markdown=body)) == set()


def test_no_font_of_the_letter_has_the_tibetan_letter():
    assert unicodedata.name(TIBETAN_KA) == "TIBETAN LETTER KA"
    assert TIBETAN_KA not in render._covered_characters()


def test_final_letter_with_a_character_no_font_has_is_refused():
    doc = letter_document(body_markdown=f"Greetings from {TIBETAN_KA}")
    with pytest.raises(MissingGlyphs) as refused:
        render.letter_pdf(doc)
    assert refused.value.characters == {TIBETAN_KA}
    assert isinstance(refused.value, RenderError)
    assert "U+0F40" in str(refused.value)


def test_draft_with_that_character_is_drawn_all_the_same():
    pdf = render.letter_pdf(letter_document(final=False, body_markdown=f"Greetings from {TIBETAN_KA}"))
    assert pdf.startswith(b"%PDF")
    assert "Greetings from" in pdftotext(pdf)
