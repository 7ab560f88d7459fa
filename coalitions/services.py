"""Every change to people, organisations, coalitions and invitations happens here."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.functional import lazy
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from .access import check_coalition_access
from .audit import actor_organisation, audit_record
from .errors import DomainError
from .images import logo_reencode
from .mail import outbox_mail, recipient_language
from .models import (
    Affiliation,
    AffiliationRole,
    Coalition,
    CoalitionInvitation,
    CoalitionRole,
    Organisation,
    Participation,
    StaffInvitation,
    User,
)

ORGANISATION_FIELDS = ("name", "acronym", "kind", "country", "regions", "website", "member_count")


def _require_org_admin(*, organisation: Organisation, user: User) -> None:
    if not Affiliation.objects.filter(organisation=organisation, user=user, role=AffiliationRole.ADMIN).exists():
        raise PermissionDenied


def _set_logo(organisation: Organisation, upload) -> None:
    old_name = organisation.logo.name
    if upload is False:
        organisation.logo = ""
    elif upload:
        organisation.logo.save("logo.png", logo_reencode(upload), save=False)
    if old_name and organisation.logo.name != old_name:
        # The replaced file goes once the change is committed; a change rolled back keeps its logo.
        storage = organisation.logo.storage
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def organisation_create(*, by: User, logo=None, **fields) -> Organisation:
    organisation = Organisation(**{key: fields[key] for key in ORGANISATION_FIELDS if key in fields})
    _set_logo(organisation, logo)
    organisation.save()
    Affiliation.objects.create(organisation=organisation, user=by, role=AffiliationRole.ADMIN)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, logo=None, **fields) -> Organisation:
    _require_org_admin(organisation=organisation, user=by)
    for key in ORGANISATION_FIELDS:
        if key in fields:
            setattr(organisation, key, fields[key])
    _set_logo(organisation, logo)
    organisation.save()
    return organisation


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


def _inviter(by: User, organisation: Organisation | None):
    # Lazy, so that the mail names the inviter in the recipient's language, not the inviter's.
    return lazy(lambda: capfirst(by.name_at(organisation)), str)()


def _absolute(request_base: str, path: str) -> str:
    return request_base.rstrip("/") + path


@transaction.atomic
def staff_invite(*, organisation: Organisation, by: User, email: str, role: str, base_url: str) -> StaffInvitation:
    _require_org_admin(organisation=organisation, user=by)
    email = email.strip().lower()
    if Affiliation.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise DomainError(_("%(email)s already belongs to %(organisation)s.") % {"email": email, "organisation": organisation})
    invitation = StaffInvitation(organisation=organisation, email=email, role=role, invited_by=by, expires_at=_invitation_expiry())
    token = invitation.issue_token()
    invitation.save()
    outbox_mail(
        to=email,
        template="coalitions/email/staff_invitation",
        context={
            "organisation": organisation.name,
            "inviter": _inviter(by, organisation),
            "role": AffiliationRole(role).label,
            "url": _absolute(base_url, reverse("staff_invitation", args=[token])),
            "days": settings.INVITATION_VALID_DAYS,
        },
        language=recipient_language(email, default=by.language),
    )
    return invitation


def invitation_is_for(invitation, user: User) -> bool:
    """Whether `user` has proven they own the invited address: the link alone is not enough,
    since an invitation mail can be forwarded, or its link copied from a shared screen."""
    return EmailAddress.objects.filter(user=user, verified=True, email__iexact=invitation.email).exists()


def _take_invitation(model, invitation_id: int, user: User):
    """Lock the invitation so that two tabs cannot both use one token."""
    invitation = model.objects.select_for_update().get(pk=invitation_id)
    if not invitation.is_usable(timezone.now()):
        raise DomainError(_("This invitation has already been used, was withdrawn, or has expired."))
    if user is not None and not invitation_is_for(invitation, user):
        raise DomainError(_("This invitation was sent to another email address."))
    return invitation


@transaction.atomic
def staff_invitation_accept(*, invitation: StaffInvitation, user: User) -> Affiliation:
    invitation = _take_invitation(StaffInvitation, invitation.pk, user)
    affiliation, created = Affiliation.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    if not created and invitation.role == AffiliationRole.ADMIN and not affiliation.is_admin:
        affiliation.role = AffiliationRole.ADMIN
        affiliation.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return affiliation


@transaction.atomic
def staff_role_change(*, affiliation: Affiliation, by: User, role: str) -> Affiliation:
    _require_org_admin(organisation=affiliation.organisation, user=by)
    if affiliation.is_admin and role != AffiliationRole.ADMIN:
        _keep_an_admin(affiliation)
    affiliation.role = role
    affiliation.save(update_fields=["role"])
    return affiliation


@transaction.atomic
def staff_vote_set(*, affiliation: Affiliation, by: User, may_vote: bool) -> Affiliation:
    """An admin lets one of the organisation's staff cast its votes, or stops them."""
    _require_org_admin(organisation=affiliation.organisation, user=by)
    affiliation.may_vote = may_vote
    affiliation.save(update_fields=["may_vote"])
    return affiliation


