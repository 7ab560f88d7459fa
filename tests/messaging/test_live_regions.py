"""Pages follow the objects their live regions name: applying the events to a stale page (refreshing
the regions whose topics they name, as static/js/live.js does) gives the fresh page."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from campaigns import services
from coalitions.models import AuditEntry, Coalition, hash_token
from messaging.services import message_post
from signatures import services as signature_services
from tests.factories import CampaignFactory, PetitionFactory, PetitionTextFactory, SignatureFactory, TargetFactory

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
# Elements without an end tag: they open nothing that a later end tag closes.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Regions(HTMLParser):
    """The outer HTML of every element carrying data-live-region, with its topics."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=False)
        self.html, self.found, self.open = html, {}, []
        self.depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.depth += 1
        attributes = dict(attrs)
        if "data-live-region" in attributes:
            self.open.append((attributes["data-live-region"], attributes["data-live-topics"].split(), self.depth, self._offset()))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.open and self.open[-1][2] == self.depth:
            name, topics, _depth, start = self.open.pop()
            end = self.html.index(">", self._offset()) + 1
            self.found[name] = (set(topics), CSRF.sub("", self.html[start:end]))
        self.depth -= 1

    def _offset(self) -> int:
        line, column = self.getpos()
        return sum(len(text) for text in self.html.splitlines(keepends=True)[: line - 1]) + column


def _page(client, url) -> dict:
    return Regions(client.get(url).content.decode()).found


@pytest.fixture
def board(world, client_for):
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    targets = [TargetFactory(campaign=campaign, name=name) for name in ("Ministry of Labour", "Prime Minister")]
    tasks = [
        services.task_plan(
            campaign=campaign, by=world.lead, target=target, organisation=world.lead_org, channel="meeting",
            due_on=date(2026, 12, day), acknowledge_overlap=True,
        )
        for day, target in ((10, targets[0]), (12, targets[1]))
    ]
    return campaign, targets, tasks


@pytest.mark.parametrize("group", ["organisation", "target", "due"])
def test_a_stale_board_plus_the_events_is_the_fresh_board(world, board, client_for, group):
    campaign, targets, tasks = board
    client = client_for(world.member_staff)
    url = reverse("plan_board", args=[world.coalition.slug, campaign.slug]) + f"?group={group}"
    stale = _page(client, url)
    seq = Coalition.objects.get(pk=world.coalition.pk).last_event_seq

    services.task_complete(
        task=tasks[0], by=world.lead, happened_on=date(2026, 11, 30), channel="meeting", outcome="committed",
        summary="The Secretary agreed to table it.", next_step="Send the brief", next_step_due=date(2026, 12, 15),
    )
    services.task_status_set(task=tasks[1], by=world.lead, status="blocked", blocked_reason="Office closed")
    services.task_plan(
        campaign=campaign, by=world.member_staff, target=targets[1], organisation=world.member_org, channel="letter",
        due_on=date(2026, 12, 20), acknowledge_overlap=True,
    )

    events = AuditEntry.objects.filter(coalition=world.coalition, seq__gt=seq).order_by("seq")
    touched = {topic for entry in events for topic in entry.topics}
    fresh = _page(client, url)
    applied = {
        name: (fresh[name] if topics & touched else (topics, html)) for name, (topics, html) in stale.items()
    }
    assert set(stale) == {"board", "board-count", "board-discussion"}
    assert applied == fresh
    assert stale["board"] != fresh["board"]  # the changes show on the board


def test_a_message_shows_in_the_boards_discussion_panel(world, board, client_for):
    campaign, _targets, _tasks = board
    client = client_for(world.member_staff)
    url = reverse("plan_board", args=[world.coalition.slug, campaign.slug])
    stale = _page(client, url)
    seq = Coalition.objects.get(pk=world.coalition.pk).last_event_seq

    message_post(campaign=campaign, by=world.lead, organisation=world.lead_org, body="Who meets the **Secretary**?")

    touched = {t for e in AuditEntry.objects.filter(coalition=world.coalition, seq__gt=seq) for t in e.topics}
    fresh = _page(client, url)
    assert _refreshed(stale, fresh, touched) == fresh
    assert "Who meets the <strong>Secretary</strong>?" in fresh["board-discussion"][1]
    assert "Secretary" not in stale["board-discussion"][1]


def test_a_change_in_another_campaign_leaves_the_board_as_it_is(world, board, client_for):
    campaign, _targets, _tasks = board
    other = CampaignFactory(coalition=world.coalition, slug="other")
    target = TargetFactory(campaign=other)
    seq = Coalition.objects.get(pk=world.coalition.pk).last_event_seq
    services.task_plan(
        campaign=other, by=world.lead, target=target, organisation=world.lead_org, channel="call", due_on=date(2026, 12, 1),
    )
    touched = {t for e in AuditEntry.objects.filter(coalition=world.coalition, seq__gt=seq) for t in e.topics}
    page = _page(client_for(world.lead), reverse("plan_board", args=[world.coalition.slug, campaign.slug]))
    assert not any(topics & touched for topics, _html in page.values())


@pytest.fixture
def dashboard(world, client_for):
    petition = PetitionFactory(campaign=CampaignFactory(coalition=world.coalition, slug="c189"), slug="ratify-c189")
    PetitionTextFactory(petition=petition)
    url = reverse("petition_dashboard", args=[world.coalition.slug, petition.campaign.slug, petition.slug])
    return petition, client_for(world.lead), url


def _refreshed(stale: dict, fresh: dict, touched: set) -> dict:
    return {name: (fresh[name] if topics & touched else (topics, html)) for name, (topics, html) in stale.items()}


def test_a_stale_dashboard_plus_the_tally_of_a_confirmed_signature_is_the_fresh_dashboard(dashboard):
    petition, client, url = dashboard
    SignatureFactory(petition=petition, token_hash=hash_token("the-token"))
    stale = _page(client, url)

    signature_services.signature_confirm(token="the-token")

    fresh = _page(client, url)
    tally = {f"petition:{petition.pk}"}  # what the socket's tally message names
    following = {name for name, (topics, _html) in stale.items() if topics & tally}
    assert {"petition-counts", "petition-chart", "petition-paper"} <= following
    assert _refreshed(stale, fresh, tally) == fresh
    assert "<strong>1</strong>" in fresh["petition-counts"][1] and "<strong>1</strong>" not in stale["petition-counts"][1]


def test_paper_sheets_a_lead_counts_refresh_the_dashboard_through_the_trail(world, dashboard):
    petition, client, url = dashboard
    stale = _page(client, url)
    seq = Coalition.objects.get(pk=world.coalition.pk).last_event_seq

    signature_services.paper_total_add(
        petition=petition, by=world.lead, count=120, region="Kerala", collected_on=date(2026, 11, 30)
    )

    touched = {t for e in AuditEntry.objects.filter(coalition=world.coalition, seq__gt=seq) for t in e.topics}
    fresh = _page(client, url)
    assert _refreshed(stale, fresh, touched) == fresh
    assert stale["petition-paper"] != fresh["petition-paper"]
    assert "<strong>120</strong>" in fresh["petition-counts"][1]
