import pytest
from django.core.exceptions import PermissionDenied

from coalitions.errors import DomainError
from coalitions.models import AuditEntry, OutboxMessage
from letters import services
from letters.models import Decision, LetterDecision, SigningAuthority
from letters.selectors import Standing, cosigner_states, letter_readiness
from tests.letters.conftest import letter_fields


def _decide(letter, user, organisation, decision="approve", comment="", sha256=None):
    return services.letter_decide(
        letter=letter, by=user, organisation=organisation, decision=decision,
        version_sha256=sha256 or letter.current_version.sha256, comment=comment,
    )


def _standing(letter, organisation):
    return next(s.standing for s in cosigner_states(letter) if s.organisation_id == organisation.pk)


def _revise(letter, world, campaign, target, body):
    return services.letter_revise(
        letter=letter, by=world.member_staff, organisation=world.member_org,
        **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, True)], body=body),
    )


def test_an_organisation_admin_approves_the_version_hash_they_read(letter, world):
    decision = _decide(letter, world.org_admin, world.member_org)
    assert decision.version_sha256 == letter.current_version.sha256
    assert _standing(letter, world.member_org) == Standing.APPROVED
    assert AuditEntry.objects.filter(action="letter.approve").count() == 1


def test_staff_without_signing_authority_cannot_approve(letter, world):
    with pytest.raises(PermissionDenied):
        _decide(letter, world.member_staff, world.member_org)
    assert not LetterDecision.objects.exists()
    assert not AuditEntry.objects.filter(action="letter.approve").exists()


def test_staff_granted_signing_authority_may_approve(letter, world):
    SigningAuthority.objects.create(organisation=world.member_org, user=world.member_staff, granted_by=world.org_admin)
    _decide(letter, world.member_staff, world.member_org)
    assert _standing(letter, world.member_org) == Standing.APPROVED


def test_nobody_approves_for_another_organisation_not_even_a_lead(letter, world):
    with pytest.raises(PermissionDenied):
        _decide(letter, world.lead, world.member_org)
    assert not LetterDecision.objects.exists()


def test_an_organisation_that_does_not_cosign_cannot_decide(world, campaign, target, assets):
    letter = services.letter_create(
        campaign=campaign, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, [(world.lead_org, True)]),
    )
    with pytest.raises(DomainError):
        _decide(letter, world.org_admin, world.member_org)
    with pytest.raises(PermissionDenied):
        _decide(letter, world.observer, world.observer_org)
    assert not LetterDecision.objects.exists()


def test_approving_a_hash_that_is_no_longer_current_is_refused(letter, world, campaign, target):
    read = letter.current_version.sha256
    _revise(letter, world, campaign, target, body="Dear Minister,\n\nA shorter letter.")
    with pytest.raises(DomainError):
        _decide(letter, world.org_admin, world.member_org, sha256=read)
    assert not LetterDecision.objects.exists()


def test_a_new_version_makes_approvals_stale_and_asks_again(letter, world, campaign, target):
    _decide(letter, world.lead, world.lead_org)
    _decide(letter, world.org_admin, world.member_org)
    assert letter_readiness(letter).ready
    OutboxMessage.objects.all().delete()
    version = _revise(letter, world, campaign, target, body="Dear Minister,\n\nA shorter letter.")
    assert _standing(letter, world.lead_org) == Standing.STALE
    assert _standing(letter, world.member_org) == Standing.STALE
    readiness = letter_readiness(letter)
    assert not readiness.ready
    assert set(readiness.waiting_for) == {world.lead_org.name, world.member_org.name}
    mails = OutboxMessage.objects.all()
    recipients = sorted(to for message in mails for to in message.payload["to"])
    assert recipients == sorted([world.lead.email, world.org_admin.email])
    assert all(f"from=1&to={version.number}" in message.payload["body"] for message in mails)


def test_asking_for_changes_needs_a_comment(letter, world):
    with pytest.raises(DomainError):
        _decide(letter, world.org_admin, world.member_org, decision=Decision.CHANGES)
    assert not LetterDecision.objects.exists()
    _decide(letter, world.org_admin, world.member_org, decision=Decision.CHANGES, comment="Name the ILO article.")
    assert _standing(letter, world.member_org) == Standing.CHANGES


