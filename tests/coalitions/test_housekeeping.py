from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from coalitions.models import CoalitionInvitation, StaffInvitation
from coalitions.tasks import invitations_purge, sessions_purge
from config.celery import app
from tests.factories import CoalitionInvitationFactory, StaffInvitationFactory


def test_beat_runs_the_purges():
    # What a worker does at start: import every app's tasks module.
    app.loader.import_default_modules()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"coalitions.tasks.invitations_purge", "coalitions.tasks.sessions_purge"} <= tasks
    assert tasks <= set(app.tasks)


def test_unused_invitations_are_forgotten_after_the_retention_period(world):
    long_ago = timezone.now() - timedelta(days=settings.INVITATION_RETENTION_DAYS + 1)
    expired = CoalitionInvitationFactory(coalition=world.coalition, invited_by=world.lead, email="gone@example.org")
    CoalitionInvitation.objects.filter(pk=expired.pk).update(expires_at=long_ago)
    revoked = StaffInvitationFactory(organisation=world.lead_org, invited_by=world.lead, email="withdrawn@example.org")
    StaffInvitation.objects.filter(pk=revoked.pk).update(revoked_at=long_ago)
    accepted = CoalitionInvitationFactory(coalition=world.coalition, invited_by=world.lead, email="joined@example.org")
    CoalitionInvitation.objects.filter(pk=accepted.pk).update(expires_at=long_ago, accepted_at=long_ago)
    recent = CoalitionInvitationFactory(coalition=world.coalition, invited_by=world.lead, email="recent@example.org")
    CoalitionInvitation.objects.filter(pk=recent.pk).update(expires_at=timezone.now() - timedelta(days=1))
    pending = CoalitionInvitationFactory(coalition=world.coalition, invited_by=world.lead, email="pending@example.org")

    assert invitations_purge.delay().get() == 2

    assert set(CoalitionInvitation.objects.values_list("email", flat=True)) == {
        accepted.email, recent.email, pending.email,
    }
    assert not StaffInvitation.objects.filter(pk=revoked.pk).exists()


def test_expired_sessions_are_deleted_and_live_ones_kept(db):
    live = SessionStore()
    live["x"] = 1
    live.create()
    dead = SessionStore()
    dead["x"] = 2
    dead.create()
    Session.objects.filter(session_key=dead.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    assert sessions_purge.delay().get() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
