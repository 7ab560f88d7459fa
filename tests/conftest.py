import os
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation

from coalitions.models import AffiliationRole, Coalition, CoalitionRole, Organisation, User
from tests.factories import AffiliationFactory, CoalitionFactory, ParticipationFactory, UserFactory, person_in

pytest_plugins = ["tests.worker", "tests.redis_server"]

needs_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (set DATABASE_URL)"
)
needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (set REDIS_URL)")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # The test client runs requests in the test's thread, and LocaleMiddleware leaves the
    # language of the last request active there: a later test would read another language.
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_drain_pending(monkeypatch):
    # A test whose kick found no broker leaves its window open; the next test's first mail must
    # not wait for a drain that was never sent.
    monkeypatch.setattr("coalitions.outbox._last_kick", float("-inf"))


@dataclass
class World:
    """One coalition with a person in every role, and a second coalition whose lead is a stranger here."""

    coalition: Coalition
    lead: User
    member_staff: User
    org_admin: User
    observer: User
    outsider: User
    other_lead: User
    other_coalition: Coalition
    lead_org: Organisation
    member_org: Organisation
    observer_org: Organisation

    def user(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


ROLES = ["anonymous", "outsider", "observer", "member_staff", "org_admin", "lead", "other_lead"]


@pytest.fixture
def world(db) -> World:
    coalition = CoalitionFactory(name="Domestic workers' rights", slug="domestic-workers")
    lead = person_in(coalition, CoalitionRole.LEAD, org_role=AffiliationRole.ADMIN)
    lead_org = lead.affiliations.get().organisation
    member_participation = ParticipationFactory(coalition=coalition, role=CoalitionRole.MEMBER)
    member_org = member_participation.organisation
    member_staff = person_in(coalition, CoalitionRole.MEMBER, organisation=member_org)
    org_admin = person_in(coalition, CoalitionRole.MEMBER, organisation=member_org, org_role=AffiliationRole.ADMIN)
    observer = person_in(coalition, CoalitionRole.OBSERVER, org_role=AffiliationRole.ADMIN)
    observer_org = observer.affiliations.get().organisation
    outsider = AffiliationFactory(role=AffiliationRole.ADMIN).user
    other_coalition = CoalitionFactory(name="Equal pay", slug="equal-pay")
    other_lead = person_in(other_coalition, CoalitionRole.LEAD, org_role=AffiliationRole.ADMIN)
    return World(
        coalition=coalition, lead=lead, member_staff=member_staff, org_admin=org_admin, observer=observer,
        outsider=outsider, other_lead=other_lead, other_coalition=other_coalition,
        lead_org=lead_org, member_org=member_org, observer_org=observer_org,
    )


@pytest.fixture
def client_for(db):
    """A fresh client signed in as the given person; anonymous for None."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def user(db) -> User:
    return UserFactory()
