"""The India coalition's community scorecard: two rounds, late 2010 and mid 2011, in which the
partners rated NDWM's lead. Transparency was the weak point in the first round (median 2); the
action points agreed on it (minutes to all within a week, budgets of joint events shared) show in
the second round (median 4).

Everything goes through the scorecard services, as from the pages; dates are then moved back to
when things happened. Loaded from coalitions/demo.py once the coalition exists.
"""

from datetime import UTC, date, datetime, time

from ..models import Coalition, User
from . import services
from .models import ActionPoint, ScoreAnswer, ScorecardRound

INDIA = "india-domestic-workers"
PARTNERS = ["ndwm", "cftui", "areds", "cwmi", "ycwi"]
HEARD = "Every partner is heard before the action plan changes"
WOMEN = "The voices of women domestic workers reach the national level"

# Per round: indicator → login → (score, comment, signed); a login left out gave no score.
ROUNDS = [
    dict(
        title="Second half of 2010",
        opened=date(2010, 11, 15), scoring=date(2010, 11, 22), deadline=date(2010, 12, 6), closed=date(2010, 12, 10),
        add=[("ndwm", HEARD), ("areds", WOMEN)],
        scores={
            "shared_vision": {
                "ndwm": (4, "", False), "cftui": (4, "", False), "areds": (3, "", False), "cwmi": (4, "", False),
                "ycwi": (5, "The campaign for C189 is the first time our young workers feel part of a national plan.", True),
            },
            "equity": {
                "ndwm": (3, "", False), "cftui": (2, "", False), "areds": (3, "", False),
                "cwmi": (3, "Smaller partners are asked to mobilise, but rarely to speak at press conferences.", False),
                "ycwi": (2, "", False),
            },
            "transparency": {
                "ndwm": (3, "We hear this. We will share the minutes and the budget lines of joint events.", True),
                "cftui": (
                    2, "We learnt of the meeting with the Ministry of Labour after it had happened. Minutes of the "
                    "lead's meetings should reach all five of us within a week.", True,
                ),
                "areds": (1, "The budget of the Delhi consultation was never shown to us.", False),
                "cwmi": (2, "", False),
                "ycwi": (2, "Our organisers do not know who decided to drop the Mumbai rally.", False),
            },
            HEARD: {"ndwm": (3, "", False), "cftui": (3, "", False), "areds": (2, "", False), "cwmi": (3, "", False), "ycwi": (4, "", False)},
            # Only two scored it: the page shows no figure for it this round.
            WOMEN: {"areds": (2, "Our collective's members in Tamil Nadu are rarely quoted in Delhi.", False), "cwmi": (3, "", False)},
        },
        actions=[
            ("ndwm", "Send the minutes of every meeting with the Government or the ILO to all partners within seven days",
             date(2011, 1, 15), date(2011, 1, 10)),
            ("ndwm", "Share the budget lines of joint events before the money is spent", date(2011, 2, 1), date(2011, 1, 28)),
            ("cwmi", "Propose a rota of speakers for the coalition's press conferences, smaller partners first",
             date(2011, 2, 15), date(2011, 2, 10)),
        ],
    ),
    dict(
        title="First half of 2011",
        opened=date(2011, 6, 27), scoring=date(2011, 7, 1), deadline=date(2011, 7, 20), closed=date(2011, 7, 25),
        add=[],
        scores={
            "shared_vision": {
                "ndwm": (5, "", False), "cftui": (4, "", False), "areds": (4, "", False), "cwmi": (5, "", False),
                "ycwi": (4, "", False),
            },
            "equity": {
                "ndwm": (3, "", False), "cftui": (4, "", False), "areds": (3, "", False), "cwmi": (4, "", False),
                "ycwi": (3, "YCW-I spoke at the Chennai press meet for the first time.", True),
            },
            "transparency": {
                "ndwm": (4, "", False),
                "cftui": (4, "Minutes now come within days, and we saw the budget of the Geneva delegation before it was spent.", True),
                "areds": (5, "The shared budget sheet helps our women's collective explain the campaign to its members.", True),
                "cwmi": (3, "Better. Decisions between meetings are still taken by phone, and not everyone is called.", False),
                "ycwi": (4, "", False),
            },
            HEARD: {"ndwm": (4, "", False), "cftui": (4, "", False), "areds": (4, "", False), "cwmi": (3, "", False), "ycwi": (4, "", False)},
            WOMEN: {
                "ndwm": (3, "", False), "areds": (4, "Two of our members spoke in Geneva.", True), "cwmi": (4, "", False),
                "ycwi": (3, "", False),
            },
        },
        actions=[
            ("ndwm", "Call every partner before a decision is taken between meetings", date(2011, 9, 1), date(2011, 8, 25)),
            ("areds", "Gather the questions of domestic workers in Tamil Nadu for the state laws campaign",
             date(2011, 9, 30), date(2011, 9, 22)),
        ],
    ),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def load(user, organisation) -> None:
    """`user(login)` and `organisation(login)` find the demo's people and their organisations."""
    coalition = Coalition.objects.filter(slug=INDIA).first()
    if coalition is None or coalition.scorecard_rounds.exists():
        return
    lead: User = user("ndwm")
    for spec in ROUNDS:
        _round(coalition, spec, lead, user, organisation)


def _round(coalition: Coalition, spec: dict, lead: User, user, organisation) -> None:
    scorecard = services.scorecard_round_open(coalition=coalition, by=lead, title=spec["title"], scoring_deadline=spec["deadline"])
    for login, wording in spec["add"]:
        services.scorecard_indicator_add(scorecard=scorecard, by=user(login), organisation=organisation(login), wording=wording)
    services.scorecard_scoring_start(scorecard=scorecard, by=lead)
    by_key = {indicator.key if indicator.origin == "principle" else indicator.wording: indicator for indicator in scorecard.indicators.all()}
    for login in PARTNERS:
        answers = [
            services.AnswerInput(indicator_id=by_key[name].pk, score=score, comment=comment, signed=signed)
            for name, given in spec["scores"].items()
            if login in given
            for score, comment, signed in [given[login]]
        ]
        services.scorecard_answer(scorecard=scorecard, by=user(login), organisation=organisation(login), answers=answers)
        ScoreAnswer.objects.filter(indicator__round=scorecard, organisation=organisation(login)).update(
            answered_at=_at(spec["scoring"], 9 + PARTNERS.index(login))
        )
    services.scorecard_round_close(scorecard=scorecard, by=lead)
    ScorecardRound.objects.filter(pk=scorecard.pk).update(
        opened_at=_at(spec["opened"]), scoring_started_at=_at(spec["scoring"]), closed_at=_at(spec["closed"], 16)
    )
    for login, wording, due_on, done_on in spec["actions"]:
        point = services.action_point_add(
            scorecard=scorecard, by=lead, wording=wording, organisation=organisation(login), due_on=due_on
        )
        services.action_point_complete(action_point=point, by=user(login))
        ActionPoint.objects.filter(pk=point.pk).update(created_at=_at(spec["closed"], 17), done_at=_at(done_on))
