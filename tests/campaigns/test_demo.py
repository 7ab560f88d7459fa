"""The demo campaigns: India's won vote for ILO Convention 189 and its current work on state laws,
PAMUSAB's position on the CAM health card (in French) and Bangladesh's running equal-pay plan."""

import io
import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from campaigns import demo as campaign_demo
from campaigns import selectors
from campaigns.models import (
    Campaign,
    CampaignStatus,
    Commitment,
    CommitmentStatus,
    OutreachLog,
    OutreachRole,
    Stance,
    StanceAssessment,
    Target,
    TargetOrganisation,
    Task,
    TaskStatus,
    TextApproval,
    TextKind,
    TextStatus,
    TextVersion,
)
from campaigns.reminders import reminder_digests
from coalitions import demo as coalition_demo
from coalitions.models import AuditEntry, Coalition, CoalitionRole, Organisation, User

INDIA_PARTNERS = {"NDWM", "CFTUI", "AREDS", "CWM-I", "YCW-I"}
PAMUSAB_PARTNERS = {"RMCS", "SPT", "STS"}
BANGLADESH_PARTNERS = {"WLRN", "KSU", "CWF", "NAGE"}


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())


def _campaign(coalition_slug: str, slug: str | None = None) -> Campaign:
    campaigns = Campaign.objects.filter(coalition__slug=coalition_slug)
    return campaigns.get(slug=slug) if slug else campaigns.get()


def _historic_india() -> Campaign:
    return _campaign("india-domestic-workers", "ilo-c189")


def _state_laws() -> Campaign:
    return _campaign("india-domestic-workers", "state-laws")


def _cam() -> Campaign:
    return _campaign("pamusab", "carte-cam")


def _adopted(campaign: Campaign) -> dict[str, TextVersion]:
    return {version.kind: version for version in campaign.texts.filter(status=TextStatus.ADOPTED)}


def _approvers(version: TextVersion) -> set[str]:
    return set(version.approvals.values_list("organisation__acronym", flat=True))


def _leads(campaign: Campaign) -> dict[str, str]:
    return dict(
        TargetOrganisation.objects.filter(target__campaign=campaign, role=OutreachRole.LEAD).values_list(
            "target__name", "organisation__acronym"
        )
    )


def _counts() -> dict[str, int]:
    models = (
        Campaign, TextVersion, TextApproval, Target, TargetOrganisation, StanceAssessment, Task, OutreachLog,
        Commitment, AuditEntry, Coalition, Organisation, User,
    )
    return {model.__name__: model.objects.count() for model in models}


# India ---------------------------------------------------------------------------------------


def test_india_campaign_is_won_with_the_vote_as_its_deadline(seeded):
    campaign = _historic_india()

    assert campaign.title == "Ratify ILO Convention 189 on domestic workers"
    assert campaign.status == CampaignStatus.WON
    assert campaign.decision_deadline == date(2011, 6, 16)
    assert "voted yes" in campaign.description


def test_india_texts_are_adopted_by_the_five_partners_without_the_observer(seeded):
    campaign = _historic_india()
    adopted = _adopted(campaign)

    assert set(adopted) == set(TextKind.values)
    assert "votes yes to ILO Convention 189" in adopted[TextKind.ASK].body
    assert "16 June 2011" in adopted[TextKind.ASK].body
    assert "ratifies ILO Convention 189" in adopted[TextKind.SOLUTION].body
    assert "decent work" in adopted[TextKind.MESSAGE].body
    for version in campaign.texts.all():
        assert _approvers(version) == INDIA_PARTNERS
        assert date(2010, 1, 1) <= version.proposed_at.date() <= date(2011, 6, 16)
    # The first ask was replaced by the precise one, so the history has something to compare.
    assert list(campaign.texts.filter(kind=TextKind.ASK).order_by("number").values_list("status", flat=True)) == [
        TextStatus.SUPERSEDED, TextStatus.ADOPTED,
    ]


