"""coalition_access_of_people decides for many people at once exactly as check_coalition_access does."""

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied
from django.http import Http404

from coalitions.access import check_coalition_access, coalition_access_of_people
from coalitions.models import AffiliationRole, Coalition, CoalitionRole, User
from tests.conftest import ROLES
from tests.factories import AffiliationFactory, person_in

NEEDS = ["view", "act", "lead"]


def one_at_a_time(users, coalition, need) -> dict:
    decided = {}
    for user in users:
        try:
            decided[user.pk] = check_coalition_access(user, coalition, need)
        except (Http404, PermissionDenied):
            decided[user.pk] = None
    return decided


def everyone(world) -> list[User]:
    people = [world.user(name) for name in ROLES if name != "anonymous"]
    # Someone of two organisations of the coalition, one of them the lead, admin of the other.
    two_hats = person_in(world.coalition, CoalitionRole.LEAD)
    AffiliationFactory(user=two_hats, organisation=world.observer_org, role=AffiliationRole.ADMIN)
    return [*people, two_hats]


@pytest.mark.parametrize("need", NEEDS)
def test_each_person_gets_the_access_one_check_at_a_time_gives(world, need):
    people = everyone(world)

    assert coalition_access_of_people(people, world.coalition, need) == one_at_a_time(people, world.coalition, need)


@pytest.mark.parametrize("with_totp", [False, True])
def test_a_lead_is_refused_without_an_authenticator_app_when_the_coalition_asks_for_one(world, with_totp):
    Coalition.objects.filter(pk=world.coalition.pk).update(require_mfa_for_leads=True)
    coalition = Coalition.objects.get(pk=world.coalition.pk)
    if with_totp:
        Authenticator.objects.create(user=world.lead, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    Authenticator.objects.create(user=world.member_staff, type=Authenticator.Type.RECOVERY_CODES, data={})
    people = everyone(world)

    decided = coalition_access_of_people(people, coalition, "view")

    assert decided == one_at_a_time(people, coalition, "view")
    assert (decided[world.lead.pk] is not None) is with_totp
    assert decided[world.observer.pk] is not None


def test_a_deactivated_person_is_refused(world):
    User.objects.filter(pk=world.member_staff.pk).update(is_active=False)
    deactivated = User.objects.get(pk=world.member_staff.pk)

    assert coalition_access_of_people([deactivated, world.observer], world.coalition, "view")[deactivated.pk] is None


def test_the_number_of_queries_does_not_grow_with_the_number_of_people(world, django_assert_max_num_queries):
    people = everyone(world) + [person_in(world.coalition, CoalitionRole.MEMBER) for _ in range(10)]

    with django_assert_max_num_queries(2):
        coalition_access_of_people(people, world.coalition, "view")
