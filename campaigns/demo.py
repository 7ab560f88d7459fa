"""Demo campaigns: India's push for a yes to ILO Convention 189 (won, 2010–2011); India's current
work to bring the Convention into state laws; PAMUSAB's position on the CAM health card in Burundi
(in French); and equal pay for women agricultural day labourers in Bangladesh. The three current
campaigns have work due around the day the demo is loaded (overdue, today, this week, the weeks
after) for every organisation, and shared texts waiting for votes, so that a person who signs in
has something to do, and the boards, the calendar and the reminder mail something to show.

Everything goes through the campaign services, as it would from the pages, so the demo checks the
rules too and fills each coalition's activity trail. Dates that the services set to "now" are then
moved back to when things happened; the activity trail keeps the day the demo was loaded.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from coalitions import demo as coalition_demo
from coalitions.models import Coalition, CoalitionRole, Organisation, OrganisationKind, User
from coalitions.voting import Method, Position

from . import decisions, services
from .models import (
    Campaign,
    CampaignStatus,
    Channel,
    Commitment,
    CommitmentStatus,
    DecisionComment,
    Outcome,
    OutreachLog,
    OutreachRole,
    Stance,
    Target,
    TargetKind,
    Task,
    TaskStatus,
    TextApproval,
    TextKind,
    TextStatus,
    TextVersion,
)

INDIA = "india-domestic-workers"
PAMUSAB = "pamusab"
BANGLADESH = "bangladesh-equal-pay"

BANGLADESH_ORGANISATIONS = {
    "wlrn": dict(
        name="Women Labourers' Rights Network (demo)", acronym="WLRN", kind=OrganisationKind.NGO, country="BD",
        regions=["Rangpur", "Rajshahi", "Khulna"], member_count=40_000,
    ),
    "ksu": dict(
        name="Krishi Shramik Union, agricultural workers' union (demo)", acronym="KSU",
        kind=OrganisationKind.TRADE_UNION, country="BD", regions=["Rangpur", "Dinajpur", "Mymensingh"],
        member_count=65_000,
    ),
    "cwf": dict(
        name="Char Women's Forum (demo)", acronym="CWF", kind=OrganisationKind.COMMUNITY_GROUP, country="BD",
        regions=["Kurigram", "Gaibandha"], member_count=6_000,
    ),
    "nage": dict(
        name="National Alliance for Gender Equality (demo)", acronym="NAGE", kind=OrganisationKind.NGO, country="BD",
        regions=["Dhaka"],
    ),
}
BANGLADESH_PEOPLE = {
    "bnwlrn": ("wlrn", "WLRN coordinator", "en"),
    "bnksu": ("ksu", "KSU organiser", "en"),
    # A community forum's facilitator who reads the platform in Bengali.
    "bncwf": ("cwf", "CWF সমন্বয়কারী", "bn"),
    "bnnage": ("nage", "NAGE policy officer", "en"),
}
BANGLADESH_COALITION = dict(
    slug=BANGLADESH,
    name="Equal pay for women agricultural day labourers (Bangladesh)",
    language="en",
    description=(
        "Networks, unions and community groups agreed on one message, one ask and one solution. Local groups "
        "work from the bottom up with Union Parishads; national organisations and alliances from the top down, "
        "towards the cabinet and the Women's Development Policy."
    ),
    founder="bnwlrn",
    founding_lead="wlrn",
    members=[("ksu", CoalitionRole.MEMBER), ("cwf", CoalitionRole.MEMBER), ("nage", CoalitionRole.MEMBER)],
    handover=None,
)

if BANGLADESH not in {spec["slug"] for spec in coalition_demo.COALITIONS}:
    coalition_demo.register(BANGLADESH_ORGANISATIONS, BANGLADESH_PEOPLE, [BANGLADESH_COALITION])


def load() -> None:
    _india()
    _india_state_laws()
    _pamusab()
    _bangladesh()


# Helpers -------------------------------------------------------------------------------------


def _user(login: str) -> User:
    return coalition_demo.demo_user(login)


def _organisation(login: str) -> Organisation:
    return coalition_demo.demo_organisation(coalition_demo.PEOPLE[login][0])


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _texts(campaign: Campaign, kind: str, body: str, proposer: str, approvers: list[str], on: date) -> TextVersion:
    """A wording proposed by one organisation and approved by the others, one a day from `on`."""
    version = services.text_propose(
        campaign=campaign, by=_user(proposer), organisation=_organisation(proposer), kind=kind, body=body
    )
    approved_on = on
    for login in approvers:
        approved_on += timedelta(days=1)
        services.text_approve(version=version, by=_user(login), organisation=_organisation(login))
        TextApproval.objects.filter(version=version, organisation=_organisation(login)).update(
            approved_at=_at(approved_on)
        )
    TextApproval.objects.filter(version=version, organisation=_organisation(proposer)).update(approved_at=_at(on))
    TextVersion.objects.filter(pk=version.pk).update(proposed_at=_at(on), decided_at=_at(approved_on, 11))
    # The wording it replaced stopped counting the day this one was adopted.
    TextVersion.objects.filter(campaign=campaign, kind=kind, status=TextStatus.SUPERSEDED, number__lt=version.number).update(
        decided_at=_at(approved_on, 11)
    )
    return version


def _proposal(
    campaign: Campaign, kind: str, body: str, proposer: str, approvers: list[str], on: date, note: str = ""
) -> TextVersion:
    """A wording still waiting for the votes of the organisations not in `approvers`."""
    version = services.text_propose(
        campaign=campaign, by=_user(proposer), organisation=_organisation(proposer), kind=kind, body=body, note=note
    )
    TextApproval.objects.filter(version=version, organisation=_organisation(proposer)).update(approved_at=_at(on))
    TextVersion.objects.filter(pk=version.pk).update(proposed_at=_at(on))
    for days, login in enumerate(approvers, start=1):
        services.text_approve(version=version, by=_user(login), organisation=_organisation(login))
        TextApproval.objects.filter(version=version, organisation=_organisation(login)).update(
            approved_at=_at(on + timedelta(days=days))
        )
    version.refresh_from_db()
    if version.status != TextStatus.PENDING:
        raise RuntimeError(f"The demo proposal {version} was adopted; it must wait for votes.")
    return version


def _target(campaign: Campaign, by: str, *, lead: str, supporters: tuple[str, ...] = (), **fields) -> Target:
    target = services.target_create(campaign=campaign, by=_user(by), **fields)
    Target.objects.filter(pk=target.pk).update(created_at=campaign.created_at)
    services.target_organisation_set(target=target, by=_user(by), organisation=_organisation(lead), role=OutreachRole.LEAD)
    for login in supporters:
        services.target_organisation_set(
            target=target, by=_user(by), organisation=_organisation(login), role=OutreachRole.SUPPORT
        )
    return target


def _stance(target: Target, login: str, stance: int, on: date, evidence: str) -> None:
    services.stance_assess(
        target=target, by=_user(login), organisation=_organisation(login), stance=stance, assessed_on=on,
        evidence=evidence,
    )


def _task(
    campaign: Campaign, planner: str, target: Target, login: str, channel: str, due_on: date, *,
    planned_on: date, assigned: bool = True, notes: str = "",
) -> Task:
    """`login`'s organisation contacts the target; `assigned` names that login as the person doing it."""
    task = services.task_plan(
        campaign=campaign, by=_user(planner), target=target, organisation=_organisation(login), channel=channel,
        due_on=due_on, assignee=_user(login) if assigned else None, notes=notes, acknowledge_overlap=True,
    )
    Task.objects.filter(pk=task.pk).update(created_at=_at(planned_on))
    return task


