"""Two leads stepping down at the same moment: one of them must stay, and both get an answer."""

import threading

import pytest
from django.db import connection

from coalitions import services
from coalitions.errors import DomainError
from coalitions.models import CoalitionRole, Participation
from tests.conftest import needs_postgres

pytestmark = [needs_postgres, pytest.mark.postgres]


def _run_together(monkeypatch, *changes) -> list:
    """Run the changes in parallel threads, letting each read its own row before any checks the leads."""
    both_read = threading.Barrier(len(changes), timeout=1)
    keep_a_lead = services._keep_a_lead

    def keep_a_lead_after_the_others(participation):
        try:
            both_read.wait()
        except threading.BrokenBarrierError:
            pass  # the other change is already waiting for this one's lock
        keep_a_lead(participation)

    monkeypatch.setattr(services, "_keep_a_lead", keep_a_lead_after_the_others)
    outcomes = [None] * len(changes)

    def run(index, change):
        try:
            change()
            outcomes[index] = "done"
        except DomainError:
            outcomes[index] = "refused"
        except Exception as error:  # noqa: BLE001
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, change)) for index, change in enumerate(changes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def two_leads(transactional_db, world):
    member = Participation.objects.get(coalition=world.coalition, organisation=world.member_org)
    services.participation_role_change(participation=member, by=world.lead, role=CoalitionRole.LEAD)
    lead = Participation.objects.get(coalition=world.coalition, organisation=world.lead_org)
    return world, lead, member


def test_two_leads_stepping_down_at_once_leave_one_lead(two_leads, monkeypatch):
    world, lead, member = two_leads
    outcomes = _run_together(
        monkeypatch,
        lambda: services.participation_role_change(participation=lead, by=world.lead, role=CoalitionRole.MEMBER),
        lambda: services.participation_role_change(participation=member, by=world.org_admin, role=CoalitionRole.MEMBER),
    )
    assert sorted(outcomes) == ["done", "refused"]
    assert Participation.objects.filter(coalition=world.coalition, role=CoalitionRole.LEAD).count() == 1


def test_lead_stepping_down_while_the_other_lead_leaves_keeps_one_lead(two_leads, monkeypatch):
    world, lead, member = two_leads
    outcomes = _run_together(
        monkeypatch,
        lambda: services.participation_role_change(participation=lead, by=world.lead, role=CoalitionRole.OBSERVER),
        lambda: services.coalition_leave(coalition=world.coalition, organisation=world.member_org, by=world.org_admin),
    )
    assert sorted(outcomes) == ["done", "refused"]
    assert Participation.objects.filter(coalition=world.coalition, role=CoalitionRole.LEAD).count() == 1
