"""Decisions of a coalition: each method's outcome, one vote per organisation whoever casts it,
observers who comment and never vote, changed votes, revised options, handed-on votes, extended
deadlines, and what a decision opens when it passes."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from campaigns import decisions as services
from campaigns.models import (
    Ballot,
    DeadlineExtension,
    Decision,
    DecisionComment,
    DecisionStatus,
    Delegation,
    Task,
    TextApproval,
    TextStatus,
    TextVersion,
)
from coalitions.audit import describe_entry as describe
from coalitions.errors import DomainError
from coalitions.models import AffiliationRole, AuditEntry, CoalitionRole, Notification, OrganisationKind
from tests.factories import AffiliationFactory, TargetFactory, person_in


def _partner(world, kind=OrganisationKind.NGO):
    person = person_in(world.coalition, CoalitionRole.MEMBER, org_role=AffiliationRole.ADMIN)
    organisation = person.affiliations.get().organisation
    organisation.kind = kind
    organisation.save(update_fields=["kind"])
    return person


def _org(user):
    return user.affiliations.get().organisation


def propose(world, *, by=None, method="consent", options=("Option one",), quorum=50, deadline=None, **extra):
    by = by or world.lead
    return services.decision_propose(
        coalition=world.coalition, by=by, organisation=_org(by), question="Do we take a joint position?",
        options=list(options), deadline=deadline or timezone.now() + timedelta(days=5), method=method,
        quorum_percent=quorum, **extra,
    )


def vote(decision, user, position="for", option=None, reasons="", organisation=None, **extra):
    option = option or decision.options.filter(superseded_by=None).first()
    return services.decision_vote(
        decision=decision, by=user, organisation=organisation or _org(user), option=option, position=position,
        reasons=reasons, **extra,
    )


def close(decision):
    return services.decision_close(decision=decision, now=decision.deadline + timedelta(seconds=1))


def _state():
    return (
        list(Ballot.objects.values_list("organisation_id", "option_id", "position", "reasons")),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


# Each method's outcome -------------------------------------------------------------------------


def test_consent_without_objection_passes(world):
    decision = propose(world)
    vote(decision, world.lead)
    vote(decision, world.member_staff)

    assert close(decision).status == DecisionStatus.PASSED
    assert decision.winning_option.number == 1


def test_consent_with_one_objection_does_not_pass(world):
    third = _partner(world)
    decision = propose(world)
    vote(decision, world.lead)
    vote(decision, world.member_staff)
    vote(decision, third, "against", reasons="It leaves out the mutual health organisations.")

    assert close(decision).status == DecisionStatus.REJECTED


def test_an_objection_without_reasons_is_refused_under_consent(world):
    decision = propose(world)
    before = _state()

    with pytest.raises(DomainError, match="must give its reasons"):
        vote(decision, world.member_staff, "against", reasons="  ")

    assert _state() == before


def test_majority_passes_with_more_than_half_of_the_organisations(world):
    third, fourth = _partner(world), _partner(world)
    decision = propose(world, method="majority", options=("Yes", "No"))
    yes, no = decision.options.all()
    vote(decision, world.lead, option=yes)
    vote(decision, world.member_staff, option=yes)
    vote(decision, third, option=no)
    vote(decision, fourth, option=no)
    assert close(decision).status == DecisionStatus.REJECTED  # 2 of 4 is not more than half

    again = propose(world, method="majority", options=("Yes", "No"))
    yes, no = again.options.all()
    for person in (world.lead, world.member_staff, third):
        vote(again, person, option=yes)
    vote(again, fourth, "against", option=yes)
    assert close(again).status == DecisionStatus.PASSED and again.winning_option == yes


def test_unanimity_fails_when_one_organisation_stands_aside(world):
    third = _partner(world)
    decision = propose(world, method="unanimity")
    vote(decision, world.lead)
    vote(decision, world.member_staff)
    vote(decision, third, "abstain")

    assert close(decision).status == DecisionStatus.REJECTED
    vote(unanimous := propose(world, method="unanimity"), world.lead)
    vote(unanimous, world.member_staff)
    vote(unanimous, third)
    assert close(unanimous).status == DecisionStatus.PASSED


def test_without_quorum_the_decision_fails_whatever_the_votes(world):
    _partner(world), _partner(world)
    decision = propose(world, quorum=75)
    vote(decision, world.lead)
    vote(decision, world.member_staff)

    assert close(decision).status == DecisionStatus.NO_QUORUM


def test_a_lead_cannot_decide_alone(world):
    decision = propose(world, quorum=0)
    vote(decision, world.lead)

    assert close(decision).status == DecisionStatus.REJECTED


def test_a_caucus_kind_must_have_a_supporting_organisation(world):
    union = _partner(world, kind=OrganisationKind.TRADE_UNION)
    decision = propose(world, caucus_kinds=[OrganisationKind.TRADE_UNION])
    vote(decision, world.lead)
    vote(decision, world.member_staff)
    vote(decision, union, "abstain")

    assert close(decision).status == DecisionStatus.REJECTED


def test_a_caucus_kind_nobody_belongs_to_is_refused(world):
    with pytest.raises(DomainError, match="No member organisation is of the kind"):
        propose(world, caucus_kinds=[OrganisationKind.COMMUNITY_GROUP])

    assert not Decision.objects.exists()


# One vote per organisation; observers -----------------------------------------------------------


def test_one_vote_per_organisation_whatever_its_number_of_people(world):
    decision = propose(world)
    vote(decision, world.member_staff)
    vote(decision, world.org_admin, "abstain")

    assert list(Ballot.objects.values_list("organisation_id", "position", "cast_by")) == [
        (world.member_org.pk, "abstain", world.org_admin.pk)
    ]


def test_observers_never_vote_but_comment(world):
    decision = propose(world)
    before = _state()

    with pytest.raises(PermissionDenied):
        vote(decision, world.observer)
    assert _state() == before

    services.decision_comment(decision=decision, by=world.observer, organisation=world.observer_org, body="Think of the donors.")
    assert DecisionComment.objects.get().organisation == world.observer_org


def test_a_ballot_of_an_organisation_that_became_observer_no_longer_counts(world):
    third = _partner(world)
    decision = propose(world, quorum=0)
    vote(decision, world.lead)
    vote(decision, third, "against", reasons="No.")
    world.coalition.participations.filter(organisation=_org(third)).update(role=CoalitionRole.OBSERVER)
    vote(decision, world.member_staff)

    assert close(decision).status == DecisionStatus.PASSED


def test_unauthorised_staff_cannot_vote(world):
    staff = AffiliationFactory(organisation=world.member_org, role=AffiliationRole.STAFF, may_vote=False).user
    decision = propose(world)
    before = _state()

    with pytest.raises(PermissionDenied):
        vote(decision, staff)

    assert _state() == before


def test_outsiders_reach_no_decision(world, client_for):
    from campaigns.access import get_decision_for_user

    decision = propose(world)

    with pytest.raises(Http404):
        get_decision_for_user(world.other_lead, world.coalition.slug, decision.pk)


# Changing, revising, handing on, extending -----------------------------------------------------


def test_a_vote_changes_until_the_deadline_and_not_after(world):
    decision = propose(world)
    vote(decision, world.member_staff, "against", reasons="Not yet.")
    vote(decision, world.member_staff, "for")

    ballot = Ballot.objects.get()
    assert (ballot.position, ballot.reasons, ballot.changed_at is not None) == ("for", "", True)
    with pytest.raises(DomainError, match="deadline has passed"):
        vote(decision, world.member_staff, "abstain", now=decision.deadline)
    assert Ballot.objects.get().position == "for"


def test_a_revised_option_voids_the_votes_on_the_old_wording_and_asks_again(world):
    third = _partner(world)
    decision = propose(world)
    vote(decision, world.lead)
    vote(decision, third, "against", reasons="Too vague.")

    revised = services.decision_option_revise(option=decision.options.get(), by=world.lead, wording="Option one, precisely")

    assert not Ballot.objects.exists()
    assert Notification.objects.filter(key=f"decision:{decision.pk}:revised:{revised.pk}", user=third).exists()
    with pytest.raises(DomainError, match="has been revised"):
        vote(decision, world.lead, option=decision.options.get(number=1))
    vote(decision, world.lead, option=revised)
    vote(decision, third, option=revised)
    assert close(decision).status == DecisionStatus.PASSED and decision.winning_option == revised


def test_an_objection_stays_on_the_decisions_page_after_the_option_is_revised(world):
    from django.test import Client
    from django.urls import reverse

    third = _partner(world)
    decision = propose(world)
    vote(decision, third, "against", reasons="The card must stay free for the poorest households.")

    services.decision_option_revise(option=decision.options.get(), by=world.lead, wording="Option one, with free cards")

    client = Client()
    client.force_login(world.member_staff)
    page = client.get(reverse("decision_detail", args=[world.coalition.slug, decision.pk])).content.decode()
    assert "Votes before it was revised" in page
    assert "The card must stay free for the poorest households." in page
    assert _org(third).name in page


def test_a_member_that_did_not_propose_cannot_revise_or_withdraw(world):
    decision = propose(world)
    before = _state()

    with pytest.raises(PermissionDenied):
        services.decision_option_revise(option=decision.options.get(), by=world.member_staff, wording="Mine")
    with pytest.raises(PermissionDenied):
        services.decision_withdraw(decision=decision, by=world.member_staff)

    assert _state() == before


def test_a_vote_handed_to_another_organisation_is_cast_by_it_and_shown(world):
    third = _partner(world)
    decision = propose(world)

    services.decision_delegate(decision=decision, by=world.org_admin, organisation=world.member_org, to_organisation=_org(third))
    with pytest.raises(PermissionDenied):
        vote(decision, world.member_staff)  # its own people handed the vote on
    ballot = vote(decision, third, organisation=world.member_org)

    assert (ballot.organisation, ballot.delegated_to, ballot.cast_by) == (world.member_org, _org(third), third)
    entry = AuditEntry.objects.filter(action="decision.voted").latest("seq")
    assert describe(entry) == f"{world.member_org.short_name} consents to option 1 of “Do we take a joint position?” ({third})."
    services.decision_delegation_revoke(decision=decision, by=world.org_admin, organisation=world.member_org)
    assert not Delegation.objects.exists()
    vote(decision, world.member_staff, "abstain")
    assert Ballot.objects.get(organisation=world.member_org).position == "abstain"


def test_delegation_is_refused_where_the_coalition_does_not_allow_it(world):
    world.coalition.decision_delegation = False
    world.coalition.save()
    decision = propose(world)

    with pytest.raises(DomainError):
        services.decision_delegate(decision=decision, by=world.org_admin, organisation=world.member_org, to_organisation=world.lead_org)

    assert not Delegation.objects.exists()


def test_the_deadline_is_extended_with_a_reason_and_recorded(world):
    decision = propose(world)
    old = decision.deadline

    services.decision_extend(decision=decision, by=world.lead, deadline=old + timedelta(days=2), reason="STS meets on Friday.")

    decision.refresh_from_db()
    extension = DeadlineExtension.objects.get()
    assert (extension.old_deadline, extension.new_deadline, decision.deadline) == (old, old + timedelta(days=2), old + timedelta(days=2))
    with pytest.raises(DomainError):
        services.decision_extend(decision=decision, by=world.lead, deadline=old, reason="Back")


def test_a_method_the_coalition_does_not_allow_is_refused(world):
    world.coalition.decision_methods = ["consent"]
    world.coalition.save()

    with pytest.raises(DomainError):
        propose(world, method="majority")

    assert not Decision.objects.exists()


# The trail, hidden results, closing -----------------------------------------------------------


def test_hidden_results_keep_positions_out_of_the_trail_until_the_close(world):
    decision = propose(world, results_hidden=True)
    vote(decision, world.member_staff, "against", reasons="Not this way.")

    entry = AuditEntry.objects.filter(action="decision.voted").get()
    assert "position" not in entry.data
    assert describe(entry) == f"{world.member_org.short_name} voted on “Do we take a joint position?” ({world.member_staff})."


def test_closing_records_who_voted_what_and_is_idempotent(world):
    decision = propose(world)
    vote(decision, world.lead)
    vote(decision, world.member_staff)

    close(decision)
    close(decision)

    [entry] = AuditEntry.objects.filter(action="decision.closed")
    assert entry.actor is None and entry.data["status"] == "passed"
    assert {(v["organisation"], v["position"], v["by"]) for v in entry.data["votes"]} == {
        (world.lead_org.short_name, "for", str(world.lead)), (world.member_org.short_name, "for", str(world.member_staff)),
    }
    assert describe(entry) == "Decided: “Do we take a joint position?” passed with option 1."
    assert Notification.objects.filter(key=f"decision:{decision.pk}:closed").count() == 3  # lead, staff, admin


def test_closing_before_the_deadline_changes_nothing(world):
    decision = propose(world)
    vote(decision, world.lead)
    vote(decision, world.member_staff)

    services.decision_close(decision=decision, now=decision.deadline - timedelta(minutes=1))

    assert Decision.objects.get().status == DecisionStatus.OPEN


def test_a_passed_decision_opens_its_task(world, campaign):
    target = TargetFactory(campaign=campaign, name="Ministry of Health")
    decision = propose(
        world, campaign=campaign, outcome_action="task",
        outcome_params={"targets": [target.pk], "organisation": world.member_org.pk, "channel": "letter", "due_days": 7},
    )
    vote(decision, world.lead)
    vote(decision, world.member_staff)

    close(decision)

    task = Task.objects.get()
    assert (task.target, task.organisation, task.channel) == (target, world.member_org, "letter")
    assert decision.outcome_ref == f"task:{task.pk}"


def test_a_passed_decision_proposes_its_text_with_the_supporters_approvals(world, campaign):
    decision = propose(world, campaign=campaign, options=("Ratify C189 this year",), outcome_action="text", outcome_params={"kind": "ask"})
    vote(decision, world.lead)
    vote(decision, world.member_staff)

    close(decision)

    version = TextVersion.objects.get()
    assert version.body == "Ratify C189 this year" and version.status == TextStatus.ADOPTED
    assert set(TextApproval.objects.values_list("organisation", flat=True)) == {world.lead_org.pk, world.member_org.pk}


def test_a_passed_decision_drafts_its_letter_through_the_letters_hook(world, campaign):
    from letters.models import Letter

    target = TargetFactory(campaign=campaign)
    decision = propose(world, campaign=campaign, outcome_action="letter", outcome_params={"targets": [target.pk]})
    vote(decision, world.lead)
    vote(decision, world.member_staff)

    close(decision)

    letter = Letter.objects.get()
    assert letter.current_version.content["body"] == "Option one"
    assert decision.outcome_ref == f"letter:{letter.pk}"


def test_an_outcome_without_a_campaign_is_refused(world):
    with pytest.raises(DomainError):
        propose(world, outcome_action="text", outcome_params={"kind": "ask"})


def test_a_vote_reminder_skips_who_asked_for_no_mail_and_a_lead_without_the_second_factor_asked(world):
    from coalitions.models import MailPreference, OutboxMessage

    world.coalition.require_mfa_for_leads = True
    world.coalition.save(update_fields=["require_mfa_for_leads"])
    world.org_admin.notification_mail = MailPreference.NEVER
    world.org_admin.save(update_fields=["notification_mail"])
    decision = propose(world, by=world.member_staff, deadline=timezone.now() + timedelta(days=5))
    Decision.objects.filter(pk=decision.pk).update(
        deadline=timezone.now() + timedelta(hours=30), proposed_at=timezone.now() - timedelta(days=5)
    )

    services.decision_reminders_send()

    mailed = {to for payload in OutboxMessage.objects.values_list("payload", flat=True) for to in payload["to"]}
    assert world.member_staff.email in mailed
    assert world.org_admin.email not in mailed
    assert world.lead.email not in mailed
