from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from campaigns import services as campaign_services
from coalitions.errors import DomainError
from coalitions.models import AuditEntry
from messaging import services
from messaging.models import DiscussionMessage
from tests.factories import CampaignFactory, TargetFactory


@pytest.fixture
def campaign(world):
    return CampaignFactory(coalition=world.coalition, title="Ratify ILO C189", slug="c189")


def _url(campaign, name="discussion", *extra):
    return reverse(name, args=[campaign.coalition.slug, campaign.slug, *extra])


def _post(world, campaign, body="We meet the Secretary on Friday.", by=None, organisation=None):
    return services.message_post(
        campaign=campaign, by=by or world.member_staff, organisation=organisation or world.member_org, body=body,
    )


@pytest.mark.parametrize("role,status", [
    ("anonymous", 302), ("outsider", 404), ("other_lead", 404), ("observer", 200), ("member_staff", 200), ("lead", 200),
])
def test_the_discussion_is_for_the_coalitions_people_only(world, campaign, client_for, role, status):
    _post(world, campaign)
    response = client_for(world.user(role)).get(_url(campaign))
    assert response.status_code == status
    if status == 200:
        assert "We meet the Secretary on Friday." in response.content.decode()


def test_posting_works_as_a_plain_form_and_is_announced_to_the_campaigns_pages(world, campaign, client_for):
    response = client_for(world.member_staff).post(_url(campaign), {"body": "Who calls the MPs from Kerala?"})
    message = DiscussionMessage.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#message-{message.pk}")
    assert (message.author, message.organisation) == (world.member_staff, world.member_org)
    entry = AuditEntry.objects.get(action="message.posted")
    assert f"discussion:{campaign.pk}" in entry.topics and f"campaign:{campaign.pk}" in entry.topics


def test_an_empty_message_is_refused_with_a_message_and_nothing_saved(world, campaign, client_for):
    response = client_for(world.member_staff).post(_url(campaign), {"body": "   "})
    assert response.status_code == 400
    assert not DiscussionMessage.objects.exists()
    assert not AuditEntry.objects.filter(action="message.posted").exists()


def test_nobody_writes_for_an_organisation_not_their_own(world, campaign, client_for):
    with pytest.raises(PermissionDenied):
        _post(world, campaign, by=world.member_staff, organisation=world.lead_org)
    response = client_for(world.member_staff).post(_url(campaign), {"body": "Hi", "organisation": world.lead_org.pk})
    assert response.status_code in (200, 400)
    assert not DiscussionMessage.objects.exists()


def test_an_observer_takes_part(world, campaign):
    message = _post(world, campaign, by=world.observer, organisation=world.observer_org)
    assert message.organisation == world.observer_org


def test_text_keeps_links_and_emphasis_and_nothing_else(world, campaign, client_for):
    _post(world, campaign, body='**Vote** *yes*: https://ilo.org/c189. <script>alert(1)</script><b onclick="x">b</b>')
    page = client_for(world.lead).get(_url(campaign)).content.decode()
    assert "<strong>Vote</strong> <em>yes</em>" in page
    assert '<a href="https://ilo.org/c189" rel="noopener nofollow ugc">https://ilo.org/c189</a>.' in page
    body = page[page.index('class="message-body"'):]
    body = body[: body.index("</p>")]
    assert "<script>" not in body and "<b " not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_mentions_name_organisations_and_people_of_this_coalition_only(world, campaign):
    world.lead_org.acronym, world.lead.display_name = "NDWM", "Asha Devi"
    world.lead_org.save()
    world.lead.save()
    world.other_lead.display_name = "Ravi Kumar"
    world.other_lead.save()
    message = _post(world, campaign, body='@NDWM and @"Asha Devi", not @"Ravi Kumar" nor @NOBODY')
    assert list(message.mentioned_organisations.all()) == [world.lead_org]
    assert list(message.mentioned_people.all()) == [world.lead]


def test_the_author_edits_within_fifteen_minutes_and_the_edit_shows(world, campaign, client_for):
    message = _post(world, campaign)
    client = client_for(world.member_staff)
    response = client.post(_url(campaign, "message_edit", message.pk), {"body": "We meet the Secretary on Monday."})
    assert response.status_code == 302
    page = client.get(_url(campaign)).content.decode()
    assert "on Monday." in page and "(edited)" in page


