"""Beat's reminder task on a real worker: run twice the same day, it mails each person once."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from campaigns.models import ReminderDigest
from campaigns.tasks import reminders_send
from coalitions.models import User
from coalitions.tasks import email_deliver
from tests.campaigns.conftest import zone_in_its_morning_on_utc_date
from tests.factories import TaskFactory

pytestmark = pytest.mark.worker

SENTINEL = "sentinel@example.org"
# Time for a mail queued wrongly right beside the sentinel to be written all the same.
GRACE = 1.0


def _mails_through_sentinel(worker) -> list:
    """The worker's mails once the sentinel is among them; the solo worker takes tasks in order."""
    count = 1
    while True:
        mails = worker.wait_for_mails(count)
        if any(mail["To"] == SENTINEL for mail in mails):
            time.sleep(GRACE)
            return worker.mails()
        count = len(mails) + 1


def test_the_worker_mails_each_person_once_however_often_beat_runs(
    transactional_db, world, campaign, target, celery_worker
):
    today = timezone.localdate()
    # Reminders wait for each person's morning; where it is morning now, today is the UTC date.
    User.objects.update(timezone=zone_in_its_morning_on_utc_date())
    world.member_staff.refresh_from_db()
    world.member_staff.language = "fr"
    world.member_staff.save()
    TaskFactory(campaign=campaign, target=target, organisation=world.member_org, assignee=world.member_staff, due_on=today)
    TaskFactory(
        campaign=campaign, target=target, organisation=world.member_org, assignee=world.member_staff,
        due_on=today - timedelta(days=2),
    )
    # Nobody named: its organisation's admin hears of it.
    TaskFactory(campaign=campaign, target=target, organisation=world.lead_org, due_on=today + timedelta(days=2))

    reminders_send.delay()
    # The sentinel is queued only when the second run has finished, so after any mail it queued.
    (
        reminders_send.si()
        | email_deliver.si(subject="sentinel", body="", from_email=settings.DEFAULT_FROM_EMAIL, to=[SENTINEL])
    ).delay()

    mails = _mails_through_sentinel(celery_worker)
    digests = [mail for mail in mails if mail["To"] != SENTINEL]
    assert sorted(mail["To"] for mail in digests) == sorted([world.member_staff.email, world.lead.email])
    by_reader = {mail["To"]: mail.get_body(preferencelist=("plain",)).get_content() for mail in digests}
    assert by_reader[world.member_staff.email].count(f"{settings.SITE_URL}/c/{world.coalition.slug}/") == 3
    assert by_reader[world.lead.email].count("/tasks/") == 1
    with translation.override("fr"):
        assert date_format(today, "DATE_FORMAT") in by_reader[world.member_staff.email]
    assert sorted(ReminderDigest.objects.values_list("user_id", "day", "task_count")) == sorted(
        [(world.member_staff.pk, today, 2), (world.lead.pk, today, 1)]
    )
