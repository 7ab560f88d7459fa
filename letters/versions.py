"""What a version holds, and how two versions differ.

A version's content is everything an organisation agrees to when it approves: the words, the
language, where and when it is signed, to whom it goes, who co-signs it (and whether each is
named) and who signs for each. Its SHA-256 (`models.content_hash`) is what an approval names.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns.models import Target
from campaigns.selectors import TextChanges, text_changes
from coalitions.models import Organisation
from signatures.selectors import petition_working_title

from .models import LETTER_LANGUAGES, SigningAsset


def current_assets(organisation_ids) -> dict[int, SigningAsset]:
    return {
        asset.organisation_id: asset
        for asset in SigningAsset.objects.filter(
            organisation_id__in=list(organisation_ids), confirmed_at__isnull=False, retired_at__isnull=True
        )
    }


def version_content(
    *,
    subject: str,
    body: str,
    language: str,
    place: str,
    on: date,
    targets: list[Target],
    cosigners: list[tuple[Organisation, bool]],
    petition=None,
) -> dict:
    """The canonical content of a new version; each co-signer's signatory is its current one."""
    assets = current_assets(organisation.pk for organisation, _named in cosigners)
    return {
        "subject": subject.strip(),
        "body": body.strip().replace("\r\n", "\n"),
        "language": language,
        "place": place.strip(),
        "date": on.isoformat(),
        "targets": [
            {
                "id": target.pk, "name": target.name, "title": target.title, "institution": target.institution,
                "address": target.address,
            }
            for target in targets
        ],
        "cosigners": [
            {
                "organisation_id": organisation.pk,
                "name": organisation.name,
                "acronym": organisation.acronym,
                "named": named,
                "signatory": _signatory(assets.get(organisation.pk)),
            }
            for organisation, named in cosigners
        ],
        "petition": {"id": petition.pk, "title": _petition_title(petition, language)} if petition is not None else None,
    }


def _petition_title(petition, language: str) -> str:
    return petition_working_title(petition, language) or petition.slug


def _signatory(asset: SigningAsset | None) -> dict | None:
    if asset is None:
        return None
    return {"asset_id": asset.pk, "name": asset.name, "title": asset.title}


def signatories_changed(content: dict) -> list[str]:
    """Co-signers whose current signatory is not the one this content names: a new version is needed."""
    ids = [cosigner["organisation_id"] for cosigner in content["cosigners"]]
    assets = current_assets(ids)
    return [
        cosigner["name"]
        for cosigner in content["cosigners"]
        if _signatory(assets.get(cosigner["organisation_id"])) != cosigner["signatory"]
    ]


def language_label(code: str) -> str:
    return str(dict(LETTER_LANGUAGES).get(code, code))


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class VersionChanges:
    fields: list[FieldChange]
    body: TextChanges | None

    @property
    def empty(self) -> bool:
        return not self.fields and self.body is None


def _cosigner_line(cosigner: dict) -> str:
    name = cosigner["name"]
    if not cosigner["named"]:
        name = _("%(organisation)s (not named in the letter)") % {"organisation": name}
    signatory = cosigner["signatory"]
    if signatory:
        return _("%(organisation)s, signed by %(name)s, %(title)s") % {"organisation": name, **signatory}
    return _("%(organisation)s, no signatory yet") % {"organisation": name}


def _day(value: str) -> str:
    return date_format(parse_date(value), "DATE_FORMAT")


def _lines(items: list[str]) -> str:
    return "\n".join(items) or "—"


def version_changes(old: dict, new: dict) -> VersionChanges:
    """What changed from one version's content to another's, in the words a reader checks."""
    fields = []

    def compare(label, before, after):
        if before != after:
            fields.append(FieldChange(label=label, before=before or "—", after=after or "—"))

    compare(_("Subject"), old["subject"], new["subject"])
    compare(_("Language"), language_label(old["language"]), language_label(new["language"]))
    compare(_("Place"), old["place"], new["place"])
    compare(_("Date"), _day(old["date"]), _day(new["date"]))
    compare(
        _("Addressed to"), _lines([t["name"] for t in old["targets"]]), _lines([t["name"] for t in new["targets"]])
    )
    compare(
        _("Co-signers and signatories"),
        _lines([_cosigner_line(c) for c in old["cosigners"]]),
        _lines([_cosigner_line(c) for c in new["cosigners"]]),
    )
    compare(
        _("Petition annex"),
        (old.get("petition") or {}).get("title", ""),
        (new.get("petition") or {}).get("title", ""),
    )
    body = text_changes(old["body"], new["body"]) if old["body"] != new["body"] else None
    return VersionChanges(fields=fields, body=body)
