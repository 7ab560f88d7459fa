"""Only leads draft, word, approve and open or close a petition; each change is in the trail."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from coalitions.audit import describe_entry
from coalitions.errors import DomainError
from coalitions.models import AuditEntry
from signatures import services
from signatures.models import Petition, PetitionStatus, PetitionText
from tests.factories import PetitionFactory, PetitionTextFactory

REFUSED = (PermissionDenied, Http404)
NOT_LEADS = ["member_staff", "org_admin", "observer", "outsider", "other_lead"]


def test_a_lead_drafts_a_petition_co_owned_by_partners(world, campaign):
    petition = services.petition_create(
        campaign=campaign, by=world.lead, slug="ratify-c189", goal=5000,
        regions=["Kerala", " Tamil  Nadu", "Kerala", ""], organisations=[world.lead_org, world.member_org],
    )
    assert petition.status == PetitionStatus.DRAFT
    assert petition.regions == ["Kerala", "Tamil Nadu"]
    assert set(petition.organisations.all()) == {world.lead_org, world.member_org}
    entry = AuditEntry.objects.get(action="petition.created")
    assert "ratify-c189" in describe_entry(entry)


def test_observers_cannot_co_own_a_petition(world, campaign):
    with pytest.raises(DomainError):
        services.petition_create(
            campaign=campaign, by=world.lead, slug="x", goal=10, organisations=[world.observer_org]
        )
    assert not Petition.objects.exists()


def test_a_taken_short_name_is_refused_in_words(world, campaign):
    PetitionFactory(campaign=campaign, slug="ratify-c189")
    with pytest.raises(DomainError):
        services.petition_create(campaign=campaign, by=world.lead, slug="ratify-c189", goal=10)
    assert Petition.objects.count() == 1


def test_a_text_is_shown_only_after_approval_and_changing_it_asks_again(world, campaign):
    petition = PetitionFactory(campaign=campaign, status="draft")
    text = services.petition_text_set(petition=petition, by=world.lead, language="bn", title="C189", body="অনুমোদন করুন")
    assert not text.is_approved
    text = services.petition_text_approve(text=text, by=world.lead)
    assert text.approved_by == world.lead and text.is_approved
    text = services.petition_text_set(petition=petition, by=world.lead, language="bn", title="C189", body="নতুন")
    assert not text.is_approved
    assert PetitionText.objects.count() == 1
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["petition.text_set", "petition.text_approved", "petition.text_set"]
    assert all(describe_entry(entry) for entry in AuditEntry.objects.all())


def test_a_petition_opens_only_with_an_approved_text(world, campaign):
    petition = PetitionFactory(campaign=campaign, status="draft")
    PetitionTextFactory(petition=petition, approved_at=None)
    with pytest.raises(DomainError):
        services.petition_open(petition=petition, by=world.lead)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.DRAFT
    assert not AuditEntry.objects.exists()


def test_a_lead_opens_pauses_closes_and_reopens(world, petition):
    petition.status = PetitionStatus.DRAFT
    petition.save()
    for change, status in [
        (services.petition_open, "open"), (services.petition_pause, "paused"), (services.petition_open, "open"),
        (services.petition_close, "closed"), (services.petition_reopen, "open"),
    ]:
        change(petition=petition, by=world.lead)
        petition.refresh_from_db()
        assert petition.status == status
        # Anonymisation counts from the close; reopening starts that clock afresh.
        assert (petition.closed_at is not None) == (status == "closed")
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["petition.opened", "petition.paused", "petition.opened", "petition.closed", "petition.reopened"]
    assert "reopened" in describe_entry(AuditEntry.objects.order_by("seq").last())


@pytest.mark.parametrize(
    ("change", "status"),
    [("petition_pause", "draft"), ("petition_close", "draft"), ("petition_reopen", "open"), ("petition_open", "closed")],
)
def test_a_change_that_does_not_fit_the_status_is_refused(world, petition, change, status):
    petition.status = status
    petition.save()
    with pytest.raises(DomainError):
        getattr(services, change)(petition=petition, by=world.lead)
    petition.refresh_from_db()
    assert petition.status == status
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", NOT_LEADS)
def test_only_leads_manage_petitions(world, petition, campaign, role):
    person = world.user(role)
    text = PetitionTextFactory(petition=petition, language="fr", approved_at=None)
    attempts = [
        lambda: services.petition_create(campaign=campaign, by=person, slug="another", goal=10),
        lambda: services.petition_text_set(petition=petition, by=person, language="en", title="T", body="B"),
        lambda: services.petition_text_approve(text=text, by=person),
        lambda: services.petition_pause(petition=petition, by=person),
        lambda: services.petition_close(petition=petition, by=person),
        lambda: services.petition_open(petition=petition, by=person),
        lambda: services.petition_reopen(petition=petition, by=person),
    ]
    for attempt in attempts:
        with pytest.raises(REFUSED):
            attempt()
    petition.refresh_from_db()
    text.refresh_from_db()
    assert petition.status == PetitionStatus.OPEN
    assert Petition.objects.count() == 1
    assert not text.is_approved
    assert petition.texts.get(language="en").title == "Ratify ILO Convention 189"
    assert not AuditEntry.objects.exists()
