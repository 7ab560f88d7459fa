"""An invitation is for the person it was sent to, not for whoever holds the link."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from coalitions import services
from coalitions.errors import DomainError
from coalitions.models import AffiliationRole, CoalitionRole, Participation
from tests.factories import AffiliationFactory, CoalitionInvitationFactory, StaffInvitationFactory

from .support import db_snapshot


@pytest.fixture
def coalition_invitation(world):
    return CoalitionInvitationFactory(
        coalition=world.coalition, invited_by=world.lead, email="contact@ndwm.example", role=CoalitionRole.MEMBER
    )


@pytest.fixture
def staff_invitation(world):
    return StaffInvitationFactory(
        organisation=world.lead_org, invited_by=world.lead, email="new.staff@ndwm.example", role=AffiliationRole.ADMIN
    )


def test_another_coalitions_lead_cannot_join_with_someone_elses_link(world, coalition_invitation, client_for):
    other_org = world.other_lead.affiliations.get().organisation
    before = db_snapshot()

    response = client_for(world.other_lead).post(
        reverse("coalition_invitation", args=[coalition_invitation.token]), {"organisation": other_org.pk}
    )

    assert response.status_code == 403
    body = response.content.decode()
    assert "Sign out" in body and coalition_invitation.email in body
    assert world.coalition.name not in body and coalition_invitation.organisation_name not in body
    assert db_snapshot() == before
    assert not Participation.objects.filter(coalition=world.coalition, organisation=other_org).exists()


def test_the_wrong_account_only_sees_the_sign_out_page_on_get(world, coalition_invitation, client_for):
    response = client_for(world.outsider).get(reverse("coalition_invitation", args=[coalition_invitation.token]))
    assert response.status_code == 403
    assert 'name="organisation"' not in response.content.decode()


def test_someone_else_cannot_become_admin_through_a_staff_invitation(world, staff_invitation, client_for):
    before = db_snapshot()
    response = client_for(world.outsider).post(reverse("staff_invitation", args=[staff_invitation.token]))
    assert response.status_code == 403
    assert "Sign out" in response.content.decode()
    assert db_snapshot() == before


def test_an_unverified_copy_of_the_invited_address_is_not_enough(world, staff_invitation, client_for):
    EmailAddress.objects.create(user=world.outsider, email=staff_invitation.email.upper(), verified=False)
    before = db_snapshot()
    response = client_for(world.outsider).post(reverse("staff_invitation", args=[staff_invitation.token]))
    assert response.status_code == 403
    assert db_snapshot() == before


def test_the_invitee_accepts_with_a_verified_address_in_another_case(world, staff_invitation, client_for):
    invitee = AffiliationFactory(user__email="other@ndwm.example").user
    EmailAddress.objects.create(user=invitee, email="New.Staff@NDWM.example", verified=True)

    response = client_for(invitee).post(reverse("staff_invitation", args=[staff_invitation.token]))

    assert response.status_code == 302
    assert invitee.affiliations.get(organisation=world.lead_org).role == AffiliationRole.ADMIN


@pytest.mark.parametrize("kind", ["coalition", "staff"])
def test_the_services_refuse_an_account_that_is_not_the_invitee(world, coalition_invitation, staff_invitation, kind):
    stranger = AffiliationFactory(role=AffiliationRole.ADMIN)
    before = db_snapshot()
    with pytest.raises(DomainError):
        if kind == "coalition":
            services.coalition_invitation_accept(
                invitation=coalition_invitation, user=stranger.user, organisation=stranger.organisation
            )
        else:
            services.staff_invitation_accept(invitation=staff_invitation, user=stranger.user)
    assert db_snapshot() == before


def test_signing_out_from_the_refusal_leads_back_to_the_invitation(world, coalition_invitation, client_for):
    client = client_for(world.outsider)
    link = reverse("coalition_invitation", args=[coalition_invitation.token])
    assert client.get(link).status_code == 403
    response = client.post(reverse("account_logout"), {"next": link}, follow=True)
    assert response.redirect_chain[-1][0] == link
    assert response.context["signup_url"]