def _done(
    task: Task, login: str, on: date, outcome: str, summary: str, *, next_channel: str | None = None, **log
) -> OutreachLog:
    """Check the task off with what happened on `on`; a next step with a date becomes a follow-up,
    by `next_channel` when it is not the channel of this task."""
    result = services.task_complete(
        task=task, by=_user(login), happened_on=on, channel=task.channel, outcome=outcome, summary=summary, **log
    )
    Task.objects.filter(pk=task.pk).update(completed_at=_at(on, 18))
    OutreachLog.objects.filter(pk=result.pk).update(logged_at=_at(on, 18))
    if result.follow_up is not None:
        if next_channel and next_channel != task.channel:
            services.task_update(task=result.follow_up, by=_user(login), channel=next_channel)
        Task.objects.filter(pk=result.follow_up_id).update(created_at=_at(on, 18))
    return result


def _follow_up(log: OutreachLog) -> Task:
    return Task.objects.get(pk=log.follow_up_id)


def _settle(commitment: Commitment, login: str, status: str, on: date, evidence: str, evidence_url: str = "") -> None:
    services.commitment_status_set(
        commitment=commitment, by=_user(login), status=status, settled_on=on, evidence=evidence,
        evidence_url=evidence_url,
    )
    Commitment.objects.filter(pk=commitment.pk).update(status_changed_at=_at(on, 18))


def _partner_commitment(campaign: Campaign, login: str, partner: str, on: date, due_on: date, wording: str) -> Commitment:
    """`partner`'s own promise, recorded by `login` for its organisation."""
    commitment = services.commitment_record(
        campaign=campaign, by=_user(login), organisation=_organisation(login), partner=_organisation(partner),
        wording=wording, made_on=on, due_on=due_on,
    )
    Commitment.objects.filter(pk=commitment.pk).update(recorded_at=_at(on, 18))
    return commitment


# India: ILO Convention 189 -------------------------------------------------------------------

INDIA_PARTNERS = ["ndwm", "cftui", "areds", "cwmi", "ycwi"]