def test_no_edit_after_fifteen_minutes_nor_by_anyone_else(world, campaign, client_for):
    message = _post(world, campaign)
    assert client_for(world.lead).post(_url(campaign, "message_edit", message.pk), {"body": "Changed"}).status_code == 404
    DiscussionMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    message.refresh_from_db()
    with pytest.raises(DomainError):
        services.message_edit(message=message, by=world.member_staff, body="Changed")
    with pytest.raises(DomainError):
        services.message_delete(message=message, by=world.member_staff)
    message.refresh_from_db()
    assert message.body == "We meet the Secretary on Friday." and message.edited_at is None and message.deleted_at is None


def test_a_deleted_message_leaves_its_place_without_its_words(world, campaign, client_for):
    message = _post(world, campaign, body="Wrong number: 98450 00000")
    client = client_for(world.member_staff)
    assert client.post(_url(campaign, "message_delete", message.pk)).status_code == 302
    page = client.get(_url(campaign)).content.decode()
    assert "98450" not in page and "This message was deleted." in page
    assert DiscussionMessage.objects.get().body == ""


def test_a_reply_to_a_task_links_to_it_and_a_task_of_another_campaign_is_ignored(world, campaign, client_for):
    target = TargetFactory(campaign=campaign, name="Ministry of Labour")
    task = campaign_services.task_plan(
        campaign=campaign, by=world.lead, target=target, organisation=world.member_org, channel="meeting",
        due_on=date(2026, 12, 20),
    )
    other = CampaignFactory(coalition=world.coalition, slug="other")
    foreign = campaign_services.task_plan(
        campaign=other, by=world.lead, target=TargetFactory(campaign=other), organisation=world.lead_org,
        channel="call", due_on=date(2026, 12, 21),
    )
    client = client_for(world.member_staff)
    assert "Replying about the task for Ministry of Labour" in client.get(_url(campaign) + f"?task={task.pk}").content.decode()
    client.post(_url(campaign), {"body": "Done, see notes.", "task": task.pk})
    client.post(_url(campaign), {"body": "Elsewhere.", "task": foreign.pk})
    assert [m.task for m in DiscussionMessage.objects.order_by("pk")] == [task, None]
    assert "About the task" in client.get(_url(campaign)).content.decode()


def test_history_comes_in_pages_with_a_query_count_that_does_not_grow(world, campaign, client_for, django_assert_max_num_queries):
    for number in range(35):
        _post(world, campaign, body=f"Message number {number}")
    client = client_for(world.lead)
    with django_assert_max_num_queries(12):
        response = client.get(_url(campaign))
    latest = response.context["page"]
    assert [m.body for m in latest.messages][0] == "Message number 5" and len(latest.messages) == 30
    older = client.get(_url(campaign) + f"?before={latest.older_than}").context["page"]
    assert [m.body for m in older.messages] == [f"Message number {n}" for n in range(5)]
    assert older.older_than is None


# Beside the outreach plan ------------------------------------------------------------------------


def _board(campaign) -> str:
    return reverse("plan_board", args=[campaign.coalition.slug, campaign.slug])


def test_the_board_shows_the_latest_messages_and_a_composer_that_works_without_javascript(world, campaign, client_for):
    for n in range(4):
        _post(world, campaign, body=f"Message number {n}")
    client = client_for(world.observer)
    page = client.get(_board(campaign) + "?group=target").content.decode()

    panel = page[page.index('id="discussion-panel"'):]
    assert "Message number 0" not in panel
    assert all(f"Message number {n}" in panel for n in (1, 2, 3))
    assert f'<form method="post" action="{_url(campaign)}" class="stacked" id="board-compose"' in panel
    next_url = f"{_board(campaign)}?group=target#discussion-panel"
    assert f'<input type="hidden" name="next" value="{next_url}">' in panel

    response = client.post(_url(campaign), {"body": "Observers hear Kerala is ready.", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert DiscussionMessage.objects.filter(author=world.observer, organisation=world.observer_org).exists()


@pytest.mark.parametrize("next_url", ["https://elsewhere.example/c/", "//elsewhere.example/", "javascript:alert(1)"])
def test_a_message_never_sends_its_author_off_the_site(world, campaign, client_for, next_url):
    response = client_for(world.member_staff).post(_url(campaign), {"body": "Done.", "next": next_url})
    message = DiscussionMessage.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{_url(campaign)}#message-{message.pk}"


def test_a_message_refused_from_the_board_still_goes_back_there_once_corrected(world, campaign, client_for):
    next_url = f"{_board(campaign)}#discussion-panel"
    response = client_for(world.member_staff).post(_url(campaign), {"body": "  ", "next": next_url})
    assert response.status_code == 400
    assert f'<input type="hidden" name="next" value="{next_url}">' in response.content.decode()
    assert not DiscussionMessage.objects.exists()
