"""Every change to letters, their versions and approvals, and to organisations' signing assets."""

import hashlib
import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Channel, Target
from campaigns.services import task_plan
from coalitions.access import CoalitionAccess, check_coalition_access, leads_withheld_for_mfa
from coalitions.audit import audit_record
from coalitions.errors import DomainError
from coalitions.mail import outbox_mail
from coalitions.models import (
    Affiliation,
    AffiliationRole,
    CoalitionRole,
    NotificationKind,
    Organisation,
    Participation,
    User,
)
from coalitions.notices import Notice
from coalitions.outbox import outbox_job

from .assets import signature_reencode
from .models import (
    FAILED_GLYPHS,
    FAILED_OTHER,
    Decision,
    DeliveryMethod,
    Letter,
    LetterDecision,
    LetterDelivery,
    LetterPdf,
    LetterStatus,
    LetterVersion,
    SigningAsset,
    SigningAuthority,
    content_hash,
)
from .selectors import (
    cosigner_states,
    has_signing_authority,
    letter_document,
    letter_readiness,
    signing_organisation_ids,
    signing_people_by_organisation,
)
from .versions import version_content

logger = logging.getLogger(__name__)

# A lead may remind the co-signers still to act at most this often.
REMINDER_INTERVAL = timedelta(hours=12)
RENDER_TASK = "letters.tasks.letter_pdf_render"
DELIVERY_CHANNELS = {
    DeliveryMethod.EMAIL: Channel.EMAIL,
    DeliveryMethod.HAND: Channel.LETTER,
    DeliveryMethod.POST: Channel.LETTER,
    DeliveryMethod.MEETING: Channel.MEETING,
}


def _record(letter: Letter, by: User | None, action: str, notices=(), **data) -> None:
    subject = letter.current_version.content["subject"] if letter.current_version_id else ""
    audit_record(
        coalition=letter.campaign.coalition, actor=by, action=action,
        data={"campaign": letter.campaign.title, "letter": subject, **data},
        topics=[f"campaign:{letter.campaign_id}", f"letter:{letter.pk}"], notices=notices,
    )


def _approvals_asked(letter: Letter, version: LetterVersion, mailed_organisation_ids=()) -> list[Notice]:
    """Whoever may approve for a co-signer is asked to read this version; those the letter mails
    itself with what changed get no second mail."""
    people = signing_people_by_organisation(version.cosigner_ids)
    short = {o.pk: o.short_name for o in Organisation.objects.filter(pk__in=version.cosigner_ids)}
    return [
        Notice(
            kind=NotificationKind.APPROVAL_REQUESTED, key=f"approval:{version.pk}:{organisation_id}",
            url=letter_url(letter),
            data={
                "campaign": letter.campaign.title, "letter": version.content["subject"], "number": version.number,
                "organisation": short.get(organisation_id, ""),
            },
            users=frozenset(person.pk for person in group),
            mailed_by_sender=organisation_id in mailed_organisation_ids,
        )
        for organisation_id, group in people.items()
    ]


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def letter_url(letter: Letter) -> str:
    campaign = letter.campaign
    return reverse("letter_detail", args=[campaign.coalition.slug, campaign.slug, letter.pk])


def _speaking_for(access: CoalitionAccess, organisation: Organisation) -> None:
    """A proposal is made in the name of one of the person's own organisations, even by a lead."""
    if organisation.pk not in access.acting_organisation_ids:
        raise PermissionDenied


def _partners(campaign: Campaign, organisations: list[Organisation]) -> None:
    partner_ids = set(
        Participation.objects.filter(coalition=campaign.coalition)
        .exclude(role=CoalitionRole.OBSERVER)
        .values_list("organisation_id", flat=True)
    )
    outside = [organisation.short_name for organisation in organisations if organisation.pk not in partner_ids]
    if outside:
        raise DomainError(
            _("Only member and lead organisations of the coalition can co-sign: %(organisations)s.")
            % {"organisations": ", ".join(outside)}
        )