def _india() -> None:
    coalition = Coalition.objects.get(slug=INDIA)
    if Campaign.objects.filter(coalition=coalition, slug="ilo-c189").exists():
        return
    campaign = services.campaign_create(
        coalition=coalition, by=_user("ndwm"), slug="ilo-c189",
        title="Ratify ILO Convention 189 on domestic workers", language="en", status=CampaignStatus.ACTIVE,
        decision_deadline=date(2011, 6, 16),
        description=(
            "Won: on 16 June 2011 the International Labour Conference adopted Convention 189 on decent work for "
            "domestic workers, and the Government of India, very critical of a convention in June 2010, voted yes. "
            "Each of the five partner organisations worked on its own target group in the states where it is "
            "active. Ratification by India and labour law protection for domestic workers are still to come."
        ),
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=_at(date(2010, 7, 1)))
    campaign.refresh_from_db()
    others = [login for login in INDIA_PARTNERS if login != "ndwm"]

    _texts(
        campaign, TextKind.MESSAGE,
        "Domestic work is work. Domestic workers have the right to decent work, like every other worker.",
        "ndwm", others, date(2010, 7, 5),
    )
    _texts(
        campaign, TextKind.ASK,
        "The Government of India supports a strong ILO Convention on decent work for domestic workers.",
        "cftui", ["ndwm", "areds", "cwmi", "ycwi"], date(2010, 7, 5),
    )
    _texts(
        campaign, TextKind.SOLUTION,
        "India ratifies the Convention and extends the protection of its labour laws (minimum wages, limits on "
        "working hours, weekly rest, social security) to domestic workers.",
        "ndwm", others, date(2010, 7, 5),
    )
    # Once the draft had its number and the date of the vote was set, the ask said exactly what to do.
    _texts(
        campaign, TextKind.ASK,
        "The Government of India votes yes to ILO Convention 189 on decent work for domestic workers at the "
        "International Labour Conference on 16 June 2011.",
        "ndwm", others, date(2011, 3, 28),
    )
    _texts(
        campaign, TextKind.SOLUTION,
        "India ratifies ILO Convention 189 and extends the protection of its labour laws (minimum wages, limits "
        "on working hours, weekly rest, social security) to domestic workers.",
        "ndwm", others, date(2011, 3, 28),
    )

    unions = _target(
        campaign, "ndwm", lead="cftui", supporters=("ndwm",),
        name="Leaders of the major Indian trade unions", kind=TargetKind.UNION_LEADER,
        title="Presidents and general secretaries", institution="Central trade union organisations",
        region="National", influence=3,
        contact_notes="CFTUI knows them personally; meet them one by one rather than write.",
    )
    bishops = _target(
        campaign, "ndwm", lead="cwmi", supporters=("ycwi",),
        name="Catholic Bishops' Conference of India – Council of Bishops", kind=TargetKind.RELIGIOUS_COUNCIL,
        institution="Catholic Bishops' Conference of India", region="National", influence=2,
        contact_notes="Through the secretariat of its commission for labour.",
    )
    ministry = _target(
        campaign, "ndwm", lead="ndwm", supporters=("cftui",),
        name="Ministry of Labour and Employment", kind=TargetKind.MINISTRY, title="Secretary (Labour)",
        institution="Government of India", region="National", influence=5,
        address="Shram Shakti Bhawan, Rafi Marg, New Delhi 110001",
        contact_notes="Speaks for the Government at the International Labour Conference.",
    )
    prime_minister = _target(
        campaign, "ndwm", lead="ndwm", supporters=("cftui", "areds", "cwmi", "ycwi"),
        name="Prime Minister of India", kind=TargetKind.MINISTER, title="Prime Minister",
        institution="Prime Minister's Office", region="National", influence=5,
        address="Prime Minister's Office, South Block, New Delhi 110011",
    )
    kerala_mps = _target(
        campaign, "ndwm", lead="ndwm", supporters=("cftui", "cwmi"),
        name="Members of Parliament from Kerala", kind=TargetKind.MEMBER_OF_PARLIAMENT, institution="Lok Sabha",
        region="Kerala", influence=2,
    )
    tamil_nadu_mps = _target(
        campaign, "ndwm", lead="areds", supporters=("ycwi",),
        name="Members of Parliament from Tamil Nadu", kind=TargetKind.MEMBER_OF_PARLIAMENT, institution="Lok Sabha",
        region="Tamil Nadu", influence=2,
    )
    media = _target(
        campaign, "ndwm", lead="ycwi", supporters=("ndwm",),
        name="Newspapers and television in Tamil Nadu and Kerala", kind=TargetKind.MEDIA, region="Tamil Nadu, Kerala",
        influence=2,
    )

    # The Ministry of Labour: from very critical to a yes vote.
    _stance(
        ministry, "ndwm", Stance.OPPOSED, date(2010, 6, 15),
        "Very critical at the International Labour Conference 2010: the Government's delegate doubted that a "
        "convention could be applied inside private homes and preferred a recommendation only.",
    )
    _stance(unions, "cftui", Stance.UNKNOWN, date(2010, 7, 15), "Most union leaders have never taken a position on domestic workers.")
    _stance(prime_minister, "ndwm", Stance.UNKNOWN, date(2010, 7, 15), "No public statement on domestic workers.")

    meeting = _task(
        campaign, "ndwm", unions, "cftui", Channel.MEETING, date(2010, 9, 30), planned_on=date(2010, 7, 20),
        notes="Meet each leader in person; bring the coalition's message and ask.",
    )
    log = _done(
        meeting, "cftui", date(2010, 9, 21), Outcome.COMMITTED,
        "CFTUI met the leaders of the major Indian trade unions personally, one by one. Most had not discussed "
        "domestic workers before; all agreed to raise the convention in the workers' group.",
        attendees="CFTUI president and general secretary; leaders of the major central trade unions",
        next_step="Send them the joint letter and ask for their support in writing",
        next_step_due=date(2011, 2, 28), next_channel=Channel.LETTER, stance=Stance.LEANING_FOR,
    )
    _done(
        _follow_up(log), "cftui", date(2011, 2, 18), Outcome.COMMITTED,
        "Written support from the union federations; the workers' group position for the Conference 2011 "
        "backs a convention with a recommendation.",
        stance=Stance.CHAMPION,
    )

    letter = _task(
        campaign, "ndwm", bishops, "cwmi", Channel.LETTER, date(2010, 10, 15), planned_on=date(2010, 7, 20),
        notes="Letter to the Council of Bishops with the message and the ask.",
    )
    log = _done(
        letter, "cwmi", date(2010, 10, 8), Outcome.REFERRED,
        "The secretariat acknowledged the letter and passed it to the bishops' commission for labour.",
        next_step="Meet the commission's secretary", next_step_due=date(2011, 1, 31), next_channel=Channel.MEETING,
    )
    _done(
        _follow_up(log), "cwmi", date(2011, 1, 24), Outcome.COMMITTED,
        "The commission will ask parishes in the southern states to host the signature campaign and will write "
        "to the Prime Minister.",
        attendees="CWM-I secretary and president; YCW-I organiser; commission secretary",
        stance=Stance.LEANING_FOR,
    )

    visit = _task(
        campaign, "ndwm", ministry, "ndwm", Channel.MEETING, date(2010, 10, 31), planned_on=date(2010, 7, 20),
        notes="Delegation of the five organisations; bring the joint letter.",
    )
    log = _done(
        visit, "ndwm", date(2010, 10, 27), Outcome.ACKNOWLEDGED,
        "Officials heard the five organisations but still doubted that a convention could be enforced in "
        "private homes.",
        attendees="NDWM coordinator, CFTUI general secretary; two officials of the ministry",
        next_step="Bring figures on wages and hours of domestic workers in Kerala and Tamil Nadu",
        next_step_due=date(2011, 3, 15),
    )
    _done(
        _follow_up(log), "ndwm", date(2011, 3, 10), Outcome.ACKNOWLEDGED,
        "Constructive: the officials no longer oppose a convention and took our figures for the Government's "
        "consultation with unions and employers.",
        stance=Stance.LEANING_FOR,
    )
    briefing = _task(
        campaign, "ndwm", ministry, "ndwm", Channel.MEETING, date(2011, 5, 20), planned_on=date(2011, 4, 1),
        notes="Meet the Secretary (Labour) before the Government's delegation leaves for Geneva.",
    )
    log = _done(
        briefing, "ndwm", date(2011, 5, 18), Outcome.COMMITTED,
        "The Secretary (Labour) told the five organisations that the Government of India will vote yes to the "
        "Convention at the International Labour Conference.",
        attendees="NDWM coordinator, CFTUI general secretary, CWM-I president; the Secretary (Labour)",
        commitment="The Government of India votes yes to the Convention on decent work for domestic workers at "
        "the International Labour Conference in Geneva.",
        commitment_due=date(2011, 6, 16),
    )
    yes_vote = Commitment.objects.get(source_log=log)
    Commitment.objects.filter(pk=yes_vote.pk).update(recorded_at=_at(date(2011, 5, 18), 18))
    services.commitment_update(
        commitment=yes_vote, by=_user("ndwm"), public=True,
        public_wording="vote yes to ILO Convention 189 on decent work for domestic workers at the International "
        "Labour Conference",
    )
    vote = _task(
        campaign, "ndwm", ministry, "ndwm", Channel.EVENT, date(2011, 6, 16), planned_on=date(2011, 4, 1),
        notes="International Labour Conference, Geneva: the vote.",
    )
    _done(
        vote, "ndwm", date(2011, 6, 16), Outcome.COMMITTED,
        "The Government of India voted yes: the International Labour Conference adopted Convention 189 and "
        "Recommendation 201 on decent work for domestic workers.",
        stance=Stance.CHAMPION,
    )
    _settle(
        yes_vote, "ndwm", CommitmentStatus.KEPT, date(2011, 6, 16),
        "The Government of India voted yes when the International Labour Conference adopted Convention 189 on "
        "16 June 2011.",
        evidence_url="https://www.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:C189",
    )

    joint_letter = _task(
        campaign, "ndwm", prime_minister, "ndwm", Channel.LETTER, date(2011, 4, 15), planned_on=date(2011, 2, 1),
        notes="Letter under the heading of the five organisations with the signatures of the five presidents; "
        "each organisation approves it and sends its logo.",
    )
    _done(
        joint_letter, "ndwm", date(2011, 4, 11), Outcome.ACKNOWLEDGED,
        "The joint letter with the five logos and the signatures of the five presidents went to the Prime "
        "Minister's Office, which acknowledged it.",
    )
    postcards = {
        "ndwm": "Members in the states where NDWM works sent postcards.",
        "cftui": "Union members in Kerala, Tamil Nadu and Andhra Pradesh sent postcards.",
        "areds": "The women's collective in Tamil Nadu sent postcards from its village groups.",
        "cwmi": "Members and parishes in the southern states sent postcards.",
        "ycwi": "Young workers in Tamil Nadu and Maharashtra sent postcards.",
    }
    for login, summary in postcards.items():
        postcard = _task(
            campaign, "ndwm", prime_minister, login, Channel.LETTER, date(2011, 5, 31), planned_on=date(2011, 4, 1),
            notes="Postcard campaign to the Prime Minister.",
        )
        _done(postcard, login, date(2011, 5, 27), Outcome.NO_RESPONSE, summary)
    _stance(
        prime_minister, "ndwm", Stance.CHAMPION, date(2011, 6, 16),
        "The Government of India voted yes at the International Labour Conference.",
    )

    kerala_signatures = _partner_commitment(
        campaign, "ndwm", "cftui", date(2011, 2, 1), date(2011, 4, 30),
        "CFTUI brings 5,000 signatures of domestic workers from Kerala to the Members of Parliament from Kerala.",
    )
    postcards_promise = _partner_commitment(
        campaign, "areds", "areds", date(2011, 4, 1), date(2011, 5, 31),
        "The women's collective sends 10,000 postcards to the Prime Minister from its village groups in Tamil Nadu.",
    )
    kerala_day = _task(
        campaign, "ndwm", kerala_mps, "ndwm", Channel.EVENT, date(2011, 4, 30), planned_on=date(2011, 2, 1),
        notes="One day of public meetings and signature campaigns at public places across Kerala.",
    )
    _done(
        kerala_day, "ndwm", date(2011, 4, 24), Outcome.ACKNOWLEDGED,
        "On one day more than 5,000 domestic workers held public meetings and signature campaigns across "
        "Kerala; the signatures went to the Members of Parliament from Kerala.",
        stance=Stance.LEANING_FOR,
    )
    _settle(
        kerala_signatures, "cftui", CommitmentStatus.KEPT, date(2011, 4, 24),
        "CFTUI handed the Members of Parliament from Kerala 5,300 signatures gathered on the day of public meetings.",
    )
    _settle(
        postcards_promise, "areds", CommitmentStatus.PARTLY_KEPT, date(2011, 5, 27),
        "About 6,500 postcards went from the village groups; the groups of two districts could not get them "
        "printed in time.",
    )
    mps = _task(
        campaign, "ndwm", tamil_nadu_mps, "areds", Channel.MEETING, date(2011, 5, 15), planned_on=date(2011, 2, 1),
    )
    _done(
        mps, "areds", date(2011, 5, 9), Outcome.COMMITTED,
        "Members of the women's collective met MPs in their constituencies; several promised to write to the "
        "Minister of Labour.",
        stance=Stance.LEANING_FOR,
    )
    press = _task(
        campaign, "ndwm", media, "ycwi", Channel.MEDIA, date(2011, 6, 5), planned_on=date(2011, 4, 1),
        notes="Press conference before the Conference in Geneva.",
    )
    _done(
        press, "ycwi", date(2011, 6, 2), Outcome.ACKNOWLEDGED,
        "Press conference in Chennai with domestic workers from Tamil Nadu; regional papers reported on it.",
    )

    services.campaign_update(campaign=campaign, by=_user("ndwm"), status=CampaignStatus.WON)


