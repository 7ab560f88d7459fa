"""Shared message, ask and solution: proposing wording, approving it under the coalition's rule
(one vote per organisation; observers never count; a lead never adopts alone), withdrawing it,
and who may do which."""

import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.urls import reverse

from campaigns import services
from campaigns.models import TextApproval, TextStatus, TextVersion
from coalitions import services as coalition_services
from coalitions.audit import describe_entry
from coalitions.errors import DomainError
from coalitions.models import AdoptionRule, AffiliationRole, AuditEntry, CoalitionRole, Participation, User
from tests.conftest import ROLES, World, needs_postgres
from tests.factories import AffiliationFactory, person_in

OK, DONE, LOGIN, HIDDEN, DENIED, NOT_ALLOWED = 200, 302, "login", 404, 403, 405

ASK = "Ratify ILO Convention 189"


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page_url(world, campaign) -> str:
    return reverse("campaign_texts", args=[world.coalition.slug, campaign.slug])


def _version_url(name: str, world, version) -> str:
    return reverse(name, args=[world.coalition.slug, version.campaign.slug, version.pk])


def _partner(world, role=CoalitionRole.MEMBER) -> User:
    """The admin of one more organisation taking part in the world's coalition."""
    return person_in(world.coalition, role, org_role=AffiliationRole.ADMIN)


def _org(user):
    return user.affiliations.get().organisation


def _propose(campaign, user, *, kind="ask", body=ASK, organisation=None) -> TextVersion:
    return services.text_propose(
        campaign=campaign, by=user, organisation=organisation or _org(user), kind=kind, body=body
    )


def _approve(version, user, organisation=None) -> TextVersion:
    return services.text_approve(version=version, by=user, organisation=organisation or _org(user))


def _set_rule(world, rule) -> None:
    world.coalition.adoption_rule = rule
    world.coalition.save(update_fields=["adoption_rule"])


def _status(version) -> str:
    return TextVersion.objects.values_list("status", flat=True).get(pk=version.pk)


