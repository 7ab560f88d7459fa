"""A jointly signed letter as HTML and as PDF, drawn from a LetterDocument alone (letters/document.py).

No database and no time limit here: the worker gives the document and enforces the limit.

What a letter prints comes from organisations and their members, and a final PDF is kept and
sent to ministries: so the body is Markdown cleaned to a few tags, every other text is escaped
by the templates, and WeasyPrint fetches nothing but data: addresses and the letter's own
stylesheet (AssetFetcher). A final letter is never printed with a character its fonts lack.
"""

import base64
import html
import json
import re
import subprocess
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from functools import cache
from urllib.parse import unquote_to_bytes

import nh3
import pydyf
import weasyprint
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from fontTools.ttLib import TTFont
from markdown_it import MarkdownIt
from PIL import ImageFile
from weasyprint.draw import text as weasyprint_text
from weasyprint.urls import URLFetcher, URLFetcherResponse

from signatures.qr import qr_svg

from .document import LetterDocument, PetitionAnnex, Recipient

# Importing WeasyPrint tells Pillow, for the whole process, to accept cut-off images. The letters
# embed only images re-encoded on upload; uploads must still be refused when cut off.
ImageFile.LOAD_TRUNCATED_IMAGES = False

MANIFEST_NAME = "approval-manifest.json"
# Up to this many named co-signers, the letterhead shows each one's logo; beyond, one line
# counts them and an annex names them all.
LETTERHEAD_LOGOS_MAX = 12

# The letter's serif text, with the scripts of the letter languages; a letter in one of those
# scripts starts with its own face. Every printed character must be in one of these files.
FONT_FAMILIES = (
    "Noto Serif", "Noto Sans",
    "Noto Serif Bengali", "Noto Sans Bengali",
    "Noto Serif Devanagari", "Noto Sans Devanagari",
    "Noto Serif Tamil", "Noto Sans Tamil",
)  # fmt: skip
SCRIPT_FAMILIES = {
    "bn": ("Noto Serif Bengali", "Noto Sans Bengali"),
    "hi": ("Noto Serif Devanagari", "Noto Sans Devanagari"),
    "ta": ("Noto Serif Tamil", "Noto Sans Tamil"),
}

# A letter spells its date out, where the site's pages abbreviate the month (config/formats/).
LETTER_DATE_FORMATS = {"es": r"j \d\e F \d\e Y"}
LETTER_DATE_FORMAT = "j F Y"

# Relative addresses in the letter resolve under this base, which names no real host: the
# fetcher answers it from the static files, and nothing under it ever reaches the network.
ASSET_BASE_URL = "https://letter-assets.invalid/static/"
ASSETS = {"letters/letter-pdf.css": "text/css"}


class RenderError(Exception):
    """The letter cannot be drawn as asked."""


class MissingGlyphs(RenderError):
    def __init__(self, characters: set[str]):
        self.characters = frozenset(characters)
        listed = " ".join(f"U+{ord(character):04X}" for character in sorted(self.characters))
        super().__init__(f"no font of the letter has these characters: {listed}")


class ResourceRefused(RenderError):
    """The letter asked for something other than a data: address or one of its own assets."""


# Markdown ------------------------------------------------------------------------------------

_markdown = MarkdownIt("commonmark", {"html": False})
BODY_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "a"}
LINK_SCHEMES = ("http:", "https:", "mailto:")


def _absolute_links_only(tag: str, attribute: str, value: str) -> str | None:
    # nh3 would keep a relative href; a letter's links go out of the letter or nowhere.
    if attribute == "href" and not value.lower().startswith(LINK_SCHEMES):
        return None
    return value


def markdown_html(text: str) -> SafeString:
    """The body as HTML: raw HTML in it is shown as text, images and anything else are dropped."""
    tokens = _markdown.parse(text)
    for token in tokens:
        # The subject is the letter's heading: the body's own headings sit under it.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 4)}"
    cleaned = nh3.clean(
        _markdown.renderer.render(tokens, _markdown.options, {}),
        tags=BODY_TAGS,
        attributes={"a": {"href"}},
        attribute_filter=_absolute_links_only,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
    )
    return mark_safe(cleaned)


# What the templates print --------------------------------------------------------------------


@dataclass(frozen=True)
class PaperCosigner:
    name: str
    acronym: str
    logo: str  # data: address (or the site's address, on a page), or "" to print the name
    signatory_name: str
    signatory_title: str
    signature: str  # data: address, or "" for the placeholder


@dataclass(frozen=True)
class Paper:
    """A letter as the templates print it: text prepared, images as data: addresses."""

    language: str
    subject: str
    author: str
    description: str
    place: str
    date: str
    recipients: tuple[Recipient, ...]
    body: SafeString
    cosigners: tuple[PaperCosigner, ...]
    compact_letterhead: bool
    organisation_count: int
    unnamed_count: int
    final: bool
    version_number: int
    version_sha256: str
    short_hash: str
    verification_url: str
    qr: str
    petition: PetitionAnnex | None


def _png(data: bytes | None) -> str:
    return f"data:image/png;base64,{base64.b64encode(data).decode()}" if data else ""


