import re

import pytest
from django.http import Http404
from django.urls import reverse

from coalitions import services
from coalitions.errors import DomainError
from coalitions.models import AffiliationRole, AuditEntry, Coalition, CoalitionRole, Participation
from tests.factories import AffiliationFactory, CoalitionFactory, CoalitionInvitationFactory

from .support import db_snapshot


def _roles(coalition) -> dict:
    return {p.organisation_id: p.role for p in Participation.objects.filter(coalition=coalition)}


def _actions(coalition) -> list[str]:
    return list(coalition.audit_entries.order_by("seq").values_list("action", flat=True))


# Creating a coalition --------------------------------------------------------------------------


def test_creating_a_coalition_makes_the_organisation_lead_and_records_it(client_for):
    admin = AffiliationFactory(role=AffiliationRole.ADMIN, organisation__acronym="NDWM")
    response = client_for(admin.user).post(
        reverse("coalition_create"),
        {"name": "Domestic workers' rights", "slug": "", "description": "C189", "language": "en",
         "lead_organisation": admin.organisation.pk},
    )
    coalition = Coalition.objects.get()
    assert re.fullmatch(r"domestic-workers-rights-[a-z0-9]{4}", coalition.slug)
    assert response.url == reverse("coalition_detail", args=[coalition.slug])
    assert _roles(coalition) == {admin.organisation_id: CoalitionRole.LEAD}
    entry = coalition.audit_entries.get()
    assert (entry.seq, entry.action, entry.actor, entry.data) == (1, "coalition.created", admin.user, {"organisation": "NDWM"})
    assert coalition.last_event_seq == 1


def test_person_without_an_organisation_is_sent_to_register_one_first(user, client_for):
    response = client_for(user).post(
        reverse("coalition_create"), {"name": "X", "slug": "x", "language": "en", "lead_organisation": ""}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("organisation_create"))
    assert not Coalition.objects.exists()


def test_staff_cannot_make_their_organisation_lead_of_a_new_coalition(client_for):
    staff = AffiliationFactory(role=AffiliationRole.STAFF)
    AffiliationFactory(user=staff.user, role=AffiliationRole.ADMIN)
    response = client_for(staff.user).post(
        reverse("coalition_create"),
        {"name": "X", "slug": "x", "language": "en", "lead_organisation": staff.organisation.pk},
    )
    assert response.status_code == 200
    assert "lead_organisation" in response.context["form"].errors
    assert not Coalition.objects.exists()


def _create(client, organisation, name: str, slug: str):
    return client.post(
        reverse("coalition_create"),
        {"name": name, "slug": slug, "language": "en", "lead_organisation": organisation.pk},
    )


@pytest.mark.parametrize("typed", ["slug", "name"])
def test_the_new_coalition_form_does_not_tell_whether_a_short_name_exists(world, client_for, typed):
    # The outsider cannot see "equal-pay"; creating with its name or short name must look the
    # same as creating with one that exists nowhere.
    outsider = client_for(world.outsider)
    organisation = world.outsider.affiliations.get().organisation
    existing = ("Equal pay", "") if typed == "name" else ("Anything", world.other_coalition.slug)
    fresh = ("Fair wages", "") if typed == "name" else ("Anything", "fair-wages")

    pages = []
    for name, slug in (existing, fresh):
        response = _create(outsider, organisation, name, slug)
        assert response.status_code == 302
        pages.append((response.url, [str(m) for m in outsider.get(response.url).context["messages"]]))

    (taken_url, taken_messages), (free_url, free_messages) = pages
    assert re.fullmatch(r"/c/equal-pay-[a-z0-9]{4}/", taken_url)
    assert re.fullmatch(r"/c/fair-wages-[a-z0-9]{4}/", free_url)
    assert taken_messages == free_messages
    assert Coalition.objects.get(slug="equal-pay") == world.other_coalition


def test_a_name_without_latin_letters_still_gets_a_link(world, client_for):
    response = _create(client_for(world.lead), world.lead_org, "গৃহকর্মী অধিকার", "")
    assert re.fullmatch(r"/c/coalition-[a-z0-9]{4}/", response.url)


def test_the_service_never_reuses_a_short_name(world):
    coalition = services.coalition_create(
        by=world.lead, lead_organisation=world.lead_org, name="Again", slug=world.coalition.slug, language="en"
    )
    assert coalition.slug.startswith(world.coalition.slug + "-")
    assert Coalition.objects.get(slug=world.coalition.slug) == world.coalition


def test_lead_updates_the_settings_and_it_is_recorded(world, client_for):
    response = client_for(world.lead).post(
        reverse("coalition_settings", args=[world.coalition.slug]),
        {"name": "Domestic workers now", "description": "", "language": "fr", "adoption_rule": "all"},
    )
    assert response.status_code == 302
    world.coalition.refresh_from_db()
    assert (world.coalition.name, world.coalition.language) == ("Domestic workers now", "fr")
    assert _actions(world.coalition) == ["coalition.updated"]


# The coalition always keeps a lead ------------------------------------------------------------


def test_last_lead_cannot_leave(world, client_for):
    before = db_snapshot()
    response = client_for(world.lead).post(
        reverse("coalition_leave", args=[world.coalition.slug]), {"organisation": world.lead_org.pk}, follow=True
    )
    assert "needs at least one lead organisation" in response.content.decode()
    assert db_snapshot() == before


