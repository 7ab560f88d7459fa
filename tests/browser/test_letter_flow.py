"""End to end through a real ASGI server and Chromium: a jointly signed letter from a member's
change to the verification of the downloaded final PDF."""

import pytest
from playwright.sync_api import Page, expect

from coalitions.models import AffiliationRole, CoalitionRole
from letters import services
from tests.browser.test_signup_to_coalition import sign_in
from tests.factories import PASSWORD, CampaignFactory, CoalitionFactory, TargetFactory, person_in
from tests.letters.conftest import confirmed_asset, letter_fields

pytestmark = pytest.mark.browser

expect.set_options(timeout=20_000)
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def letter_world(transactional_db):
    coalition = CoalitionFactory(name="Domestic workers' rights", slug="domestic-workers")
    lead = person_in(coalition, CoalitionRole.LEAD, org_role=AffiliationRole.ADMIN)
    lead_org = lead.affiliations.get().organisation
    b_admin = person_in(coalition, CoalitionRole.MEMBER, org_role=AffiliationRole.ADMIN)
    b_org = b_admin.affiliations.get().organisation
    b_staff = person_in(coalition, CoalitionRole.MEMBER, organisation=b_org)
    c_admin = person_in(coalition, CoalitionRole.MEMBER, org_role=AffiliationRole.ADMIN)
    c_org = c_admin.affiliations.get().organisation
    for user, organisation in ((lead, lead_org), (b_admin, b_org), (c_admin, c_org)):
        confirmed_asset(organisation, user, name=f"{user.display_name} signs", title="President")
    campaign = CampaignFactory(coalition=coalition, title="Ratify ILO C189", slug="c189")
    target = TargetFactory(campaign=campaign, name="Ministry of Labour", kind="ministry")
    letter = services.letter_create(
        campaign=campaign, by=lead, organisation=lead_org,
        **letter_fields(campaign, target, [(lead_org, True), (b_org, True), (c_org, True)]),
    )
    return {
        "letter": letter, "lead": lead, "b_admin": b_admin, "b_staff": b_staff, "c_admin": c_admin,
        "orgs": {"lead": lead_org, "b": b_org, "c": c_org},
        "path": f"/c/{coalition.slug}/campaigns/{campaign.slug}/letters/{letter.pk}/",
    }


def _person(new_context, server, user, **options) -> Page:
    page = new_context(**options).new_page()
    sign_in(page, server.url, email=user.email, password=PASSWORD)
    return page


def _decide(page: Page, url: str, organisation, button: str, comment: str = "") -> None:
    page.goto(url)
    card = page.locator(f"#cosigner-{organisation.pk}")
    if comment:
        card.get_by_label("Comment for the other organisations").fill(comment)
    card.get_by_role("button", name=button).click()
    expect(page.locator(".message").first).to_be_visible()


def _standing(page: Page, url: str, organisation):
    page.goto(url)
    return page.locator(f"#cosigner-{organisation.pk} .standing")


def test_a_letter_from_a_members_change_to_its_verified_pdf(server, new_context, letter_world, tmp_path):
    world, url = letter_world, server.url + letter_world["path"]
    orgs = world["orgs"]

    # A member of B, on a phone, proposes a change.
    member = _person(new_context, server, world["b_staff"], viewport=PHONE)
    member.goto(url)
    member.get_by_role("link", name="Change the letter").click()
    member.locator("#id_body").fill("Dear Minister,\n\nWe ask you to ratify C189 this year.")
    member.locator("#id_note").fill("Asks for this year.")
    member.get_by_role("button", name="Preview").click()
    expect(member.locator("#preview")).to_contain_text("ratify C189 this year")
    member.get_by_role("button", name="Save as a new version").click()
    expect(member.locator(".letter-meta")).to_contain_text("Version 2")

    # Two organisations approve; the third asks for changes.
    lead = _person(new_context, server, world["lead"])
    b_admin = _person(new_context, server, world["b_admin"], viewport=PHONE)
    c_admin = _person(new_context, server, world["c_admin"])
    _decide(lead, url, orgs["lead"], "Approve version 2")
    _decide(b_admin, url, orgs["b"], "Approve version 2")
    _decide(c_admin, url, orgs["c"], "Ask for changes", comment="Please name the ILO article.")
    expect(_standing(lead, url, orgs["c"])).to_have_text("Asked for changes")
    expect(lead.get_by_role("button", name="Finalise and prepare the PDF")).to_have_count(0)

    # C's admin writes the change: the two approvals become stale.
    c_admin.goto(url)
    c_admin.get_by_role("link", name="Change the letter").click()
    c_admin.locator("#id_body").fill("Dear Minister,\n\nWe ask you to ratify C189 (Article 19 of the ILO Constitution).")
    c_admin.get_by_role("button", name="Save as a new version").click()
    expect(c_admin.locator(".letter-meta")).to_contain_text("Version 3")
    expect(_standing(lead, url, orgs["lead"])).to_contain_text("to approve again")
    lead.get_by_role("link", name="See what changed since").first.click()
    expect(lead.locator(".letter-body-change ins").first).to_contain_text("Article")
    expect(lead.locator(".letter-body-change del").first).to_contain_text("this")

    # All approve version 3; the lead finalises.
    _decide(lead, url, orgs["lead"], "Approve version 3")
    _decide(b_admin, url, orgs["b"], "Approve version 3")
    _decide(c_admin, url, orgs["c"], "Approve version 3")
    lead.goto(url)
    lead.get_by_role("button", name="Finalise and prepare the PDF").click()
    for _attempt in range(30):
        if lead.get_by_role("link", name="Download the PDF").count():
            break
        lead.wait_for_timeout(1000)
        lead.reload()
    with lead.expect_download() as download_info:
        lead.get_by_role("link", name="Download the PDF").click()
    downloaded = tmp_path / "letter.pdf"
    download_info.value.save_as(downloaded)

    # Anyone with the file checks it on the public page, without signing in.
    verification = lead.get_by_role("link", name="verification page").get_attribute("href")
    visitor = new_context(viewport=PHONE).new_page()
    visitor.goto(server.url + verification)
    for organisation in orgs.values():
        expect(visitor.locator(".approvals")).to_contain_text(organisation.name)
    visitor.get_by_label("The PDF you received").set_input_files(str(downloaded))
    visitor.get_by_role("button", name="Check").click()
    expect(visitor.locator(".verify-match")).to_contain_text("byte for byte")