# India today: Convention 189 in state laws --------------------------------------------------


def _india_state_laws() -> None:
    coalition = Coalition.objects.get(slug=INDIA)
    if Campaign.objects.filter(coalition=coalition, slug="state-laws").exists():
        return
    today = timezone.localdate()
    started = today - timedelta(days=120)

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    campaign = services.campaign_create(
        coalition=coalition, by=_user("ndwm"), slug="state-laws",
        title="Convention 189 in state laws: domestic workers acts and welfare boards", language="en",
        status=CampaignStatus.ACTIVE,
        description=(
            "India voted for Convention 189 but has not ratified it, and labour law still leaves out most "
            "domestic workers. The five partners now work state by state: a domestic workers act with a notified "
            "minimum wage, and a welfare board that registers domestic workers and pays their pensions, maternity "
            "and accident benefits, in Tamil Nadu, Kerala, Maharashtra and Karnataka. Each organisation works on "
            "the state governments, boards and MLAs where it is active."
        ),
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=_at(started))
    campaign.refresh_from_db()
    others = [login for login in INDIA_PARTNERS if login != "ndwm"]

    _texts(
        campaign, TextKind.MESSAGE,
        "Domestic work is work. Every domestic worker has the right to a minimum wage, a weekly day off and "
        "social security, in every state.",
        "ndwm", others, started + timedelta(days=3),
    )
    _texts(
        campaign, TextKind.ASK,
        "The governments of Tamil Nadu, Kerala, Maharashtra and Karnataka pass a domestic workers act and run a "
        "welfare board that registers every domestic worker.",
        "ndwm", others, started + timedelta(days=3),
    )
    _texts(
        campaign, TextKind.SOLUTION,
        "Each state notifies a minimum wage for domestic work, registers domestic workers with a welfare board "
        "that pays pensions, maternity and accident benefits, and opens a grievance cell for workers in private "
        "homes.",
        "ndwm", others, started + timedelta(days=3),
    )
    # Waiting for AREDS, CWM-I and YCW-I: a sharper ask after the Kerala meeting.
    _proposal(
        campaign, TextKind.ASK,
        "The governments of Tamil Nadu, Kerala, Maharashtra and Karnataka pass a domestic workers act with a "
        "notified minimum wage for domestic work, and run a welfare board that registers every domestic worker "
        "within a year.",
        "cftui", ["ndwm"], day(-3),
        note="Without a minimum wage in the act itself, the boards register workers but wages stay where they are.",
    )

    tn_minister = _target(
        campaign, "ndwm", lead="ndwm", supporters=("areds",),
        name="Minister for Labour Welfare, Tamil Nadu", kind=TargetKind.MINISTER, title="Minister",
        institution="Labour Welfare and Skill Development Department, Government of Tamil Nadu",
        region="Tamil Nadu", influence=5, address="Secretariat, Fort St. George, Chennai 600009",
    )
    tn_board = _target(
        campaign, "ndwm", lead="areds", supporters=("ndwm", "ycwi"),
        name="Tamil Nadu Domestic Workers Welfare Board", kind=TargetKind.OTHER, title="Chairperson and secretary",
        institution="Labour Welfare and Skill Development Department, Government of Tamil Nadu",
        region="Tamil Nadu", influence=4,
        contact_notes="District labour offices take the registration forms; the board meets every two months.",
    )
    tn_mlas = _target(
        campaign, "ndwm", lead="areds", supporters=("ycwi",),
        name="MLAs from Dindigul and Madurai districts", kind=TargetKind.MEMBER_OF_PARLIAMENT,
        institution="Tamil Nadu Legislative Assembly", region="Tamil Nadu", influence=2,
    )
    kerala = _target(
        campaign, "ndwm", lead="cftui", supporters=("cwmi",),
        name="Labour and Skills Department, Government of Kerala", kind=TargetKind.MINISTRY,
        title="Labour Commissioner", institution="Government of Kerala", region="Kerala", influence=4,
        contact_notes="The draft rules for domestic workers sit with the Labour Commissioner.",
    )
    kerala_mlas = _target(
        campaign, "ndwm", lead="cwmi", supporters=("cftui",),
        name="MLAs of the Kerala Assembly's committee on labour", kind=TargetKind.MEMBER_OF_PARLIAMENT,
        institution="Kerala Legislative Assembly", region="Kerala", influence=3,
    )
    maharashtra = _target(
        campaign, "ndwm", lead="ycwi", supporters=("ndwm",),
        name="Maharashtra Domestic Workers Welfare Board", kind=TargetKind.OTHER, title="Chairperson",
        institution="Labour Department, Government of Maharashtra", region="Maharashtra", influence=4,
        contact_notes="Set up under the 2008 act; registrations and benefits have stalled for years.",
    )
    karnataka = _target(
        campaign, "ndwm", lead="cwmi", supporters=("ndwm",),
        name="Labour Department, Government of Karnataka", kind=TargetKind.MINISTRY, title="Labour Commissioner",
        institution="Government of Karnataka", region="Karnataka", influence=4,
    )
    media = _target(
        campaign, "ndwm", lead="ycwi", supporters=("ndwm",),
        name="Newspapers and television in Tamil Nadu and Maharashtra", kind=TargetKind.MEDIA,
        region="Tamil Nadu, Maharashtra", influence=2,
    )
    _stance(tn_minister, "ndwm", Stance.UNKNOWN, started + timedelta(days=10), "No statement on a domestic workers act.")
    _stance(
        maharashtra, "ycwi", Stance.LEANING_AGAINST, started + timedelta(days=20),
        "The board says it has no funds for new registrations until the state releases the cess.",
    )
    _stance(karnataka, "cwmi", Stance.UNKNOWN, started + timedelta(days=20), "Never asked.")

    # NDWM: the Minister, after a letter that got a meeting.
    letter = _task(
        campaign, "ndwm", tn_minister, "ndwm", Channel.LETTER, day(-25), planned_on=started + timedelta(days=14),
        notes="Letter with the coalition's ask and the draft bill.",
    )
    _done(
        letter, "ndwm", day(-27), Outcome.ACKNOWLEDGED,
        "The Minister's office acknowledged the letter and offered a meeting with the Minister.",
        next_step="Meet the Minister with the draft bill and the registration figures", next_step_due=day(2),
        next_channel=Channel.MEETING, stance=Stance.LEANING_FOR,
    )
    _task(
        campaign, "ndwm", karnataka, "ndwm", Channel.CALL, day(-2), planned_on=day(-12),
        notes="Call the Labour Commissioner's office to fix the date of the hearing on a Karnataka act.",
    )
    _task(
        campaign, "ndwm", maharashtra, "ndwm", Channel.EVENT, day(12), planned_on=day(-8),
        notes="State consultation in Pune with the board's members and domestic workers' unions.",
    )

    # CFTUI: Kerala's Labour Commissioner, then the MLAs.
    meeting = _task(
        campaign, "ndwm", kerala, "cftui", Channel.MEETING, day(-20), planned_on=started + timedelta(days=14),
        notes="Meet the Labour Commissioner about the draft rules.",
    )
    _done(
        meeting, "cftui", day(-21), Outcome.REFERRED,
        "The Labour Commissioner will take comments on the draft rules before they go to the Minister.",
        attendees="CFTUI state secretary, two domestic workers' union leaders; the Labour Commissioner",
        next_step="Send the union's written comments on the draft rules", next_step_due=day(-3),
        next_channel=Channel.LETTER, stance=Stance.LEANING_FOR,
    )
    briefing = _task(
        campaign, "ndwm", kerala_mlas, "cftui", Channel.MEETING, day(6), planned_on=day(-10),
        notes="Brief the MLAs of the committee on labour with CWM-I.",
    )
    services.task_status_set(task=briefing, by=_user("cftui"), status=TaskStatus.DOING)

    # AREDS: registration with the Tamil Nadu board, village by village.
    camp = _task(
        campaign, "ndwm", tn_board, "areds", Channel.EVENT, day(-10), planned_on=started + timedelta(days=30),
        notes="Registration camp in Dindigul with the district labour office.",
    )
    log = _done(
        camp, "areds", day(-10), Outcome.COMMITTED,
        "312 women of the collective filled in registration forms; the district labour officer promised the cards "
        "within a week.",
        attendees="AREDS women's collective leaders; the district labour officer",
        next_step="Collect the registration cards at the district labour office", next_step_due=day(0),
        next_channel=Channel.MEETING, stance=Stance.LEANING_FOR,
        commitment="The district labour office issues the welfare board's registration cards to the 312 women "
        "registered at the Dindigul camp.",
        commitment_due=day(-3),
    )
    Commitment.objects.filter(source_log=log).update(recorded_at=_at(day(-10), 18))
    _task(
        campaign, "ndwm", tn_board, "areds", Channel.LETTER, day(-5), planned_on=day(-15),
        notes="Send the board the list of villages where nobody has been registered yet.",
    )
    _task(
        campaign, "ndwm", tn_mlas, "areds", Channel.LETTER, day(4), planned_on=day(-7),
        notes="Letters from the women's collective to their MLAs, asking them to raise the act in the Assembly.",
    )

    # CWM-I: Karnataka and the Kerala MLAs.
    signatures = _task(
        campaign, "ndwm", karnataka, "cwmi", Channel.EVENT, day(-14), planned_on=started + timedelta(days=30),
        notes="Signature campaign after Sunday mass in the parishes of Bengaluru.",
    )
    _done(
        signatures, "cwmi", day(-14), Outcome.NO_RESPONSE,
        "4,200 signatures for a Karnataka domestic workers act, collected in 18 parishes.",
    )
    _task(
        campaign, "ndwm", karnataka, "cwmi", Channel.LETTER, day(1), planned_on=day(-12),
        notes="Letter to the Labour Commissioner with the signatures from the parishes.",
    )
    _task(
        campaign, "ndwm", kerala_mlas, "cwmi", Channel.MEETING, day(20), planned_on=day(-5), assigned=False,
        notes="Meet the committee's chair in Thiruvananthapuram; whoever of CWM-I can go.",
    )

    # YCW-I: Maharashtra's stalled board, and the press.
    _task(
        campaign, "ndwm", maharashtra, "ycwi", Channel.LETTER, day(-1), planned_on=day(-14),
        notes="Ask the board in writing why registrations stopped and when they resume.",
    )
    press = _task(
        campaign, "ndwm", media, "ycwi", Channel.MEDIA, day(0), planned_on=day(-9),
        notes="Press conference in Mumbai with young domestic workers who could not register.",
    )
    services.task_status_set(task=press, by=_user("ycwi"), status=TaskStatus.DOING)
    hearing = _task(
        campaign, "ndwm", maharashtra, "ycwi", Channel.MEETING, day(10), planned_on=day(-9),
        notes="Meeting with the board's chairperson.",
    )
    services.task_status_set(
        task=hearing, by=_user("ycwi"), status=TaskStatus.BLOCKED,
        blocked_reason="The board has no chairperson since last month; waiting for the state to name one.",
    )