def test_india_targets_are_led_by_the_organisation_that_works_on_them(seeded):
    leads = _leads(_historic_india())

    assert leads["Leaders of the major Indian trade unions"] == "CFTUI"
    assert leads["Catholic Bishops' Conference of India – Council of Bishops"] == "CWM-I"
    assert leads["Ministry of Labour and Employment"] == "NDWM"
    assert leads["Prime Minister of India"] == "NDWM"
    assert {"Members of Parliament from Kerala", "Members of Parliament from Tamil Nadu"} <= set(leads)
    kinds = dict(Target.objects.filter(campaign=_historic_india()).values_list("name", "kind"))
    assert kinds["Leaders of the major Indian trade unions"] == "union_leader"
    assert kinds["Catholic Bishops' Conference of India – Council of Bishops"] == "religious_council"
    assert kinds["Ministry of Labour and Employment"] == "ministry"
    assert kinds["Prime Minister of India"] == "minister"
    assert "media" in kinds.values() and "mp" in kinds.values()


def test_ministry_of_labour_moves_from_very_critical_to_constructive_to_a_yes_vote(seeded):
    ministry = Target.objects.get(campaign=_historic_india(), name="Ministry of Labour and Employment")
    history = list(ministry.stance_history.order_by("assessed_on").values_list("assessed_on", "stance", "evidence"))

    assert [(day, stance) for day, stance, _evidence in history] == [
        (date(2010, 6, 15), Stance.OPPOSED),
        (date(2011, 3, 10), Stance.LEANING_FOR),
        (date(2011, 6, 16), Stance.CHAMPION),
    ]
    assert "Very critical" in history[0][2]
    assert "Constructive" in history[1][2]
    assert "voted yes" in history[2][2]


def test_ministry_of_labour_committed_to_vote_yes_at_a_meeting_and_kept_it_on_16_june_2011(seeded):
    campaign = _historic_india()
    [commitment] = Commitment.objects.filter(campaign=campaign, target__name="Ministry of Labour and Employment")

    log = commitment.source_log
    assert log.outcome == "committed" and log.happened_on == date(2011, 5, 18)
    assert log.task.organisation.acronym == "NDWM"
    assert commitment.made_on == date(2011, 5, 18) and commitment.due_on == date(2011, 6, 16)
    assert "votes yes" in commitment.wording
    assert commitment.status == CommitmentStatus.KEPT and commitment.settled_on == date(2011, 6, 16)
    assert "voted yes" in commitment.evidence and commitment.evidence_url.startswith("https://www.ilo.org/")
    assert commitment.public and commitment.status_changed_at.date() == date(2011, 6, 16)
    summary = selectors.public_commitments_summary(campaign, language="en", today=date(2026, 1, 1))
    assert summary.startswith("On 18 May 2011, Ministry of Labour and Employment committed to vote yes")
    assert summary.endswith("It was kept on 16 Jun 2011.")


def test_india_partners_own_commitments_were_kept_and_partly_kept(seeded):
    partners = dict(
        Commitment.objects.filter(campaign=_historic_india(), partner__isnull=False).values_list(
            "partner__acronym", "status"
        )
    )

    assert partners == {"CFTUI": CommitmentStatus.KEPT, "AREDS": CommitmentStatus.PARTLY_KEPT}
    kerala = Commitment.objects.get(partner__acronym="CFTUI")
    assert "5,000 signatures" in kerala.wording and "Kerala" in kerala.wording
    assert not Commitment.objects.filter(partner__isnull=False, public=True).exists()


def test_state_laws_has_an_overdue_commitment_that_reminds_its_organisation(seeded):
    today = timezone.localdate()
    [overdue] = Commitment.objects.filter(campaign=_state_laws()).overdue(today)

    assert overdue.organisation.acronym == "AREDS" and overdue.source_log.outcome == "committed"
    digests = {digest.user.email: digest for digest in reminder_digests(today)}
    assert [item.commitment for item in digests["areds@demo.example"].commitments] == [overdue]
    assert all(not digest.commitments for email, digest in digests.items() if email != "areds@demo.example")


