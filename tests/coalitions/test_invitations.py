import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from coalitions import services
from coalitions.errors import DomainError
from coalitions.models import (
    Affiliation,
    AffiliationRole,
    CoalitionInvitation,
    CoalitionRole,
    Organisation,
    Participation,
    User,
)
from tests.factories import AffiliationFactory, CoalitionInvitationFactory, verified_address

from .support import db_snapshot

NEW_ORGANISATION = {
    "new-name": "Tamil Nadu Domestic Workers Union",
    "new-acronym": "TNDWU",
    "new-kind": "trade_union",
    "new-country": "IN",
    "new-regions": "Tamil Nadu, Kerala",
    "new-website": "",
    "new-member_count": "12000",
}


def _link_in(message) -> str:
    match = re.search(r"http://testserver(/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def invitation(world):
    return CoalitionInvitationFactory(
        coalition=world.coalition, invited_by=world.lead, email="contact@union.example", role=CoalitionRole.OBSERVER
    )


def test_lead_invites_and_a_newcomer_joins_with_a_new_organisation(world, client_for, on_commit, mailoutbox):
    lead = client_for(world.lead)
    with on_commit():
        response = lead.post(
            reverse("coalition_invite", args=[world.coalition.slug]),
            {"email": "Contact@Union.example", "organisation_name": "TN union", "role": "observer", "message": "Welcome!"},
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["contact@union.example"]
    assert "Welcome!" in mailoutbox[0].body
    link = _link_in(mailoutbox[0])

    visitor = client_for(None)
    page = visitor.get(link)
    assert page.status_code == 200
    assert "TN union" in page.content.decode()
    signup_url = page.context["signup_url"]

    with on_commit():
        response = visitor.post(
            signup_url,
            {"email": "contact@union.example", "password1": "a-long-new-password", "password2": "a-long-new-password",
             "display_name": "Selvi", "language": "en"},
        )
    # The address is the one the invitation went to: no confirmation mail, straight back to the invitation.
    assert response.status_code == 302
    assert response.url == link
    assert len(mailoutbox) == 1
    newcomer = User.objects.get(email="contact@union.example")
    assert EmailAddress.objects.get(user=newcomer).verified

    form_page = visitor.get(link)
    assert form_page.status_code == 200
    assert 'name="new-name"' in form_page.content.decode()

    response = visitor.post(link, {"organisation": "", **NEW_ORGANISATION})
    assert response.status_code == 302
    assert response.url == reverse("coalition_detail", args=[world.coalition.slug])
    affiliation = Affiliation.objects.get(user=newcomer)
    assert affiliation.role == AffiliationRole.ADMIN
    organisation = affiliation.organisation
    assert (organisation.name, organisation.regions, organisation.member_count) == (
        "Tamil Nadu Domestic Workers Union", ["Tamil Nadu", "Kerala"], 12000,
    )
    participation = Participation.objects.get(coalition=world.coalition, organisation=organisation)
    assert participation.role == CoalitionRole.OBSERVER
    entry = world.coalition.audit_entries.order_by("-seq").first()
    assert (entry.action, entry.actor, entry.data) == (
        "organisation.joined", newcomer, {"organisation": "TNDWU", "role": "observer"},
    )
    invitation = CoalitionInvitation.objects.get()
    assert invitation.accepted_at is not None
    assert invitation.accepted_organisation == organisation
    assert visitor.get(response.url).status_code == 200


def test_invitation_mail_is_not_sent_when_the_lead_already_invited_that_address(
    world, invitation, client_for, on_commit, mailoutbox
):
    before = db_snapshot()
    with on_commit():
        response = client_for(world.lead).post(
            reverse("coalition_invite", args=[world.coalition.slug]),
            {"email": invitation.email.upper(), "organisation_name": "TN union", "role": "member"},
        )
    assert response.status_code == 200
    assert "already has an invitation waiting" in response.content.decode()
    assert db_snapshot() == before
    assert mailoutbox == []


def test_anonymous_visitor_sees_who_invites_whom(world, invitation, client_for):
    response = client_for(None).get(reverse("coalition_invitation", args=[invitation.token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert invitation.organisation_name in body
    assert escape(world.coalition.name) in body
    assert invitation.email in body


def test_member_accepts_with_an_organisation_they_already_administer(world, invitation, client_for):
    admin = AffiliationFactory(role=AffiliationRole.ADMIN, user__email=invitation.email)
    client = client_for(admin.user)
    link = reverse("coalition_invitation", args=[invitation.token])
    assert client.get(link).context["has_organisations"]

    response = client.post(link, {"organisation": admin.organisation.pk})

    assert response.status_code == 302
    participation = Participation.objects.get(coalition=world.coalition, organisation=admin.organisation)
    assert participation.role == CoalitionRole.OBSERVER
    assert Affiliation.objects.filter(user=admin.user).count() == 1
    assert world.coalition.audit_entries.filter(action="organisation.joined").count() == 1


def test_staff_cannot_join_with_an_organisation_they_do_not_administer(world, invitation, client_for):
    staff = AffiliationFactory(role=AffiliationRole.STAFF, user__email=invitation.email)
    AffiliationFactory(user=staff.user, role=AffiliationRole.ADMIN)
    before = db_snapshot()

    response = client_for(staff.user).post(
        reverse("coalition_invitation", args=[invitation.token]), {"organisation": staff.organisation.pk}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert db_snapshot() == before


def test_organisation_already_in_the_coalition_cannot_join_again(world, invitation, client_for):
    verified_address(world.observer, invitation.email)
    before = db_snapshot()
    response = client_for(world.observer).post(
        reverse("coalition_invitation", args=[invitation.token]), {"organisation": world.observer_org.pk}, follow=True
    )
    assert response.status_code == 200
    assert "already part of this coalition" in response.content.decode()
    assert db_snapshot() == before


def test_second_accept_of_one_token_is_refused_with_410(world, invitation, client_for):
    first, second = (AffiliationFactory(role=AffiliationRole.ADMIN) for _ in range(2))
    verified_address(first.user, invitation.email)
    link = reverse("coalition_invitation", args=[invitation.token])
    assert client_for(first.user).post(link, {"organisation": first.organisation.pk}).status_code == 302
    before = db_snapshot()

    response = client_for(second.user).post(link, {"organisation": second.organisation.pk})

    assert response.status_code == 410
    assert "already been accepted" in response.content.decode()
    assert db_snapshot() == before
    assert not Participation.objects.filter(organisation=second.organisation).exists()


def test_service_refuses_an_invitation_used_in_another_tab(world, invitation):
    first, second = (AffiliationFactory(role=AffiliationRole.ADMIN, user=world.outsider) for _ in range(2))
    verified_address(world.outsider, invitation.email)
    stale_copy = CoalitionInvitation.objects.get(pk=invitation.pk)
    services.coalition_invitation_accept(invitation=invitation, user=world.outsider, organisation=first.organisation)
    before = db_snapshot()
    with pytest.raises(DomainError, match="already been used"):
        services.coalition_invitation_accept(invitation=stale_copy, user=world.outsider, organisation=second.organisation)
    assert db_snapshot() == before


@pytest.mark.parametrize("who", ["anonymous", "signed in"])
def test_expired_invitation_shows_the_410_page(world, client_for, who):
    invitation = CoalitionInvitationFactory(coalition=world.coalition, expires_at=timezone.now() - timedelta(minutes=1))
    admin = AffiliationFactory(role=AffiliationRole.ADMIN)
    client = client_for(None if who == "anonymous" else admin.user)
    before = db_snapshot()

    response = client.post(reverse("coalition_invitation", args=[invitation.token]), {"organisation": admin.organisation.pk})

    assert response.status_code == 410
    assert "It has expired." in response.content.decode()
    assert db_snapshot() == before


def test_revoked_invitation_shows_the_410_page(world, invitation, client_for):
    client_for(world.lead).post(reverse("coalition_invitation_revoke", args=[world.coalition.slug, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert world.coalition.audit_entries.filter(action="invitation.revoked").count() == 1
    admin = AffiliationFactory(role=AffiliationRole.ADMIN)
    before = db_snapshot()

    response = client_for(admin.user).post(
        reverse("coalition_invitation", args=[invitation.token]), {"organisation": admin.organisation.pk}
    )

    assert response.status_code == 410
    assert "It was withdrawn." in response.content.decode()
    assert db_snapshot() == before


def test_revoked_invitation_no_longer_shows_on_the_dashboard(world, invitation, client_for):
    invitee = AffiliationFactory(user__email=invitation.email, role=AffiliationRole.ADMIN).user
    name = escape(world.coalition.name)
    assert name in client_for(invitee).get(reverse("home")).content.decode()
    services.coalition_invitation_revoke(invitation=invitation, by=world.lead)
    assert name not in client_for(invitee).get(reverse("home")).content.decode()


def test_accepted_invitation_cannot_be_revoked(world, invitation, client_for):
    admin = AffiliationFactory(role=AffiliationRole.ADMIN, user__email=invitation.email)
    services.coalition_invitation_accept(invitation=invitation, user=admin.user, organisation=admin.organisation)
    before = db_snapshot()

    response = client_for(world.lead).post(
        reverse("coalition_invitation_revoke", args=[world.coalition.slug, invitation.pk]), follow=True
    )

    assert "already been used" in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize("who", ["anonymous", "signed in"])
def test_wrong_token_gets_404(world, invitation, client_for, who):
    client = client_for(None if who == "anonymous" else world.outsider)
    before = db_snapshot()
    response = client.post(reverse("coalition_invitation", args=[invitation.token + "x"]), {"organisation": ""})
    assert response.status_code == 404
    assert db_snapshot() == before


def test_wrong_token_does_not_stash_an_address_for_sign_up(world, invitation, client_for):
    client = client_for(None)
    client.get(reverse("coalition_invitation", args=["not-a-token"]))
    assert not client.session.get("account_verified_email")


def test_signing_up_with_another_address_does_not_verify_that_address(world, invitation, client_for):
    visitor = client_for(None)
    page = visitor.get(reverse("coalition_invitation", args=[invitation.token]))
    visitor.post(
        page.context["signup_url"],
        {"email": "someone-else@example.org", "password1": "a-long-new-password",
         "password2": "a-long-new-password", "language": "en"},
    )
    # Only the invited address is proven by the token; one typed instead stays unconfirmed.
    assert not EmailAddress.objects.get(email="someone-else@example.org").verified


def test_new_organisation_form_errors_keep_what_was_typed(world, invitation, client_for):
    user = AffiliationFactory(user__email=invitation.email).user
    before = db_snapshot()
    response = client_for(user).post(
        reverse("coalition_invitation", args=[invitation.token]),
        {"organisation": "", **NEW_ORGANISATION, "new-kind": "", "new-website": "not a url"},
    )
    assert response.status_code == 200
    assert response.context["org_form"].errors.keys() >= {"kind", "website"}
    assert 'value="Tamil Nadu Domestic Workers Union"' in response.content.decode()
    assert db_snapshot() == before
    assert not Organisation.objects.filter(name="Tamil Nadu Domestic Workers Union").exists()


def test_refused_logo_on_the_invitation_page_keeps_what_was_typed(world, invitation, client_for):
    user = AffiliationFactory(user__email=invitation.email).user
    before = db_snapshot()
    response = client_for(user).post(
        reverse("coalition_invitation", args=[invitation.token]),
        {"organisation": "", **NEW_ORGANISATION,
         "new-logo": SimpleUploadedFile("logo.png", b"not a picture", content_type="image/png")},
    )
    assert response.status_code == 200
    assert "must be a PNG or JPEG" in " ".join(response.context["org_form"].errors["logo"])
    body = response.content.decode()
    assert 'value="Tamil Nadu Domestic Workers Union"' in body
    assert 'value="TNDWU"' in body
    assert "Tamil Nadu, Kerala</textarea>" in body
    assert db_snapshot() == before


def test_invitation_mail_subject_keeps_apostrophes_as_typed(world, on_commit, mailoutbox):
    with on_commit():
        services.coalition_invite(
            coalition=world.coalition, by=world.lead, email="union@example.org",
            organisation_name="Mill Workers' Union", role=CoalitionRole.MEMBER, base_url="http://testserver/",
        )
    coalition_name = world.coalition.name
    assert mailoutbox[0].subject.endswith(f"Invitation to join {coalition_name}")
    assert "&#x27;" not in mailoutbox[0].subject and "&#x27;" not in mailoutbox[0].body
    assert "Mill Workers' Union" in mailoutbox[0].body