def _content(
    *, campaign: Campaign, subject: str, body: str, language: str, place: str, on: date, targets: list[Target],
    cosigners: list[tuple[Organisation, bool]], petition=None,
) -> dict:
    if not subject.strip():
        raise DomainError(_("Please write the letter's subject."))
    if not body.strip():
        raise DomainError(_("Please write the letter."))
    if not targets:
        raise DomainError(_("Choose at least one person or institution the letter goes to."))
    if any(target.campaign_id != campaign.pk for target in targets):
        raise PermissionDenied
    if not cosigners:
        raise DomainError(_("Choose at least one organisation to sign the letter."))
    if not any(named for _organisation, named in cosigners):
        raise DomainError(_("At least one co-signing organisation must be named in the letter."))
    _partners(campaign, [organisation for organisation, _named in cosigners])
    if petition is not None and petition.campaign_id != campaign.pk:
        raise PermissionDenied
    return version_content(
        subject=subject, body=body, language=language, place=place, on=on, targets=targets, cosigners=cosigners,
        petition=petition,
    )


def letter_open_for_decision(*, decision, option, supporters, now) -> str:
    """A coalition decision that passed opens its letter as a draft: the option's words, to the
    targets the decision named, co-signed by the organisations that supported it. Registered with
    campaigns.decisions in LettersConfig.ready; the decision's vote stands in for the permission."""
    campaign = decision.campaign
    targets = list(Target.objects.filter(campaign=campaign, pk__in=decision.outcome_params["targets"]).order_by("name"))
    cosigners = [(ballot.organisation, True) for ballot in supporters]
    content = _content(
        campaign=campaign, subject=decision.question, body=option.wording, language=campaign.language, place="",
        on=timezone.localdate(now), targets=targets, cosigners=cosigners,
    )
    author = decision.proposed_by
    letter = Letter.objects.create(campaign=campaign, created_by=author)
    version = _version_add(letter=letter, by=author, organisation=decision.organisation, content=content, note=decision.question)
    _record(
        letter, author, "letter.created", notices=_approvals_asked(letter, version),
        organisation=decision.organisation.short_name,
    )
    return f"letter:{letter.pk}"


def _version_add(*, letter: Letter, by: User | None, organisation: Organisation, content: dict, note: str) -> LetterVersion:
    previous = letter.current_version
    sha256 = content_hash(content)
    if previous is not None and previous.sha256 == sha256:
        raise DomainError(_("Nothing has changed since version %(number)s.") % {"number": previous.number})
    number = (letter.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = LetterVersion.objects.create(
        letter=letter, number=number, content=content, sha256=sha256, note=note.strip(), created_by=by,
        created_by_name=by.display_name if by else "", organisation=organisation,
    )
    letter.current_version = version
    letter.save(update_fields=["current_version"])
    return version


@transaction.atomic
def letter_create(*, campaign: Campaign, by: User, organisation: Organisation, note: str = "", **fields) -> Letter:
    access = check_coalition_access(by, campaign.coalition, "act")
    _speaking_for(access, organisation)
    content = _content(campaign=campaign, **fields)
    letter = Letter.objects.create(campaign=campaign, created_by=by)
    version = _version_add(letter=letter, by=by, organisation=organisation, content=content, note=note)
    _record(letter, by, "letter.created", notices=_approvals_asked(letter, version), organisation=organisation.short_name)
    return letter


def _locked(letter: Letter) -> Letter:
    locked = Letter.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=letter.pk)
    letter.status, letter.current_version = locked.status, locked.current_version
    return letter


@transaction.atomic
def letter_revise(*, letter: Letter, by: User, organisation: Organisation, note: str = "", **fields) -> LetterVersion:
    """A new version; approvals of earlier ones become stale, and whoever gave them is asked again."""
    access = check_coalition_access(by, letter.campaign.coalition, "act")
    _speaking_for(access, organisation)
    _locked(letter)
    if not letter.is_open:
        raise DomainError(_("This letter is finalised and can no longer change."))
    content = _content(campaign=letter.campaign, **fields)
    previous = letter.current_version
    version = _version_add(letter=letter, by=by, organisation=organisation, content=content, note=note)
    stale = [state.organisation_id for state in cosigner_states(letter) if state.decision is not None]
    _record(
        letter, by, "letter.revised", notices=_approvals_asked(letter, version, stale), number=version.number,
        organisation=organisation.short_name,
    )
    _ask_again(letter, previous, version, stale)
    return version