def test_postcard_campaign_to_the_prime_minister_involves_every_partner(seeded):
    prime_minister = Target.objects.get(campaign=_historic_india(), name="Prime Minister of India")
    letters = prime_minister.tasks.filter(channel="letter")

    assert set(letters.values_list("organisation__acronym", flat=True)) == INDIA_PARTNERS
    assert set(prime_minister.organisations.filter(role=OutreachRole.SUPPORT).values_list("organisation__acronym", flat=True)) == INDIA_PARTNERS - {"NDWM"}
    assert letters.filter(notes__contains="five presidents").count() == 1


def test_india_work_is_all_done_in_2010_and_2011_with_what_happened(seeded):
    campaign = _historic_india()
    tasks = campaign.tasks.all()
    logs = OutreachLog.objects.filter(task__campaign=campaign)

    assert tasks.count() >= 12
    assert set(tasks.values_list("status", flat=True)) == {TaskStatus.DONE}
    assert logs.count() == tasks.count()
    for task in tasks:
        assert 2010 <= task.due_on.year <= 2011 and 2010 <= task.completed_at.year <= 2011
        assert 2010 <= task.created_at.year <= 2011
    for log in logs:
        assert date(2010, 1, 1) <= log.happened_on <= date(2011, 6, 16)
    summaries = " ".join(logs.values_list("summary", flat=True))
    assert "CFTUI met the leaders of the major Indian trade unions personally" in summaries
    assert "more than 5,000 domestic workers" in summaries and "Kerala" in summaries
    # A next step became a follow-up task, itself checked off later.
    assert tasks.filter(follow_up_of__isnull=False).count() >= 3


# India today: state laws ---------------------------------------------------------------------


def test_india_state_laws_campaign_runs_beside_the_won_one_in_the_same_coalition(seeded):
    campaign = _state_laws()

    assert campaign.status == CampaignStatus.ACTIVE and campaign.language == "en"
    assert campaign.coalition == _historic_india().coalition
    assert campaign.created_at.date() < timezone.localdate()
    names = set(campaign.targets.values_list("name", flat=True))
    assert "Tamil Nadu Domestic Workers Welfare Board" in names
    assert {"Tamil Nadu", "Kerala", "Maharashtra", "Karnataka"} <= set(campaign.targets.values_list("region", flat=True))
    assert {"minister", "ministry", "mp", "media"} <= set(campaign.targets.values_list("kind", flat=True))
    assert set(_leads(campaign).values()) == INDIA_PARTNERS


def test_every_india_partner_has_open_work_due_within_two_weeks_of_today(seeded):
    campaign = _state_laws()
    today = timezone.localdate()
    near = campaign.tasks.open().filter(due_on__range=(today - timedelta(days=14), today + timedelta(days=14)))

    assert set(near.values_list("organisation__acronym", flat=True)) == INDIA_PARTNERS
    states = {task.due_state(today) for task in campaign.tasks.all()}
    assert {"overdue", "today", "soon"} <= states
    # Also work for the weeks after, some of it done with what happened, and one task blocked.
    assert campaign.tasks.open().filter(due_on__gt=today + timedelta(days=7)).exists()
    done = campaign.tasks.filter(status=TaskStatus.DONE)
    assert done.count() >= 3 and OutreachLog.objects.filter(task__in=done).count() == done.count()
    assert campaign.tasks.filter(status=TaskStatus.BLOCKED).exclude(blocked_reason="").exists()
    assert campaign.tasks.filter(follow_up_of__isnull=False).open().exists()


