"""A status change or check-off kept on a phone while the link was down may reach the server twice
(sent again after an answer that never arrived): each form's key makes it count once."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import OutreachLog, Task, TaskStatus, TaskStatusReceipt
from coalitions.models import AuditEntry
from tests.campaigns.test_target_lead_concurrency import _in_threads
from tests.conftest import needs_postgres
from tests.factories import TaskFactory

KEY = "5f0c1e2a9b7d4c3e8f6a1b2c3d4e5f60"
OTHER_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.fixture
def task(world, campaign, target) -> Task:
    return TaskFactory(
        campaign=campaign, target=target, organisation=world.member_org, channel="meeting",
        due_on=timezone.localdate() + timedelta(days=3),
    )


@pytest.fixture
def member(client_for, world) -> Client:
    return client_for(world.member_staff)


def _url(task: Task, name: str) -> str:
    return reverse(name, args=[task.campaign.coalition.slug, task.campaign.slug, task.pk])


def _check_off(key: str) -> dict:
    return {
        "happened_on": timezone.localdate().isoformat(), "channel": "meeting", "outcome": "committed",
        "summary": "The secretary will table it.", "idempotency_key": key,
    }


def _written(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_a_check_off_sent_twice_writes_one_log_and_one_audit_entry(member, task):
    first = member.post(_url(task, "task_complete"), _check_off(KEY))
    again = member.post(_url(task, "task_complete"), _check_off(KEY), follow=True)

    assert first.status_code == 302
    assert again.redirect_chain[0] == (first.url, 302)
    assert "Checked off." in _messages(again)
    assert OutreachLog.objects.filter(task=task).count() == 1
    assert OutreachLog.objects.get(task=task).idempotency_key == KEY
    assert _written("task.completed") == 1


def test_a_check_off_with_a_next_step_sent_twice_makes_one_follow_up(member, task):
    data = {**_check_off(KEY), "next_step": "Send the report", "next_step_due": (timezone.localdate() + timedelta(days=9)).isoformat()}

    member.post(_url(task, "task_complete"), data)
    again = member.post(_url(task, "task_complete"), data, follow=True)

    assert Task.objects.filter(follow_up_of=task).count() == 1
    assert any("The next step is on the plan" in message for message in _messages(again))


def test_another_check_off_of_a_done_task_says_it_is_already_checked_off(member, task):
    member.post(_url(task, "task_complete"), _check_off(KEY))
    audit_before = AuditEntry.objects.count()

    again = member.post(_url(task, "task_complete"), {**_check_off(OTHER_KEY), "summary": "Another account of it"})

    assert again.status_code == 200
    assert "This task has already been checked off." in again.content.decode()
    assert list(OutreachLog.objects.values_list("idempotency_key", flat=True)) == [KEY]
    assert AuditEntry.objects.count() == audit_before


def test_a_check_off_form_sent_back_with_its_errors_keeps_its_key(member, task):
    response = member.post(_url(task, "task_complete"), {**_check_off(KEY), "summary": ""})

    assert response.status_code == 200
    assert f'name="idempotency_key" value="{KEY}"' in response.content.decode()
    assert not OutreachLog.objects.exists()


def test_every_check_off_form_shown_has_a_key_of_its_own(member, task):
    keys = [
        re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', member.get(_url(task, "task_complete")).content.decode()).group(1)
        for _ in range(2)
    ]

    assert keys[0] != keys[1]


def test_a_status_change_sent_twice_is_recorded_once(member, task):
    data = {"status": "blocked", "blocked_reason": "Minister abroad", "idempotency_key": KEY}

    first = member.post(_url(task, "task_status"), data)
    again = member.post(_url(task, "task_status"), data, follow=True)

    assert first.status_code == 302
    assert again.redirect_chain[0] == (first.url, 302)
    assert f"{task.target} ({task.organisation}): Blocked." in _messages(again)
    assert _written("task.status_changed") == 1
    assert TaskStatusReceipt.objects.filter(key=KEY, task=task).count() == 1
    task.refresh_from_db()
    assert (task.status, task.blocked_reason) == (TaskStatus.BLOCKED, "Minister abroad")


def test_a_status_change_sent_twice_does_not_undo_a_change_made_in_between(member, world, task):
    member.post(_url(task, "task_status"), {"status": "doing", "idempotency_key": KEY})
    services.task_status_set(task=task, by=world.lead, status="blocked", blocked_reason="Office closed")

    member.post(_url(task, "task_status"), {"status": "doing", "idempotency_key": KEY})

    task.refresh_from_db()
    assert (task.status, task.blocked_reason) == (TaskStatus.BLOCKED, "Office closed")
    assert _written("task.status_changed") == 2


def test_two_status_changes_from_two_forms_are_both_recorded(member, task):
    member.post(_url(task, "task_status"), {"status": "doing", "idempotency_key": KEY})
    member.post(_url(task, "task_status"), {"status": "todo", "idempotency_key": OTHER_KEY})

    task.refresh_from_db()
    assert task.status == TaskStatus.TODO
    assert _written("task.status_changed") == 2


def test_a_status_change_arriving_after_a_partner_checked_the_task_off_is_refused_with_a_message(member, world, task):
    services.task_complete(
        task=task, by=world.lead, happened_on=timezone.localdate(), channel="meeting", outcome="committed", summary="Done by the lead",
    )
    audit_before = AuditEntry.objects.count()

    response = member.post(_url(task, "task_status"), {"status": "doing", "idempotency_key": KEY}, follow=True)

    assert response.status_code == 200
    assert "This task has already been checked off, so its status can no longer change." in _messages(response)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert AuditEntry.objects.count() == audit_before
    assert not TaskStatusReceipt.objects.exists()


def test_a_refused_status_change_may_be_sent_again_with_its_key(member, task):
    member.post(_url(task, "task_status"), {"status": "blocked", "blocked_reason": "", "idempotency_key": KEY})
    assert not TaskStatusReceipt.objects.exists()

    member.post(_url(task, "task_status"), {"status": "blocked", "blocked_reason": "No answer", "idempotency_key": KEY})

    task.refresh_from_db()
    assert task.status == TaskStatus.BLOCKED
    assert _written("task.status_changed") == 1


def test_a_key_already_used_on_another_task_changes_this_one_as_a_form_without_key(member, world, campaign, target, task):
    other = TaskFactory(campaign=campaign, target=target, organisation=world.member_org)
    member.post(_url(other, "task_status"), {"status": "doing", "idempotency_key": KEY})

    response = member.post(_url(task, "task_status"), {"status": "doing", "idempotency_key": KEY})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DOING
    assert list(TaskStatusReceipt.objects.values_list("task_id", flat=True)) == [other.pk]


def test_the_services_give_back_what_the_first_arrival_recorded(world, task):
    fields = {"happened_on": timezone.localdate(), "channel": "call", "outcome": "acknowledged", "summary": "Called"}

    first = services.task_complete(task=task, by=world.member_staff, idempotency_key=KEY, **fields)
    again = services.task_complete(task=task, by=world.member_staff, idempotency_key=KEY, **fields)

    assert again.pk == first.pk
    assert _written("task.completed") == 1


def test_every_status_form_on_the_board_has_a_key_of_its_own(member, world, campaign, target, task):
    TaskFactory(campaign=campaign, target=target, organisation=world.member_org)

    html = member.get(reverse("plan_board", args=[world.coalition.slug, campaign.slug])).content.decode()

    keys = re.findall(r'name="idempotency_key" value="([0-9a-f]{32})"', html)
    assert len(keys) == 2 and keys[0] != keys[1]


# Two arrivals at the same moment (PostgreSQL: SQLite serialises writers) ----------------------------


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_check_off_arriving_twice_at_once_is_recorded_once(world, task):
    fields = {"happened_on": timezone.localdate(), "channel": "call", "outcome": "acknowledged", "summary": "Called"}

    def check_off():
        return services.task_complete(task=Task.objects.get(pk=task.pk), by=world.member_staff, idempotency_key=KEY, **fields)

    results = _in_threads(check_off, check_off)

    assert all(isinstance(result, OutreachLog) for result in results), results
    assert results[0].pk == results[1].pk
    assert OutreachLog.objects.filter(task=task).count() == 1
    assert _written("task.completed") == 1


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_status_change_arriving_twice_at_once_is_recorded_once(world, task):
    def set_doing():
        return services.task_status_set(task=Task.objects.get(pk=task.pk), by=world.member_staff, status="doing", idempotency_key=KEY)

    results = _in_threads(set_doing, set_doing)

    assert all(isinstance(result, Task) for result in results), results
    assert _written("task.status_changed") == 1
    assert TaskStatusReceipt.objects.count() == 1
