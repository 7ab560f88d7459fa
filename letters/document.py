"""What a letter's PDF is drawn from: plain data, no database, so that rendering can be measured
and tested on its own (letters/render.py) and the worker needs nothing but this to draw it."""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str
    # PNG bytes as re-encoded on upload; None draws a placeholder (drafts, or not yet confirmed).
    signature_png: bytes | None = None


@dataclass(frozen=True)
class Cosigner:
    name: str
    acronym: str = ""
    logo_png: bytes | None = None
    signatory: Signatory | None = None
    # On a page, the logo is the site's own address of it (the browser keeps it); a PDF embeds bytes.
    logo_url: str = ""


@dataclass(frozen=True)
class Recipient:
    name: str
    title: str = ""
    institution: str = ""
    address: str = ""


@dataclass(frozen=True)
class PetitionAnnex:
    title: str
    total: int
    by_region: tuple[tuple[str, int], ...] = ()
    by_channel: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Approval:
    organisation: str
    version_sha256: str
    approved_at: datetime


@dataclass(frozen=True)
class LetterDocument:
    subject: str
    body_markdown: str
    language: str
    place: str
    date: date
    recipients: tuple[Recipient, ...]
    # Only the organisations named in the letter; those at risk are counted, never named.
    cosigners: tuple[Cosigner, ...]
    unnamed_count: int = 0
    final: bool = False
    version_number: int = 1
    version_sha256: str = ""
    author: str = ""
    verification_url: str = ""
    petition: PetitionAnnex | None = None
    # Approvals of the named co-signers, for the manifest a final PDF carries.
    approvals: tuple[Approval, ...] = field(default_factory=tuple)
    unnamed_approvals: int = 0