def _ask_again(letter: Letter, previous: LetterVersion, version: LetterVersion, organisation_ids: list[int]) -> None:
    """Organisations that had decided on an earlier version read the changes and decide again."""
    if not organisation_ids:
        return
    diff = reverse(
        "letter_diff", args=[letter.campaign.coalition.slug, letter.campaign.slug, letter.pk]
    ) + f"?from={previous.number}&to={version.number}"
    context = {
        "subject": version.content["subject"], "number": version.number, "campaign": letter.campaign.title,
        "url": _absolute(diff), "note": version.note,
    }
    _mail_signing_people(letter, organisation_ids, template="letters/email/letter_changed", context=context)


def _mail_signing_people(letter: Letter, organisation_ids, *, template: str, context: dict) -> int:
    """Mails everyone who may approve for these organisations, once each. A lead the coalition
    asks for a second factor they lack gets none, as with every other mail about its work."""
    people = {person.pk: person for group in signing_people_by_organisation(organisation_ids).values() for person in group}
    coalition_id = letter.campaign.coalition_id
    withheld = {user_id for user_id, coalition in leads_withheld_for_mfa(people) if coalition == coalition_id}
    for person in people.values():
        if person.pk not in withheld:
            outbox_mail(to=person.email, template=template, context=context, language=person.language)
    return len(people) - len(withheld)


@transaction.atomic
def letter_decide(
    *, letter: Letter, by: User, organisation: Organisation, decision: str, version_sha256: str, comment: str = ""
) -> LetterDecision:
    """An organisation approves the version it read (named by its hash), asks for changes,
    declines, or withdraws its approval."""
    check_coalition_access(by, letter.campaign.coalition, "act")
    if organisation.pk not in signing_organisation_ids(by, [organisation.pk]):
        raise PermissionDenied
    _locked(letter)
    if not letter.is_open:
        raise DomainError(_("This letter is finalised and can no longer change."))
    version = letter.current_version
    if organisation.pk not in version.cosigner_ids:
        raise DomainError(_("%(organisation)s does not co-sign this letter.") % {"organisation": organisation})
    comment = comment.strip()
    latest = next((s.decision for s in cosigner_states(letter) if s.organisation_id == organisation.pk), None)
    if decision == Decision.WITHDRAW:
        if latest is None or latest.decision != Decision.APPROVE:
            raise DomainError(_("%(organisation)s has no approval to withdraw.") % {"organisation": organisation})
        target_version = latest.version
    else:
        if version_sha256 != version.sha256:
            raise DomainError(
                _("The letter changed while you were reading it. Read version %(number)s and decide again.")
                % {"number": version.number}
            )
        if decision == Decision.CHANGES and not comment:
            raise DomainError(_("Please say what should change."))
        if latest is not None and latest.version_id == version.pk and latest.decision == decision:
            raise DomainError(_("%(organisation)s has already decided this.") % {"organisation": organisation})
        target_version = version
    entry = LetterDecision.objects.create(
        letter=letter, version=target_version, version_sha256=target_version.sha256, organisation=organisation,
        decision=decision, comment=comment, decided_by=by, decided_by_name=by.display_name,
    )
    _record(
        letter, by, f"letter.{decision}", number=target_version.number, organisation=organisation.short_name,
    )
    return entry


@transaction.atomic
def letter_remind(*, letter: Letter, by: User) -> int:
    """Mail everyone who may act for a co-signer that has not approved this version yet."""
    check_coalition_access(by, letter.campaign.coalition, "lead")
    _locked(letter)
    if not letter.is_open:
        raise DomainError(_("This letter is finalised and can no longer change."))
    now = timezone.now()
    reminded = Letter.objects.values_list("reminded_at", flat=True).get(pk=letter.pk)
    if reminded is not None and now - reminded < REMINDER_INTERVAL:
        raise DomainError(_("A reminder went out less than 12 hours ago."))
    waiting = [state.organisation_id for state in cosigner_states(letter) if state.to_act]
    if not waiting:
        raise DomainError(_("Every co-signer has decided on this version."))
    version = letter.current_version
    context = {
        "subject": version.content["subject"], "number": version.number, "campaign": letter.campaign.title,
        "url": _absolute(letter_url(letter)), "reminder_from": str(by),
    }
    count = _mail_signing_people(letter, waiting, template="letters/email/letter_reminder", context=context)
    Letter.objects.filter(pk=letter.pk).update(reminded_at=now)
    letter.reminded_at = now
    _record(letter, by, "letter.reminded", count=len(waiting))
    return count