@transaction.atomic
def staff_remove(*, affiliation: Affiliation, by: User) -> None:
    if affiliation.user_id != by.pk:
        _require_org_admin(organisation=affiliation.organisation, user=by)
    if affiliation.is_admin:
        _keep_an_admin(affiliation)
    affiliation.delete()


def _keep_an_admin(affiliation: Affiliation) -> None:
    admins = Affiliation.objects.select_for_update().filter(
        organisation_id=affiliation.organisation_id, role=AffiliationRole.ADMIN
    )
    if not [admin for admin in admins if admin.pk != affiliation.pk]:
        raise DomainError(_("An organisation needs at least one admin. Make someone else admin first."))


SLUG_SUFFIX_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def _coalition_slug(base: str) -> str:
    """A readable link with a random ending, so that nobody learns from it which others exist."""
    base = slugify(base)[:50].strip("-") or "coalition"
    return f"{base}-{get_random_string(4, SLUG_SUFFIX_ALPHABET)}"


@transaction.atomic
def coalition_create(
    *, by: User, lead_organisation: Organisation, name: str, slug: str = "", description: str = "", language: str
) -> Coalition:
    """`slug` is the start of the link; whatever exists already, the link ends differently."""
    _require_org_admin(organisation=lead_organisation, user=by)
    for _attempt in range(10):
        try:
            with transaction.atomic():
                coalition = Coalition.objects.create(
                    name=name, slug=_coalition_slug(slug or name), description=description, language=language
                )
            break
        except IntegrityError:
            continue
    else:
        raise DomainError(_("The coalition could not be created. Please try again."))
    Participation.objects.create(coalition=coalition, organisation=lead_organisation, role=CoalitionRole.LEAD)
    audit_record(
        coalition=coalition, actor=by, action="coalition.created", data={"organisation": lead_organisation.short_name}
    )
    return coalition


@transaction.atomic
def coalition_update(
    *,
    coalition: Coalition,
    by: User,
    name: str,
    description: str,
    language: str,
    require_mfa_for_leads: bool,
    adoption_rule: str | None = None,
    timezone: str | None = None,
    decision_methods: list[str] | None = None,
    decision_results_hidden: bool | None = None,
    decision_delegation: bool | None = None,
) -> Coalition:
    check_coalition_access(by, coalition, "lead")
    if decision_methods is not None:
        coalition.decision_methods = list(decision_methods)
    if decision_results_hidden is not None:
        coalition.decision_results_hidden = decision_results_hidden
    if decision_delegation is not None:
        coalition.decision_delegation = decision_delegation
    coalition.timezone = timezone or coalition.timezone
    coalition.name = name
    coalition.description = description
    coalition.language = language
    coalition.require_mfa_for_leads = require_mfa_for_leads
    coalition.adoption_rule = adoption_rule or coalition.adoption_rule
    coalition.save(
        update_fields=[
            "name", "description", "language", "require_mfa_for_leads", "adoption_rule", "timezone",
            "decision_methods", "decision_results_hidden", "decision_delegation",
        ]
    )
    audit_record(coalition=coalition, actor=by, action="coalition.updated")
    return coalition


@transaction.atomic
def coalition_invite(
    *, coalition: Coalition, by: User, email: str, organisation_name: str, role: str, message: str = "", base_url: str
) -> CoalitionInvitation:
    check_coalition_access(by, coalition, "lead")
    email = email.strip().lower()
    if coalition.invitations.pending().filter(email=email).exists():
        raise DomainError(_("%(email)s already has an invitation waiting. Withdraw it first to send a new one.") % {"email": email})
    invitation = CoalitionInvitation(
        coalition=coalition,
        email=email,
        organisation_name=organisation_name.strip(),
        role=role,
        message=message.strip(),
        invited_by=by,
        expires_at=_invitation_expiry(),
    )
    token = invitation.issue_token()
    invitation.save()
    audit_record(
        coalition=coalition,
        actor=by,
        action="invitation.sent",
        data={"organisation": invitation.organisation_name, "role": role},
    )
    outbox_mail(
        to=email,
        template="coalitions/email/coalition_invitation",
        context={
            "coalition": coalition.name,
            "organisation": invitation.organisation_name,
            "inviter": _inviter(by, actor_organisation(by, coalition)),
            "role": CoalitionRole(role).label,
            "message": invitation.message,
            "url": _absolute(base_url, reverse("coalition_invitation", args=[token])),
            "days": settings.INVITATION_VALID_DAYS,
        },
        language=recipient_language(email, default=coalition.language),
    )
    return invitation


