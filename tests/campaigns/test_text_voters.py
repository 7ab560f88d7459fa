"""Who casts an organisation's vote on a wording: its admins, and the staff an admin authorised."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from campaigns import services
from campaigns.models import TextApproval, TextStatus
from coalitions.models import Affiliation, AffiliationRole, AuditEntry
from tests.factories import AffiliationFactory


def _unauthorised_staff(world):
    return AffiliationFactory(organisation=world.member_org, role=AffiliationRole.STAFF, may_vote=False).user


def test_unauthorised_staff_cannot_approve_a_wording(world, campaign):
    version = services.text_propose(campaign=campaign, by=world.lead, organisation=world.lead_org, kind="ask", body="Ratify")
    staff = _unauthorised_staff(world)
    before = (TextApproval.objects.count(), AuditEntry.objects.count())

    with pytest.raises(PermissionDenied):
        services.text_approve(version=version, by=staff, organisation=world.member_org)
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("text_approve", args=[world.coalition.slug, campaign.slug, version.pk]))

    assert response.status_code == 403
    assert (TextApproval.objects.count(), AuditEntry.objects.count()) == before
    page = client.get(reverse("campaign_texts", args=[world.coalition.slug, campaign.slug])).content.decode()
    assert "/approve/" not in page


def test_unauthorised_staff_may_propose_but_its_organisation_has_not_voted_yet(world, campaign):
    version = services.text_propose(
        campaign=campaign, by=_unauthorised_staff(world), organisation=world.member_org, kind="ask", body="Ratify"
    )

    assert not version.approvals.exists() and version.status == TextStatus.PENDING


def test_an_admin_authorises_staff_on_the_organisations_page_and_they_then_vote(world, campaign):
    staff = _unauthorised_staff(world)
    affiliation = Affiliation.objects.get(user=staff)
    version = services.text_propose(campaign=campaign, by=world.lead, organisation=world.lead_org, kind="ask", body="Ratify")
    admin = Client()
    admin.force_login(world.org_admin)
    page = admin.get(reverse("organisation_detail", args=[world.member_org.pk])).content.decode()
    assert reverse("staff_vote", args=[world.member_org.pk, affiliation.pk]) in page

    admin.post(reverse("staff_vote", args=[world.member_org.pk, affiliation.pk]), {"may_vote": "1"})

    affiliation.refresh_from_db()
    assert affiliation.may_vote
    services.text_approve(version=version, by=staff, organisation=world.member_org)
    assert version.status == TextStatus.ADOPTED


def test_staff_cannot_authorise_themselves(world):
    staff = _unauthorised_staff(world)
    affiliation = Affiliation.objects.get(user=staff)
    client = Client()
    client.force_login(staff)

    response = client.post(reverse("staff_vote", args=[world.member_org.pk, affiliation.pk]), {"may_vote": "1"})

    affiliation.refresh_from_db()
    assert response.status_code == 403 and not affiliation.may_vote