# Renderings ----------------------------------------------------------------------------------


def _render_request(version: LetterVersion, *, final: bool, by: User) -> LetterPdf:
    previous = LetterPdf.objects.filter(version=version, final=final).exclude(file="").first()
    if previous is not None:
        # A draft drawn again replaces its file; the old one goes once this commits.
        transaction.on_commit(lambda name=previous.file.name: previous.file.storage.delete(name))
    pdf, _created = LetterPdf.objects.update_or_create(
        version=version, final=final,
        defaults={
            "requested_by": by, "requested_at": timezone.now(), "rendered_at": None, "failure": "", "file": "",
            "sha256": "",
        },
    )
    # Through the outbox: a broker that is down when this commits delays the rendering, never loses it.
    outbox_job(task=RENDER_TASK, args=[pdf.pk])
    return pdf


@transaction.atomic
def letter_draft_request(*, letter: Letter, by: User) -> LetterPdf:
    check_coalition_access(by, letter.campaign.coalition, "view")
    _locked(letter)
    existing = LetterPdf.objects.filter(version=letter.current_version, final=True).first()
    if existing is not None:
        return existing
    current = LetterPdf.objects.filter(version=letter.current_version, final=False).first()
    if current is not None and current.rendered_at is None:
        return current
    return _render_request(letter.current_version, final=False, by=by)


@transaction.atomic
def letter_finalise(*, letter: Letter, by: User) -> LetterPdf:
    """Only when every co-signer approved the same version; the worker renders it once."""
    check_coalition_access(by, letter.campaign.coalition, "lead")
    _locked(letter)
    if not letter.is_open:
        raise DomainError(_("This letter is already finalised."))
    readiness = letter_readiness(letter)
    if not readiness.ready:
        if readiness.signatory_changed:
            raise DomainError(
                _("The signatory of %(organisations)s changed: save a new version so that they approve it.")
                % {"organisations": ", ".join(readiness.signatory_changed)}
            )
        if readiness.without_signatory:
            raise DomainError(
                _("%(organisations)s must name a confirmed signatory first.")
                % {"organisations": ", ".join(readiness.without_signatory)}
            )
        raise DomainError(
            _("Still waiting for the approval of this version by %(organisations)s.")
            % {"organisations": ", ".join(readiness.waiting_for)}
        )
    letter.status = LetterStatus.FINALISING
    letter.finalised_by = by
    letter.save(update_fields=["status", "finalised_by"])
    pdf = _render_request(letter.current_version, final=True, by=by)
    _record(letter, by, "letter.finalising", number=letter.current_version.number)
    return pdf


def letter_pdf_render(*, pdf_id: int) -> LetterPdf | None:
    """The worker's part: draw the PDF and keep it. A final PDF, once kept, is never drawn again."""
    pdf = LetterPdf.objects.select_related("version__letter__campaign__coalition").filter(pk=pdf_id).first()
    if pdf is None or pdf.is_ready:
        return pdf
    # Imported here: WeasyPrint and its fonts load only in the worker, never in web processes.
    from . import render

    document = letter_document(pdf.version, final=pdf.final)
    try:
        data = render.letter_pdf(document)
    except render.MissingGlyphs as error:
        return _render_failed(pdf, f"{FAILED_GLYPHS}:{''.join(sorted(error.characters))}")
    except render.RenderError:
        logger.exception("Letter PDF %s could not be drawn", pdf.pk)
        return _render_failed(pdf, FAILED_OTHER)
    manifest = render.approval_manifest(document) if pdf.final else {}
    return _render_store(pdf, data, manifest)


