"""End to end through a real ASGI server: sign-up, a coalition, an invitation, live activity, privacy."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from coalitions.models import AffiliationRole, CoalitionInvitation, CoalitionRole
from tests.factories import PASSWORD, AffiliationFactory, CoalitionFactory, ParticipationFactory, UserFactory

pytestmark = pytest.mark.browser

expect.set_options(timeout=10_000)
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"

# Opens a websocket from the page and reports the first thing that happens to it.
SOCKET_OUTCOME = """(url) => new Promise((resolve) => {
  const socket = new WebSocket(url);
  socket.onopen = () => { socket.close(); resolve("open"); };
  socket.onclose = (event) => resolve("closed " + event.code);
})"""


def label(text: str) -> re.Pattern:
    """A field's whole label, whether or not the form puts a colon after it."""
    return re.compile(rf"^{re.escape(text)}:?$")


def sign_up(page: Page, *, email: str | None, display_name: str, password: str) -> None:
    if email is not None:
        page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_label(label("Password (again)")).fill(password)
    page.get_by_label(label("Your name as partners will see it")).fill(display_name)
    page.get_by_role("button", name="Sign up").click()


def sign_in(page: Page, base_url: str, *, email: str, password: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def describe_organisation(page: Page | Locator, *, acronym: str, kind: str, country: str, name: str | None = None) -> None:
    if name is not None:
        page.get_by_label(label("Name")).fill(name)
    page.get_by_label(label("Acronym")).fill(acronym)
    page.get_by_label(label("Kind")).select_option(label=kind)
    page.get_by_label(label("Country")).select_option(label=country)


def test_from_sign_up_to_a_coalition_of_two_organisations(server, new_context):
    base = server.url
    password = "correct horse battery staple"
    lead_email = "amina@workers-forum.example.org"
    invitee_email = "ravi@domestic-union.example.org"

    # The lead signs up and verifies the address from the mail.
    lead_page = new_context().new_page()
    lead_page.goto(base + "/")
    lead_page.get_by_role("navigation").get_by_role("link", name="Sign up").click()
    sign_up(lead_page, email=lead_email, display_name="Amina", password=password)
    expect(lead_page.get_by_role("heading", name=re.compile("verify", re.I))).to_be_visible()
    confirmation = server.mailbox.wait_for(lead_email, "confirm")
    lead_page.goto(server.mailbox.link(confirmation, base))
    lead_page.get_by_role("button", name="Confirm").click()
    expect(lead_page.get_by_role("heading", name="Hello, Amina")).to_be_visible()

    # A coalition is made of organisations, so the lead registers one first.
    lead_page.get_by_role("link", name="Create a coalition").click()
    expect(lead_page).to_have_url(re.compile(r"/organisations/new/"))
    expect(lead_page.get_by_text("First register your organisation")).to_be_visible()
    describe_organisation(lead_page, name="Domestic Workers' Forum", acronym="DWF", kind="NGO", country="India")
    lead_page.get_by_role("button", name="Save").click()
    expect(lead_page.get_by_role("heading", name="Create a coalition")).to_be_visible()
    lead_page.get_by_label(label("Name")).fill("Fair Wages Alliance")
    lead_page.get_by_role("button", name="Create").click()
    expect(lead_page.get_by_role("heading", name="Fair Wages Alliance", level=1)).to_be_visible()
    coalition_url = lead_page.url
    assert re.fullmatch(re.escape(base) + r"/c/fair-wages-alliance-[a-z0-9]{4}/", coalition_url)

    # The lead invites a second organisation through one of its people.
    lead_page.get_by_role("link", name="Invite an organisation").click()
    lead_page.get_by_label(label("Email of the contact person")).fill(invitee_email)
    lead_page.get_by_label(label("Organisation")).fill("Domestic Union")
    lead_page.get_by_label(label("Role")).select_option(label="Member")
    lead_page.get_by_role("button", name="Send invitation").click()
    expect(lead_page.get_by_text(f"Invitation sent to {invitee_email}.")).to_be_visible()
    expect(lead_page).to_have_url(coalition_url)

    # The lead's page stays open; its socket is connected before anyone joins.
    feed = lead_page.locator("[data-live-feed]")
    expect(lead_page.locator("[data-live-status]")).to_have_text("Live")
    lead_page.evaluate("window.notReloaded = true")

    # The invitee opens the link from the mail in a browser of their own and creates an account.
    invitation = server.mailbox.wait_for(invitee_email, "Invitation to join Fair Wages Alliance")
    invitation_url = server.mailbox.link(invitation, base)
    invitee_page = new_context().new_page()
    invitee_page.goto(invitation_url)
    expect(invitee_page.get_by_role("heading", name="You are invited")).to_be_visible()
    invitee_page.get_by_role("link", name="Create an account").click()
    expect(invitee_page.get_by_label(label("Email"))).to_have_value(invitee_email)
    sign_up(invitee_page, email=None, display_name="Ravi", password=password)

    # The address came with the invitation, so no verification step: straight back to it.
    expect(invitee_page.get_by_role("heading", name="Join the coalition")).to_be_visible()
    assert invitee_page.url == invitation_url
    new_organisation = invitee_page.locator("#new-organisation")
    expect(new_organisation.get_by_label(label("Name"))).to_have_value("Domestic Union")
    describe_organisation(new_organisation, acronym="DU", kind="Trade union", country="India")
    invitee_page.get_by_role("button", name="Accept and join").click()

    expect(invitee_page).to_have_url(coalition_url)
    expect(invitee_page.get_by_text("Welcome to Fair Wages Alliance.")).to_be_visible()
    expect(invitee_page.get_by_role("heading", name="Fair Wages Alliance", level=1)).to_be_visible()
    partners = invitee_page.locator(".partners")
    expect(partners.get_by_role("heading", name="Domestic Workers' Forum")).to_be_visible()
    expect(partners.get_by_role("heading", name="Domestic Union")).to_be_visible()
    assert [str(message["Subject"]) for message in server.mailbox.to(invitee_email)] == [
        "[Coalition] Invitation to join Fair Wages Alliance"
    ]

    # Meanwhile the lead saw the new organisation arrive, pushed over the socket.
    expect(feed.locator("li").first).to_contain_text("DU joined as Member, accepted by Ravi.")
    assert lead_page.evaluate("window.notReloaded") is True

    # The coalition page works on a phone.
    lead_page.set_viewport_size(PHONE)
    lead_page.reload()
    expect(lead_page.locator(".partners").get_by_role("heading", name="Domestic Union")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lead_page.screenshot(path=SCREENSHOTS / "coalition-phone.png", full_page=True)
    assert lead_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Someone outside the coalition learns nothing about it, not even that it exists.
    outsider = UserFactory(display_name="Outsider")
    outsider_page = new_context().new_page()
    sign_in(outsider_page, base, email=outsider.email, password=PASSWORD)
    expect(outsider_page.get_by_role("heading", name="Hello, Outsider")).to_be_visible()
    expect(outsider_page.get_by_text("Fair Wages Alliance")).to_have_count(0)
    response = outsider_page.goto(coalition_url)
    assert response.status == 404
    expect(outsider_page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(outsider_page.get_by_text("Fair Wages Alliance")).to_have_count(0)


def test_accepting_with_an_organisation_one_already_runs(server, new_context):
    coalition = CoalitionFactory(name="Clean Rivers", slug="clean-rivers")
    lead = AffiliationFactory(role=AffiliationRole.ADMIN, user__display_name="Lena").user
    ParticipationFactory(coalition=coalition, organisation=lead.affiliations.get().organisation, role=CoalitionRole.LEAD)
    admin = AffiliationFactory(role=AffiliationRole.ADMIN, organisation__name="River Watch", organisation__acronym="RW").user
    invitation = CoalitionInvitation(
        coalition=coalition, email=admin.email, organisation_name="River Watch", role=CoalitionRole.OBSERVER,
        invited_by=lead, expires_at=timezone.now() + timedelta(days=1),
    )
    token = invitation.issue_token()
    invitation.save()

    page = new_context().new_page()
    sign_in(page, server.url, email=admin.email, password=PASSWORD)
    page.goto(f"{server.url}/invitations/{token}/")
    page.get_by_label(label("Join as")).select_option(label="RW")
    page.get_by_role("button", name="Accept and join").click()

    expect(page).to_have_url(f"{server.url}/c/clean-rivers/")
    expect(page.locator(".partners").get_by_role("heading", name="River Watch")).to_be_visible()


def test_a_socket_without_a_session_is_refused(server, new_context):
    coalition = CoalitionFactory(slug="private-plans")
    lead = AffiliationFactory(role=AffiliationRole.ADMIN).user
    ParticipationFactory(coalition=coalition, organisation=lead.affiliations.get().organisation, role=CoalitionRole.LEAD)
    socket_url = f"ws://127.0.0.1:{server.port}/ws/coalitions/{coalition.slug}/"

    anonymous = new_context().new_page()
    anonymous.goto(server.url + "/")
    assert anonymous.evaluate(SOCKET_OUTCOME, socket_url).startswith("closed")

    # The same socket opens for someone the coalition is shared with.
    member = new_context().new_page()
    sign_in(member, server.url, email=lead.email, password=PASSWORD)
    assert member.evaluate(SOCKET_OUTCOME, socket_url) == "open"
