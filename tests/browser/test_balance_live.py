"""A partner keeps the balance of power open on a phone, through a real ASGI server and Debian's
Chromium: it fits the screen, and a task another partner checks off shows in it without a reload."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns import services
from tests.browser.conftest import signed_in_page
from tests.factories import CampaignFactory, TargetFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_the_balance_fits_a_phone_and_counts_a_partners_check_off_in_place(server, new_context, world):
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    task = services.task_plan(
        campaign=campaign, by=world.lead, target=TargetFactory(campaign=campaign, name="Ministry of Labour"),
        organisation=world.lead_org, channel="meeting", due_on=date(2026, 12, 10), acknowledge_overlap=True,
    )
    member = signed_in_page(new_context, server, world.member_staff, viewport=PHONE)
    member.goto(server.url + reverse("coalition_balance", args=[world.coalition.slug]) + "?period=30d")
    expect(member.locator("[data-live-status]")).to_have_attribute("data-state", "on")
    member.evaluate("window.notReloaded = true")
    assert member.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert member.locator(".balance-chart svg").bounding_box()["width"] <= PHONE["width"]
    lead_row = member.locator(".balance-table tbody tr").first
    expect(lead_row).to_contain_text(world.lead_org.name)
    expect(lead_row.locator("td").nth(1)).to_have_text("0")  # tasks done

    lead = signed_in_page(new_context, server, world.lead)
    lead.goto(server.url + reverse("task_complete", args=[world.coalition.slug, campaign.slug, task.pk]))
    lead.get_by_label("Summary").fill("The Secretary agreed to table it.")
    lead.get_by_label("Outcome").select_option("committed")
    lead.locator("form button[type=submit].primary").first.click()

    expect(lead_row.locator("td").nth(1)).to_have_text("1", timeout=2000)
    expect(member.locator(".balance-summary")).to_contain_text("100% of the work")
    assert member.evaluate("window.notReloaded") is True
