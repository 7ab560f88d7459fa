"""A lead watching the petition's dashboard, through a real ASGI server and Debian's Chromium: a
signature the public confirms shows in its counts within two seconds, without a reload."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import signed_in_page
from tests.factories import CampaignFactory, PetitionFactory, PetitionTextFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def petition(world):
    campaign = CampaignFactory(coalition=world.coalition, slug="c189", title="Ratify ILO C189")
    petition = PetitionFactory(campaign=campaign, slug="ratify-c189", goal=100)
    PetitionTextFactory(petition=petition)
    return petition


def test_the_dashboard_counts_a_signature_its_signer_confirms_without_a_reload(server, new_context, world, petition):
    lead = signed_in_page(new_context, server, world.lead)
    lead.goto(server.url + reverse("petition_dashboard", args=[world.coalition.slug, "c189", petition.slug]))
    expect(lead.locator("[data-live-status]")).to_have_attribute("data-state", "on")
    lead.evaluate("window.notReloaded = true")
    total = lead.locator(".petition-counts .total strong")
    expect(total).to_have_text("0")

    signer = new_context(viewport=PHONE).new_page()
    signer.goto(server.url + "/p/ratify-c189/")
    signer.get_by_label("Name", exact=True).fill("Asha Devi")
    signer.get_by_label("Email", exact=True).fill("asha@example.org")
    signer.get_by_label("Region", exact=True).select_option("Kerala")
    signer.get_by_role("button", name="Sign", exact=True).click()
    mail = server.mailbox.wait_for("asha@example.org", "confirm your signature")
    signer.goto(re.search(r"http://\S+/confirm/\S+/", server.mailbox.text(mail)).group(0))
    expect(total).to_have_text("0")  # signing alone counts nothing
    signer.get_by_role("button", name="Confirm my signature").click()
    expect(signer.get_by_text("Thank you, your signature counts.")).to_be_visible()

    expect(total).to_have_text("1", timeout=2000)
    expect(lead.locator(".region-counts")).to_contain_text("Kerala")
    assert lead.evaluate("window.notReloaded") is True
    assert "Asha" not in lead.content()