@transaction.atomic
def coalition_invitation_revoke(*, invitation: CoalitionInvitation, by: User) -> None:
    check_coalition_access(by, invitation.coalition, "lead")
    invitation = _take_invitation(CoalitionInvitation, invitation.pk, None)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        coalition=invitation.coalition,
        actor=by,
        action="invitation.revoked",
        data={"organisation": invitation.organisation_name},
    )


@transaction.atomic
def coalition_invitation_accept(
    *, invitation: CoalitionInvitation, user: User, organisation: Organisation | None = None, new_organisation: dict | None = None
) -> Participation:
    """Join with one of the user's own organisations, or with one created on the spot."""
    invitation = _take_invitation(CoalitionInvitation, invitation.pk, user)
    if organisation is None:
        if not new_organisation:
            raise DomainError(_("Choose your organisation or describe a new one."))
        organisation = organisation_create(by=user, **new_organisation)
    else:
        _require_org_admin(organisation=organisation, user=user)
    coalition = invitation.coalition
    if Participation.objects.filter(coalition=coalition, organisation=organisation).exists():
        raise DomainError(_("%(organisation)s is already part of this coalition.") % {"organisation": organisation})
    participation = Participation.objects.create(coalition=coalition, organisation=organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_organisation = organisation
    invitation.save(update_fields=["accepted_at", "accepted_organisation"])
    audit_record(
        coalition=coalition,
        actor=user,
        action="organisation.joined",
        data={"organisation": organisation.short_name, "role": invitation.role},
    )
    return participation


def _lock_coalition(coalition_id: int) -> None:
    # Changes to a coalition's organisations queue up on the coalition's row, taken before any
    # participation: two leads stepping down at once would otherwise each hold their own row while
    # waiting for the other's, and the database would break the deadlock with an error.
    Coalition.objects.select_for_update().only("pk").get(pk=coalition_id)


def _keep_a_lead(participation: Participation) -> None:
    leads = Participation.objects.select_for_update().filter(
        coalition_id=participation.coalition_id, role=CoalitionRole.LEAD
    )
    if not [lead for lead in leads if lead.pk != participation.pk]:
        raise DomainError(_("A coalition needs at least one lead organisation. Hand the lead to another organisation first."))


@transaction.atomic
def participation_role_change(*, participation: Participation, by: User, role: str) -> Participation:
    """Leads set any organisation's role; handing over the lead is two such changes."""
    check_coalition_access(by, participation.coalition, "lead")
    _lock_coalition(participation.coalition_id)
    participation = Participation.objects.select_for_update().select_related("organisation").get(pk=participation.pk)
    old = participation.role
    if old == role:
        return participation
    if old == CoalitionRole.LEAD:
        _keep_a_lead(participation)
    participation.role = role
    participation.save(update_fields=["role"])
    audit_record(
        coalition=participation.coalition,
        actor=by,
        action="organisation.role_changed",
        data={"organisation": participation.organisation.short_name, "old": old, "new": role},
    )
    return participation


@transaction.atomic
def participation_remove(*, participation: Participation, by: User) -> None:
    check_coalition_access(by, participation.coalition, "lead")
    _lock_coalition(participation.coalition_id)
    if participation.role == CoalitionRole.LEAD:
        _keep_a_lead(participation)
    name = participation.organisation.short_name
    participation.delete()
    audit_record(coalition=participation.coalition, actor=by, action="organisation.removed", data={"organisation": name})


@transaction.atomic
def coalition_leave(*, coalition: Coalition, organisation: Organisation, by: User) -> None:
    _require_org_admin(organisation=organisation, user=by)
    _lock_coalition(coalition.pk)
    participation = Participation.objects.filter(coalition=coalition, organisation=organisation).first()
    if participation is None:
        raise DomainError(_("%(organisation)s is not part of this coalition.") % {"organisation": organisation})
    if participation.role == CoalitionRole.LEAD:
        _keep_a_lead(participation)
    participation.delete()
    audit_record(coalition=coalition, actor=by, action="organisation.left", data={"organisation": organisation.short_name})