@transaction.atomic
def _render_store(pdf: LetterPdf, data: bytes, manifest: dict) -> LetterPdf:
    locked = LetterPdf.objects.select_for_update().get(pk=pdf.pk)
    if locked.is_ready:
        return locked
    letter = Letter.objects.select_for_update(of=("self",)).select_related("campaign__coalition", "current_version").get(
        pk=pdf.version.letter_id
    )
    if pdf.final and (letter.status != LetterStatus.FINALISING or letter.current_version_id != pdf.version_id):
        return locked
    locked.file.save("letter.pdf", ContentFile(data), save=False)
    locked.sha256 = hashlib.sha256(data).hexdigest()
    locked.manifest = manifest
    locked.rendered_at = timezone.now()
    locked.failure = ""
    locked.save()
    if pdf.final:
        letter.status = LetterStatus.FINAL
        letter.finalised_at = locked.rendered_at
        letter.save(update_fields=["status", "finalised_at"])
        _record(letter, letter.finalised_by, "letter.finalised", number=pdf.version.number, sha256=locked.sha256)
    return locked


def letter_pdf_failed(*, pdf_id: int, reason: str) -> LetterPdf | None:
    pdf = LetterPdf.objects.select_related("version__letter").filter(pk=pdf_id).first()
    return _render_failed(pdf, reason) if pdf is not None else None


@transaction.atomic
def _render_failed(pdf: LetterPdf, reason: str) -> LetterPdf:
    """A final letter that cannot be drawn as written goes back to the lead, with the reason."""
    locked = LetterPdf.objects.select_for_update().get(pk=pdf.pk)
    locked.failure = reason
    locked.rendered_at = timezone.now()
    locked.save(update_fields=["failure", "rendered_at"])
    if pdf.final:
        letter = Letter.objects.select_for_update(of=("self",)).select_related("campaign__coalition", "current_version").get(
            pk=pdf.version.letter_id
        )
        if letter.status == LetterStatus.FINALISING:
            letter.status = LetterStatus.DRAFT
            letter.save(update_fields=["status"])
            _record(letter, letter.finalised_by, "letter.render_failed", number=pdf.version.number)
    return locked


# Delivery and response -----------------------------------------------------------------------


def _follow_up(*, letter: Letter, by: User, target: Target, organisation: Organisation, channel: str, due_on: date, notes: str):
    # The follow-up continues this letter's thread with the target: no warning about overlap.
    return task_plan(
        campaign=letter.campaign, by=by, target=target, organisation=organisation, channel=channel, due_on=due_on,
        notes=notes, acknowledge_overlap=True,
    )


@transaction.atomic
def letter_delivery_record(
    *, letter: Letter, by: User, organisation: Organisation, target: Target, delivered_on: date, method: str,
    delivered_to: str = "", notes: str = "", follow_up_on: date | None = None,
) -> LetterDelivery:
    access = check_coalition_access(by, letter.campaign.coalition, "act")
    if not access.may_act_for(organisation.pk):
        raise PermissionDenied
    if letter.status != LetterStatus.FINAL:
        raise DomainError(_("Only a finalised letter can be delivered."))
    if target.pk not in {t["id"] for t in letter.current_version.content["targets"]}:
        raise DomainError(_("This letter is not addressed to %(target)s.") % {"target": target})
    delivery = LetterDelivery(
        letter=letter, target=target, organisation=organisation, delivered_on=delivered_on, method=method,
        delivered_to=delivered_to.strip(), notes=notes.strip(), recorded_by=by,
    )
    if follow_up_on is not None:
        delivery.follow_up = _follow_up(
            letter=letter, by=by, target=target, organisation=organisation, channel=DELIVERY_CHANNELS[method],
            due_on=follow_up_on,
            notes=_("Follow up on the letter “%(subject)s”.") % {"subject": letter.current_version.content["subject"]},
        )
    delivery.save()
    _record(letter, by, "letter.delivered", target=target.name, organisation=organisation.short_name, method=method)
    return delivery


@transaction.atomic
def letter_response_record(
    *, delivery: LetterDelivery, by: User, response: str, response_on: date, summary: str, next_step: str = "",
    next_step_due: date | None = None,
) -> LetterDelivery:
    letter = delivery.letter
    access = check_coalition_access(by, letter.campaign.coalition, "act")
    if not access.may_act_for(delivery.organisation_id):
        raise PermissionDenied
    if next_step_due is not None and not next_step.strip():
        raise DomainError(_("Please describe the next step."))
    delivery.response = response
    delivery.response_on = response_on
    delivery.response_summary = summary.strip()
    if next_step_due is not None:
        delivery.follow_up = _follow_up(
            letter=letter, by=by, target=delivery.target, organisation=delivery.organisation,
            channel=DELIVERY_CHANNELS[delivery.method], due_on=next_step_due, notes=next_step.strip(),
        )
    delivery.save()
    _record(letter, by, "letter.response", target=delivery.target.name, response=response)
    return delivery


