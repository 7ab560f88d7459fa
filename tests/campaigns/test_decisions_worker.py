"""Beat's decision tasks on a real worker: a decision past its deadline is closed once, and the
organisations that have not voted are reminded by mail once, in their people's language."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from campaigns import decisions as services
from campaigns.models import Decision, DecisionStatus
from campaigns.tasks import decision_reminders, decisions_close
from coalitions.models import AuditEntry
from coalitions.tasks import email_deliver

pytestmark = pytest.mark.worker

SENTINEL = "sentinel@example.org"
GRACE = 1.0


def _through_sentinel(worker) -> list:
    count = 1
    while True:
        mails = worker.wait_for_mails(count)
        if any(mail["To"] == SENTINEL for mail in mails):
            time.sleep(GRACE)
            return [mail for mail in worker.mails() if mail["To"] != SENTINEL]
        count = len(mails) + 1


def _sentinel():
    return email_deliver.si(subject="sentinel", body="", from_email=settings.DEFAULT_FROM_EMAIL, to=[SENTINEL])


def _decision(world, *, hours: float):
    decision = services.decision_propose(
        coalition=world.coalition, by=world.lead, organisation=world.lead_org, question="Position commune sur la CAM ?",
        options=["Oui"], deadline=timezone.now() + timedelta(days=5), method="consent",
    )
    Decision.objects.filter(pk=decision.pk).update(
        deadline=timezone.now() + timedelta(hours=hours), proposed_at=timezone.now() - timedelta(days=5)
    )
    decision.refresh_from_db()
    return decision


def test_the_worker_closes_a_decision_past_its_deadline_once(transactional_db, world, celery_worker):
    decision = _decision(world, hours=1)
    for person, organisation in ((world.lead, world.lead_org), (world.member_staff, world.member_org)):
        services.decision_vote(decision=decision, by=person, organisation=organisation, option=decision.options.get(), position="for")
    Decision.objects.filter(pk=decision.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    decisions_close.delay()
    (decisions_close.si() | _sentinel()).delay()
    _through_sentinel(celery_worker)

    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PASSED
    assert AuditEntry.objects.filter(action="decision.closed").count() == 1


def test_the_worker_reminds_organisations_without_a_vote_once_in_their_language(transactional_db, world, celery_worker):
    world.org_admin.language = "fr"
    world.org_admin.save()
    decision = _decision(world, hours=30)
    services.decision_vote(decision=decision, by=world.lead, organisation=world.lead_org, option=decision.options.get(), position="for")

    decision_reminders.delay()
    (decision_reminders.si() | _sentinel()).delay()
    mails = _through_sentinel(celery_worker)

    assert sorted(mail["To"] for mail in mails) == sorted([world.member_staff.email, world.org_admin.email])
    french = next(mail for mail in mails if mail["To"] == world.org_admin.email)
    assert "Position commune sur la CAM ?" in str(french["Subject"])
    decision.refresh_from_db()
    assert decision.reminded_two_days_at is not None and decision.reminded_one_day_at is None
