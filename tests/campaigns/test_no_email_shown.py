"""A person who left their display name blank is never shown to partners by their email address."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import services as campaign_services
from coalitions import services
from coalitions.audit import describe_entry
from coalitions.models import AuditEntry, CoalitionRole
from tests.factories import TaskFactory


@pytest.fixture
def nameless(world):
    for person in (world.lead, world.member_staff):
        person.display_name = ""
        person.save(update_fields=["display_name"])
    return world


def _page(user, url) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_nobody_nameless_is_shown_by_email_to_partners(nameless, campaign, target, mailoutbox, django_capture_on_commit_callbacks):
    world = nameless
    with django_capture_on_commit_callbacks(execute=True):
        services.coalition_invite(
            coalition=world.coalition, by=world.lead, email="contact@union.example", organisation_name="Union",
            role=CoalitionRole.MEMBER, base_url="http://testserver/",
        )
    task = campaign_services.task_plan(
        campaign=campaign, by=world.member_staff, target=target, organisation=world.member_org, channel="meeting",
        due_on=date.today(), assignee=world.member_staff,
    )
    open_task = TaskFactory(campaign=campaign, target=target, organisation=world.member_org, assignee=world.member_staff)
    campaign_services.task_complete(
        task=task, by=world.member_staff, happened_on=date.today(), channel="meeting", outcome="committed",
        summary="Met the joint secretary.", stance=2,
    )
    emails = [world.lead.email, world.member_staff.email]
    slug, c = world.coalition.slug, campaign.slug
    seen = [
        _page(world.observer, reverse("coalition_detail", args=[slug])),
        _page(world.observer, reverse("coalition_audit", args=[slug])),
        _page(world.observer, reverse("target_detail", args=[slug, c, target.pk])),
        _page(world.observer, reverse("plan_board", args=[slug, c])),
        _page(world.observer, reverse("plan_csv", args=[slug, c])),
        _page(world.org_admin, reverse("task_complete", args=[slug, c, open_task.pk])),
        _page(world.lead, reverse("task_edit", args=[slug, c, open_task.pk])),
        *(describe_entry(entry) for entry in AuditEntry.objects.all()),
        *(entry.actor_name for entry in AuditEntry.objects.all()),
        mailoutbox[0].body,
    ]
    for text in seen:
        for email in emails:
            assert email not in text
    trail = " ".join(describe_entry(entry) for entry in AuditEntry.objects.order_by("seq"))
    assert f"A person at {world.lead_org.short_name} invited Union" in trail
    assert f"contacted Ministry of Labour: committed (a person at {world.member_org.short_name})." in trail
    assert f"A person at {world.lead_org.short_name} invites" in mailoutbox[0].body


def test_the_migration_rewrites_addresses_already_in_the_trail(nameless):
    import importlib

    from django.apps import apps

    world = nameless
    migration = importlib.import_module("coalitions.migrations.0005_security_audit_actor_names")
    AuditEntry.objects.create(
        coalition=world.coalition, seq=100, actor=world.member_staff, actor_name=world.member_staff.email,
        action="task.completed", data={"organisation": "X", "target": "T", "outcome": "committed"},
    )
    AuditEntry.objects.create(
        coalition=world.coalition, seq=101, actor=None, actor_name="gone@example.org", action="coalition.updated",
    )
    AuditEntry.objects.create(
        coalition=world.coalition, seq=102, actor=world.org_admin, actor_name="Asha", action="coalition.updated",
    )

    migration.forget_addresses(apps, None)

    named, gone, kept = AuditEntry.objects.filter(seq__gte=100).order_by("seq")
    assert (named.actor_name, named.data["actor_organisation"]) == ("", world.member_org.short_name)
    assert describe_entry(named) == f"X contacted T: committed (a person at {world.member_org.short_name})."
    assert (gone.actor_name, describe_entry(gone)) == ("", "A person updated the coalition's settings.")
    assert kept.actor_name == "Asha"