def letter_paper(doc: LetterDocument) -> Paper:
    """What templates/letters/pdf/_letter.html prints, in the letter's language.

    A page showing the letter as HTML includes that template with `paper` set to this.
    """
    with translation.override(doc.language):
        organisation_count = len(doc.cosigners) + doc.unnamed_count
        description = ngettext(
            "A letter jointly signed by %(count)s organisation, version %(version)s",
            "A letter jointly signed by %(count)s organisations, version %(version)s",
            organisation_count,
        ) % {"count": organisation_count, "version": doc.version_number}
        formatted_date = date_format(doc.date, LETTER_DATE_FORMATS.get(doc.language, LETTER_DATE_FORMAT))
    cosigners = tuple(
        PaperCosigner(
            name=cosigner.name,
            acronym=cosigner.acronym,
            logo=cosigner.logo_url or _png(cosigner.logo_png),
            signatory_name=cosigner.signatory.name if cosigner.signatory else "",
            signatory_title=cosigner.signatory.title if cosigner.signatory else "",
            # A draft goes round for comments: it never carries anyone's signature.
            signature=_png(cosigner.signatory.signature_png) if doc.final and cosigner.signatory else "",
        )
        for cosigner in doc.cosigners
    )
    qr = ""
    if doc.final and doc.verification_url:
        qr = f"data:image/svg+xml;base64,{base64.b64encode(qr_svg(doc.verification_url).encode()).decode()}"
    return Paper(
        language=doc.language,
        subject=doc.subject,
        author=doc.author,
        description=description,
        place=doc.place,
        date=formatted_date,
        recipients=doc.recipients,
        body=markdown_html(doc.body_markdown),
        cosigners=cosigners,
        compact_letterhead=len(cosigners) > LETTERHEAD_LOGOS_MAX,
        organisation_count=organisation_count,
        unnamed_count=doc.unnamed_count,
        final=doc.final,
        version_number=doc.version_number,
        version_sha256=doc.version_sha256,
        short_hash=doc.version_sha256[:12],
        verification_url=doc.verification_url,
        qr=qr,
        petition=doc.petition,
    )


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return f'"{escaped}"'


def _page_label_css() -> str:
    """`content` of the page number box: "page 2 of 5" as the active language words it."""
    parts = re.split(r"(%\(pages?\)s)", gettext("page %(page)s of %(pages)s"))
    tokens = []
    for part in parts:
        if part == "%(page)s":
            tokens.append("counter(page)")
        elif part == "%(pages)s":
            tokens.append("counter(pages)")
        elif part:
            tokens.append(_css_string(part))
    return " ".join(tokens)


def font_families(language: str) -> tuple[str, ...]:
    first = SCRIPT_FAMILIES.get(language, ())
    return first + tuple(family for family in FONT_FAMILIES if family not in first)


def _letter_html(paper: Paper) -> str:
    with translation.override(paper.language):
        return render_to_string("letters/pdf/letter.html", {
            "paper": paper,
            "page_label_css": mark_safe(_page_label_css()),
            "font_family_css": mark_safe(", ".join(_css_string(family) for family in font_families(paper.language))),
        })  # fmt: skip


def letter_html(doc: LetterDocument) -> str:
    """The whole HTML document the PDF is drawn from."""
    return _letter_html(letter_paper(doc))


# Fonts -----------------------------------------------------------------------------------------


