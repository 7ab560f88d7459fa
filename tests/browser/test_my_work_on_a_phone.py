"""On a 360×740 phone: from the home page to checking a task off in one tap; the board starts with the work."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from coalitions.models import AffiliationRole, CoalitionRole
from tests.factories import (
    PASSWORD,
    AffiliationFactory,
    CampaignFactory,
    CoalitionFactory,
    ParticipationFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

expect.set_options(timeout=10_000)
PHONE = {"width": 360, "height": 740}


def _sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label(re.compile(r"^Email:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def member_with_work(transactional_db):
    """A member of a coalition running a long-named campaign, with open and done tasks around today."""
    member = UserFactory(display_name="Shirin")
    organisation = AffiliationFactory(user=member, role=AffiliationRole.STAFF, organisation__acronym="NDWM").organisation
    coalition = CoalitionFactory(name="National Platform for Domestic Workers' Rights", slug="india")
    ParticipationFactory(coalition=coalition, organisation=organisation, role=CoalitionRole.MEMBER)
    ParticipationFactory(coalition=coalition, role=CoalitionRole.LEAD)
    campaign = CampaignFactory(
        coalition=coalition, slug="c189-states", title="Implementing ILO Convention 189 through state laws",
    )
    today = timezone.localdate()
    for days in (-400, -300, -200):
        TaskFactory(campaign=campaign, organisation=organisation, due_on=today + timedelta(days=days), status="done")
    minister = TargetFactory(campaign=campaign, name="Labour Minister of Kerala", kind="minister")
    task = TaskFactory(
        campaign=campaign, target=minister, organisation=organisation, due_on=today, channel="meeting",
        notes="Bring the draft state bill and the 2,000 signatures.",
    )
    for days in (1, 3, 6):
        TaskFactory(campaign=campaign, organisation=organisation, due_on=today + timedelta(days=days))
    return member, campaign, task


def test_member_reaches_the_check_off_form_from_the_home_page_in_one_tap(server, new_context, member_with_work):
    member, _campaign, task = member_with_work
    page = new_context(viewport=PHONE).new_page()
    _sign_in(page, server.url, member.email)
    page.goto(server.url + "/")

    check_off = page.get_by_role("link", name="Check off").first
    expect(check_off).to_be_in_viewport()
    check_off.click()

    expect(page.get_by_role("heading", name="What happened with Labour Minister of Kerala?")).to_be_visible()
    assert page.url.startswith(f"{server.url}/c/india/campaigns/c189-states/tasks/{task.pk}/complete/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_first_open_task_of_the_board_is_above_the_fold(server, new_context, member_with_work):
    member, campaign, task = member_with_work
    page = new_context(viewport=PHONE).new_page()
    _sign_in(page, server.url, member.email)
    page.goto(f"{server.url}/c/india/campaigns/{campaign.slug}/plan/?group=due")

    first = page.locator("li.task").first
    expect(first).to_have_attribute("id", f"task-{task.pk}")
    box = first.locator(".task-head").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    expect(first.get_by_role("link", name="Check off")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
