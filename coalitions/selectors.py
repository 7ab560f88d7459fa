from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber

from .access import CoalitionAccess
from .audit import describe_entry
from .models import (
    Affiliation,
    AuditEntry,
    Coalition,
    CoalitionInvitation,
    CoalitionRole,
    Organisation,
    Participation,
    StaffInvitation,
    User,
)


def voting_organisation_ids(coalition: Coalition) -> frozenset[int]:
    """The organisations whose votes count now (on wordings, decisions, scorecards): leads and
    members, never observers."""
    return frozenset(
        Participation.objects.filter(coalition=coalition)
        .exclude(role=CoalitionRole.OBSERVER)
        .values_list("organisation_id", flat=True)
    )


def coalitions_of_user(user: User) -> list[Coalition]:
    """The coalitions a person reaches through any of their organisations, with their best role."""
    participations = (
        Participation.objects.filter(organisation__affiliations__user=user)
        .select_related("coalition", "organisation")
        .order_by("coalition__name")
    )
    by_coalition: dict[int, Coalition] = {}
    rank = {CoalitionRole.OBSERVER: 1, CoalitionRole.MEMBER: 2, CoalitionRole.LEAD: 3}
    for participation in participations:
        coalition = by_coalition.setdefault(participation.coalition_id, participation.coalition)
        roles = getattr(coalition, "my_roles", [])
        roles.append((participation.organisation, CoalitionRole(participation.role)))
        coalition.my_roles = roles
        coalition.my_role = max((role for _, role in roles), key=rank.__getitem__)
    coalitions = list(by_coalition.values())
    counts = dict(
        Participation.objects.filter(coalition__in=coalitions)
        .values("coalition")
        .annotate(n=Count("id"))
        .values_list("coalition", "n")
    )
    for coalition in coalitions:
        coalition.organisation_count = counts.get(coalition.pk, 0)
    return coalitions


def organisations_administered_by(user: User):
    return Organisation.objects.filter(affiliations__user=user, affiliations__role="admin").order_by("name")


def organisations_of_user(user: User) -> list[Affiliation]:
    return list(Affiliation.objects.filter(user=user).select_related("organisation").order_by("organisation__name"))


def invitations_for_email(email: str) -> list[CoalitionInvitation]:
    return list(CoalitionInvitation.objects.pending().filter(email__iexact=email).select_related("coalition"))


@dataclass
class PartnerRow:
    participation: Participation
    people: list[Affiliation] = field(default_factory=list)


@dataclass
class CoalitionOverview:
    partners: list[PartnerRow]
    pending_invitations: list[CoalitionInvitation]
    recent_activity: list[tuple[AuditEntry, str]]
    show_emails_for: frozenset[int]


def coalition_overview(*, coalition: Coalition, access: CoalitionAccess, activity_limit: int = 20) -> CoalitionOverview:
    participations = list(
        coalition.participations.select_related("organisation").prefetch_related(
            Prefetch("organisation__affiliations", queryset=Affiliation.objects.select_related("user").order_by("role", "user__display_name"))
        )
    )
    partners = [PartnerRow(participation=p, people=list(p.organisation.affiliations.all())) for p in participations]
    partners.sort(key=lambda row: ({"lead": 0, "member": 1, "observer": 2}[row.participation.role], row.participation.organisation.name.lower()))
    invitations = (
        list(coalition.invitations.pending().select_related("invited_by").order_by("-created_at")) if access.is_lead else []
    )
    entries = list(coalition.audit_entries.order_by("-seq")[:activity_limit])
    # A person's address is for their own colleagues: partners, leads included, see names only,
    # since some members are threatened for their work.
    show_emails_for = access.organisation_ids
    return CoalitionOverview(
        partners=partners,
        pending_invitations=invitations,
        recent_activity=[(entry, describe_entry(entry)) for entry in entries],
        show_emails_for=show_emails_for,
    )


def audit_entries_after(*, coalition: Coalition, seq: int, limit: int) -> list[AuditEntry]:
    return list(coalition.audit_entries.filter(seq__gt=seq).order_by("seq")[:limit])


def organisation_overview(organisation: Organisation) -> dict:
    return {
        "people": list(organisation.affiliations.select_related("user").order_by("role", "user__email")),
        "pending_invitations": list(StaffInvitation.objects.pending().filter(organisation=organisation)),
        "coalitions": list(
            organisation.participations.select_related("coalition").order_by("coalition__name")
        ),
    }



def recent_activity_of_coalitions(
    *, coalitions: list[Coalition], user: User, per_coalition: int = 3
) -> list[tuple[AuditEntry, str]]:
    """The latest entries of each coalition, by coalition and newest first, in one query, leaving out the
    reader's own: a few per coalition, so that a busy coalition does not hide what happens in a quiet one."""
    if not coalitions:
        return []
    entries = (
        AuditEntry.objects.filter(coalition__in=coalitions)
        .exclude(actor=user)
        .annotate(rank=Window(RowNumber(), partition_by=[F("coalition_id")], order_by=F("seq").desc()))
        .filter(rank__lte=per_coalition)
        .select_related("coalition")
        .order_by("coalition__name", "-seq")
    )
    return [(entry, describe_entry(entry)) for entry in entries]