@cache
def _font_file(family: str) -> str | None:
    """The regular face of `family` as fontconfig finds it, or None when it is not installed."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{family}\n%{file}", f"{family}:style=Regular"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, path = found.partition("\n")
    # fc-match answers with its nearest font when the family is missing: that one is not it.
    if family not in (name.strip() for name in families.split(",")):
        return None
    return path or None


@cache
def _covered_characters() -> frozenset[str]:
    """Every character some font of FONT_FAMILIES has: read once per process."""
    covered = set()
    for family in FONT_FAMILIES:
        path = _font_file(family)
        if path:
            with TTFont(path, lazy=True) as font:
                covered.update(map(chr, font.getBestCmap()))
    return frozenset(covered)


_TAG = re.compile(r"<[^>]*>")


def _printed_text(paper: Paper) -> str:
    parts = [paper.subject, html.unescape(_TAG.sub(" ", paper.body)), paper.place, paper.date, paper.author]
    for recipient in paper.recipients:
        parts += [recipient.name, recipient.title, recipient.institution, recipient.address]
    for cosigner in paper.cosigners:
        parts += [cosigner.name, cosigner.acronym, cosigner.signatory_name, cosigner.signatory_title]
    if paper.petition:
        parts.append(paper.petition.title)
        parts += [name for name, _ in paper.petition.by_region + paper.petition.by_channel]
    return "\n".join(parts)


def _missing_glyphs(paper: Paper) -> set[str]:
    covered = _covered_characters()
    return {
        character
        for character in set(_printed_text(paper))
        # Spaces and joiners (ZWJ, ZWNJ in Bengali and Devanagari) are not drawn as glyphs.
        if character not in covered and unicodedata.category(character)[0] not in "CZ"
    }


def missing_glyphs(doc: LetterDocument) -> set[str]:
    """The characters the letter would print that none of its fonts has."""
    return _missing_glyphs(letter_paper(doc))


# Drawing ---------------------------------------------------------------------------------------


def _data_response(url: str) -> URLFetcherResponse:
    header, comma, payload = url.removeprefix("data:").partition(",")
    if not comma:
        raise ResourceRefused("a data: address without data")
    media_type, *parameters = header.split(";")
    if parameters and parameters[-1].strip().lower() == "base64":
        body = base64.b64decode(unquote_to_bytes(payload))
        parameters = parameters[:-1]
    else:
        body = unquote_to_bytes(payload)
    content_type = ";".join([media_type or "text/plain", *parameters]) if media_type or parameters else "text/plain"
    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


class AssetFetcher(URLFetcher):
    """What WeasyPrint may load while drawing a letter: data: addresses and the letter's own
    stylesheet, read from the static files. Anything else (file:, http:, ftp:, a path that
    climbs out of the assets) raises, so that nothing of the machine or the network gets in."""

    def __init__(self):
        super().__init__(allowed_protocols={"data", "https"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return _data_response(url)
        if url.startswith(ASSET_BASE_URL):
            name = url.removeprefix(ASSET_BASE_URL)
            if name in ASSETS and (path := finders.find(name)):
                with open(path, "rb") as asset:
                    return URLFetcherResponse(url, body=asset.read(), headers={"Content-Type": ASSETS[name]})
        raise ResourceRefused(f"a letter loads nothing from {url[:200]}")


# Pango draws a Bengali, Devanagari or Tamil syllable as glyphs in visual order, and WeasyPrint
# gives each glyph one text for the whole PDF: copied or extracted text would come out with
# vowel signs moved (কনভেনশন read as "কনি ভেনিশনি"). While a letter is drawn, each line carries
# its own text as ActualText (ISO 32000-1, 14.9.4), which text extraction and screen readers use.
_with_actual_text = ContextVar("letters_actual_text", default=False)
_draw_first_line = getattr(weasyprint_text.draw_first_line, "__wrapped__", weasyprint_text.draw_first_line)


def _draw_line_with_its_text(stream, textbox, *args, **kwargs):
    if not _with_actual_text.get() or not textbox.text.strip():
        return _draw_first_line(stream, textbox, *args, **kwargs)
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(textbox.text)}))
    try:
        return _draw_first_line(stream, textbox, *args, **kwargs)
    finally:
        stream.end_marked_content()


_draw_line_with_its_text.__wrapped__ = _draw_first_line
weasyprint_text.draw_first_line = _draw_line_with_its_text


def approval_manifest(doc: LetterDocument) -> dict:
    """What a final PDF carries as approval-manifest.json: who approved which version, and when.

    The organisations that co-sign without being named are counted, never named.
    """
    return {
        "subject": doc.subject,
        "language": doc.language,
        "cosigned_by": doc.author,
        "version": doc.version_number,
        "version_sha256": doc.version_sha256,
        "named_cosigners": [
            {
                "organisation": approval.organisation,
                "version_sha256": approval.version_sha256,
                "approved_at": approval.approved_at.isoformat(),
            }
            for approval in doc.approvals
        ],
        "unnamed_cosigners": {"count": doc.unnamed_count, "approvals": doc.unnamed_approvals},
        "verification_url": doc.verification_url,
    }


def _manifest_attachment(doc: LetterDocument, fetcher: AssetFetcher) -> weasyprint.Attachment:
    manifest = json.dumps(approval_manifest(doc), ensure_ascii=False, indent=2).encode()
    with translation.override(doc.language):
        description = gettext("Approvals of this version by the organisations that sign it")
    # Dated by the last approval rather than the clock: the manifest says when it became true.
    approved = max((approval.approved_at for approval in doc.approvals), default=None)
    dated = {"created": approved.astimezone(UTC), "modified": approved.astimezone(UTC)} if approved else {}
    return weasyprint.Attachment(
        string=manifest, name=MANIFEST_NAME, description=description,
        relationship="Data", url_fetcher=fetcher, **dated,
    )  # fmt: skip


def letter_pdf(doc: LetterDocument) -> bytes:
    """The letter as PDF: a final one is PDF/A-3b with its approval manifest attached.

    Raises MissingGlyphs for a final letter with characters its fonts lack; a draft is drawn
    all the same, so that the co-signers can see what to change.
    """
    paper = letter_paper(doc)
    if doc.final and (missing := _missing_glyphs(paper)):
        raise MissingGlyphs(missing)
    fetcher = AssetFetcher()
    options = {}
    if doc.final:
        # PDF/A-3 keeps the attachment (A-1 and A-2 would drop a JSON file) and embeds the fonts.
        options = {"pdf_variant": "pdf/a-3b", "attachments": [_manifest_attachment(doc, fetcher)]}
    document = weasyprint.HTML(string=_letter_html(paper), base_url=ASSET_BASE_URL, url_fetcher=fetcher)
    token = _with_actual_text.set(True)
    try:
        return document.write_pdf(**options)
    finally:
        _with_actual_text.reset(token)