# Signing authority and assets ----------------------------------------------------------------
# An organisation's signing authority and assets are its own affairs, not a coalition's shared
# state: they get no entry in a coalition's audit trail, which every partner and observer reads,
# and which an organisation outside any coalition would not have. The rows keep who granted or
# uploaded what, and when.


def _is_admin(*, organisation: Organisation, user: User) -> bool:
    if not user.is_authenticated:
        return False
    return Affiliation.objects.filter(organisation=organisation, user=user, role=AffiliationRole.ADMIN).exists()


def _require_admin(*, organisation: Organisation, user: User) -> None:
    if not _is_admin(organisation=organisation, user=user):
        raise PermissionDenied


def _belongs(*, organisation: Organisation, user: User) -> bool:
    if not user.is_authenticated:
        return False
    return Affiliation.objects.filter(organisation=organisation, user=user, user__is_active=True).exists()


def _staff_member(*, organisation: Organisation, user: User) -> None:
    """Signing authority is granted to staff: admins have it anyway, outsiders never."""
    affiliation = Affiliation.objects.filter(organisation=organisation, user=user).first()
    names = {"person": user.name_at(organisation), "organisation": organisation.short_name}
    if affiliation is None:
        raise DomainError(_("%(person)s is not one of the people of %(organisation)s.") % names)
    if affiliation.is_admin:
        raise DomainError(_("%(person)s is an admin of %(organisation)s and may always sign in its name.") % names)


@transaction.atomic
def signing_authority_grant(*, organisation: Organisation, by: User, user: User) -> SigningAuthority:
    _require_admin(organisation=organisation, user=by)
    _staff_member(organisation=organisation, user=user)
    if has_signing_authority(user=user, organisation=organisation):
        raise DomainError(_("%(person)s already has signing authority.") % {"person": user.name_at(organisation)})
    # A grant from before the person last joined counts for nothing (letters/selectors.py): it is renewed.
    authority, _created = SigningAuthority.objects.update_or_create(
        organisation=organisation, user=user, defaults={"granted_by": by, "granted_at": timezone.now()}
    )
    return authority


@transaction.atomic
def signing_authority_revoke(*, organisation: Organisation, by: User, user: User) -> None:
    _require_admin(organisation=organisation, user=by)
    _staff_member(organisation=organisation, user=user)
    if not has_signing_authority(user=user, organisation=organisation):
        raise DomainError(_("%(person)s has no signing authority to withdraw.") % {"person": user.name_at(organisation)})
    SigningAuthority.objects.filter(organisation=organisation, user=user).delete()


def _signing_assets_locked(organisation: Organisation) -> list[SigningAsset]:
    """The organisation's assets that are not retired, locked until commit.

    Uploads, confirmations and withdrawals for one organisation take turns on its row, so that
    two of them cannot each see no current signature and both make one.
    """
    Organisation.objects.select_for_update().only("pk").get(pk=organisation.pk)
    return list(SigningAsset.objects.select_for_update().filter(organisation=organisation, retired_at__isnull=True))


def _confirm_locked(asset: SigningAsset, assets: list[SigningAsset]) -> None:
    now = timezone.now()
    # The previous one is retired first: the database holds at most one confirmed asset that is
    # not retired per organisation (one_confirmed_signing_asset_per_org), at every statement.
    SigningAsset.objects.filter(pk__in=[other.pk for other in assets if other.is_current]).update(retired_at=now)
    asset.confirmed_at = now
    asset.save(update_fields=["confirmed_at"])


def _delete_unconfirmed(asset: SigningAsset) -> None:
    """An asset never confirmed was never used, so nothing refers to it: it goes, with its image."""
    storage, name = asset.signature.storage, asset.signature.name
    asset.delete()
    # The file goes once the change is committed; a change rolled back keeps it.
    transaction.on_commit(lambda: storage.delete(name))


