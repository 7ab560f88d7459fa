"""What a co-signer writes cannot make the renderer read a file, call a server or run code: raw
HTML in the body is text, and WeasyPrint may load only data: addresses and the letter's stylesheet."""

import io
from urllib.parse import urljoin

import pypdf
import pytest
import weasyprint

from letters import render
from letters.render import ASSET_BASE_URL, MANIFEST_NAME, AssetFetcher, ResourceRefused, markdown_html
from tests.letters.documents import letter_document, pdftotext

HOSTILE_BODY = """Dear Minister,

![x](file:///etc/passwd) and ![y](https://tracker.example/pixel.png)

<img src="file:///etc/passwd">

<link rel="attachment" href="file:///etc/passwd">

<style>body{background:url(http://127.0.0.1:9/x)}</style>

<a href="javascript:alert(1)">click</a> and [click too](javascript:alert(2))

<script>alert(3)</script>

<a rel="attachment" href="file:///etc/passwd">a file</a>

[a relative one](../../etc/passwd)
"""
OWN_STYLESHEET = ASSET_BASE_URL + "letters/letter-pdf.css"


@pytest.fixture(scope="module")
def hostile():
    """A final letter with the hostile body, drawn once, with every address WeasyPrint asked for."""
    asked = []
    fetch = AssetFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return fetch(self, url, headers)

    doc = letter_document(body_markdown=HOSTILE_BODY)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AssetFetcher, "fetch", spy)
        pdf = render.letter_pdf(doc)
    return {"doc": doc, "pdf": pdf, "asked": asked, "html": render.letter_html(doc)}


def test_raw_html_in_the_body_is_shown_as_text():
    body = markdown_html('<script>alert(1)</script>\n\n<img src="file:///etc/passwd">')
    assert "<script" not in body and "<img" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '&lt;img src="file:///etc/passwd"&gt;' in body


@pytest.mark.parametrize(
    "markdown", ["![x](file:///etc/passwd)", "![x](https://tracker.example/pixel.png)", "![x](data:image/png;base64,AAAA)"]
)
def test_images_in_the_body_are_dropped(markdown):
    assert "<img" not in markdown_html(markdown)


def test_the_body_keeps_web_and_mail_links_only():
    body = markdown_html(
        "[web](https://example.org/a) [mail](mailto:desk@example.org) [script](javascript:alert(1)) "
        "[relative](../../etc/passwd) [file](file:///etc/passwd) <https://example.org/b>"
    )
    assert '<a href="https://example.org/a" rel="noopener">web</a>' in body
    assert '<a href="mailto:desk@example.org" rel="noopener">mail</a>' in body
    assert '<a href="https://example.org/b" rel="noopener">' in body
    assert "javascript:" not in body.replace("[script](javascript:alert(1))", "")
    assert 'href="../' not in body and 'href="file:' not in body


def test_the_body_keeps_its_small_set_of_tags():
    body = markdown_html("# Title\n\n## Part\n\n*a* **b**\n\n> quoted\n\n- one\n- two\n\n1. first\n\n`code`\n\n---")
    for tag in ("<h2>", "<h3>", "<em>", "<strong>", "<blockquote>", "<ul>", "<ol>", "<li>"):
        assert tag in body
    for tag in ("<h1", "<code", "<hr", "<pre"):
        assert tag not in body


def test_no_raw_html_of_the_body_reaches_the_letter_unescaped(hostile):
    html = hostile["html"]
    for raw in ("<script", "<img src=\"file:", "<img src=\"https:", "<link rel=\"attachment", "<style>body", '<a href="javascript:', '<a rel="attachment'):
        assert raw not in html
    assert '&lt;a href="javascript:alert(1)"&gt;click&lt;/a&gt;' in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html


def test_drawing_a_hostile_letter_asks_only_for_data_and_its_stylesheet(hostile):
    assert OWN_STYLESHEET in hostile["asked"]
    assert {url for url in hostile["asked"] if not url.startswith("data:")} == {OWN_STYLESHEET}


def test_a_hostile_letter_embeds_nothing_but_its_manifest(hostile):
    reader = pypdf.PdfReader(io.BytesIO(hostile["pdf"]))
    assert list(reader.attachments) == [MANIFEST_NAME]
    assert "root:x:0:0" not in pdftotext(hostile["pdf"])
    assert b"root:x:0:0" not in hostile["pdf"]


def test_even_raw_html_given_to_weasyprint_loads_nothing_outside_the_assets():
    # The body can never put such HTML in the letter; should a template ever do so, the fetcher still refuses.
    asked = []

    class Spy(AssetFetcher):
        def fetch(self, url, headers=None):
            asked.append(url)
            return super().fetch(url, headers)

    html = (
        '<link rel="attachment" href="../../../etc/passwd"><link rel="stylesheet" href="/etc/passwd">'
        '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png"><p>text</p>'
    )
    pdf = weasyprint.HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=Spy()).write_pdf()
    assert "https://letter-assets.invalid/etc/passwd" in asked  # relative addresses stay under the internal base
    assert not pypdf.PdfReader(io.BytesIO(pdf)).attachments
    assert b"root:x:0:0" not in pdf


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1:9/x",
        "https://example.org/letter.css",
        "ftp://example.org/x",
        "../../etc/passwd",
        urljoin(ASSET_BASE_URL, "../../etc/passwd"),
        ASSET_BASE_URL + "letters/../../../etc/passwd",
        ASSET_BASE_URL + "css/site.css",
        ASSET_BASE_URL + "letters/letter-pdf.css/../../../../etc/passwd",
        "https://letter-assets.invalid.example.org/static/letters/letter-pdf.css",
    ],
)
def test_the_fetcher_refuses_anything_but_data_and_the_letters_assets(url):
    with pytest.raises(ResourceRefused):
        AssetFetcher().fetch(url)


def test_the_fetcher_serves_data_addresses_and_the_letter_stylesheet():
    fetcher = AssetFetcher()
    assert fetcher.fetch("data:text/plain;base64,aGVsbG8=").read() == b"hello"
    assert fetcher.fetch("data:,a%20b").read() == b"a b"
    stylesheet = fetcher.fetch(OWN_STYLESHEET)
    assert stylesheet.content_type == "text/css"
    assert b"@page" in stylesheet.read()