# Burundi: PAMUSAB and the CAM health card ----------------------------------------------------


def _pamusab() -> None:
    coalition = Coalition.objects.get(slug=PAMUSAB)
    if Campaign.objects.filter(coalition=coalition, slug="carte-cam").exists():
        return
    today = timezone.localdate()
    started = today - timedelta(days=90)

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    campaign = services.campaign_create(
        coalition=coalition, by=_user("rmcs"), slug="carte-cam",
        title="La carte d'assistance médicale (CAM) et les mutuelles de santé", language="fr",
        status=CampaignStatus.ACTIVE,
        description=(
            "La réforme de la carte d'assistance médicale (CAM) décidera de la place des mutuelles communautaires "
            "de santé dans la protection sociale du Burundi. Mutuelles, ONG et syndicat n'attendent pas la même "
            "chose de la CAM : la plateforme s'accorde d'abord sur une position commune, puis écrit aux ministères "
            "et rencontre le deuxième vice-président, l'Assemblée nationale et les partenaires techniques et "
            "financiers."
        ),
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=_at(started))
    campaign.refresh_from_db()

    _texts(
        campaign, TextKind.MESSAGE,
        "La santé est un droit : chaque Burundaise et chaque Burundais doit pouvoir se soigner sans s'endetter.",
        "rmcs", ["spt", "sts"], started + timedelta(days=5),
    )
    # The position on the CAM: SPT agreed, the union has not voted yet.
    _proposal(
        campaign, TextKind.ASK,
        "Le Gouvernement réforme la carte d'assistance médicale (CAM) : chaque titulaire peut adhérer à une "
        "mutuelle communautaire de santé de son choix, et l'État verse à la mutuelle la part qu'il consacre à la "
        "CAM pour cette personne.",
        "rmcs", ["spt"], day(-6),
        note="Position commune à adopter avant toute lettre ou rencontre avec les ministères.",
    )

    _cam_decision(campaign, day)

    vice_president = _target(
        campaign, "rmcs", lead="rmcs", supporters=("spt",),
        name="Deuxième vice-président de la République", kind=TargetKind.MINISTER,
        title="Deuxième vice-président", institution="Vice-présidence de la République", region="Bujumbura",
        influence=5, contact_notes="Confirmer le rendez-vous la veille auprès du cabinet : il a déjà été annulé trois fois.",
    )
    health = _target(
        campaign, "rmcs", lead="spt", supporters=("rmcs",),
        name="Ministère de la santé publique et de la lutte contre le Sida", kind=TargetKind.MINISTRY,
        title="Ministre", institution="Gouvernement du Burundi", region="Gitega", influence=5,
    )
    labour = _target(
        campaign, "rmcs", lead="sts",
        name="Ministère de la fonction publique, du travail et de la sécurité sociale", kind=TargetKind.MINISTRY,
        title="Ministre", institution="Gouvernement du Burundi", region="Gitega", influence=4,
    )
    social_protection = _target(
        campaign, "rmcs", lead="rmcs", supporters=("sts",),
        name="Direction générale de la protection sociale", kind=TargetKind.OTHER, title="Directeur général",
        institution="Ministère de la fonction publique, du travail et de la sécurité sociale", region="Gitega",
        influence=4, contact_notes="Prépare le projet de réforme de la CAM.",
    )
    assembly = _target(
        campaign, "rmcs", lead="sts", supporters=("spt",),
        name="Commission de la santé de l'Assemblée nationale", kind=TargetKind.MEMBER_OF_PARLIAMENT,
        title="Président de la commission", institution="Assemblée nationale", region="Gitega", influence=3,
    )
    belgium = _target(
        campaign, "rmcs", lead="spt",
        name="Ambassade de Belgique", kind=TargetKind.OTHER, title="Attaché de coopération",
        institution="Ambassade du Royaume de Belgique", region="Bujumbura", influence=2,
    )
    europe = _target(
        campaign, "rmcs", lead="spt", supporters=("rmcs",),
        name="Délégation de l'Union européenne au Burundi", kind=TargetKind.OTHER, title="Chargé du secteur santé",
        institution="Union européenne", region="Bujumbura", influence=3,
    )
    _stance(health, "spt", Stance.LEANING_FOR, started + timedelta(days=20), "Le ministère veut plus d'adhérents aux mutuelles.")
    _stance(labour, "sts", Stance.UNKNOWN, started + timedelta(days=20), "Pas encore de position sur la réforme.")
    _stance(vice_president, "rmcs", Stance.UNKNOWN, started + timedelta(days=20), "Jamais rencontré.")

    # The second vice-president: a meeting cancelled three times; the fourth date is this week.
    attempt = _task(
        campaign, "rmcs", vice_president, "rmcs", Channel.MEETING, day(-60), planned_on=started + timedelta(days=10),
        notes="Audience avec le deuxième vice-président : présenter la plateforme et ses 160 000 membres.",
    )
    cancellations = [
        (
            day(-61), "Audience annulée la veille par le cabinet : déplacement du vice-président à l'intérieur du pays.",
            "Nouvelle demande d'audience auprès du cabinet", day(-40),
        ),
        (
            day(-41), "Audience annulée le matin même : conseil des ministres extraordinaire.",
            "Troisième demande d'audience, avec la lettre de la plateforme", day(-20),
        ),
        (
            day(-21), "Audience reportée une troisième fois, sans nouvelle date ; le cabinet rappellera.",
            "Audience fixée par le cabinet : confirmer la veille, venir à trois organisations", day(3),
        ),
    ]
    for happened_on, summary, next_step, next_due in cancellations:
        log = _done(
            attempt, "rmcs", happened_on, Outcome.NO_RESPONSE, summary, next_step=next_step, next_step_due=next_due,
        )
        attempt = _follow_up(log)

    dgps = _task(
        campaign, "rmcs", social_protection, "rmcs", Channel.MEETING, day(-30), planned_on=started + timedelta(days=10),
        notes="Séance de travail sur le projet de réforme de la CAM.",
    )
    _done(
        dgps, "rmcs", day(-31), Outcome.ACKNOWLEDGED,
        "La direction générale a présenté son projet de réforme et demande les chiffres d'adhésion des mutuelles.",
        attendees="Coordination RMCS, chargée de plaidoyer SPT ; le directeur général et deux cadres",
        next_step="Envoyer les chiffres d'adhésion des mutuelles par province", next_step_due=day(-2),
        next_channel=Channel.EMAIL, stance=Stance.LEANING_FOR,
    )
    _task(
        campaign, "rmcs", europe, "spt", Channel.MEETING, day(0), planned_on=day(-12),
        notes="Point sur le financement de la protection sociale avec le chargé du secteur santé.",
    )
    health_letter = _task(
        campaign, "rmcs", health, "spt", Channel.LETTER, day(5), planned_on=day(-12),
        notes="Lettre de la plateforme au ministre, avec la position commune sur la CAM.",
    )
    services.task_status_set(
        task=health_letter, by=_user("spt"), status=TaskStatus.BLOCKED,
        blocked_reason="En attente de la position commune sur la CAM : le STS doit encore l'approuver.",
    )
    _task(
        campaign, "rmcs", belgium, "spt", Channel.EVENT, day(18), planned_on=day(-5),
        notes="Inviter l'attaché de coopération à la journée des mutuelles à Ngozi.",
    )
    _task(
        campaign, "rmcs", labour, "sts", Channel.MEETING, day(-4), planned_on=day(-20),
        notes="Présenter au cabinet du ministre les attentes des travailleurs de la santé sur la CAM.",
    )
    _task(
        campaign, "rmcs", assembly, "sts", Channel.MEETING, day(9), planned_on=day(-10),
        notes="Demander une audition par la commission de la santé.",
    )