def test_last_lead_cannot_be_removed(world, client_for):
    participation = Participation.objects.get(coalition=world.coalition, organisation=world.lead_org)
    before = db_snapshot()
    response = client_for(world.lead).post(
        reverse("participation_remove", args=[world.coalition.slug, participation.pk]), follow=True
    )
    assert "needs at least one lead organisation" in response.content.decode()
    assert db_snapshot() == before


@pytest.mark.parametrize("role", [CoalitionRole.MEMBER, CoalitionRole.OBSERVER])
def test_last_lead_cannot_be_demoted(world, client_for, role):
    participation = Participation.objects.get(coalition=world.coalition, organisation=world.lead_org)
    before = db_snapshot()
    response = client_for(world.lead).post(
        reverse("participation_role", args=[world.coalition.slug, participation.pk]), {"role": role}, follow=True
    )
    assert "needs at least one lead organisation" in response.content.decode()
    assert db_snapshot() == before


def test_last_lead_rules_hold_in_the_services(world):
    participation = Participation.objects.get(coalition=world.coalition, organisation=world.lead_org)
    before = db_snapshot()
    with pytest.raises(DomainError):
        services.coalition_leave(coalition=world.coalition, organisation=world.lead_org, by=world.lead)
    with pytest.raises(DomainError):
        services.participation_remove(participation=participation, by=world.lead)
    with pytest.raises(DomainError):
        services.participation_role_change(participation=participation, by=world.lead, role=CoalitionRole.OBSERVER)
    assert db_snapshot() == before


def test_handing_over_the_lead_works_and_is_recorded(world, client_for):
    client = client_for(world.lead)
    member = Participation.objects.get(coalition=world.coalition, organisation=world.member_org)
    mine = Participation.objects.get(coalition=world.coalition, organisation=world.lead_org)

    client.post(reverse("participation_role", args=[world.coalition.slug, member.pk]), {"role": "lead"})
    client.post(reverse("participation_role", args=[world.coalition.slug, mine.pk]), {"role": "observer"})

    assert _roles(world.coalition) == {
        world.lead_org.pk: CoalitionRole.OBSERVER,
        world.member_org.pk: CoalitionRole.LEAD,
        world.observer_org.pk: CoalitionRole.OBSERVER,
    }
    entries = list(world.coalition.audit_entries.order_by("seq"))
    assert [(e.action, e.actor, e.data) for e in entries] == [
        ("organisation.role_changed", world.lead,
         {"organisation": world.member_org.short_name, "old": "member", "new": "lead"}),
        ("organisation.role_changed", world.lead,
         {"organisation": world.lead_org.short_name, "old": "lead", "new": "observer"}),
    ]
    # The former lead now only watches; the new lead's admin runs the coalition.
    assert client.get(reverse("coalition_settings", args=[world.coalition.slug])).status_code == 403
    assert client_for(world.org_admin).get(reverse("coalition_settings", args=[world.coalition.slug])).status_code == 200


def test_former_lead_may_leave_after_handing_over(world, client_for):
    services.participation_role_change(
        participation=Participation.objects.get(coalition=world.coalition, organisation=world.member_org),
        by=world.lead, role=CoalitionRole.LEAD,
    )
    response = client_for(world.lead).post(
        reverse("coalition_leave", args=[world.coalition.slug]), {"organisation": world.lead_org.pk}
    )
    assert response.url == reverse("home")
    assert world.lead_org.pk not in _roles(world.coalition)
    assert _actions(world.coalition)[-1] == "organisation.left"


def test_unchanged_role_records_nothing(world):
    participation = Participation.objects.get(coalition=world.coalition, organisation=world.member_org)
    services.participation_role_change(participation=participation, by=world.lead, role=CoalitionRole.MEMBER)
    assert _actions(world.coalition) == []


def test_lead_removes_an_organisation_and_it_is_recorded(world, client_for):
    participation = Participation.objects.get(coalition=world.coalition, organisation=world.observer_org)
    client_for(world.lead).post(reverse("participation_remove", args=[world.coalition.slug, participation.pk]))
    assert world.observer_org.pk not in _roles(world.coalition)
    entry = world.coalition.audit_entries.get()
    assert (entry.action, entry.data) == ("organisation.removed", {"organisation": world.observer_org.short_name})


def test_lead_cannot_reach_another_coalitions_organisations_or_invitations(world, client_for):
    foreign_participation = Participation.objects.get(coalition=world.other_coalition)
    foreign_invitation = CoalitionInvitationFactory(coalition=world.other_coalition)
    client = client_for(world.lead)
    slug = world.coalition.slug
    before = db_snapshot()
    assert client.post(reverse("participation_role", args=[slug, foreign_participation.pk]), {"role": "observer"}).status_code == 404
    assert client.post(reverse("participation_remove", args=[slug, foreign_participation.pk])).status_code == 404
    assert client.post(reverse("coalition_invitation_revoke", args=[slug, foreign_invitation.pk])).status_code == 404
    assert db_snapshot() == before


def test_lead_of_one_coalition_is_nobody_in_another(world):
    other = CoalitionFactory()
    before = db_snapshot()
    with pytest.raises(Http404):
        services.coalition_update(
            coalition=other, by=world.lead, name="Hijacked", description="", language="en", require_mfa_for_leads=False
        )
    assert db_snapshot() == before
    assert AuditEntry.objects.filter(coalition=other).count() == 0
