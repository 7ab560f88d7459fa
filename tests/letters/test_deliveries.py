from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from campaigns.models import Channel, Outcome, Task
from coalitions.errors import DomainError
from letters import services
from letters.models import LetterDelivery


def test_a_delivery_with_a_follow_up_date_adds_a_task_to_the_plan(world, final_letter, target):
    delivery = services.letter_delivery_record(
        letter=final_letter, by=world.org_admin, organisation=world.member_org, target=target,
        delivered_on=date(2026, 11, 25), method="hand", delivered_to="Under Secretary's office",
        follow_up_on=date(2026, 12, 9),
    )
    task = delivery.follow_up
    assert (task.organisation, task.target, task.due_on, task.channel) == (
        world.member_org, target, date(2026, 12, 9), Channel.LETTER,
    )
    assert "Ratify ILO Convention 189" in task.notes


def test_a_response_is_recorded_with_its_next_step_as_a_task(world, final_letter, target):
    delivery = services.letter_delivery_record(
        letter=final_letter, by=world.lead, organisation=world.lead_org, target=target,
        delivered_on=date(2026, 11, 25), method="email",
    )
    services.letter_response_record(
        delivery=delivery, by=world.lead, response=Outcome.ACKNOWLEDGED, response_on=date(2026, 11, 28),
        summary="The Secretary acknowledged and offered a meeting.", next_step="Prepare the meeting",
        next_step_due=date(2026, 12, 5),
    )
    delivery.refresh_from_db()
    assert delivery.response == Outcome.ACKNOWLEDGED
    assert delivery.follow_up.notes == "Prepare the meeting"


def test_a_draft_cannot_be_delivered(world, letter, target):
    with pytest.raises(DomainError):
        services.letter_delivery_record(
            letter=letter, by=world.lead, organisation=world.lead_org, target=target,
            delivered_on=date(2026, 11, 25), method="post",
        )
    assert not LetterDelivery.objects.exists()


def test_a_member_records_deliveries_only_for_its_own_organisation(world, final_letter, target):
    with pytest.raises(PermissionDenied):
        services.letter_delivery_record(
            letter=final_letter, by=world.member_staff, organisation=world.lead_org, target=target,
            delivered_on=date(2026, 11, 25), method="post", follow_up_on=date(2026, 12, 1),
        )
    assert not LetterDelivery.objects.exists()
    assert not Task.objects.exists()


def test_only_addressees_of_the_letter_receive_it(world, final_letter, campaign):
    from tests.factories import TargetFactory

    other = TargetFactory(campaign=campaign, name="Prime Minister")
    with pytest.raises(DomainError):
        services.letter_delivery_record(
            letter=final_letter, by=world.lead, organisation=world.lead_org, target=other,
            delivered_on=date(2026, 11, 25), method="post",
        )
    assert not LetterDelivery.objects.exists()
