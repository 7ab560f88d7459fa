import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from coalitions import services
from coalitions.audit import audit_record, describe_entry
from coalitions.models import AffiliationRole, AuditEntry, CoalitionRole, Participation
from tests.factories import AffiliationFactory, CoalitionFactory, CoalitionInvitationFactory


@pytest.fixture
def entry(world) -> AuditEntry:
    return audit_record(coalition=world.coalition, actor=world.lead, action="coalition.updated")


def _unchanged(entry: AuditEntry) -> bool:
    stored = AuditEntry.objects.get(pk=entry.pk)
    return (stored.seq, stored.action, stored.actor_name, stored.data) == (1, "coalition.updated", str(entry.actor), {})


def test_entry_cannot_be_saved_again(entry):
    entry.action = "coalition.deleted"
    with pytest.raises(TypeError):
        entry.save()
    assert _unchanged(entry)


def test_entry_cannot_be_deleted(entry):
    with pytest.raises(TypeError):
        entry.delete()
    assert _unchanged(entry)


@pytest.mark.parametrize(
    "change",
    [
        lambda entry: AuditEntry.objects.filter(pk=entry.pk).update(action="x"),
        lambda entry: AuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda entry: AuditEntry.objects.all().delete(),
        lambda entry: entry.coalition.audit_entries.update(data={"forged": True}),
        lambda entry: entry.coalition.audit_entries.all().delete(),
        lambda entry: AuditEntry.objects.bulk_update([entry], ["action"]),
    ],
    ids=["update", "delete", "delete all", "update through the coalition", "delete through the coalition", "bulk update"],
)
def test_entries_cannot_be_changed_in_bulk(entry, change):
    entry.action = "x"
    with pytest.raises(TypeError), transaction.atomic():
        change(entry)
    assert _unchanged(entry)


def test_coalition_with_a_history_cannot_be_deleted(entry):
    with pytest.raises(ProtectedError):
        entry.coalition.delete()
    assert _unchanged(entry)


def test_entry_keeps_the_name_of_a_person_who_deleted_their_account(world, entry):
    name = str(world.lead)
    world.lead.delete()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor is None
    assert stored.actor_name == name


def test_seq_numbers_are_consecutive_per_coalition(world):
    other = world.other_coalition
    other_lead_participation = Participation.objects.get(coalition=other)
    observer = Participation.objects.get(coalition=world.coalition, organisation=world.observer_org)
    for _ in range(2):
        services.participation_role_change(participation=observer, by=world.lead, role=CoalitionRole.MEMBER)
        services.coalition_update(
            coalition=other, by=world.other_lead, name="Equal pay now", description="", language="en",
            require_mfa_for_leads=False,
        )
        services.participation_role_change(participation=observer, by=world.lead, role=CoalitionRole.OBSERVER)
    services.participation_role_change(participation=other_lead_participation, by=world.other_lead, role="lead")
    invitation = services.coalition_invite(
        coalition=world.coalition, by=world.lead, email="a@example.org", organisation_name="A", role="member",
        base_url="http://testserver/",
    )
    services.coalition_invitation_revoke(invitation=invitation, by=world.lead)

    for coalition, count in ((world.coalition, 6), (other, 2)):
        seqs = list(AuditEntry.objects.filter(coalition=coalition).order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, count + 1))
        coalition.refresh_from_db()
        assert coalition.last_event_seq == count


def test_refused_change_uses_no_seq_number(world):
    lead = Participation.objects.get(coalition=world.coalition, organisation=world.lead_org)
    with pytest.raises(services.DomainError):
        services.participation_role_change(participation=lead, by=world.lead, role=CoalitionRole.MEMBER)
    entry = audit_record(coalition=world.coalition, actor=world.lead, action="coalition.updated")
    assert entry.seq == 1


def test_every_action_the_services_record_reads_as_a_sentence(world):
    admin = AffiliationFactory(role=AffiliationRole.ADMIN, organisation__acronym="NEW")
    coalition = services.coalition_create(
        by=world.lead, lead_organisation=world.lead_org, name="Fresh", slug="fresh", language="en"
    )
    services.coalition_update(
        coalition=coalition, by=world.lead, name="Fresh 2", description="", language="en", require_mfa_for_leads=False
    )
    invitation = services.coalition_invite(
        coalition=coalition, by=world.lead, email="x@example.org", organisation_name="NEW", role="member",
        base_url="http://testserver/",
    )
    services.coalition_invitation_revoke(invitation=invitation, by=world.lead)
    invitation = CoalitionInvitationFactory(coalition=coalition, role="member", email=admin.user.email)
    participation = services.coalition_invitation_accept(invitation=invitation, user=admin.user, organisation=admin.organisation)
    services.participation_role_change(participation=participation, by=world.lead, role=CoalitionRole.OBSERVER)
    services.participation_remove(participation=participation, by=world.lead)
    joined = services.coalition_invitation_accept(
        invitation=CoalitionInvitationFactory(coalition=coalition, email=admin.user.email), user=admin.user, organisation=admin.organisation
    )
    services.coalition_leave(coalition=coalition, organisation=joined.organisation, by=admin.user)

    entries = list(coalition.audit_entries.order_by("seq"))
    assert [entry.action for entry in entries] == [
        "coalition.created", "coalition.updated", "invitation.sent", "invitation.revoked", "organisation.joined",
        "organisation.role_changed", "organisation.removed", "organisation.joined", "organisation.left",
    ]
    for entry in entries:
        text = describe_entry(entry)
        assert text != f"{entry.actor_name}: {entry.action}", entry.action
        assert "%(" not in text


def test_activity_page_lists_entries_newest_first_in_pages_of_50(world, client_for):
    for number in range(55):
        audit_record(coalition=world.coalition, actor=world.lead, action="invitation.revoked", data={"organisation": f"Org {number}"})
    client = client_for(world.observer)
    first = client.get(reverse("coalition_audit", args=[world.coalition.slug]))
    assert [entry.seq for entry, _ in first.context["entries"]] == list(range(55, 5, -1))
    assert "withdrew the invitation to Org 54" in first.content.decode()
    second = client.get(reverse("coalition_audit", args=[world.coalition.slug]), {"page": 2})
    assert [entry.seq for entry, _ in second.context["entries"]] == [5, 4, 3, 2, 1]


def test_other_coalitions_entries_do_not_show(world, client_for):
    audit_record(coalition=world.other_coalition, actor=world.other_lead, action="coalition.updated")
    audit_record(coalition=CoalitionFactory(), actor=None, action="coalition.updated")
    response = client_for(world.lead).get(reverse("coalition_audit", args=[world.coalition.slug]))
    assert response.context["entries"] == []