def _ask_signatory_to_confirm(asset: SigningAsset, by: User) -> None:
    signatory, organisation = asset.signatory, asset.organisation
    outbox_mail(
        to=signatory.email,
        template="letters/email/signing_asset_confirm",
        context={
            # Written to the person themselves, who may see their own address.
            "name": signatory.display_name or signatory.email,
            "organisation": organisation.name,
            # Lazy, so that the uploader is named in the signatory's language.
            "uploader": lazy(lambda: capfirst(by.name_at(organisation)), str)(),
            "signatory_name": asset.name,
            "title": asset.title,
            # A page of the site, not a token: it works only for the signatory, signed in.
            "url": settings.SITE_URL + reverse("signing_asset_confirm", args=[organisation.pk, asset.pk]),
        },
        language=signatory.language,
    )


@transaction.atomic
def signing_asset_create(
    *,
    organisation: Organisation,
    by: User,
    signatory: User,
    name: str,
    title: str,
    signature_upload,
    confirm: bool = False,
) -> SigningAsset:
    """A new signature for the organisation's letters, used once its signatory confirms it.

    Admins upload it for any of the organisation's people; a person with signing authority for
    themselves. Signatories who upload their own may confirm it at once (`confirm`); anyone
    else's upload is mailed to the signatory to confirm. It replaces an upload still unconfirmed.
    """
    uploads_own = by.is_authenticated and by.pk == signatory.pk
    if not _is_admin(organisation=organisation, user=by) and not (
        uploads_own and has_signing_authority(user=by, organisation=organisation)
    ):
        raise PermissionDenied
    if not _belongs(organisation=organisation, user=signatory):
        raise DomainError(
            _("%(person)s is not one of the people of %(organisation)s.")
            % {"person": signatory.name_at(organisation), "organisation": organisation.short_name}
        )
    name, title = name.strip(), title.strip()
    if not name or not title:
        raise DomainError(_("Give the signatory's name and title as letters should print them."))
    try:
        signature = signature_reencode(signature_upload)
    except ValidationError as error:
        raise DomainError(error.messages[0]) from error
    assets = _signing_assets_locked(organisation)
    for unconfirmed in [asset for asset in assets if asset.confirmed_at is None]:
        _delete_unconfirmed(unconfirmed)
    asset = SigningAsset(organisation=organisation, signatory=signatory, name=name, title=title, created_by=by)
    asset.signature.save("signature.png", signature, save=False)
    try:
        asset.save()
        if uploads_own and confirm:
            _confirm_locked(asset, assets)
        elif not uploads_own:
            _ask_signatory_to_confirm(asset, by)
    except Exception:
        # Whatever stops the change leaves no signature image behind.
        asset.signature.storage.delete(asset.signature.name)
        raise
    return asset


def _locked_again(asset: SigningAsset) -> tuple[SigningAsset | None, list[SigningAsset]]:
    assets = _signing_assets_locked(asset.organisation)
    return next((other for other in assets if other.pk == asset.pk), None), assets


@transaction.atomic
def signing_asset_confirm(*, asset: SigningAsset, by: User) -> SigningAsset:
    """The signatory, and no one else, confirms their signature; it replaces the current one."""
    if asset.signatory_id != by.pk or not _belongs(organisation=asset.organisation, user=by):
        raise PermissionDenied
    locked, assets = _locked_again(asset)
    if locked is None or locked.confirmed_at is not None:
        raise DomainError(_("This signature has already been confirmed, replaced or withdrawn."))
    _confirm_locked(locked, assets)
    return locked


@transaction.atomic
def signing_asset_retire(*, asset: SigningAsset, by: User) -> None:
    """An admin or the signatory withdraws a signature.

    A confirmed one is only retired, as versions of letters name it; one never confirmed goes.
    """
    is_signatory = asset.signatory_id == by.pk and _belongs(organisation=asset.organisation, user=by)
    if not is_signatory:
        _require_admin(organisation=asset.organisation, user=by)
    locked, _assets = _locked_again(asset)
    if locked is None:
        raise DomainError(_("This signature has already been replaced or withdrawn."))
    if locked.confirmed_at is None:
        _delete_unconfirmed(locked)
    else:
        locked.retired_at = timezone.now()
        locked.save(update_fields=["retired_at"])
