"""The commitments ledger and the check-off's commitment fields on a 360×740 phone."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Commitment
from tests.browser.conftest import signed_in_page
from tests.factories import CampaignFactory, CommitmentFactory, TargetFactory, TaskFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def test_the_ledger_fits_a_phone_and_settling_opens_in_place(server, new_context, world):
    today = timezone.localdate()
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    target = TargetFactory(campaign=campaign, name="Ministère de la fonction publique, du travail et de la sécurité sociale")
    overdue = CommitmentFactory(
        campaign=campaign, target=target, organisation=world.member_org, recorded_by=world.member_staff,
        wording="Publier le décret d'application de la carte d'assistance médicale avant la fin du trimestre",
        due_on=today - timedelta(days=3), evidence_url="",
    )
    CommitmentFactory(
        campaign=campaign, target=None, partner=world.member_org, organisation=world.lead_org,
        due_on=today - timedelta(days=20), status="partly_kept", settled_on=today, evidence="Half of it.",
        evidence_url="https://example.org/a-very-long-address/that-goes-on-and-on/and-on-and-on/and-on",
    )
    page = signed_in_page(new_context, server, world.member_staff, viewport=PHONE)

    page.goto(server.url + reverse("commitment_list", args=[world.coalition.slug, campaign.slug]))

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    item = page.locator(f"#commitment-{overdue.pk}")
    expect(item.get_by_text("Overdue", exact=True)).to_be_visible()
    item.get_by_text("Record what became of it").click()
    expect(item.get_by_role("textbox", name="Evidence: *")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.locator("#settled .commitment")).to_be_hidden()
    page.screenshot(path=str(server.log.parent / "commitments-phone.png"), full_page=True)


def test_the_check_off_asks_for_a_commitment_only_when_they_committed(server, new_context, world):
    campaign = CampaignFactory(coalition=world.coalition, slug="c189")
    task = TaskFactory(campaign=campaign, organisation=world.member_org)
    page = signed_in_page(new_context, server, world.member_staff, viewport=PHONE)

    page.goto(server.url + reverse("task_complete", args=[world.coalition.slug, campaign.slug, task.pk]))

    question = page.get_by_label("What did they commit to?")
    expect(question).to_be_hidden()
    page.get_by_label("Outcome").select_option("committed")
    expect(question).to_be_visible()
    question.fill("The Ministry will table the bill by March")
    page.get_by_label("By when?").fill((timezone.localdate() + timedelta(days=60)).isoformat())
    page.get_by_label("Summary").fill("Met the Secretary.")
    page.get_by_role("button", name="Check off").click()

    expect(page.get_by_text("Their commitment is on the campaign's commitments.")).to_be_visible()
    assert Commitment.objects.get().wording == "The Ministry will table the bill by March"