def test_india_state_laws_has_a_rewritten_ask_waiting_for_three_partners(seeded):
    campaign = _state_laws()
    [pending] = campaign.texts.filter(status=TextStatus.PENDING)

    assert set(_adopted(campaign)) == set(TextKind.values)
    assert pending.kind == TextKind.ASK and "minimum wage" in pending.body
    assert pending.body != _adopted(campaign)[TextKind.ASK].body
    assert _approvers(pending) == {"CFTUI", "NDWM"}
    assert pending.proposed_at.date() < timezone.localdate()


# Burundi: PAMUSAB and the CAM ----------------------------------------------------------------


def test_pamusab_campaign_is_in_french_with_its_seven_targets(seeded):
    campaign = _cam()
    names = set(campaign.targets.values_list("name", flat=True))

    assert campaign.language == "fr" and campaign.coalition.language == "fr"
    assert campaign.status == CampaignStatus.ACTIVE
    assert names == {
        "Ministère de la santé publique et de la lutte contre le Sida",
        "Ministère de la fonction publique, du travail et de la sécurité sociale",
        "Direction générale de la protection sociale",
        "Deuxième vice-président de la République",
        "Commission de la santé de l'Assemblée nationale",
        "Ambassade de Belgique",
        "Délégation de l'Union européenne au Burundi",
    }
    assert set(_leads(campaign).values()) == PAMUSAB_PARTNERS


def test_pamusab_position_on_the_cam_waits_for_the_union(seeded):
    campaign = _cam()
    [pending] = campaign.texts.filter(status=TextStatus.PENDING)

    assert "carte d'assistance médicale (CAM)" in pending.body
    assert _approvers(pending) == {"RMCS", "SPT"}
    # The observer's vote would not count, and the letter waits for the position.
    assert "WSM" not in _approvers(pending)
    assert campaign.tasks.filter(status=TaskStatus.BLOCKED, blocked_reason__contains="position commune").exists()


def test_pamusab_meeting_with_the_second_vice_president_was_cancelled_three_times(seeded):
    vice_president = Target.objects.get(campaign=_cam(), name="Deuxième vice-président de la République")
    tasks = list(vice_president.tasks.order_by("due_on"))
    today = timezone.localdate()

    assert [task.status for task in tasks] == [TaskStatus.DONE] * 3 + [TaskStatus.TODO]
    assert all(task.logs.get().outcome == "no_response" for task in tasks[:3])
    assert [task.follow_up_of for task in tasks[1:]] == tasks[:3]
    assert today < tasks[-1].due_on <= today + timedelta(days=7)


def test_every_pamusab_partner_has_open_work_due_within_two_weeks_of_today(seeded):
    today = timezone.localdate()
    near = _cam().tasks.open().filter(due_on__range=(today - timedelta(days=14), today + timedelta(days=14)))

    assert set(near.values_list("organisation__acronym", flat=True)) == PAMUSAB_PARTNERS


# Bangladesh ----------------------------------------------------------------------------------


def test_bangladesh_coalition_has_its_demo_organisations_and_logins(seeded):
    coalition = Coalition.objects.get(slug="bangladesh-equal-pay")
    roles = dict(coalition.participations.values_list("organisation__acronym", "role"))

    assert coalition.language == "en"
    assert roles == {"WLRN": CoalitionRole.LEAD, "KSU": CoalitionRole.MEMBER, "CWF": CoalitionRole.MEMBER, "NAGE": CoalitionRole.MEMBER}
    for organisation in Organisation.objects.filter(acronym__in=BANGLADESH_PARTNERS):
        assert organisation.name.endswith("(demo)")
        assert organisation.country == "BD" and organisation.regions
    languages = dict(User.objects.filter(email__startswith="bn").values_list("email", "language"))
    assert set(languages) == {"bnwlrn@demo.example", "bnksu@demo.example", "bncwf@demo.example", "bnnage@demo.example"}
    assert "bn" in languages.values()


