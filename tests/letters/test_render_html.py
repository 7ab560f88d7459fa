"""The letter's HTML: its letterhead for few and for many co-signers, what it escapes, and a
partial that a page can show under the site's content security policy."""

import re
from base64 import b64encode
from dataclasses import replace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from letters import render
from letters.document import Cosigner, Recipient, Signatory
from tests.letters.documents import cosigners, letter_document, png


def logos_in(html: str) -> int:
    letterhead = re.search(r'<ul class="letter-logos">(.*?)</ul>', html, re.S)
    return letterhead[1].count("<img") if letterhead else 0


def test_up_to_twelve_cosigners_show_their_logos_and_no_annex_of_organisations():
    html = render.letter_html(letter_document(cosigners=cosigners(12)))
    assert logos_in(html) == 12
    assert "letter-annex-organisations" not in html
    assert "Jointly signed by" not in html


def test_a_cosigner_without_logo_is_named_in_the_letterhead():
    named = (Cosigner(name="Has no logo"), *cosigners(2))
    html = render.letter_html(letter_document(cosigners=named))
    assert '<span class="letter-logo-name">Has no logo</span>' in html
    assert logos_in(html) == 2


def test_more_than_twelve_cosigners_get_a_compact_letterhead_and_an_annex_naming_them_all():
    html = render.letter_html(letter_document(cosigners=cosigners(13)))
    assert logos_in(html) == 0
    assert "Jointly signed by 15 organisations (see annex)" in html  # 13 named, 2 unnamed
    annex = re.search(r'<ol class="letter-organisations">(.*?)</ol>', html, re.S)[1]
    assert [name for name in re.findall(r"<li>(.*?)</li>", annex)] == [
        f"Organisation number {n} (ON{n})" for n in range(1, 14)
    ]
    assert html.count('class="letter-signature"') == 13


def test_unnamed_cosigners_are_counted_never_named():
    html = render.letter_html(letter_document(unnamed_count=1))
    assert "and 1 other organisation</p>" in html
    assert "other organisation" not in render.letter_html(letter_document(unnamed_count=0))


def test_logos_and_signatures_are_embedded_as_data_addresses():
    logo, signature = png("#112233"), png("#445566", size=(300, 100))
    named = (Cosigner(name="A", logo_png=logo, signatory=Signatory(name="B", title="C", signature_png=signature)),)
    html = render.letter_html(letter_document(cosigners=named))
    assert f'src="data:image/png;base64,{b64encode(logo).decode()}"' in html
    assert f'src="data:image/png;base64,{b64encode(signature).decode()}"' in html
    assert not re.search(r'src="(?!data:)', html)


def test_everything_written_by_people_is_escaped():
    attack = '<b onmouseover="x()">bold</b>'
    named = (Cosigner(name=attack, acronym=attack, signatory=Signatory(name=attack, title=attack)),)
    doc = letter_document(
        subject=attack, place=attack, author=attack, cosigners=named,
        recipients=(Recipient(name=attack, title=attack, institution=attack, address=attack),),
        petition=replace(letter_document().petition, title=attack, by_region=((attack, 1),), by_channel=((attack, 1),)),
    )  # fmt: skip
    html = render.letter_html(doc)
    assert "<b " not in html
    assert html.count("&lt;b onmouseover=&quot;x()&quot;&gt;bold&lt;/b&gt;") >= 12


def test_the_document_names_its_language_title_author_and_description():
    html = render.letter_html(letter_document(language="fr", subject="Ratifiez la C189"))
    assert '<html lang="fr">' in html
    assert "<title>Ratifiez la C189</title>" in html
    assert '<meta name="author" content="Domestic workers&#x27; rights">' in html
    assert '<meta name="description" content="' in html
    assert '<link rel="stylesheet" href="letters/letter-pdf.css">' in html


def test_the_page_label_is_built_from_the_translated_words():
    with translation.override("en"):
        assert render._page_label_css() == '"page " counter(page) " of " counter(pages)'
    assert render._css_string('a "b" \\ </style>') == '"a \\"b\\" \\\\ \\3c /style>"'


@pytest.mark.parametrize(
    ("language", "printed"),
    [("en", "3 December 2026"), ("fr", "3 décembre 2026"), ("es", "3 de diciembre de 2026"), ("bn", "3 ডিসেম্বর 2026")],
)
def test_the_date_is_spelled_out_in_the_letters_language(language, printed):
    assert f"New Delhi, {printed}" in render.letter_html(letter_document(language=language))


def test_the_letter_reads_in_its_own_language_whatever_the_page_is_in():
    paper = render.letter_paper(letter_document(language="es"))
    with translation.override("fr"):
        html = render_to_string("letters/pdf/_letter.html", {"paper": paper})
    assert 'lang="es"' in html and "3 de diciembre de 2026" in html


@pytest.mark.parametrize("final", [True, False])
def test_the_partial_has_no_inline_style_and_only_classes_of_its_own(final):
    paper = render.letter_paper(letter_document(final=final, cosigners=cosigners(13)))
    partial = render_to_string("letters/pdf/_letter.html", {"paper": paper})
    assert "style=" not in partial and "<style" not in partial and "<script" not in partial
    classes = {name for names in re.findall(r'class="([^"]*)"', partial) for name in names.split()}
    assert classes and all(name.startswith("letter") for name in classes)
    assert partial.lstrip().startswith('<article class="letter')


def test_draft_and_final_differ_in_watermark_signatures_and_verification():
    draft = render.letter_html(letter_document(final=False))
    final = render.letter_html(letter_document())
    assert 'class="letter-watermark"' in draft and 'class="letter-watermark"' not in final
    assert "letter-verification" in final and "letter-verification" not in draft
    assert "letter-draft" in draft