def _cam_decision(campaign: Campaign, day) -> None:
    """The platform decided its position on the CAM by consent: the union objected to the first
    wording, with its reasons; the revised wording passed with the consent of all three."""
    coalition = campaign.coalition

    def at(offset: int, hour: int = 10) -> datetime:
        return _at(day(offset), hour)

    decision = decisions.decision_propose(
        coalition=coalition, campaign=campaign, by=_user("rmcs"), organisation=_organisation("rmcs"),
        question="Quelle position commune la plateforme défend-elle sur la carte d'assistance médicale (CAM) ?",
        background=(
            "La réforme de la CAM est en préparation à la direction générale de la protection sociale. Mutuelles, ONG et "
            "syndicat doivent parler d'une seule voix avant toute lettre ou rencontre avec les ministères."
        ),
        options=[
            "La plateforme demande que la CAM soit remplacée par l'adhésion des titulaires aux mutuelles communautaires "
            "de santé."
        ],
        deadline=at(-9, 18), method=Method.CONSENT, quorum_percent=100, now=at(-16),
    )
    first = decision.options.get()
    decisions.decision_vote(
        decision=decision, by=_user("spt"), organisation=_organisation("spt"), option=first, position=Position.FOR,
        now=at(-15),
    )
    decisions.decision_vote(
        decision=decision, by=_user("sts"), organisation=_organisation("sts"), option=first, position=Position.AGAINST,
        reasons=(
            "Supprimer la CAM laisserait sans couverture, pendant la transition, des milliers de ménages pauvres que "
            "soignent nos membres. Nous soutenons le libre choix d'une mutuelle, pas la fin de la CAM."
        ),
        now=at(-14),
    )
    decisions.decision_comment(
        decision=decision, by=_user("wsm"), organisation=_organisation("wsm"),
        body="Les bailleurs suivront une position qui protège les ménages pendant la transition.",
    )
    revised = decisions.decision_option_revise(
        option=first, by=_user("rmcs"), now=at(-13),
        wording=(
            "La plateforme demande que chaque titulaire de la CAM puisse adhérer à une mutuelle communautaire de santé "
            "de son choix, et que l'État verse à la mutuelle la part qu'il consacre à la CAM pour cette personne."
        ),
    )
    for offset, login in ((-13, "rmcs"), (-12, "sts"), (-11, "spt")):
        decisions.decision_vote(
            decision=decision, by=_user(login), organisation=_organisation(login), option=revised, position=Position.FOR,
            now=at(offset),
        )
    decisions.decision_close(decision=decision, now=at(-9, 18))
    DecisionComment.objects.filter(decision=decision).update(created_at=at(-14, 16))