def test_bangladesh_campaign_has_the_exact_message_ask_and_solution_adopted_by_all(seeded):
    adopted = _adopted(_campaign("bangladesh-equal-pay"))

    assert adopted[TextKind.MESSAGE].body == "Women have equal rights to job opportunities and wages"
    assert adopted[TextKind.ASK].body == "Establish equal pay in government-supported agriculture work"
    assert adopted[TextKind.SOLUTION].body == (
        "Local governments take an active role in enforcing laws and regulations regarding equal pay"
    )
    for version in adopted.values():
        assert _approvers(version) == BANGLADESH_PARTNERS


def test_bangladesh_plan_has_work_overdue_due_today_due_soon_later_and_blocked(seeded):
    campaign = _campaign("bangladesh-equal-pay")
    today = timezone.localdate()
    tasks = list(campaign.tasks.select_related("target"))
    states = {task.due_state(today) for task in tasks}

    assert campaign.status == CampaignStatus.ACTIVE
    assert {"overdue", "today", "soon", None} <= states
    assert any(task.status == TaskStatus.DONE for task in tasks)
    assert any(task.due_state(today) is None and task.status != TaskStatus.DONE for task in tasks)
    [blocked] = [task for task in tasks if task.status == TaskStatus.BLOCKED]
    assert blocked.blocked_reason
    assert {"Ministry of Agriculture", "Ministry of Women and Children Affairs", "The Cabinet"} <= {
        task.target.name for task in tasks
    }
    assert Target.objects.filter(campaign=campaign, name__startswith="Union Parishad chairs").exists()


def test_every_login_of_a_current_campaign_has_reminders_to_read(seeded):
    readers = {digest.user.email for digest in reminder_digests(timezone.localdate())}

    assert readers == {
        f"{login}@demo.example"
        for login in ("bnwlrn", "bnksu", "bncwf", "bnnage", "ndwm", "cftui", "areds", "cwmi", "ycwi", "rmcs", "spt", "sts")
    }


# The whole run -------------------------------------------------------------------------------


def test_seed_demo_runs_twice_and_changes_nothing_the_second_time(seeded):
    before = _counts()

    call_command("seed_demo", stdout=io.StringIO())

    assert _counts() == before
    assert before["Campaign"] == 4


def test_activity_trails_stay_numbered_without_gaps(seeded):
    for coalition in Coalition.objects.filter(slug__in=["india-domestic-workers", "pamusab", "bangladesh-equal-pay"]):
        seqs = list(AuditEntry.objects.filter(coalition=coalition).order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, coalition.last_event_seq + 1))
        assert AuditEntry.objects.filter(coalition=coalition, action="task.completed").exists()


def test_readme_lists_every_demo_login():
    readme = (settings.BASE_DIR / "README.md").read_text()
    listed = set(re.findall(r"`([a-z0-9]+)@demo\.example`", readme))

    assert set(campaign_demo.BANGLADESH_PEOPLE) <= set(coalition_demo.PEOPLE)
    assert listed == set(coalition_demo.PEOPLE)


def test_pamusab_decided_its_cam_position_by_consent_after_the_unions_objection(seeded):
    from campaigns.models import Decision, DecisionStatus

    decision = Decision.objects.get(campaign=_cam())
    first, revised = decision.options.order_by("number")
    closed = AuditEntry.objects.get(coalition=decision.coalition, action="decision.closed")

    assert decision.method == "consent" and decision.status == DecisionStatus.PASSED
    assert first.superseded_by == revised and decision.winning_option == revised
    assert set(decision.ballots.values_list("organisation__acronym", "position")) == {
        ("RMCS", "for"), ("SPT", "for"), ("STS", "for"),
    }
    objection = AuditEntry.objects.get(coalition=decision.coalition, action="decision.voted", data__position="against")
    assert objection.data["organisation"] == "STS"
    assert {vote["organisation"] for vote in closed.data["votes"]} == PAMUSAB_PARTNERS
    assert decision.comments.get().organisation.acronym == "WSM"
