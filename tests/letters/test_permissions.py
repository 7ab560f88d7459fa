"""Who reaches which letter page: outsiders never learn a letter exists; observers read; members
draft and change; only people with signing authority decide for their organisation; leads finalise."""

import pytest
from django.urls import reverse

from coalitions.models import OutboxMessage
from letters.models import LetterDecision, LetterPdf, LetterStatus, LetterVersion

GET_PAGES = {
    "letter_list": "view", "letter_create": "act", "letter_detail": "view", "letter_edit": "act",
    "letter_diff": "view", "letter_version": "view",
}
EXPECTED = {
    # role: (view, act)
    "anonymous": (302, 302),
    "outsider": (404, 404),
    "other_lead": (404, 404),
    "observer": (200, 403),
    "member_staff": (200, 200),
    "org_admin": (200, 200),
    "lead": (200, 200),
}


def _url(name, letter, **extra):
    campaign = letter.campaign
    args = [campaign.coalition.slug, campaign.slug]
    if name not in ("letter_list", "letter_create"):
        args.append(letter.pk)
    if name == "letter_version":
        args.append(1)
    return reverse(name, args=args)


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("page", list(GET_PAGES))
def test_letter_pages_answer_each_role(world, letter, client_for, role, page):
    view, act = EXPECTED[role]
    expected = view if GET_PAGES[page] == "view" else act
    assert client_for(world.user(role)).get(_url(page, letter)).status_code == expected


@pytest.mark.parametrize(
    "role,status", [("anonymous", 302), ("outsider", 404), ("other_lead", 404), ("observer", 403),
                    ("member_staff", 403), ("lead", 403), ("org_admin", 302)],
)
def test_only_signing_authority_of_the_organisation_decides_for_it(world, letter, client_for, role, status):
    response = client_for(world.user(role)).post(
        _url("letter_decide", letter),
        {"organisation": world.member_org.pk, "decision": "approve", "version_sha256": letter.current_version.sha256},
    )
    assert response.status_code == status
    assert LetterDecision.objects.exists() == (status == 302 and role == "org_admin")


@pytest.mark.parametrize(
    "role,status", [("anonymous", 302), ("outsider", 404), ("observer", 403), ("member_staff", 403),
                    ("org_admin", 403), ("lead", 302)],
)
def test_only_a_lead_reminds(world, letter, client_for, role, status):
    OutboxMessage.objects.all().delete()
    assert client_for(world.user(role)).post(_url("letter_remind", letter)).status_code == status
    assert OutboxMessage.objects.exists() == (role == "lead")


@pytest.mark.parametrize("role,status", [("outsider", 404), ("observer", 403), ("org_admin", 403), ("member_staff", 403)])
def test_only_a_lead_finalises(world, letter, client_for, role, status):
    for user, organisation in ((world.lead, world.lead_org), (world.org_admin, world.member_org)):
        client_for(user).post(
            _url("letter_decide", letter),
            {"organisation": organisation.pk, "decision": "approve", "version_sha256": letter.current_version.sha256},
        )
    OutboxMessage.objects.all().delete()
    assert client_for(world.user(role)).post(_url("letter_finalise", letter)).status_code == status
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    assert not LetterPdf.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_observer_cannot_save_a_version(world, letter, client_for):
    response = client_for(world.observer).post(_url("letter_edit", letter), {"subject": "Changed", "save": "1"})
    assert response.status_code == 403
    assert LetterVersion.objects.count() == 1


def test_a_letter_of_another_campaign_is_not_found_through_this_one(world, letter, client_for):
    from tests.factories import CampaignFactory

    other = CampaignFactory(coalition=world.coalition, slug="other")
    url = reverse("letter_detail", args=[world.coalition.slug, other.slug, letter.pk])
    assert client_for(world.lead).get(url).status_code == 404


def test_no_pdf_is_served_before_it_is_drawn(world, letter, client_for):
    for name in ("letter_final_pdf", "letter_draft_pdf"):
        assert client_for(world.lead).get(_url(name, letter)).status_code == 404
