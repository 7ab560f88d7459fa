"""Letters count towards the balance of power for their co-signers, in the period they were finalised."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from coalitions.balance import Period, coalition_balance
from letters import services
from letters.models import Letter, LetterStatus
from tests.letters.conftest import approve_all, letter_fields

UTC = ZoneInfo("UTC")
MARCH = Period(first=date(2026, 3, 1), last=date(2026, 3, 31), zone=UTC)


def _cosigned(world) -> dict:
    rows = coalition_balance(coalition=world.coalition, period=MARCH).rows
    return {row.participation.organisation: row.by_key["letters_cosigned"] for row in rows}


def _finalised(letter, at):
    # What the worker leaves once the final PDF is drawn, without drawing it.
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.FINAL, finalised_at=at)


def test_a_letter_finalised_in_the_period_counts_once_for_each_cosigner(world, letter):
    approve_all(letter, world)
    for decision in ("withdraw", "approve"):  # taken back and given again: still one letter
        services.letter_decide(
            letter=letter, by=world.org_admin, organisation=world.member_org, decision=decision,
            version_sha256=letter.current_version.sha256,
        )
    _finalised(letter, datetime(2026, 3, 20, 9, 0, tzinfo=UTC))

    assert _cosigned(world) == {world.lead_org: 1, world.member_org: 1, world.observer_org: 0}


def test_letters_finalised_outside_the_period_or_not_yet_do_not_count(world, campaign, target, letter):
    approve_all(letter, world)
    _finalised(letter, datetime(2026, 4, 1, 0, 0, tzinfo=UTC))
    waiting = services.letter_create(
        campaign=campaign, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, True)], subject="Welfare boards"),
    )
    approve_all(waiting, world)

    assert _cosigned(world) == {world.lead_org: 0, world.member_org: 0, world.observer_org: 0}


def test_only_the_cosigners_of_the_final_version_count(world, campaign, target, letter):
    approve_all(letter, world)
    # The member approved the first version; the letter went out from the lead alone.
    services.letter_revise(
        letter=letter, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, [(world.lead_org, True)], subject="From NDWM alone"),
    )
    letter.refresh_from_db()
    approve_all(letter, world)
    _finalised(letter, datetime(2026, 3, 20, 9, 0, tzinfo=UTC))

    assert _cosigned(world) == {world.lead_org: 1, world.member_org: 0, world.observer_org: 0}
