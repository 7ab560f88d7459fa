"""A decision through a real ASGI server and Debian's Chromium: two organisations consent, a third
objects with its reasons, and the outcome appears on the page a partner has open, without a reload."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaigns import decisions as services
from coalitions.models import AffiliationRole, CoalitionRole
from tests.browser.conftest import signed_in_page
from tests.factories import person_in

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_votes_and_the_outcome_reach_a_partners_open_page(server, new_context, world):
    third = person_in(world.coalition, CoalitionRole.MEMBER, org_role=AffiliationRole.ADMIN)
    third_org = third.affiliations.get().organisation
    decision = services.decision_propose(
        coalition=world.coalition, by=world.lead, organisation=world.lead_org, question="Position commune sur la CAM ?",
        options=["Remplacer la CAM par les mutuelles"], deadline=timezone.now() + timedelta(days=2), method="consent",
    )
    url = server.url + reverse("decision_detail", args=[world.coalition.slug, decision.pk])

    watcher = signed_in_page(new_context, server, world.observer, viewport=PHONE)
    watcher.goto(url)
    expect(watcher.locator("[data-live-status]")).to_have_attribute("data-state", "on")
    watcher.evaluate("window.notReloaded = true")

    lead = signed_in_page(new_context, server, world.lead, viewport=PHONE)
    lead.goto(url)
    lead.locator(f"#ballot-form-{world.lead_org.pk}").get_by_label("Consent").check()
    lead.locator(f"#ballot-form-{world.lead_org.pk}").get_by_role("button", name="Vote").click()
    expect(watcher.locator(f"#ballot-{world.lead_org.pk}")).to_contain_text("Consent", timeout=3000)

    member = signed_in_page(new_context, server, world.member_staff)
    member.goto(url)
    member.locator(f"#ballot-form-{world.member_org.pk}").get_by_label("Consent").check()
    member.locator(f"#ballot-form-{world.member_org.pk}").get_by_role("button", name="Vote").click()

    objector = signed_in_page(new_context, server, third)
    objector.goto(url)
    form = objector.locator(f"#ballot-form-{third_org.pk}")
    form.get_by_label("Object").check()
    form.get_by_label("Reasons").fill("Les ménages pauvres perdraient leur couverture.")
    form.get_by_role("button", name="Vote").click()
    expect(watcher.locator(f"#ballot-{third_org.pk}")).to_contain_text("Les ménages pauvres perdraient leur couverture.", timeout=3000)
    expect(watcher.locator(f"#ballot-{world.member_org.pk}")).to_contain_text("Consent")

    # The worker closes it at the deadline. Closed from this process, whose channel layer the server
    # may not share (the embedded default): the page learns of it at the latest at the socket's beat.
    services.decision_close(decision=decision, now=decision.deadline)

    expect(watcher.locator("[data-decision-outcome]")).to_contain_text("Not passed", timeout=30000)
    expect(watcher.locator("[data-decision-status]")).to_have_text("Not passed")
    assert watcher.evaluate("window.notReloaded") is True
