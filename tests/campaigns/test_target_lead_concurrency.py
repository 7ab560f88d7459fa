"""At most one organisation leads the work on a target, even when two ask at the same moment.

The service checks for a current lead before writing, but two requests can both pass that check;
the partial unique index then decides, and the loser is told in words. Real concurrency needs
PostgreSQL (SQLite serialises writers), so the racing tests skip on SQLite; the index itself is
tested on both.
"""

import threading
from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction

from campaigns import services
from campaigns.models import OutreachRole, TargetOrganisation
from coalitions.errors import DomainError
from coalitions.models import AuditEntry, CoalitionRole
from tests.conftest import needs_postgres
from tests.factories import CampaignFactory, ParticipationFactory, TargetFactory

TIMEOUT = 20


def _in_threads(*calls):
    """Start every call at the same moment, each on its own database connection; return results or errors."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=TIMEOUT)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.fixture
def contest(world):
    """A target and two partner organisations, each about to be made its lead."""
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    target = TargetFactory(campaign=campaign, name="Ministry of Labour", influence=5)
    third = ParticipationFactory(coalition=world.coalition, role=CoalitionRole.MEMBER).organisation
    return target, [world.member_org, third]


def _claim(world, target, organisation):
    return lambda: services.target_organisation_set(target=target, by=world.lead, organisation=organisation, role="lead")


def _assert_exactly_one_lead(results, target, organisations):
    winners = [r for r in results if isinstance(r, TargetOrganisation)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1 and len(losers) == 1, results
    leads = list(TargetOrganisation.objects.filter(target=target, role=OutreachRole.LEAD))
    assert len(leads) == 1
    assert leads[0].organisation_id == winners[0].organisation_id
    assert set(TargetOrganisation.objects.filter(target=target).values_list("organisation_id", flat=True)) == {
        winners[0].organisation_id
    }
    # Only the change that happened is in the activity trail.
    assert AuditEntry.objects.filter(action="target.organisation_set").count() == 1


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_claims_to_lead_leave_exactly_one_lead(world, contest):
    target, organisations = contest

    results = _in_threads(*(_claim(world, target, organisation) for organisation in organisations))

    _assert_exactly_one_lead(results, target, organisations)


@needs_postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_when_both_claims_pass_the_check_the_index_decides_and_the_loser_is_told(world, contest):
    target, organisations = contest
    manager = TargetOrganisation.objects
    write = manager.update_or_create
    both_checked = threading.Barrier(2)

    def write_after_both_checked(*args, **kwargs):
        # Hold each request between its "nobody leads yet" check and its write until both got there.
        both_checked.wait(timeout=TIMEOUT)
        return write(*args, **kwargs)

    with mock.patch.object(manager, "update_or_create", side_effect=write_after_both_checked):
        results = _in_threads(*(_claim(world, target, organisation) for organisation in organisations))

    assert both_checked.n_waiting == 0 and not both_checked.broken
    _assert_exactly_one_lead(results, target, organisations)
    [loser] = [r for r in results if isinstance(r, DomainError)]
    assert loser.message == "Another organisation has just taken the lead on this target."


def test_the_database_refuses_a_second_lead_row(world, contest):
    target, (first, second) = contest
    TargetOrganisation.objects.create(target=target, organisation=first, role=OutreachRole.LEAD)

    with pytest.raises(IntegrityError), transaction.atomic():
        TargetOrganisation.objects.create(target=target, organisation=second, role=OutreachRole.LEAD)

    assert TargetOrganisation.objects.filter(target=target, role=OutreachRole.LEAD).count() == 1


def test_the_database_refuses_a_second_role_for_one_organisation_on_a_target(world, contest):
    target, (first, _second) = contest
    TargetOrganisation.objects.create(target=target, organisation=first, role=OutreachRole.SUPPORT)

    with pytest.raises(IntegrityError), transaction.atomic():
        TargetOrganisation.objects.create(target=target, organisation=first, role=OutreachRole.LEAD)
