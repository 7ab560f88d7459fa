import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from coalitions.models import CoalitionRole
from tests.factories import ParticipationFactory

from .support import db_snapshot


@pytest.fixture
def strict(world):
    world.coalition.require_mfa_for_leads = True
    world.coalition.save()
    return world


def _totp(user) -> Authenticator:
    return Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})


def test_lead_without_mfa_is_sent_to_the_totp_setup(strict, client_for):
    response = client_for(strict.lead).get(reverse("coalition_detail", args=[strict.coalition.slug]))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_lead_without_mfa_is_told_why(strict, client_for):
    response = client_for(strict.lead).get(reverse("coalition_detail", args=[strict.coalition.slug]), follow=True)
    assert "two-factor authentication" in response.content.decode()


@pytest.mark.parametrize("role", ["member_staff", "org_admin", "observer"])
def test_people_of_other_organisations_need_no_mfa(strict, client_for, role):
    response = client_for(strict.user(role)).get(reverse("coalition_detail", args=[strict.coalition.slug]))
    assert response.status_code == 200


def test_lead_with_a_totp_authenticator_gets_in(strict, client_for):
    _totp(strict.lead)
    client = client_for(strict.lead)
    assert client.get(reverse("coalition_detail", args=[strict.coalition.slug])).status_code == 200
    assert client.get(reverse("coalition_settings", args=[strict.coalition.slug])).status_code == 200


def test_lead_without_mfa_changes_nothing(strict, client_for, on_commit, mailoutbox):
    before = db_snapshot()
    with on_commit():
        response = client_for(strict.lead).post(
            reverse("coalition_invite", args=[strict.coalition.slug]),
            {"email": "partner@example.org", "organisation_name": "Partner", "role": "member"},
        )
    assert response.url == reverse("mfa_activate_totp")
    assert db_snapshot() == before
    assert mailoutbox == []


def test_requirement_belongs_to_one_coalition(strict, client_for):
    relaxed = ParticipationFactory(organisation=strict.lead_org, role=CoalitionRole.LEAD).coalition
    response = client_for(strict.lead).get(reverse("coalition_detail", args=[relaxed.slug]))
    assert response.status_code == 200


def test_requirement_is_off_by_default(world, client_for):
    assert client_for(world.lead).get(reverse("coalition_detail", args=[world.coalition.slug])).status_code == 200


def test_lead_with_totp_turns_the_requirement_on(world, client_for):
    _totp(world.lead)
    response = client_for(world.lead).post(
        reverse("coalition_settings", args=[world.coalition.slug]),
        {"name": world.coalition.name, "description": "", "language": "en", "adoption_rule": "all", "require_mfa_for_leads": "on"},
    )
    assert response.status_code == 302
    world.coalition.refresh_from_db()
    assert world.coalition.require_mfa_for_leads


def test_recovery_codes_alone_do_not_count_as_a_second_factor(strict, client_for):
    Authenticator.objects.create(user=strict.lead, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00ff"})

    response = client_for(strict.lead).get(reverse("coalition_detail", args=[strict.coalition.slug]))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