# Bangladesh: equal pay -----------------------------------------------------------------------


def _bangladesh() -> None:
    coalition = Coalition.objects.get(slug=BANGLADESH)
    if Campaign.objects.filter(coalition=coalition, slug="equal-pay").exists():
        return
    today = timezone.localdate()
    started = today - timedelta(days=45)
    campaign = services.campaign_create(
        coalition=coalition, by=_user("bnwlrn"), slug="equal-pay",
        title="Equal pay in government-supported agriculture work", language="en", status=CampaignStatus.ACTIVE,
        description=(
            "Women day labourers are paid less than men for the same work in the fields, also in programmes the "
            "government pays for. Partners were chosen for their impact, their reach and the rights-based message."
        ),
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=_at(started))
    campaign.refresh_from_db()
    approvers = ["bnksu", "bncwf", "bnnage"]
    texts = {
        TextKind.MESSAGE: "Women have equal rights to job opportunities and wages",
        TextKind.ASK: "Establish equal pay in government-supported agriculture work",
        TextKind.SOLUTION: "Local governments take an active role in enforcing laws and regulations regarding equal pay",
    }
    for kind, body in texts.items():
        _texts(campaign, kind, body, "bnwlrn", approvers, started + timedelta(days=2))

    agriculture = _target(
        campaign, "bnwlrn", lead="bnnage", supporters=("bnksu",),
        name="Ministry of Agriculture", kind=TargetKind.MINISTRY, institution="Government of Bangladesh",
        region="Dhaka", influence=5, contact_notes="Its programmes hire the day labourers.",
    )
    women = _target(
        campaign, "bnwlrn", lead="bnwlrn", supporters=("bnnage",),
        name="Ministry of Women and Children Affairs", kind=TargetKind.MINISTRY,
        institution="Government of Bangladesh", region="Dhaka", influence=4,
    )
    kurigram = _target(
        campaign, "bnwlrn", lead="bncwf", supporters=("bnksu",),
        name="Union Parishad chairs, Kurigram district", kind=TargetKind.OTHER, title="Chairs",
        institution="Union Parishads", region="Kurigram", influence=3,
    )
    rangpur = _target(
        campaign, "bnwlrn", lead="bnksu",
        name="Union Parishad chairs, Rangpur district", kind=TargetKind.OTHER, title="Chairs",
        institution="Union Parishads", region="Rangpur", influence=3,
    )
    cabinet = _target(
        campaign, "bnwlrn", lead="bnnage", supporters=("bnwlrn",),
        name="The Cabinet", kind=TargetKind.OTHER, institution="Cabinet Division, Government of Bangladesh",
        region="Dhaka", influence=5,
    )
    _stance(
        agriculture, "bnnage", Stance.LEANING_AGAINST, today - timedelta(days=30),
        "Officials say wages in their programmes follow local market rates.",
    )
    _stance(
        women, "bnwlrn", Stance.LEANING_FOR, today - timedelta(days=28),
        "Points to the Women's Development Policy, which asks for equal wages.",
    )

    letter = _task(
        campaign, "bnwlrn", women, "bnwlrn", Channel.LETTER, today - timedelta(days=14),
        planned_on=started + timedelta(days=7), notes="Letter with the coalition's message, ask and solution.",
    )
    _done(
        letter, "bnwlrn", today - timedelta(days=16), Outcome.ACKNOWLEDGED,
        "The ministry acknowledged the letter and offered a meeting with the joint secretary.",
        next_step="Meeting with the joint secretary", next_step_due=today + timedelta(days=2),
        next_channel=Channel.MEETING,
    )
    courtyard = _task(
        campaign, "bnwlrn", kurigram, "bncwf", Channel.EVENT, today - timedelta(days=12),
        planned_on=started + timedelta(days=7), notes="Courtyard meeting of women day labourers; invite the chairs.",
    )
    _done(
        courtyard, "bncwf", today - timedelta(days=12), Outcome.ACKNOWLEDGED,
        "Sixty women day labourers told two Union Parishad chairs what they and the men are paid for the same "
        "work; the chairs acknowledged the gap.",
        attendees="CWF facilitator, women's group leaders, two Union Parishad chairs",
        next_step="Raise equal pay with all the chairs at the upazila coordination meeting",
        next_step_due=today - timedelta(days=3), next_channel=Channel.MEETING,
    )
    wage_slips = _task(
        campaign, "bnwlrn", agriculture, "bnksu", Channel.LETTER, today, planned_on=today - timedelta(days=10),
        notes="Letter with the wage slips collected from day labourers in Rangpur.",
    )
    services.task_status_set(task=wage_slips, by=_user("bnksu"), status=TaskStatus.DOING)
    _task(
        campaign, "bnwlrn", agriculture, "bnnage", Channel.MEETING, today + timedelta(days=1),
        planned_on=today - timedelta(days=10), assigned=False,
        notes="Meeting with the programme directors; whoever of NAGE can go.",
    )
    _task(
        campaign, "bnwlrn", rangpur, "bnksu", Channel.EVENT, today + timedelta(days=10),
        planned_on=today - timedelta(days=5), notes="Union meeting of day labourers with the chairs invited.",
    )
    position = _task(
        campaign, "bnwlrn", cabinet, "bnnage", Channel.LETTER, today + timedelta(days=21),
        planned_on=today - timedelta(days=5), notes="Position paper on equal pay for the Women's Development Policy.",
    )
    services.task_status_set(
        task=position, by=_user("bnnage"), status=TaskStatus.BLOCKED,
        blocked_reason="Waiting for the alliance's member organisations to sign the position paper.",
    )
