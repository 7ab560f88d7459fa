"""A member on a 360×740 phone whose link drops: the board and their tasks stay readable from the
phone with a banner saying since when the link is down, a status change or a check-off made
meanwhile waits on the phone and reaches the server once when the link returns, and signing out
leaves nothing of theirs behind."""

import os
import re
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from campaigns.models import OutreachLog, TaskStatus, TaskStatusReceipt
from coalitions.models import AuditEntry
from tests.browser.conftest import signed_in_page
from tests.factories import CampaignFactory, TargetFactory, TaskFactory

pytestmark = pytest.mark.browser

expect.set_options(timeout=10_000)
PHONE = {"width": 360, "height": 740}
# Screenshots for people to look at, outside the repository unless told otherwise.
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/coalition-screenshots"))
# The reader's zone is not the phone's: the banner writes times as the pages do, in the reader's.
READER_ZONE = "Asia/Kolkata"
PHONE_ZONE = "America/New_York"

KEPT_ENTRIES = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("offline", 1);
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const read = opening.result.transaction("outbox").objectStore("outbox").getAll();
    read.onsuccess = () => { opening.result.close(); resolve(read.result); };
  };
})"""
KEPT_PAGES = "async () => (await (await caches.open('pages')).keys()).map((request) => new URL(request.url).pathname)"
POST_AGAIN = """async (entry) => {
  const response = await fetch(entry.url, {
    method: "POST", body: entry.body, headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  return response.status;
}"""


@pytest.fixture
def work(world):
    member = world.member_staff
    member.timezone = READER_ZONE
    member.display_name = "Shirin"
    member.save()
    campaign = CampaignFactory(coalition=world.coalition, slug="c189", status="active")
    today = timezone.localdate()
    minister = TaskFactory(
        campaign=campaign, target=TargetFactory(campaign=campaign, name="Labour Minister"), organisation=world.member_org,
        due_on=today, channel="meeting",
    )
    press = TaskFactory(
        campaign=campaign, target=TargetFactory(campaign=campaign, name="The Hindu"), organisation=world.member_org,
        due_on=today + timedelta(days=2), channel="media",
    )
    return member, campaign, minister, press


def _until(page, script: str, done, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script)
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still {value!r} after {timeout} s: {script}")
        time.sleep(0.1)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url).split("?")[0]


def _worker_in_charge(page) -> None:
    # Polled from here: the page's policy forbids the eval that wait_for_function would use.
    _until(page, "navigator.serviceWorker.controller !== null", bool)


def _board_on_the_phone(new_context, server, member, campaign, **options):
    """The member's phone with the board open and kept by the worker, which looks after the page
    from its second visit on (the first one registers it)."""
    board = server.url + reverse("plan_board", args=[campaign.coalition.slug, campaign.slug])
    page = signed_in_page(new_context, server, member, viewport=PHONE, **options)
    page.goto(board)
    _worker_in_charge(page)
    page.goto(board)
    _until(page, KEPT_PAGES, lambda kept: _path(board) in kept)
    return page, board


def _reader_clock() -> set[str]:
    """The reader's time now, and a minute before, should the minute have turned since the link dropped."""
    now = timezone.now().astimezone(ZoneInfo(READER_ZONE))
    return {now.strftime("%H:%M"), (now - timedelta(minutes=1)).strftime("%H:%M")}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _status_changes(task) -> int:
    return AuditEntry.objects.filter(action="task.status_changed", data__target=task.target.name).count()


def test_the_board_and_my_tasks_stay_readable_offline_and_a_status_change_waits_on_the_phone(server, new_context, work):
    member, campaign, minister, _press = work
    page, board = _board_on_the_phone(new_context, server, member, campaign, timezone_id=PHONE_ZONE)
    context = page.context
    page.goto(server.url + "/")
    expect(page.locator(".agenda")).to_contain_text("Labour Minister")
    page.goto(board)
    _until(page, KEPT_PAGES, lambda kept: "/" in kept)
    expect(page.locator("[data-offline-banner]")).to_be_hidden()

    context.set_offline(True)
    page.reload()

    # From the phone, saying so, in the reader's zone.
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_have_text(re.compile(r"^Offline since \d\d:\d\d$"))
    assert banner.text_content().removeprefix("Offline since ") in _reader_clock()
    expect(page.locator(f"#task-{minister.pk}")).to_contain_text("Labour Minister")
    assert page.evaluate("document.body.dataset.offlineCopy") is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "offline-board-en-360")
    # The member's tasks too.
    page.goto(server.url + "/")
    expect(page.locator(".agenda")).to_contain_text("The Hindu")
    expect(banner).to_be_visible()
    page.goto(board)

    card = page.locator(f"#task-{minister.pk}")
    card.locator("select[name=status]").select_option("doing")
    card.get_by_role("button", name="Set status").click()

    expect(card.locator(".offline-note")).to_have_text("Saved on this phone; it will be sent when you are back online.")
    _shot(page, "offline-kept-en-360")
    kept = _until(page, KEPT_ENTRIES, lambda entries: len(entries) == 1)[0]
    minister.refresh_from_db()
    assert minister.status == TaskStatus.TODO
    assert _status_changes(minister) == 0

    context.set_offline(False)

    expect(page.locator(".message.success")).to_contain_text("Sent from this phone.")
    expect(page.locator(".message.success")).to_contain_text("Labour Minister")
    expect(banner).to_be_hidden()
    expect(card.locator(".offline-note")).to_have_count(0)
    assert _until(page, KEPT_ENTRIES, lambda entries: entries == []) == []
    minister.refresh_from_db()
    assert minister.status == TaskStatus.DOING
    assert _status_changes(minister) == 1

    # The same kept form arriving twice more, as after answers lost on the way, is recorded once.
    assert page.evaluate(POST_AGAIN, kept) == 200
    assert page.evaluate(POST_AGAIN, kept) == 200
    assert _status_changes(minister) == 1
    assert TaskStatusReceipt.objects.filter(task=minister).count() == 1


def test_a_status_change_whose_post_is_lost_on_the_way_is_kept_and_sent_once(server, new_context, work):
    """The phone thinks the link is up, but the post never arrives: the worker keeps it."""
    member, campaign, minister, _press = work
    page, _board = _board_on_the_phone(new_context, server, member, campaign)
    lost = []

    def lose_the_first(route):
        if not lost:
            lost.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.context.route(re.compile(r".*/tasks/\d+/status/$"), lose_the_first)
    card = page.locator(f"#task-{minister.pk}")
    card.locator("select[name=status]").select_option("blocked")
    card.locator("input[name=blocked_reason]").fill("The minister is abroad")
    card.get_by_role("button", name="Set status").click()

    expect(page.locator(".message.success")).to_contain_text("Sent from this phone.")
    assert lost
    minister.refresh_from_db()
    assert (minister.status, minister.blocked_reason) == (TaskStatus.BLOCKED, "The minister is abroad")
    assert _status_changes(minister) == 1


def test_the_offline_banner_reads_in_the_readers_language(server, new_context, work):
    member, campaign, minister, _press = work
    member.language = "bn"
    member.save()
    page, _board = _board_on_the_phone(new_context, server, member, campaign, locale="bn-BD", timezone_id=PHONE_ZONE)

    page.context.set_offline(True)
    page.reload()

    expect(page.locator("html")).to_have_attribute("lang", "bn")
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_be_visible()
    label = page.evaluate("document.body.dataset.offlineSince")
    assert banner.text_content() in {label.replace("{time}", clock) for clock in _reader_clock()}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "offline-board-bn-360")
    card = page.locator(f"#task-{minister.pk}")
    card.locator("select[name=status]").select_option("doing")
    card.locator(".status-form button[type=submit]").click()
    expect(card.locator(".offline-note")).to_have_text(page.evaluate("document.body.dataset.offlineSaved"))
    card.scroll_into_view_if_needed()
    _shot(page, "offline-kept-bn-360")