def test_a_withdrawal_is_recorded_and_the_approval_no_longer_counts(letter, world):
    _decide(letter, world.lead, world.lead_org)
    _decide(letter, world.org_admin, world.member_org)
    _decide(letter, world.org_admin, world.member_org, decision=Decision.WITHDRAW, comment="Our board objects.")
    assert _standing(letter, world.member_org) == Standing.WITHDRAWN
    assert not letter_readiness(letter).ready
    history = list(letter.decisions.filter(organisation=world.member_org).values_list("decision", flat=True))
    assert history == [Decision.WITHDRAW, Decision.APPROVE]


def test_withdrawing_without_an_approval_is_refused(letter, world):
    with pytest.raises(DomainError):
        _decide(letter, world.org_admin, world.member_org, decision=Decision.WITHDRAW)
    assert not LetterDecision.objects.exists()


def test_an_unnamed_cosigner_approval_counts(world, campaign, target, assets):
    letter = services.letter_create(
        campaign=campaign, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, False)]),
    )
    _decide(letter, world.lead, world.lead_org)
    assert letter_readiness(letter).waiting_for == [world.member_org.name]
    _decide(letter, world.org_admin, world.member_org)
    assert letter_readiness(letter).ready


def test_observer_organisations_cannot_cosign(world, campaign, target, assets):
    with pytest.raises(DomainError):
        services.letter_create(
            campaign=campaign, by=world.lead, organisation=world.lead_org,
            **letter_fields(campaign, target, [(world.lead_org, True), (world.observer_org, True)]),
        )
    assert not campaign.letters.exists()


def test_a_reminder_mails_only_people_who_may_approve_for_those_still_to_act(letter, world):
    _decide(letter, world.lead, world.lead_org)
    OutboxMessage.objects.all().delete()
    count = services.letter_remind(letter=letter, by=world.lead)
    assert count == 1
    assert [m.payload["to"] for m in OutboxMessage.objects.all()] == [[world.org_admin.email]]
    with pytest.raises(DomainError):
        services.letter_remind(letter=letter, by=world.lead)
    assert OutboxMessage.objects.count() == 1


def test_only_a_lead_sends_reminders(letter, world):
    with pytest.raises(PermissionDenied):
        services.letter_remind(letter=letter, by=world.org_admin)
    assert not OutboxMessage.objects.exists()


def test_the_home_page_lists_letters_waiting_for_the_persons_organisation(letter, world, client_for):
    from django.urls import reverse

    page = client_for(world.org_admin).get(reverse("home")).content.decode()
    assert "Letters waiting for your organisation" in page and letter.current_version.content["subject"] in page
    # Staff without signing authority have nothing to decide; once approved it leaves the list.
    assert "Letters waiting" not in client_for(world.member_staff).get(reverse("home")).content.decode()
    _decide(letter, world.org_admin, world.member_org)
    assert "Letters waiting" not in client_for(world.org_admin).get(reverse("home")).content.decode()


def test_who_is_still_to_approve_can_be_passed_on_by_whatsapp(letter, world, client_for):
    from urllib.parse import parse_qs, urlparse

    from django.urls import reverse

    campaign = letter.campaign
    page = client_for(world.lead).get(reverse("letter_detail", args=[campaign.coalition.slug, campaign.slug, letter.pk]))
    link = next(a for a in page.content.decode().split('href="')[1:] if a.startswith("https://wa.me/"))
    text = parse_qs(urlparse(link[: link.index('"')].replace("&amp;", "&")).query)["text"][0]
    assert "waits for the approval of version 1 by" in text and world.member_org.name in text
    assert world.org_admin.email not in text


def test_a_lead_lacking_the_second_factor_the_coalition_asks_for_gets_no_mail_about_the_letter(
    letter, world, campaign, target
):
    _decide(letter, world.lead, world.lead_org)
    _decide(letter, world.org_admin, world.member_org)
    world.coalition.require_mfa_for_leads = True
    world.coalition.save(update_fields=["require_mfa_for_leads"])
    OutboxMessage.objects.all().delete()
    _revise(letter, world, campaign, target, body="Dear Minister,\n\nA shorter letter.")
    assert [m.payload["to"] for m in OutboxMessage.objects.all()] == [[world.org_admin.email]]
