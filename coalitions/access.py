"""The one place that decides who may reach which coalition-scoped object.

Every view and socket fetches coalitions and organisations through these helpers. A person
outside a coalition gets 404, never 403: a coalition's existence is itself private.
"""

from dataclasses import dataclass
from typing import Literal

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import PermissionDenied
from django.db.models import Exists
from django.http import Http404

from .models import Affiliation, AffiliationRole, Coalition, CoalitionRole, Organisation, Participation
from .voting import may_vote_for

Need = Literal["view", "act", "lead"]

ROLE_RANK = {CoalitionRole.OBSERVER: 1, CoalitionRole.MEMBER: 2, CoalitionRole.LEAD: 3}
NEED_RANK = {"view": 1, "act": 2, "lead": 3}


class MfaRequired(PermissionDenied):
    """The coalition asks the people of its lead organisations to use two-factor authentication."""


@dataclass(frozen=True)
class CoalitionAccess:
    role: CoalitionRole
    participations: tuple[Participation, ...]
    admin_organisation_ids: frozenset[int]
    # The person's lead and member organisations whose votes they may cast (coalitions/voting.py).
    voter_organisation_ids: frozenset[int] = frozenset()

    @property
    def is_lead(self) -> bool:
        return self.role == CoalitionRole.LEAD

    @property
    def can_act(self) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[CoalitionRole.MEMBER]

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(p.organisation_id for p in self.participations)

    @property
    def acting_organisation_ids(self) -> frozenset[int]:
        """The person's organisations that take part as lead or member, not as observer."""
        return frozenset(p.organisation_id for p in self.participations if p.role != CoalitionRole.OBSERVER)

    def may_act_for(self, organisation_id: int) -> bool:
        """Leads act for any organisation; members for their own; observers for none."""
        return self.is_lead or organisation_id in self.acting_organisation_ids

    def is_admin_of(self, organisation_id: int) -> bool:
        return organisation_id in self.admin_organisation_ids

    def may_vote_for(self, organisation_id: int) -> bool:
        """Votes speak for one of the person's own organisations, even for a lead."""
        return organisation_id in self.voter_organisation_ids


def coalition_access(user, coalition: Coalition) -> CoalitionAccess | None:
    if not user.is_authenticated or not user.is_active:
        return None
    affiliations = {
        organisation_id: (role, may_vote)
        for organisation_id, role, may_vote in Affiliation.objects.filter(user=user).values_list(
            "organisation_id", "role", "may_vote"
        )
    }
    if not affiliations:
        return None
    participations = tuple(
        Participation.objects.filter(coalition=coalition, organisation_id__in=affiliations).select_related(
            "organisation"
        )
    )
    return _access_through(affiliations, participations)


def _access_through(
    affiliations: dict[int, tuple[str, bool]], participations: tuple[Participation, ...]
) -> CoalitionAccess | None:
    """A person's access from their organisations' roles and vote rights (`affiliations`) and those
    of the coalition's participations that are theirs."""
    if not participations:
        return None
    role = max((CoalitionRole(p.role) for p in participations), key=ROLE_RANK.__getitem__)
    admin_ids = frozenset(
        p.organisation_id for p in participations if affiliations[p.organisation_id][0] == AffiliationRole.ADMIN
    )
    voter_ids = frozenset(
        p.organisation_id
        for p in participations
        if p.role != CoalitionRole.OBSERVER and may_vote_for(
            role=affiliations[p.organisation_id][0], may_vote=affiliations[p.organisation_id][1]
        )
    )
    return CoalitionAccess(
        role=role, participations=participations, admin_organisation_ids=admin_ids, voter_organisation_ids=voter_ids
    )


def check_coalition_access(user, coalition: Coalition, need: Need) -> CoalitionAccess:
    return _checked(
        coalition_access(user, coalition), coalition, need, lambda: is_mfa_enabled(user, [Authenticator.Type.TOTP])
    )


def _checked(access: CoalitionAccess | None, coalition: Coalition, need: Need, has_totp) -> CoalitionAccess:
    if access is None:
        raise Http404
    if ROLE_RANK[access.role] < NEED_RANK[need]:
        raise PermissionDenied
    # Recovery codes alone are a fallback, not a second factor: an authenticator app is required.
    if coalition.require_mfa_for_leads and access.is_lead and not has_totp():
        raise MfaRequired
    return access