def test_a_check_off_filled_in_offline_is_sent_once_when_the_link_returns(server, new_context, work):
    member, campaign, minister, _press = work
    complete = server.url + reverse("task_complete", args=[campaign.coalition.slug, campaign.slug, minister.pk]) + "?next=/"
    page = signed_in_page(new_context, server, member, viewport=PHONE, timezone_id=PHONE_ZONE)
    page.goto(server.url + "/")
    _worker_in_charge(page)
    page.goto(complete)
    expect(page.get_by_role("heading", name="What happened with Labour Minister?")).to_be_visible()

    page.context.set_offline(True)
    page.get_by_label("Outcome").select_option("committed")
    page.get_by_label("Summary").fill("The minister will table the bill.")
    page.get_by_role("button", name="Check off").click()

    expect(page.locator(".offline-note")).to_have_text("Saved on this phone; it will be sent when you are back online.")
    expect(page.locator("[data-offline-banner]")).to_be_visible()
    assert not OutreachLog.objects.exists()

    page.context.set_offline(False)

    expect(page.locator(".message.success")).to_contain_text("Sent from this phone. Checked off.")
    log = OutreachLog.objects.get(task=minister)
    assert log.summary == "The minister will table the bill."
    assert AuditEntry.objects.filter(action="task.completed").count() == 1


def test_a_check_off_kept_while_a_partner_checked_the_task_off_says_it_was_not_recorded(server, new_context, world, work):
    member, campaign, minister, _press = work
    complete = server.url + reverse("task_complete", args=[campaign.coalition.slug, campaign.slug, minister.pk])
    page = signed_in_page(new_context, server, member, viewport=PHONE)
    page.goto(server.url + "/")
    _worker_in_charge(page)
    page.goto(complete)
    page.context.set_offline(True)
    page.get_by_label("Summary").fill("We met the minister.")
    page.get_by_role("button", name="Check off").click()
    expect(page.locator(".offline-note")).to_be_visible()

    lead = signed_in_page(new_context, server, world.lead)
    lead.goto(complete)
    lead.get_by_label("Summary").fill("The lead met the minister first.")
    lead.get_by_role("button", name="Check off").click()
    expect(lead.locator(".message.success")).to_contain_text("Checked off.")
    page.context.set_offline(False)

    expect(page.locator(".message.error")).to_have_text(
        "A change saved on this phone was not recorded. This task has already been checked off."
    )
    assert list(OutreachLog.objects.values_list("summary", flat=True)) == ["The lead met the minister first."]


def test_signing_out_leaves_no_page_and_no_kept_change_on_the_phone(server, new_context, work):
    member, campaign, _minister, _press = work
    page, board = _board_on_the_phone(new_context, server, member, campaign)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()

    assert page.evaluate("caches.keys()") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then((found) => found.length)") == 0
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(board)

