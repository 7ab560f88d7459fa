"""Bengali on a phone: the sign-up page speaks no English, the browser's time zone is offered and
kept, and live activity shows times as the server writes them, in the reader's zone."""

import os
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from coalitions.models import AffiliationRole, CoalitionRole, User
from tests.factories import PASSWORD, AffiliationFactory, CoalitionFactory, ParticipationFactory, UserFactory

pytestmark = pytest.mark.browser

expect.set_options(timeout=10_000)
PHONE = {"width": 360, "height": 740}
# Screenshots for people to look at, outside the repository unless told otherwise.
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/coalition-screenshots"))

# What a reader sees, less the language menu (each language in its own name) and the list of
# time zones (IANA names such as America/New_York are written the same in every language).
VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll("script, style, #language-select, select[name=timezone]").forEach((node) => node.remove());
  const attributes = [...copy.querySelectorAll("[placeholder], [aria-label], [title]")]
    .map((node) => [node.placeholder, node.getAttribute("aria-label"), node.title].filter(Boolean).join(" "));
  return copy.innerText + "\\n" + attributes.join("\\n");
}"""
ENGLISH_PHRASE = re.compile(r"[A-Za-z][a-z]+(?:[ ,.'’-]+[A-Za-z][a-z]+)+")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_bengali_sign_up_page_has_no_english_sentence_and_keeps_the_browsers_zone(server, new_context):
    context = new_context(viewport=PHONE, locale="bn-BD", timezone_id="Asia/Dhaka")
    page = context.new_page()
    page.goto(server.url + "/accounts/signup/")

    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.get_by_role("heading", level=1)).to_have_text("সাইন আপ")
    text = page.evaluate(VISIBLE_TEXT)
    assert "পাসওয়ার্ডে অন্তত 10-টি অক্ষর থাকতে হবে।" in text
    assert ENGLISH_PHRASE.findall(text) == []
    # site.js fills in the zone the browser reports.
    expect(page.locator("select[name=timezone]")).to_have_value("Asia/Dhaka")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "bn-signup-360")

    page.locator("#id_email").fill("rina@example.org")
    page.locator("#id_display_name").fill("রিনা")
    page.locator("#id_password1").fill("a-long-new-password")
    page.locator("#id_password2").fill("a-long-new-password")
    page.get_by_role("button", name="সাইন আপ").click()

    expect(page.get_by_role("heading", name="আপনার ইমেইল ঠিকানা যাচাই করুন")).to_be_visible()
    person = User.objects.get(email="rina@example.org")
    assert (person.language, person.timezone) == ("bn", "Asia/Dhaka")
    mail = server.mailbox.wait_for("rina@example.org", "স্বাগতম")
    assert "এই ঠিকানা, rina@example.org, দিয়ে Coalition-এ সাইন আপ করার জন্য ধন্যবাদ।" in server.mailbox.text(mail)


def test_live_activity_reads_in_the_readers_language_and_zone(server, new_context):
    coalition = CoalitionFactory(name="গৃহকর্মী অধিকার জোট", slug="grihokormi")
    lead = UserFactory(display_name="রিনা", language="bn", timezone="Asia/Kolkata")
    affiliation = AffiliationFactory(user=lead, role=AffiliationRole.ADMIN)
    ParticipationFactory(coalition=coalition, organisation=affiliation.organisation, role=CoalitionRole.LEAD)

    context = new_context(viewport=PHONE, locale="en-US", timezone_id="America/New_York")
    page = context.new_page()
    page.goto(server.url + "/accounts/login/")
    page.locator("#id_login").fill(lead.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Signed in, the site speaks the person's language whatever the browser's.
    expect(page.get_by_role("button", name="সাইন আউট")).to_be_visible()
    _shot(page, "bn-home-360")

    page.goto(f"{server.url}/c/{coalition.slug}/")
    expect(page.locator("[data-live-status]")).to_have_attribute("data-state", "on")
    settings_page = context.new_page()
    settings_page.goto(f"{server.url}/c/{coalition.slug}/settings/")
    settings_page.locator("#id_description").fill("নতুন বিবরণ")
    settings_page.locator("form.stacked button[type=submit]").click()

    stamp = page.locator("[data-live-feed] li.new time").first
    expect(stamp).to_be_visible()
    moment = datetime.fromisoformat(stamp.get_attribute("datetime")).astimezone(ZoneInfo("Asia/Kolkata"))
    with translation.override("bn"):
        expected = date_format(moment, "SHORT_DATETIME_FORMAT")
    # The browser itself sits in New York with English settings; the page follows the reader.
    assert stamp.inner_text() == expected
    assert re.fullmatch(r"\d{1,2} \S+ \d{4}, \d\d:\d\d", expected)