def coalition_access_of_people(users, coalition: Coalition, need: Need) -> dict[int, CoalitionAccess | None]:
    """`check_coalition_access` for many people at once, in a few queries whatever their number:
    each person's access, or None where the check would refuse them."""
    affiliations: dict[int, dict[int, tuple[str, bool]]] = {
        user.pk: {} for user in users if user.is_authenticated and user.is_active
    }
    for user_id, organisation_id, role, may_vote in Affiliation.objects.filter(
        user_id__in=list(affiliations)
    ).values_list("user_id", "organisation_id", "role", "may_vote"):
        affiliations[user_id][organisation_id] = (role, may_vote)
    organisation_ids = {organisation_id for theirs in affiliations.values() for organisation_id in theirs}
    # In the order coalition_access reads them, for each person's share of them.
    participations = {
        p.organisation_id: p
        for p in Participation.objects.filter(coalition=coalition, organisation_id__in=organisation_ids).select_related(
            "organisation"
        )
    }
    order = {organisation_id: position for position, organisation_id in enumerate(participations)}
    accesses = {
        user_id: _access_through(
            theirs,
            tuple(participations[o] for o in sorted(theirs.keys() & participations.keys(), key=order.__getitem__)),
        )
        for user_id, theirs in affiliations.items()
    }
    with_totp = set()
    if coalition.require_mfa_for_leads:
        leads = [user_id for user_id, access in accesses.items() if access is not None and access.is_lead]
        with_totp = set(
            Authenticator.objects.filter(user_id__in=leads, type=Authenticator.Type.TOTP).values_list("user_id", flat=True)
        )
    checked: dict[int, CoalitionAccess | None] = {user.pk: None for user in users}
    for user_id, access in accesses.items():
        try:
            checked[user_id] = _checked(access, coalition, need, lambda user_id=user_id: user_id in with_totp)
        except (PermissionDenied, Http404):
            pass
    return checked


def coalitions_withheld_for_mfa(user):
    """Coalitions that ask this person, as one of their leads, for a second factor they lack.

    For what reaches them outside a signed-in page, such as their calendar address. A subquery,
    so that it costs the page no query of its own.
    """
    return Coalition.objects.filter(
        ~Exists(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)),
        require_mfa_for_leads=True,
        participations__role=CoalitionRole.LEAD,
        participations__organisation__affiliations__user=user,
    )


def leads_withheld_for_mfa(user_ids) -> set[tuple[int, int]]:
    """(person, coalition) pairs among these people for which `coalitions_withheld_for_mfa`
    holds: what goes out by mail in bulk leaves those coalitions out, in one query."""
    return set(
        Affiliation.objects.filter(
            user_id__in=user_ids,
            organisation__participations__role=CoalitionRole.LEAD,
            organisation__participations__coalition__require_mfa_for_leads=True,
        )
        .exclude(user__in=Authenticator.objects.filter(type=Authenticator.Type.TOTP).values("user"))
        .values_list("user_id", "organisation__participations__coalition_id")
    )


def get_coalition_for_user(user, slug: str, need: Need = "view") -> Coalition:
    """The coalition, with `.access` describing the user's place in it; 404 for outsiders."""
    coalition = Coalition.objects.filter(slug=slug).first()
    if coalition is None:
        raise Http404
    coalition.access = check_coalition_access(user, coalition, need)
    return coalition


def get_participation_for_user(user, coalition: Coalition, participation_id: int) -> Participation:
    """A participation of a coalition already fetched through `get_coalition_for_user`."""
    participation = (
        Participation.objects.filter(coalition=coalition, pk=participation_id).select_related("organisation").first()
    )
    if participation is None:
        raise Http404
    return participation


def get_organisation_for_user(user, organisation_id: int, need: Literal["view", "admin"] = "view") -> Organisation:
    """An organisation for its own people; `need="admin"` for its admins only."""
    if not user.is_authenticated:
        raise Http404
    affiliation = (
        Affiliation.objects.filter(user=user, organisation_id=organisation_id).select_related("organisation").first()
    )
    if affiliation is None:
        raise Http404
    if need == "admin" and not affiliation.is_admin:
        raise PermissionDenied
    organisation = affiliation.organisation
    organisation.viewer_affiliation = affiliation
    return organisation


def organisation_visible_to(user, organisation: Organisation) -> bool:
    """Its own people, and the people of organisations it shares a coalition with."""
    if not user.is_authenticated:
        return False
    return Participation.objects.filter(
        coalition__participations__organisation=organisation,
        organisation__affiliations__user=user,
    ).exists() or Affiliation.objects.filter(user=user, organisation=organisation).exists()
