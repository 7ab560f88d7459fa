"""On a 360×740 phone: sign the petition in one tap, confirm from the mail, see the count go up;
and without JavaScript, sign all the same."""

import re
import time

import pytest
from playwright.sync_api import expect

from signatures import services
from signatures.models import Signature
from tests.factories import CampaignFactory, CoalitionFactory, PetitionFactory, PetitionTextFactory

pytestmark = pytest.mark.browser

expect.set_options(timeout=20_000)
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def petition(transactional_db):
    campaign = CampaignFactory(coalition=CoalitionFactory(slug="india"), slug="c189", title="Ratify ILO C189")
    petition = PetitionFactory(campaign=campaign, slug="ratify-c189", goal=100)
    PetitionTextFactory(petition=petition)
    return petition


def _fill(page, name: str, email: str) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Region", exact=True).select_option("Kerala")
    page.get_by_label("Initials and region").check()


def test_sign_confirm_from_the_mail_and_see_the_count_go_up(server, new_context, petition):
    page = new_context(viewport=PHONE).new_page()
    page.goto(server.url + "/p/ratify-c189/")
    expect(page.get_by_role("heading", name="Ratify ILO Convention 189")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator('[data-count="total"]')).to_have_text("0")

    _fill(page, "Asha Devi", "asha@example.org")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name="Please check your email")).to_be_visible()

    mail = server.mailbox.wait_for("asha@example.org", "confirm your signature")
    confirm_url = re.search(r"http://\S+/confirm/\S+/", server.mailbox.text(mail)).group(0)
    page.goto(confirm_url)
    assert Signature.objects.get().confirmed_at is None  # opening the link confirms nothing
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_text("Thank you, your signature counts.")).to_be_visible()

    page.goto(server.url + "/p/ratify-c189/")
    services.tallies_add_confirmed()  # what the worker does every two seconds
    expect(page.locator('[data-count="total"]')).to_have_text("1")
    assert page.locator("progress").get_attribute("value") == "1"
    # The page itself is shared from the cache for a few seconds; then it names her as she chose.
    deadline = time.monotonic() + 15
    while not page.get_by_text("A. D., Kerala").count() and time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.get_by_text("A. D., Kerala")).to_be_visible()
    assert "Asha" not in page.content()


def test_without_javascript_signing_takes_one_more_tap_and_nothing_is_typed_twice(server, new_context, petition):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(server.url + "/p/ratify-c189/")
    _fill(page, "Meena Kumari", "meena@example.org")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_text("press “Sign” once more")).to_be_visible()
    assert not Signature.objects.exists()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Meena Kumari")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name="Please check your email")).to_be_visible()
    assert Signature.objects.get().name == "Meena Kumari"
