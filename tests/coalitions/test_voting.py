"""The one counting rule of decisions and shared texts, and who may cast an organisation's vote."""

from fractions import Fraction

import pytest

from coalitions.voting import Method, Position, count, may_vote_for

FOR, ABSTAIN, AGAINST = Position.FOR, Position.ABSTAIN, Position.AGAINST
FIVE = frozenset(range(1, 6))


def _count(method, positions, *, eligible=FIVE, quorum=Fraction(1, 2), caucuses=None):
    return count(method=method, eligible=eligible, positions=positions, quorum_share=quorum, caucuses=caucuses)


def test_consent_passes_when_nobody_objects():
    result = _count(Method.CONSENT, {1: FOR, 2: FOR, 3: ABSTAIN})

    assert result.passes and result.quorum_met
    assert (len(result.support), len(result.abstaining), result.quorum_needed) == (2, 1, 3)


def test_consent_fails_on_one_objection_however_many_consent():
    result = _count(Method.CONSENT, {1: FOR, 2: FOR, 3: FOR, 4: FOR, 5: AGAINST})

    assert not result.passes and result.against == {5}


def test_majority_needs_more_than_half_of_the_eligible_organisations():
    assert not _count(Method.MAJORITY, {1: FOR, 2: FOR, 3: AGAINST}).passes
    result = _count(Method.MAJORITY, {1: FOR, 2: FOR, 3: FOR, 4: AGAINST, 5: AGAINST})
    assert result.passes and result.support_needed == 3


def test_unanimity_needs_every_participant_in_support():
    assert _count(Method.UNANIMITY, {1: FOR, 2: FOR, 3: FOR}).passes
    assert not _count(Method.UNANIMITY, {1: FOR, 2: FOR, 3: ABSTAIN}).passes
    assert not _count(Method.UNANIMITY, {1: FOR, 2: FOR, 3: AGAINST}).passes


@pytest.mark.parametrize("method", list(Method))
def test_without_quorum_nothing_passes(method):
    result = _count(method, {1: FOR, 2: FOR}, quorum=Fraction(3, 5))

    assert (result.quorum_needed, result.quorum_met, result.passes) == (3, False, False)


@pytest.mark.parametrize("method", list(Method))
def test_a_lead_cannot_decide_alone(method):
    result = _count(method, {1: FOR}, eligible=frozenset({1}), quorum=0)

    assert result.support_needed == 2 and not result.passes


@pytest.mark.parametrize("method", list(Method))
def test_only_eligible_organisations_count(method):
    """An observer's (or a departed organisation's) ballot changes nothing."""
    result = _count(method, {1: FOR, 2: FOR, 3: FOR, 9: AGAINST}, eligible=frozenset({1, 2, 3}))

    assert result.passes and result.participants == {1, 2, 3}


def test_each_caucus_needs_a_supporting_organisation():
    caucuses = {"community_group": frozenset({4}), "trade_union": frozenset({5})}

    missing = _count(Method.CONSENT, {1: FOR, 2: FOR, 3: FOR, 5: FOR}, caucuses=caucuses)
    standing_aside = _count(Method.CONSENT, {1: FOR, 2: FOR, 4: ABSTAIN, 5: FOR}, caucuses=caucuses)
    present = _count(Method.CONSENT, {1: FOR, 4: FOR, 5: FOR}, caucuses=caucuses)

    assert missing.missing_kinds == ("community_group",) and not missing.passes
    assert not standing_aside.passes
    assert present.passes and present.missing_kinds == ()


def test_quorum_is_rounded_up():
    assert _count(Method.CONSENT, {}, eligible=frozenset(range(7)), quorum=Fraction(1, 2)).quorum_needed == 4
    assert _count(Method.CONSENT, {}, eligible=frozenset(range(3)), quorum=0.34).quorum_needed == 2


@pytest.mark.parametrize(
    ("role", "authorised", "votes"),
    [("admin", False, True), ("admin", True, True), ("staff", True, True), ("staff", False, False)],
)
def test_admins_and_authorised_staff_vote(role, authorised, votes):
    assert may_vote_for(role=role, may_vote=authorised) is votes
