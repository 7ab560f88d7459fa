"""Campaign pages: who may see and change them, and what a change records."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import urls as campaign_urls
from campaigns.models import Campaign, CampaignStatus
from coalitions.models import AuditEntry
from tests.conftest import ROLES

OK, DONE, LOGIN, HIDDEN, DENIED = 200, 302, "login", 404, 403

# One row per (URL, method); one column per role in tests.conftest.ROLES:
# anonymous, outsider, observer, member_staff, org_admin, lead, other_lead
EXPECTED = {
    "campaign_list GET": (LOGIN, HIDDEN, OK, OK, OK, OK, HIDDEN),
    "campaign_create GET": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, OK, HIDDEN),
    "campaign_create POST": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DONE, HIDDEN),
    "campaign_detail GET": (LOGIN, HIDDEN, OK, OK, OK, OK, HIDDEN),
    "campaign_edit GET": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, OK, HIDDEN),
    "campaign_edit POST": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DONE, HIDDEN),
}

NEW_CAMPAIGN = {"title": "Equal pay now", "slug": "", "language": "en", "status": "active", "decision_deadline": "", "description": ""}
EDITED = {"title": "Ratify C189", "language": "en", "status": "won", "decision_deadline": "2011-06-16", "description": "Won."}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(name: str, world, campaign) -> str:
    if name in {"campaign_list", "campaign_create"}:
        return reverse(name, args=[world.coalition.slug])
    return reverse(name, args=[world.coalition.slug, campaign.slug])


def _state(world):
    return (
        list(Campaign.objects.order_by("pk").values_list("pk", "title", "status", "decision_deadline")),
        AuditEntry.objects.filter(coalition=world.coalition).count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_role_gets_what_the_matrix_says(case, role, world, campaign):
    name, method = case.split()
    expected = EXPECTED[case][ROLES.index(role)]
    client = _client(world.user(role))
    before = _state(world)
    url = _url(name, world, campaign)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, NEW_CAMPAIGN if name == "campaign_create" else EDITED)

    if expected == LOGIN:
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    else:
        assert response.status_code == expected, response.content[:500]
    if expected != DONE:
        assert _state(world) == before


def test_lead_starts_a_campaign_and_the_start_is_recorded(world):
    response = _client(world.lead).post(reverse("campaign_create", args=[world.coalition.slug]), NEW_CAMPAIGN)

    created = Campaign.objects.get(coalition=world.coalition, slug="equal-pay-now")
    assert response["Location"] == reverse("campaign_detail", args=[world.coalition.slug, created.slug])
    entry = AuditEntry.objects.filter(coalition=world.coalition).latest("seq")
    assert entry.action == "campaign.created" and entry.data["campaign"] == "Equal pay now"


def test_taken_short_name_is_refused_and_the_typed_title_kept(world, campaign):
    response = _client(world.lead).post(
        reverse("campaign_create", args=[world.coalition.slug]), {**NEW_CAMPAIGN, "title": "Again", "slug": campaign.slug}
    )

    assert response.status_code == 200
    assert "That short name is taken" in response.content.decode()
    assert 'value="Again"' in response.content.decode()
    assert Campaign.objects.filter(coalition=world.coalition).count() == 1


def test_same_short_name_is_free_in_another_coalition(world, campaign):
    response = _client(world.other_lead).post(
        reverse("campaign_create", args=[world.other_coalition.slug]), {**NEW_CAMPAIGN, "slug": campaign.slug}
    )

    assert response.status_code == 302
    assert Campaign.objects.filter(slug=campaign.slug).count() == 2


def test_status_change_is_recorded_as_such(world, campaign):
    _client(world.lead).post(reverse("campaign_edit", args=[world.coalition.slug, campaign.slug]), EDITED)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.WON
    entry = AuditEntry.objects.filter(coalition=world.coalition).latest("seq")
    assert (entry.action, entry.data["old"], entry.data["new"]) == ("campaign.status_changed", "active", "won")


def test_campaign_page_counts_down_to_the_decision(world, campaign, settings):
    from datetime import timedelta

    from django.utils import timezone

    campaign.decision_deadline = timezone.localdate() + timedelta(days=12)
    campaign.save()

    page = _client(world.observer).get(reverse("campaign_detail", args=[world.coalition.slug, campaign.slug]))

    assert "12 days left" in page.content.decode()


def test_every_campaign_url_is_in_a_permission_matrix():
    """A new campaign page must be added to one of the matrices in tests/campaigns."""
    names = {pattern.name for pattern in campaign_urls.app_urls + campaign_urls.calendar_urls}
    text = "\n".join(path.read_text() for path in Path(__file__).parent.glob("test_*.py"))
    covered = {name for name in names if re.search(rf"[\"']{name}[ \"']", text)}
    assert names - covered == set()


def test_overview_counts_read_right_for_one_and_for_several(world, campaign):
    from tests.factories import TaskFactory

    TaskFactory(campaign=campaign, organisation=world.member_org)
    page = _client(world.member_staff).get(reverse("campaign_detail", args=[world.coalition.slug, campaign.slug]))
    assert "<strong>1</strong> open task<" in page.content.decode()

    TaskFactory(campaign=campaign, organisation=world.member_org)
    page = _client(world.member_staff).get(reverse("campaign_detail", args=[world.coalition.slug, campaign.slug]))
    assert "<strong>2</strong> open tasks<" in page.content.decode()
