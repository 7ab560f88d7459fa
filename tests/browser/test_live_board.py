"""Two people on one outreach plan, through a real ASGI server and Debian's Chromium: the board
updates in place, keeps what its reader is typing (in a task's form, or a message in the
discussion beside the board), and catches up after its socket was cut."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns import services
from tests.browser.conftest import signed_in_page
from tests.factories import CampaignFactory, TargetFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}




@pytest.fixture
def plan(world):
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    targets = [TargetFactory(campaign=campaign, name=name) for name in ("Ministry of Labour", "Prime Minister", "Lok Sabha")]
    tasks = [
        services.task_plan(
            campaign=campaign, by=world.lead, target=target,
            organisation=world.member_org if index == 2 else world.lead_org, channel="meeting",
            due_on=date(2026, 12, 10 + index), acknowledge_overlap=True,
        )
        for index, target in enumerate(targets)
    ]
    return campaign, targets, tasks


def test_the_board_follows_a_partners_changes_in_place_and_after_a_cut(server, new_context, world, plan):
    campaign, targets, tasks = plan
    board = server.url + reverse("plan_board", args=[world.coalition.slug, campaign.slug]) + "?group=organisation"

    # B follows the board on a phone; its socket can be cut by the test.
    b = signed_in_page(new_context, server, world.member_staff, viewport=PHONE)
    link = {"up": True}
    sockets = []

    def route(socket):
        if link["up"]:
            sockets.append(socket)
            socket.connect_to_server()
        else:
            socket.close(code=1011)

    b.route_web_socket("**/ws/**", route)
    b.goto(board)
    expect(b.locator("[data-live-status]")).to_have_attribute("data-state", "on")
    b.evaluate("window.notReloaded = true")
    expect(b.locator(f"#task-{tasks[0].pk}")).to_be_visible()
    # B has begun to say why another task is blocked, and is half-way through typing a message
    # to the coalition beside the board, when A's change arrives.
    reason = b.locator(f"#reason-{tasks[2].pk}")
    reason.click()
    reason.press_sequentially("Waiting for the")
    message = b.locator("#board-compose textarea")
    message.click()
    message.press_sequentially("Shall we ask the Secre")

    a = signed_in_page(new_context, server, world.lead)
    a.goto(server.url + reverse("task_complete", args=[world.coalition.slug, campaign.slug, tasks[0].pk]))
    # Each sees the other is on the campaign now, by name and organisation.
    expect(b.locator("[data-live-presence]")).to_contain_text(f"{world.lead} ({world.lead_org.short_name})")
    expect(a.locator("[data-live-presence]")).to_contain_text(str(world.member_staff))
    a.get_by_label("Summary").fill("The Secretary agreed to table it.")
    a.get_by_label("Outcome").select_option("committed")
    a.locator("form.stacked button.primary, form button[type=submit].primary").first.click()

    expect(b.locator(f"#task-{tasks[0].pk}")).to_have_count(0, timeout=2000)
    expect(b.locator(".plan-count")).to_contain_text("1 done", timeout=2000)
    assert b.evaluate("window.notReloaded") is True
    expect(reason).to_have_value("Waiting for the")
    expect(message).to_have_value("Shall we ask the Secre")
    expect(message).to_be_focused()

    # A writes in the discussion from the board: B's panel shows it and keeps B's message.
    a.goto(board)
    a.locator("#board-compose textarea").fill("The Secretary's office confirmed Friday.")
    a.locator("#board-compose").get_by_role("button", name="Send").click()
    expect(b.locator("#discussion-panel")).to_contain_text("The Secretary's office confirmed Friday.", timeout=2000)
    assert b.evaluate("window.notReloaded") is True
    expect(message).to_have_value("Shall we ask the Secre")
    expect(message).to_be_focused()
    message.press_sequentially("tary to table it?")
    b.locator("#board-compose").get_by_role("button", name="Send").click()
    expect(b.locator("#discussion-panel")).to_contain_text("Shall we ask the Secretary to table it?")
    expect(b.locator("#board-compose textarea")).to_have_value("")
    expect(a.locator("#discussion-panel")).to_contain_text("Shall we ask the Secretary to table it?", timeout=2000)
    expect(b.locator("[data-live-status]")).to_have_attribute("data-state", "on")
    b.evaluate("window.notReloaded = true")

    # B's link drops; A makes three changes; B comes back and shows all three.
    link["up"] = False
    sockets[-1].close(code=1011)
    expect(b.locator("[data-live-status]")).to_have_attribute("data-state", "off", timeout=10000)
    services.task_status_set(task=tasks[1], by=world.lead, status="blocked", blocked_reason="Office closed till January")
    services.task_status_set(task=tasks[2], by=world.lead, status="doing")
    new_task = services.task_plan(
        campaign=campaign, by=world.lead, target=targets[0], organisation=world.member_org, channel="letter",
        due_on=date(2026, 12, 20), acknowledge_overlap=True,
    )
    link["up"] = True
    expect(b.locator(f"#task-{tasks[1].pk}")).to_contain_text("Office closed till January", timeout=40000)
    expect(b.locator(f"#task-{tasks[2].pk} .task-status-doing")).to_be_visible()
    expect(b.locator(f"#task-{new_task.pk}")).to_be_visible()
    assert b.evaluate("window.notReloaded") is True
