"""Letters to render in tests: plain LetterDocuments, no database."""

import io
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime

from PIL import Image

from letters.document import Approval, Cosigner, LetterDocument, PetitionAnnex, Recipient, Signatory

SHA256 = "abcdef1234567890" * 4
VERIFICATION_URL = "https://coalition.example.org/letters/verify/Zx81kQ0pL2mN/"


def png(colour: str, size: tuple[int, int] = (120, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def cosigners(count: int, *, logos: bool = True) -> tuple[Cosigner, ...]:
    return tuple(
        Cosigner(
            name=f"Organisation number {n}", acronym=f"ON{n}", logo_png=png("#0b6e4f") if logos else None,
            signatory=Signatory(name=f"Signatory {n}", title="General Secretary", signature_png=png("#223366")),
        )
        for n in range(1, count + 1)
    )  # fmt: skip


def letter_document(**changes) -> LetterDocument:
    """A final English letter from three organisations and two unnamed ones, with the petition annex."""
    named = changes.pop("cosigners", cosigners(3))
    doc = LetterDocument(
        subject="Ratify ILO Convention 189",
        body_markdown="Dear Minister,\n\nWe ask you to **ratify** Convention 189.\n\nYours sincerely,",
        language="en",
        place="New Delhi",
        date=date(2026, 12, 3),
        recipients=(
            Recipient(
                name="The Minister of Labour", title="Union Minister", institution="Ministry of Labour and Employment",
                address="Shram Shakti Bhawan\nNew Delhi 110001",
            ),
        ),  # fmt: skip
        cosigners=named,
        unnamed_count=2,
        final=True,
        version_number=3,
        version_sha256=SHA256,
        author="Domestic workers' rights",
        verification_url=VERIFICATION_URL,
        petition=PetitionAnnex(
            title="Ratify C189 now", total=1300, by_region=(("Kerala", 1234), ("Delhi", 66)),
            by_channel=(("online", 1000), ("paper", 300)),
        ),  # fmt: skip
        approvals=tuple(
            Approval(organisation=cosigner.name, version_sha256=SHA256, approved_at=datetime(2026, 12, 1, 10, n, tzinfo=UTC))
            for n, cosigner in enumerate(named)
        ),
        unnamed_approvals=2,
    )
    return replace(doc, **changes)


def pdftotext(pdf: bytes) -> str:
    """The PDF's text as poppler extracts it, pages separated by form feeds."""
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pdffonts(pdf: bytes) -> list[dict]:
    """Each font of the PDF as poppler's pdffonts lists it: name, and whether it is embedded."""
    listing = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    fonts = []
    for line in listing.splitlines()[2:]:
        # name, type (one or two words), encoding, emb, sub, uni, object number, generation
        words = line.split()
        fonts.append({"name": words[0], "emb": words[-5], "line": line})
    return fonts
