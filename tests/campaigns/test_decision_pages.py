"""The decision pages: who may reach and change what, the ballot forms, hidden results, the lists'
queries, home's one tap to an open vote, and the page following the decision live."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns import decisions as services
from campaigns.models import Ballot, DeadlineExtension, Decision, DecisionComment, DecisionStatus, Delegation
from coalitions.models import AffiliationRole, AuditEntry, CoalitionRole, Notification
from tests.conftest import ROLES
from tests.factories import person_in
from tests.messaging.test_live_regions import Regions

OK, DONE, LOGIN, HIDDEN, DENIED, KEPT = 200, 302, "login", 404, 403, "kept"


def _org(user):
    return user.affiliations.get().organisation


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Setting:
    world: object
    campaign: object
    third: object
    decision: Decision
    option: object = None
    extra: dict = field(default_factory=dict)


@pytest.fixture
def setting(world, campaign):
    third = person_in(world.coalition, CoalitionRole.MEMBER, org_role=AffiliationRole.ADMIN)
    decision = services.decision_propose(
        coalition=world.coalition, by=third, organisation=_org(third), question="Joint position on the CAM?",
        options=["Yes, as drafted"], deadline=timezone.now() + timedelta(days=3), method="consent", campaign=campaign,
    )
    return Setting(world=world, campaign=campaign, third=third, decision=decision, option=decision.options.get())


def _state():
    return (
        list(Decision.objects.order_by("pk").values_list("pk", "status", "deadline")),
        list(Ballot.objects.values_list("organisation_id", "position")),
        Delegation.objects.count(), DeadlineExtension.objects.count(), DecisionComment.objects.count(),
        AuditEntry.objects.count(), Notification.objects.count(),
    )


def _url(name, *args):
    return lambda s: reverse(name, args=[s.world.coalition.slug, *[arg(s) if callable(arg) else arg for arg in args]])


def _own(s, user):
    return _org(user).pk if user else s.world.member_org.pk


def _vote_data(s, user):
    org = _own(s, user)
    return {"organisation": org, f"org{org}-option": s.option.pk, f"org{org}-position": "for"}


def _proposal(s, user):
    return {
        "question": "Do we meet the second vice-president together?", "option_1": "Yes, three organisations go",
        "method": "consent", "quorum_percent": 50, "deadline": (timezone.localtime() + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M"),
        "organisation": _own(s, user),
    }


def _hand_member_vote_on(s):
    services.decision_delegate(decision=s.decision, by=s.world.org_admin, organisation=s.world.member_org, to_organisation=_org(s.third))


@dataclass(frozen=True)
class Case:
    url: Callable
    data: Callable = lambda s, user: {}
    prepare: Callable = lambda s: None


CASES = {
    "decision_list GET": Case(_url("decision_list")),
    "campaign_decisions GET": Case(lambda s: reverse("campaign_decisions", args=[s.world.coalition.slug, s.campaign.slug])),
    "decision_propose GET": Case(_url("decision_propose")),
    "decision_propose POST": Case(_url("decision_propose"), _proposal),
    "decision_detail GET": Case(_url("decision_detail", lambda s: s.decision.pk)),
    "decision_vote POST": Case(_url("decision_vote", lambda s: s.decision.pk), _vote_data),
    "decision_option_revise POST": Case(
        _url("decision_option_revise", lambda s: s.decision.pk, lambda s: s.option.pk), lambda s, u: {"wording": "Yes, revised"}
    ),
    "decision_delegate POST": Case(
        _url("decision_delegate", lambda s: s.decision.pk),
        lambda s, u: {"organisation": _own(s, u), f"delegate{_own(s, u)}-to_organisation": _org(s.third).pk},
    ),
    "decision_delegation_revoke POST": Case(
        _url("decision_delegation_revoke", lambda s: s.decision.pk), lambda s, u: {"organisation": _own(s, u)},
        prepare=_hand_member_vote_on,
    ),
    "decision_extend POST": Case(
        _url("decision_extend", lambda s: s.decision.pk),
        lambda s, u: {"deadline": (timezone.localtime(s.decision.deadline) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"), "reason": "The union meets Friday."},
    ),
    "decision_withdraw POST": Case(_url("decision_withdraw", lambda s: s.decision.pk)),
    "decision_comment POST": Case(_url("decision_comment", lambda s: s.decision.pk), lambda s, u: {"body": "Ask the donors too.", "organisation": _own(s, u)}),
}

# anonymous, outsider, observer, member_staff, org_admin, lead, other_lead. The decision comes from a
# third member organisation: only it and the leads revise, extend or withdraw it.
EXPECTED = {
    "decision_list GET":               (LOGIN, HIDDEN, OK,     OK,     OK,     OK,     HIDDEN),
    "campaign_decisions GET":          (LOGIN, HIDDEN, OK,     OK,     OK,     OK,     HIDDEN),
    "decision_propose GET":            (LOGIN, HIDDEN, DENIED, OK,     OK,     OK,     HIDDEN),
    "decision_propose POST":           (LOGIN, HIDDEN, DENIED, DONE,   DONE,   DONE,   HIDDEN),
    "decision_detail GET":             (LOGIN, HIDDEN, OK,     OK,     OK,     OK,     HIDDEN),
    "decision_vote POST":              (LOGIN, HIDDEN, DENIED, DONE,   DONE,   DONE,   HIDDEN),
    "decision_option_revise POST":     (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DONE,   HIDDEN),
    "decision_delegate POST":          (LOGIN, HIDDEN, DENIED, DONE,   DONE,   DONE,   HIDDEN),
    # The lead's organisation handed nothing on: refused with a message, nothing changes.
    "decision_delegation_revoke POST": (LOGIN, HIDDEN, DENIED, DONE,   DONE,   KEPT,   HIDDEN),
    "decision_extend POST":            (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DONE,   HIDDEN),
    "decision_withdraw POST":          (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DONE,   HIDDEN),
    "decision_comment POST":           (LOGIN, HIDDEN, DONE,   DONE,   DONE,   DONE,   HIDDEN),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_role_gets_what_the_matrix_says(case, role, setting, django_capture_on_commit_callbacks, mailoutbox):
    expected = EXPECTED[case][ROLES.index(role)]
    user = setting.world.user(role)
    CASES[case].prepare(setting)
    before = _state()
    client = _client(user)
    url = CASES[case].url(setting)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url) if case.endswith("GET") else client.post(url, CASES[case].data(setting, user))

    if expected == LOGIN:
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    elif expected == KEPT:
        assert response.status_code == 302
    else:
        assert response.status_code == expected, response.content[:800]
    if expected == DONE:
        assert _state() != before
    else:
        assert _state() == before
        if expected != OK:
            assert mailoutbox == []


def test_every_decision_url_is_in_the_matrix():
    from campaigns import urls

    names = {pattern.name for pattern in urls.decision_urls} | {"campaign_decisions"}
    assert names == {case.split()[0] for case in EXPECTED}


# The page ------------------------------------------------------------------------------------


def test_an_observer_sees_the_decision_and_comments_but_gets_no_ballot(setting):
    page = _client(setting.world.observer).get(reverse("decision_detail", args=[setting.world.coalition.slug, setting.decision.pk]))

    html = page.content.decode()
    assert "Joint position on the CAM?" in html and "ballot-form" not in html
    assert 'id="comment-form"' in html


def test_a_person_voting_for_their_organisation_sees_its_ballot_in_consent_words(setting):
    html = _client(setting.world.member_staff).get(
        reverse("decision_detail", args=[setting.world.coalition.slug, setting.decision.pk])
    ).content.decode()

    assert f'id="ballot-form-{setting.world.member_org.pk}"' in html
    assert "Stand aside" in html and "Object" in html and "Consent" in html


def test_an_objection_without_reasons_keeps_the_form_and_changes_nothing(setting):
    org = setting.world.member_org.pk
    before = _state()

    response = _client(setting.world.member_staff).post(
        reverse("decision_vote", args=[setting.world.coalition.slug, setting.decision.pk]),
        {"organisation": org, f"org{org}-option": setting.option.pk, f"org{org}-position": "against", f"org{org}-reasons": ""},
    )

    assert response.status_code == 200 and _state() == before
    assert "An objection must give its reasons" in response.content.decode()


def test_hidden_results_show_only_who_voted_until_the_close(setting):
    setting.decision.results_hidden = True
    setting.decision.save()
    services.decision_vote(
        decision=setting.decision, by=setting.world.member_staff, organisation=setting.world.member_org,
        option=setting.option, position="against", reasons="Not yet agreed with our members.",
    )
    url = reverse("decision_detail", args=[setting.world.coalition.slug, setting.decision.pk])

    open_page = _client(setting.world.lead).get(url).content.decode()
    assert "has voted" in open_page and "Not yet agreed with our members." not in open_page and "data-option-tally" not in open_page

    services.decision_close(decision=setting.decision, now=setting.decision.deadline)
    closed_page = _client(setting.world.lead).get(url).content.decode()
    assert "Not yet agreed with our members." in closed_page and "Not passed" in closed_page


def test_home_offers_one_tap_to_an_open_vote_of_ones_organisation(setting):
    url = reverse("decision_detail", args=[setting.world.coalition.slug, setting.decision.pk])

    assert url in _client(setting.world.member_staff).get("/").content.decode()
    services.decision_vote(
        decision=setting.decision, by=setting.world.member_staff, organisation=setting.world.member_org,
        option=setting.option, position="for",
    )
    assert url not in _client(setting.world.org_admin).get("/").content.decode()
    assert url not in _client(setting.world.observer).get("/").content.decode()


def test_the_campaign_page_links_its_decisions(setting):
    html = _client(setting.world.member_staff).get(
        reverse("campaign_detail", args=[setting.world.coalition.slug, setting.campaign.slug])
    ).content.decode()

    assert reverse("campaign_decisions", args=[setting.world.coalition.slug, setting.campaign.slug]) in html


def test_the_list_puts_open_decisions_first_and_folds_closed_ones_away(setting):
    closed = services.decision_propose(
        coalition=setting.world.coalition, by=setting.world.lead, organisation=setting.world.lead_org, question="Earlier question",
        options=["A"], deadline=timezone.now() + timedelta(hours=1), method="consent",
    )
    services.decision_close(decision=closed, now=closed.deadline)

    html = _client(setting.world.lead).get(reverse("decision_list", args=[setting.world.coalition.slug])).content.decode()

    assert html.index("Joint position on the CAM?") < html.index("<details") < html.index("Earlier question")


# Queries -------------------------------------------------------------------------------------

# Session, user, coalition, the person's organisations and their participations, (the campaign,)
# the decisions with their organisations, campaigns and ballot counts.
LIST_QUERIES = {"decision_list": 6, "campaign_decisions": 7}


@pytest.mark.parametrize("count", [1, 12])
@pytest.mark.parametrize("name", ["decision_list", "campaign_decisions"])
def test_the_lists_run_the_same_queries_for_1_and_12_decisions(setting, count, name, django_assert_num_queries):
    for number in range(count - 1):
        decision = services.decision_propose(
            coalition=setting.world.coalition, by=setting.world.lead, organisation=setting.world.lead_org,
            question=f"Question {number}", options=["A"], deadline=timezone.now() + timedelta(days=1), method="consent",
            campaign=setting.campaign,
        )
        if number % 2:
            services.decision_close(decision=decision, now=decision.deadline)
    args = [setting.world.coalition.slug] + ([setting.campaign.slug] if name == "campaign_decisions" else [])
    client = _client(setting.world.member_staff)

    with django_assert_num_queries(LIST_QUERIES[name]):
        response = client.get(reverse(name, args=args))

    assert len(response.context["open"]) + len(response.context["closed"]) == count


# Live ----------------------------------------------------------------------------------------


def test_a_stale_decision_page_plus_the_events_is_the_fresh_page(setting):
    client = _client(setting.world.lead)
    url = reverse("decision_detail", args=[setting.world.coalition.slug, setting.decision.pk])
    stale = Regions(client.get(url).content.decode()).found
    seq = setting.world.coalition.__class__.objects.get(pk=setting.world.coalition.pk).last_event_seq

    services.decision_vote(
        decision=setting.decision, by=setting.world.member_staff, organisation=setting.world.member_org,
        option=setting.option, position="for",
    )
    services.decision_close(decision=setting.decision, now=setting.decision.deadline)

    topics = set().union(*(entry.topics for entry in AuditEntry.objects.filter(coalition=setting.world.coalition, seq__gt=seq)))
    fresh = Regions(client.get(url).content.decode()).found
    followed, _html = stale["decision"]
    assert followed & topics
    assert fresh["decision"][1] != stale["decision"][1]
    assert Decision.objects.get().status == DecisionStatus.NO_QUORUM
