"""The site's chrome on a 360×740 phone: a compact header and campaign tabs, a power map whose
names wrap between words only, and a live-connection dot that says what it means."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import StanceAssessment, TargetOrganisation
from tests.browser.conftest import signed_in_page
from tests.factories import CampaignFactory, TargetFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
LONG_NAMES = [
    "Ministère de la fonction publique, du travail et de la sécurité sociale",
    "Ministère de la solidarité nationale, des droits de la personne humaine et du genre",
    "Commission parlementaire permanente chargée des affaires sociales",
    "Confédération des syndicats du Burundi",
    "Organisation internationale du travail",
]

# Every word of the given elements whose letters do not all sit on one line.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const element of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def _signed_in(new_context, server, user):
    return signed_in_page(new_context, server, user, viewport=PHONE)


@pytest.fixture
def french_campaign(world):
    campaign = CampaignFactory(coalition=world.coalition, slug="carte-cam", language="fr")
    for index, name in enumerate(LONG_NAMES):
        # One per stance column, all in the top row: the hardest case for a narrow screen.
        target = TargetFactory(campaign=campaign, name=name, influence=5)
        StanceAssessment.objects.create(
            target=target, stance=index - 2, assessed_on=date(2026, 11, 1), organisation=world.lead_org
        )
        TargetOrganisation.objects.create(target=target, organisation=world.lead_org, role="lead")
    return campaign


@pytest.mark.parametrize("language", ["fr", "en", "bn"])
def test_the_power_map_never_breaks_a_word_on_a_phone(server, new_context, world, french_campaign, language):
    world.member_staff.language = language
    world.member_staff.save(update_fields=["language"])
    page = _signed_in(new_context, server, world.member_staff)

    page.goto(server.url + reverse("power_map", args=[world.coalition.slug, french_campaign.slug]))

    assert page.locator(".power-map .chip").count() == len(LONG_NAMES)
    assert page.evaluate(BROKEN_WORDS, ".chip, .power-map-stance") == []
    # No name spills out of its chip either.
    assert page.evaluate(
        "[...document.querySelectorAll('.power-map .chip')].filter((chip) => chip.scrollWidth > chip.clientWidth + 1).length"
    ) == 0
    # Five long words cannot share 360 pixels: then the map scrolls sideways in its box, and the
    # page itself never does.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.locator(".power-map-box").evaluate("(box) => getComputedStyle(box).overflowX") == "auto"
    page.screenshot(path=str(server.log.parent / f"power-map-{language}.png"))


@pytest.mark.parametrize("language", ["en", "fr", "bn"])
def test_header_and_campaign_tabs_leave_the_screen_to_the_page(server, new_context, world, french_campaign, language):
    world.member_staff.language = language
    world.member_staff.save(update_fields=["language"])
    page = _signed_in(new_context, server, world.member_staff)

    page.goto(server.url + reverse("plan_board", args=[world.coalition.slug, french_campaign.slug]))

    # The header, the trail back to the coalition and the tabs together take at most a fifth
    # of the screen, whatever the language; before, they took more than a third.
    tabs = page.locator(".campaign-tabs").bounding_box()
    assert tabs["y"] + tabs["height"] <= 740 / 5, tabs
    # Every tab stays reachable (the row scrolls sideways) and the current one is in view.
    current = page.locator(".campaign-tabs [aria-current=page]")
    expect(current).to_be_in_viewport()
    assert page.locator(".campaign-tabs a").count() == 9
    # Sign out and the language stay in the header.
    expect(page.locator(".site-header button[type=submit]").first).to_be_visible()
    expect(page.locator("#language-select")).to_be_visible()


def test_the_live_dot_says_in_words_whether_the_page_is_live(server, new_context, world, french_campaign):
    page = _signed_in(new_context, server, world.member_staff)
    board = server.url + reverse("plan_board", args=[world.coalition.slug, french_campaign.slug])

    page.goto(board)
    status = page.locator("[data-live-status]")
    expect(status).to_have_text("Live")
    expect(status).to_have_attribute("data-state", "on")

    # From here on the socket goes through the test, which can cut it.
    sockets = []
    page.route_web_socket("**/ws/**", lambda socket: (sockets.append(socket), socket.connect_to_server()))
    page.goto(board)
    expect(status).to_have_text("Live")
    sockets[-1].close(code=1011)
    expect(status).to_have_text("Reconnecting…")
    expect(status).to_have_text("Live")  # it tried again by itself
    assert len(sockets) == 2

    sockets[-1].close(code=4403)  # the server refused this person: trying again would not help
    expect(status).to_have_text("Not updating: reload the page")
