"""A member on their dashboard sees the count of what concerns them go up as a partner mentions
their organisation, with no reload, and reaches the message from it in two taps."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import signed_in_page
from tests.factories import CampaignFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_the_header_count_follows_a_mention_and_leads_to_it(server, new_context, world):
    campaign = CampaignFactory(coalition=world.coalition, slug="c189", title="Ratify ILO C189")
    b = signed_in_page(new_context, server, world.member_staff, viewport=PHONE)
    b.goto(server.url + reverse("home"))
    count = b.locator("[data-unread-count]")
    expect(count).to_be_hidden()
    b.evaluate("window.notReloaded = true")

    a = signed_in_page(new_context, server, world.lead)
    a.goto(server.url + reverse("discussion", args=[world.coalition.slug, campaign.slug]))
    a.get_by_label("Message").fill(f"@{world.member_org.acronym} can you call the Secretary?")
    a.get_by_role("button", name="Send").click()
    expect(a.locator(".message-body").last).to_contain_text("can you call the Secretary?")

    expect(count).to_be_visible(timeout=3000)
    expect(count.locator("[data-unread-number]")).to_have_text("1")
    assert b.evaluate("window.notReloaded") is True

    b.locator("[data-notifications]").click()
    b.get_by_role("button", name=f"mentioned {world.member_org.acronym} in the discussion of Ratify ILO C189").click()
    expect(b).to_have_url(re.compile(r"/discussion/#message-\d+$"))
    expect(b.locator("[data-unread-count]")).to_be_hidden()