def _state(world):
    return (
        list(TextVersion.objects.order_by("pk").values_list("pk", "kind", "number", "status", "body")),
        list(TextApproval.objects.order_by("pk").values_list("version_id", "organisation_id")),
        AuditEntry.objects.filter(coalition=world.coalition).count(),
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Who may do what -----------------------------------------------------------------------------

# One row per (URL, method); one column per role in tests.conftest.ROLES:
# anonymous, outsider, observer, member_staff, org_admin, lead, other_lead
EXPECTED = {
    "campaign_texts GET": (LOGIN, HIDDEN, OK, OK, OK, OK, HIDDEN),
    "campaign_texts POST": (LOGIN, HIDDEN, DENIED, DONE, DONE, DONE, HIDDEN),
    "text_approve GET": (LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    "text_approve POST": (LOGIN, HIDDEN, DENIED, DONE, DONE, DONE, HIDDEN),
    "text_withdraw GET": (LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED),
    # Only the proposing organisation (here a third one) or a lead withdraws a proposal.
    "text_withdraw POST": (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DONE, HIDDEN),
}

NEW_WORDING = {"kind": "message", "body": "Women have equal rights to job opportunities and wages", "note": "Shorter."}


@dataclass
class Matrix:
    world: World
    campaign: object
    proposal: TextVersion  # proposed by a third member organisation, so everyone else may still approve it


@pytest.fixture
def matrix(world, campaign) -> Matrix:
    return Matrix(world=world, campaign=campaign, proposal=_propose(campaign, _partner(world)))


def _proposed(matrix: Matrix, user: User) -> None:
    version = TextVersion.objects.get(campaign=matrix.campaign, kind="message")
    assert (version.body, version.organisation, version.status) == (NEW_WORDING["body"], _org(user), TextStatus.PENDING)


def _approved(matrix: Matrix, user: User) -> None:
    assert TextApproval.objects.filter(version=matrix.proposal, organisation=_org(user)).exists()


def _withdrawn(matrix: Matrix, user: User) -> None:
    assert _status(matrix.proposal) == TextStatus.WITHDRAWN


@dataclass(frozen=True)
class Case:
    url: Callable[[Matrix], str]
    data: dict
    effect: Callable[[Matrix, User], None] | None = None


CASES = {
    "campaign_texts": Case(lambda m: _page_url(m.world, m.campaign), NEW_WORDING, _proposed),
    "text_approve": Case(lambda m: _version_url("text_approve", m.world, m.proposal), {}, _approved),
    "text_withdraw": Case(lambda m: _version_url("text_withdraw", m.world, m.proposal), {}, _withdrawn),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_role_gets_what_the_matrix_says(case, role, matrix, django_capture_on_commit_callbacks):
    name, method = case.split()
    expected = EXPECTED[case][ROLES.index(role)]
    user = matrix.world.user(role)
    client = _client(user)
    before = _state(matrix.world)

    with django_capture_on_commit_callbacks(execute=True):
        if method == "GET":
            response = client.get(CASES[name].url(matrix))
        else:
            response = client.post(CASES[name].url(matrix), CASES[name].data)

    if expected == LOGIN:
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    else:
        assert response.status_code == expected, response.content[:500]
    if expected == DONE:
        assert response["Location"].startswith(_page_url(matrix.world, matrix.campaign))
        CASES[name].effect(matrix, user)
    else:
        assert _state(matrix.world) == before


def test_observer_sees_every_proposal_but_no_form_or_button(world, campaign):
    _propose(campaign, world.lead)

    page = _client(world.observer).get(_page_url(world, campaign)).content.decode()

    assert ASK in page and "Approved by 1 of the 2 needed" in page
    assert "/approve/" not in page and "/withdraw/" not in page and 'name="body"' not in page
    assert "only lead and member organisations propose and approve" in page


def test_observer_cannot_approve_through_the_service_either(world, campaign):
    version = _propose(campaign, world.lead)
    before = _state(world)

    with pytest.raises(PermissionDenied):
        _approve(version, world.observer)

    assert _state(world) == before


def test_withdraw_button_is_offered_to_the_proposing_organisation_and_to_leads_only(world, campaign):
    version = _propose(campaign, world.member_staff)
    withdraw = _version_url("text_withdraw", world, version)
    partner = _partner(world)

    assert withdraw in _client(world.org_admin).get(_page_url(world, campaign)).content.decode()
    assert withdraw in _client(world.lead).get(_page_url(world, campaign)).content.decode()
    assert withdraw not in _client(partner).get(_page_url(world, campaign)).content.decode()


def test_approve_button_is_not_offered_to_an_organisation_that_already_approved(world, campaign):
    version = _propose(campaign, world.member_staff)
    approve = _version_url("text_approve", world, version)

    assert approve not in _client(world.org_admin).get(_page_url(world, campaign)).content.decode()
    assert approve in _client(world.lead).get(_page_url(world, campaign)).content.decode()


# Proposing -----------------------------------------------------------------------------------


def test_proposal_is_approved_at_once_by_the_proposing_organisation(world, campaign):
    response = _client(world.member_staff).post(_page_url(world, campaign), NEW_WORDING)

    version = TextVersion.objects.get(campaign=campaign)
    assert response["Location"] == f"{_page_url(world, campaign)}#version-{version.pk}"
    assert (version.number, version.status, version.proposed_by) == (1, TextStatus.PENDING, world.member_staff)
    assert [a.organisation for a in version.approvals.all()] == [world.member_org]
    page = _client(world.lead).get(_page_url(world, campaign)).content.decode()
    assert "Approved by 1 of the 2 needed" in page


def test_versions_are_numbered_per_kind(world, campaign):
    kinds = ("ask", "ask", "message", "ask")
    numbers = [_propose(campaign, world.lead, kind=kind, body=f"{ASK}, take {n}").number for n, kind in enumerate(kinds)]
    assert numbers == [1, 2, 1, 3]


def test_a_person_of_several_organisations_chooses_which_one_proposes(world, campaign):
    AffiliationFactory(user=world.lead, organisation=world.member_org)
    client = _client(world.lead)
    assert 'name="organisation"' in client.get(_page_url(world, campaign)).content.decode()
    before = _state(world)

    unnamed = client.post(_page_url(world, campaign), NEW_WORDING)

    assert unnamed.status_code == 200 and _state(world) == before
    assert NEW_WORDING["body"] in unnamed.content.decode()  # what was typed is kept
    client.post(_page_url(world, campaign), {**NEW_WORDING, "organisation": world.member_org.pk})
    assert TextVersion.objects.get(campaign=campaign).organisation == world.member_org


def test_proposing_for_an_organisation_one_does_not_belong_to_is_refused(world, campaign):
    before = _state(world)

    response = _client(world.member_staff).post(
        _page_url(world, campaign), {**NEW_WORDING, "organisation": world.lead_org.pk}
    )

    assert response.status_code == 200 and _state(world) == before


def test_empty_wording_is_refused_and_the_note_kept(world, campaign):
    before = _state(world)

    response = _client(world.lead).post(_page_url(world, campaign), {**NEW_WORDING, "body": "   ", "note": "Why not"})

    assert response.status_code == 200 and _state(world) == before
    assert response.context["form"].errors["body"]
    assert "Why not" in response.content.decode()


def test_propose_form_starts_from_the_adopted_wording_of_the_chosen_kind(world, campaign):
    _approve(_propose(campaign, world.lead, kind="ask"), world.member_staff)

    response = _client(world.member_staff).get(_page_url(world, campaign) + "?kind=ask")

    assert response.context["form"]["kind"].value() == "ask"
    assert response.context["form"]["body"].value() == ASK


# Adoption under the coalition's rule ---------------------------------------------------------


def test_under_all_every_lead_and_member_organisation_must_approve(world, campaign):
    partner = _partner(world)
    version = _propose(campaign, world.lead)

    _client(world.member_staff).post(_version_url("text_approve", world, version))
    assert _status(version) == TextStatus.PENDING
    assert "Approved by 2 of the 3 needed" in _client(world.lead).get(_page_url(world, campaign)).content.decode()

    response = _client(partner).post(_version_url("text_approve", world, version), follow=True)

    assert _status(version) == TextStatus.ADOPTED
    assert "the wording is adopted" in " ".join(_messages(response))


def test_under_all_an_observer_can_neither_approve_nor_block(world, campaign):
    version = _propose(campaign, world.lead)
    before = _state(world)

    refused = _client(world.observer).post(
        _version_url("text_approve", world, version), {"organisation": world.observer_org.pk}
    )

    assert refused.status_code == 403 and _state(world) == before
    _approve(version, world.member_staff)
    assert _status(version) == TextStatus.ADOPTED  # the observer organisation was never needed


@pytest.mark.parametrize(("organisations", "needed"), [(2, 2), (3, 2), (4, 3), (5, 3), (6, 4)])
def test_under_majority_the_wording_is_adopted_at_more_than_half(world, campaign, organisations, needed):
    _set_rule(world, AdoptionRule.MAJORITY)
    approvers = [world.member_staff] + [_partner(world) for _ in range(organisations - 2)]
    version = _propose(campaign, world.lead)

    for count, approver in enumerate(approvers, start=2):
        if _status(version) != TextStatus.PENDING:
            break
        _approve(version, approver)
        tally = services.text_tally(version)
        assert (len(tally.support), tally.support_needed, len(tally.eligible)) == (count, needed, organisations)
        assert _status(version) == (TextStatus.ADOPTED if count >= needed else TextStatus.PENDING)

    assert _status(version) == TextStatus.ADOPTED
    assert version.approvals.count() == needed


def test_under_majority_two_of_three_adopt_through_the_page(world, campaign):
    _set_rule(world, AdoptionRule.MAJORITY)
    _partner(world)
    version = _propose(campaign, world.lead)
    assert "Approved by 1 of the 2 needed" in _client(world.lead).get(_page_url(world, campaign)).content.decode()

    _client(world.org_admin).post(_version_url("text_approve", world, version))

    assert _status(version) == TextStatus.ADOPTED
    page = _client(world.observer).get(_page_url(world, campaign))
    ask = next(section for section in page.context["sections"] if section.kind == "ask")
    assert ask.adopted == version and ask.pending == []


def test_a_second_person_of_the_same_organisation_adds_no_vote(world, campaign):
    _partner(world)
    version = _propose(campaign, world.lead)
    _approve(version, world.member_staff)
    before = _state(world)

    response = _client(world.org_admin).post(_version_url("text_approve", world, version), follow=True)

    assert f"{world.member_org} has already approved this wording." in _messages(response)
    assert _state(world) == before
    assert _status(version) == TextStatus.PENDING


def test_under_majority_extra_people_of_one_organisation_do_not_change_the_result(world, campaign):
    _set_rule(world, AdoptionRule.MAJORITY)
    partners = [_partner(world), _partner(world)]
    version = _propose(campaign, world.lead)
    _approve(version, world.member_staff)

    with pytest.raises(DomainError):
        _approve(version, world.org_admin)

    assert _status(version) == TextStatus.PENDING  # 2 of the 3 needed among 4 organisations
    _approve(version, partners[0])
    assert _status(version) == TextStatus.ADOPTED


@pytest.mark.parametrize("rule", [AdoptionRule.ALL, AdoptionRule.MAJORITY])
def test_a_lead_cannot_adopt_alone_even_as_the_only_organisation_that_votes(world, campaign, rule):
    _set_rule(world, rule)
    Participation.objects.filter(coalition=world.coalition, organisation=world.member_org).delete()
    version = _propose(campaign, world.lead)
    before = _state(world)

    again = _client(world.lead).post(_version_url("text_approve", world, version), follow=True)

    tally = services.text_tally(version)
    assert (len(tally.support), tally.support_needed, len(tally.eligible), tally.passes) == (1, 2, 1, False)
    assert _status(version) == TextStatus.PENDING and _state(world) == before
    assert f"{world.lead_org} has already approved this wording." in _messages(again)
    assert "Approved by 1 of the 2 needed" in again.content.decode()


def test_a_person_of_two_organisations_chooses_which_one_approves(world, campaign):
    AffiliationFactory(user=world.member_staff, organisation=_org(_partner(world)))
    third = _partner(world)
    version = _propose(campaign, third)
    page = _client(world.member_staff).get(_page_url(world, campaign)).content.decode()
    assert f'id="approve-as-{version.pk}"' in page

    _client(world.member_staff).post(_version_url("text_approve", world, version), {"organisation": world.member_org.pk})

    assert set(version.approvals.values_list("organisation", flat=True)) == {_org(third).pk, world.member_org.pk}
    assert _status(version) == TextStatus.PENDING  # 2 of the 4 organisations under the rule of all


def test_adopting_new_wording_replaces_the_adopted_one_and_history_shows_both(world, campaign):
    first = _propose(campaign, world.lead, kind="message", body="Women have equal rights to jobs")
    _approve(first, world.member_staff)
    second = _propose(
        campaign, world.member_staff, kind="message", body="Women have equal rights to job opportunities and wages"
    )

    _client(world.lead).post(_version_url("text_approve", world, second))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (TextStatus.SUPERSEDED, TextStatus.ADOPTED)
    assert first.decided_at is not None and first.decided_at == second.decided_at
    page = _client(world.observer).get(_page_url(world, campaign))
    message = next(section for section in page.context["sections"] if section.kind == "message")
    assert message.adopted == second and message.history == [second, first]
    html = page.content.decode()
    assert "Women have equal rights to <del>jobs</del><ins>job opportunities and wages</ins>" in html
    assert "Replaced" in html and "Adopted" in html


def test_user_text_in_wording_and_diff_is_never_html(world, campaign):
    _approve(_propose(campaign, world.lead, body="Ratify the convention <b>now</b>"), world.member_staff)
    _propose(campaign, world.member_staff, body='Ratify the convention <script>alert("x")</script>')
    _propose(campaign, world.lead, kind="ask", body="<u>entirely</u> new")

    html = _client(world.lead).get(_page_url(world, campaign)).content.decode()

    assert "<script>alert" not in html and "<b>now" not in html and "<u>" not in html
    assert "<del>&lt;b&gt;now&lt;/b&gt;</del><ins>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</ins>" in html
    assert '<blockquote class="text-body after">&lt;u&gt;entirely&lt;/u&gt; new</blockquote>' in html


def test_page_states_the_rule_and_offers_leads_a_way_to_change_it(world, campaign):
    _set_rule(world, AdoptionRule.MAJORITY)
    settings_url = reverse("coalition_settings", args=[world.coalition.slug])

    lead_page = _client(world.lead).get(_page_url(world, campaign)).content.decode()
    member_page = _client(world.member_staff).get(_page_url(world, campaign)).content.decode()

    assert "A majority of member and lead organisations approve" in lead_page
    assert settings_url in lead_page and settings_url not in member_page


# Withdrawing and refused approvals -----------------------------------------------------------


def test_anyone_of_the_proposing_organisation_may_withdraw_its_proposal(world, campaign):
    version = _propose(campaign, world.member_staff)

    response = _client(world.org_admin).post(_version_url("text_withdraw", world, version), follow=True)

    assert _status(version) == TextStatus.WITHDRAWN
    assert "The proposal has been withdrawn." in _messages(response)
    assert AuditEntry.objects.filter(coalition=world.coalition).latest("seq").action == "text.withdrawn"


def test_another_member_organisation_cannot_withdraw_a_proposal(world, campaign):
    version = _propose(campaign, world.lead)
    before = _state(world)

    with pytest.raises(PermissionDenied):
        services.text_withdraw(version=version, by=world.member_staff)

    assert _state(world) == before


@pytest.mark.parametrize("decided", ["withdrawn", "adopted"])
def test_a_decided_wording_can_be_neither_approved_nor_withdrawn(world, campaign, decided):
    _partner(world)
    version = _propose(campaign, world.lead)
    if decided == "withdrawn":
        services.text_withdraw(version=version, by=world.lead)
    else:
        _set_rule(world, AdoptionRule.MAJORITY)
        _approve(version, world.member_staff)
    before = _state(world)

    approved = _client(world.org_admin).post(_version_url("text_approve", world, version), follow=True)
    withdrawn = _client(world.lead).post(_version_url("text_withdraw", world, version), follow=True)

    assert "This wording is no longer waiting for approval." in _messages(approved)
    assert "This wording is no longer waiting for approval." in _messages(withdrawn)
    assert _state(world) == before and _status(version) == decided


# When the coalition changes ------------------------------------------------------------------


def test_an_organisation_that_left_no_longer_counts(world, campaign):
    partner = _partner(world)
    version = _propose(campaign, world.lead)
    _approve(version, partner)
    coalition_services.coalition_leave(coalition=world.coalition, organisation=_org(partner), by=partner)

    tally = services.text_tally(version)
    assert (len(tally.support), tally.support_needed, tally.passes) == (1, 2, False)
    page = _client(world.lead).get(_page_url(world, campaign)).content.decode()
    assert "Approved by 1 of the 2 needed" in page and "No longer counted" in page

    _approve(version, world.member_staff)
    assert _status(version) == TextStatus.ADOPTED


def test_an_organisation_that_became_observer_no_longer_counts_nor_votes(world, campaign):
    _set_rule(world, AdoptionRule.MAJORITY)
    demoted, _other = _partner(world), _partner(world)
    version = _propose(campaign, world.lead)
    _approve(version, demoted)  # 2 of the 3 needed among 4 organisations
    participation = Participation.objects.get(coalition=world.coalition, organisation=_org(demoted))
    coalition_services.participation_role_change(participation=participation, by=world.lead, role=CoalitionRole.OBSERVER)

    tally = services.text_tally(version)
    assert (len(tally.support), tally.support_needed, len(tally.eligible)) == (1, 2, 3)
    assert _client(demoted).post(_version_url("text_approve", world, version)).status_code == 403

    _approve(version, world.member_staff)
    assert _status(version) == TextStatus.ADOPTED


def test_wording_agreed_because_an_organisation_left_is_adopted_on_confirmation(world, campaign):
    partner = _partner(world)
    version = _propose(campaign, world.lead)
    _approve(version, world.member_staff)
    coalition_services.coalition_leave(coalition=world.coalition, organisation=_org(partner), by=partner)
    page = _client(world.lead).get(_page_url(world, campaign)).content.decode()
    assert "Confirm the adoption" in page
    approvals = TextApproval.objects.count()

    _client(world.lead).post(_version_url("text_approve", world, version), {"organisation": world.lead_org.pk})

    assert _status(version) == TextStatus.ADOPTED
    assert TextApproval.objects.count() == approvals
    assert AuditEntry.objects.filter(coalition=world.coalition).latest("seq").action == "text.adopted"


# The activity trail --------------------------------------------------------------------------


def test_proposal_approval_and_adoption_enter_the_activity_trail_as_sentences(world, campaign):
    version = _propose(campaign, world.lead, kind="ask")
    services.text_withdraw(version=_propose(campaign, world.member_staff, kind="message"), by=world.lead)
    _approve(version, world.member_staff)

    entries = list(AuditEntry.objects.filter(coalition=world.coalition).order_by("seq"))

    assert [entry.action for entry in entries] == [
        "text.proposed", "text.proposed", "text.withdrawn", "text.approved", "text.adopted",
    ]
    # The same sentences go out over the coalition's socket.
    assert [describe_entry(entry) for entry in entries] == [
        f"{world.lead} ({world.lead_org.short_name}) proposed wording 1 of the ask of “Ratify ILO C189”.",
        f"{world.member_staff} ({world.member_org.short_name}) proposed wording 1 of the message of “Ratify ILO C189”.",
        f"{world.lead} withdrew wording 1 of the message of “Ratify ILO C189”.",
        f"{world.member_org.short_name} approved wording 1 of the ask of “Ratify ILO C189” ({world.member_staff}).",
        "Wording 1 of the ask of “Ratify ILO C189” is adopted.",
    ]


# Queries -------------------------------------------------------------------------------------

# Session, user, coalition, the person's organisations and their roles, campaign, versions,
# approvals, the organisations that vote (twice: the tally and the names of who still has to approve).
TEXTS_PAGE_QUERIES = 10


def _versions(world, campaign, count: int) -> None:
    """A mix of adopted, replaced, withdrawn and pending wordings over the three kinds."""
    for number in range(count):
        version = _propose(campaign, world.lead, kind=("message", "ask", "solution")[number % 3], body=f"{ASK} {number}")
        if number % 2:
            _approve(version, world.member_staff)
        elif number % 5 == 0:
            services.text_withdraw(version=version, by=world.lead)


@pytest.mark.parametrize("versions", [2, 20])
@pytest.mark.parametrize("role", ["lead", "observer"])
def test_texts_page_runs_the_same_queries_for_2_and_20_versions(
    world, campaign, versions, role, django_assert_num_queries
):
    _partner(world)
    _versions(world, campaign, versions)
    client = _client(world.user(role))

    with django_assert_num_queries(TEXTS_PAGE_QUERIES):
        response = client.get(_page_url(world, campaign))

    assert sum(len(section.history) for section in response.context["sections"]) == versions


# Concurrency ---------------------------------------------------------------------------------


@needs_postgres
@pytest.mark.postgres
def test_two_wordings_of_one_kind_adopted_at_once_leave_one_adopted(transactional_db, world, campaign, monkeypatch):
    """Each approval enters the coalition's trail before it adopts, and the trail takes the coalition's
    row: the second adoption waits for the first and replaces it, instead of breaking the rule of one
    adopted wording per kind."""
    first, second = _propose(campaign, world.lead), _propose(campaign, world.lead, body=f"{ASK} this year")
    both_agreed = threading.Barrier(2, timeout=1)
    adopt = services._adopt_if_agreed

    def adopt_after_the_other(version, by):
        try:
            both_agreed.wait()
        except threading.BrokenBarrierError:
            pass  # the other approval is waiting for this one's lock
        adopt(version, by)

    monkeypatch.setattr(services, "_adopt_if_agreed", adopt_after_the_other)
    outcomes = [None, None]

    def run(index, version):
        try:
            _approve(version, world.member_staff)
            outcomes[index] = "done"
        except Exception as error:  # noqa: BLE001
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, v)) for i, v in enumerate([first, second])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == ["done", "done"]
    assert sorted([_status(first), _status(second)]) == [TextStatus.ADOPTED, TextStatus.SUPERSEDED]


# Repeated wording, readable changes, the propose form ---------------------------------------


def test_proposal_identical_to_the_adopted_wording_is_refused_and_changes_nothing(world, campaign):
    _approve(_propose(campaign, world.lead, kind="ask"), world.member_staff)
    before = _state(world)

    response = _client(world.member_staff).post(
        _page_url(world, campaign), {"kind": "ask", "body": "  Ratify ILO\n Convention   189 ", "note": "Again"}
    )

    assert response.status_code == 200 and _state(world) == before
    assert "This is the adopted wording already." in response.content.decode()
    assert "Again" in response.content.decode()


def test_proposal_identical_to_a_pending_wording_points_to_it(world, campaign):
    pending = _propose(campaign, world.lead, kind="message", body="Decent work for domestic workers")
    before = _state(world)

    with pytest.raises(DomainError, match=f"Wording {pending.number} says exactly this"):
        _propose(campaign, world.member_staff, kind="message", body="Decent work  for domestic\tworkers")

    assert _state(world) == before


def test_same_wording_may_come_back_once_the_other_is_withdrawn_or_for_another_text(world, campaign):
    withdrawn = _propose(campaign, world.lead, kind="message", body="Decent work")
    services.text_withdraw(version=withdrawn, by=world.lead)

    again = _propose(campaign, world.lead, kind="message", body="Decent work")
    other_kind = _propose(campaign, world.lead, kind="solution", body="Decent work")

    assert (again.number, other_kind.number) == (2, 1)


@pytest.mark.parametrize(
    ("old", "new", "as_diff"),
    [
        ("Ratify the convention this year", "Ratify the convention this very year", True),
        ("Women have equal rights to jobs", "Women have equal rights to job opportunities and wages", True),
        ("one two three four five", "one two three six seven", True),  # 3 of 5 kept: 60 %
        ("one two three four five", "one two six seven eight", False),  # 2 of 5 kept
        ("Ratify C189 now", "The government must protect domestic workers by law", False),
        ("", "A first wording", True),
    ],
)
def test_word_diff_only_when_most_words_stay(old, new, as_diff):
    from campaigns.selectors import text_changes

    changes = text_changes(old, new)

    assert changes.rewritten is not as_diff
    assert (changes.segments is not None) is as_diff


def test_rewrite_shows_before_and_after_instead_of_a_word_mix(world, campaign):
    _approve(_propose(campaign, world.lead, kind="ask", body="Ratify C189 now"), world.member_staff)
    _propose(campaign, world.member_staff, kind="ask", body="The government must protect domestic workers by law")

    html = _client(world.lead).get(_page_url(world, campaign)).content.decode()

    proposal = html[html.index("A rewrite of the adopted wording:"):]
    assert '<blockquote class="text-body before">Ratify C189 now</blockquote>' in proposal
    assert '<blockquote class="text-body after">The government must protect domestic workers by law</blockquote>' in proposal
    assert "<del>" not in proposal.split("</article>")[0]


def test_propose_form_remembers_which_text_after_an_error(world, campaign):
    response = _client(world.lead).post(
        _page_url(world, campaign) + "?kind=solution", {"kind": "solution", "body": "  ", "note": "Why not"}
    )

    form = response.context["form"]
    html = response.content.decode()
    assert form["kind"].value() == "solution"
    assert "Propose new wording: Solution" in html
    assert '<option value="solution" selected>' in html
    assert "?kind=solution#propose" in html


def test_history_numbers_are_the_wording_numbers(world, campaign):
    for n in range(3):
        _propose(campaign, world.lead, kind="message", body=f"{ASK}, take {n}")

    html = _client(world.lead).get(_page_url(world, campaign)).content.decode()

    history = html[html.index('class="versions"'):]
    history = history[: history.index("</ul>")]
    # A numbered list would put "1." before wording 3: the wording's own number is the only one shown.
    assert [history.index(f"Wording {n}") for n in (3, 2, 1)] == sorted(history.index(f"Wording {n}") for n in (3, 2, 1))
    assert "<ol" not in html[html.index("text-history"):html.index("text-history") + 400]


def test_tally_reads_approved_by_so_many_of_the_needed(world, campaign):
    for _ in range(3):
        _partner(world)
    _propose(campaign, world.lead)

    html = _client(world.lead).get(_page_url(world, campaign)).content.decode()

    assert "Approved by 1 of the 5 needed" in html
