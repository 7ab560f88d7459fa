import pytest
from django.urls import reverse

from coalitions.models import AffiliationRole, CoalitionRole, User
from tests.factories import (
    AffiliationFactory,
    CoalitionFactory,
    CoalitionInvitationFactory,
    OrganisationFactory,
    ParticipationFactory,
)

# Language ------------------------------------------------------------------------------------


def test_language_switch_saves_the_persons_choice(user, client_for):
    client = client_for(user)
    response = client.post(reverse("language_set"), {"language": "fr", "next": reverse("profile")})
    assert response.url == reverse("profile")
    user.refresh_from_db()
    assert user.language == "fr"
    assert '<html lang="fr">' in client.get(reverse("home")).content.decode()


def test_signed_in_person_reads_their_language_on_any_device(user, client_for):
    user.language = "fr"
    user.save()
    client = client_for(user)
    client.cookies["django_language"] = "es"
    response = client.get(reverse("home"), headers={"accept-language": "bn"})
    assert '<html lang="fr">' in response.content.decode()


def test_anonymous_visitor_switches_language_by_cookie(client_for):
    client = client_for(None)
    client.post(reverse("language_set"), {"language": "es"})
    assert '<html lang="es">' in client.get(reverse("home")).content.decode()


def test_unknown_language_is_ignored(user, client_for):
    client = client_for(user)
    response = client.post(reverse("language_set"), {"language": "xx"})
    assert response.url == reverse("home")
    user.refresh_from_db()
    assert user.language == "en"
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_language_switch_does_not_redirect_off_site(user, client_for):
    response = client_for(user).post(reverse("language_set"), {"language": "fr", "next": "https://evil.example/"})
    assert response.url == reverse("home")


# Query counts --------------------------------------------------------------------------------

# Session, user, coalitions and their counts, organisations, invitations, agenda, votes, decisions, letters,
# scorecards waiting for scores, action points, activity.
DASHBOARD_QUERIES = 13
# The organisations page; leads also get the invitations not yet accepted.
COALITION_PAGE_QUERIES = {"lead": 11, "org_admin": 10, "observer": 10}


def _person_in_coalitions(count: int) -> User:
    admin = AffiliationFactory(role=AffiliationRole.ADMIN)
    staff = AffiliationFactory(user=admin.user, role=AffiliationRole.STAFF)
    for number in range(count):
        coalition = CoalitionFactory()
        ParticipationFactory(coalition=coalition, organisation=admin.organisation, role=CoalitionRole.LEAD)
        if number % 2:
            ParticipationFactory(coalition=coalition, organisation=staff.organisation, role=CoalitionRole.OBSERVER)
        ParticipationFactory.create_batch(2, coalition=coalition)
        CoalitionInvitationFactory(coalition=CoalitionFactory(), email=admin.user.email)
    return admin.user


@pytest.mark.parametrize("coalitions", [2, 6])
def test_dashboard_query_count_does_not_grow_with_coalitions(coalitions, client_for, django_assert_num_queries):
    user = _person_in_coalitions(coalitions)
    client = client_for(user)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("home"))
    assert len(response.context["coalitions"]) == coalitions
    assert len(response.context["invitations"]) == coalitions


def _coalition_with_partners(world, partners: int):
    for number in range(partners):
        organisation = OrganisationFactory(regions=["Kerala"], member_count=100 + number)
        ParticipationFactory(coalition=world.coalition, organisation=organisation, role=CoalitionRole.MEMBER)
        AffiliationFactory.create_batch(2, organisation=organisation)
        CoalitionInvitationFactory(coalition=world.coalition, invited_by=world.lead)
    return world.coalition


@pytest.mark.parametrize("partners", [3, 12])
@pytest.mark.parametrize("role", ["lead", "org_admin", "observer"])
def test_organisations_page_query_count_does_not_grow_with_partners(
    world, partners, role, client_for, django_assert_num_queries
):
    coalition = _coalition_with_partners(world, partners)
    client = client_for(world.user(role))
    with django_assert_num_queries(COALITION_PAGE_QUERIES[role]):
        response = client.get(reverse("coalition_organisations", args=[coalition.slug]))
    assert len(response.context["overview"].partners) == partners + 3


# What each person sees -----------------------------------------------------------------------


def test_dashboard_shows_each_coalition_once_with_all_my_roles(world, client_for):
    AffiliationFactory(user=world.observer, organisation=world.member_org)
    response = client_for(world.observer).get(reverse("home"))
    [coalition] = response.context["coalitions"]
    assert coalition == world.coalition
    assert coalition.my_role == CoalitionRole.MEMBER
    assert sorted(role for _, role in coalition.my_roles) == [CoalitionRole.MEMBER, CoalitionRole.OBSERVER]
    assert coalition.organisation_count == 3
    assert world.other_coalition.name not in response.content.decode()


def test_partners_emails_are_for_colleagues_only_even_for_leads(world, client_for):
    url = reverse("coalition_organisations", args=[world.coalition.slug])
    as_observer = client_for(world.observer).get(url).content.decode()
    assert world.observer.email in as_observer
    assert world.member_staff.email not in as_observer
    assert world.lead.email not in as_observer
    as_lead = client_for(world.lead).get(url).content.decode()
    assert world.lead.email in as_lead
    assert world.member_staff.email not in as_lead and world.observer.email not in as_lead
    assert world.member_staff.display_name in as_lead


def test_pending_invitations_are_for_leads_only(world, client_for):
    invitation = CoalitionInvitationFactory(coalition=world.coalition, email="secret-contact@example.org")
    url = reverse("coalition_organisations", args=[world.coalition.slug])
    assert invitation.email not in client_for(world.org_admin).get(url).content.decode()
    assert invitation.email in client_for(world.lead).get(url).content.decode()


def test_lead_controls_show_for_leads_only(world, client_for):
    url = reverse("coalition_detail", args=[world.coalition.slug])
    settings_link = reverse("coalition_settings", args=[world.coalition.slug])
    assert settings_link in client_for(world.lead).get(url).content.decode()
    assert settings_link not in client_for(world.org_admin).get(url).content.decode()
