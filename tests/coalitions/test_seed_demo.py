import io

from allauth.account.models import EmailAddress
from django.core.management import call_command

from coalitions import demo
from coalitions.models import AuditEntry, Coalition, CoalitionRole, User

from .support import db_snapshot


def _roles(slug: str) -> dict[str, str]:
    coalition = Coalition.objects.get(slug=slug)
    return {p.organisation.acronym: p.role for p in coalition.participations.select_related("organisation")}


def test_seed_demo_builds_the_india_and_burundi_coalitions(db):
    call_command("seed_demo", stdout=io.StringIO())

    assert _roles("india-domestic-workers") == {
        "NDWM": CoalitionRole.LEAD,
        "CFTUI": CoalitionRole.MEMBER,
        "AREDS": CoalitionRole.MEMBER,
        "CWM-I": CoalitionRole.MEMBER,
        "YCW-I": CoalitionRole.MEMBER,
        "WSM": CoalitionRole.OBSERVER,
    }
    pamusab = Coalition.objects.get(slug="pamusab")
    assert pamusab.language == "fr"
    assert _roles("pamusab") == {
        "RMCS": CoalitionRole.LEAD, "SPT": CoalitionRole.MEMBER, "STS": CoalitionRole.MEMBER, "WSM": CoalitionRole.OBSERVER,
    }
    assert User.objects.get(email="rmcs@demo.example").language == "fr"
    for coalition in (pamusab, Coalition.objects.get(slug="india-domestic-workers")):
        seqs = list(AuditEntry.objects.filter(coalition=coalition).order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, coalition.last_event_seq + 1))


def test_seed_demo_runs_twice_and_changes_nothing_the_second_time(db, capsys):
    call_command("seed_demo")
    before = db_snapshot()
    call_command("seed_demo")
    assert db_snapshot() == before
    out = capsys.readouterr().out
    assert out.count("ndwm@demo.example") == 2


def test_every_demo_person_has_a_display_name_and_a_verified_address(db):
    call_command("seed_demo", stdout=io.StringIO())
    people = User.objects.filter(email__endswith="@demo.example")

    assert people.count() == len(demo.PEOPLE)
    for person in people:
        # Partners see the name, never the address.
        assert person.display_name.strip() and "@" not in person.display_name
        assert EmailAddress.objects.filter(user=person, email=person.email, verified=True, primary=True).exists()


def test_the_india_scorecard_shows_transparency_improving_over_two_rounds(db):
    from datetime import date

    from coalitions.scorecards.models import ScoreAnswer
    from coalitions.scorecards.selectors import scorecard_results, scorecard_trend

    call_command("seed_demo", stdout=io.StringIO())
    coalition = Coalition.objects.get(slug="india-domestic-workers")

    trend = scorecard_trend(coalition)
    assert [r.title for r in trend.rounds] == ["Second half of 2010", "First half of 2011"]
    assert all(date(2010, 1, 1) <= r.opened_at.date() <= r.closed_at.date() <= date(2011, 12, 31) for r in trend.rounds)
    assert next(s for s in trend.series if s.key == "transparency").medians == [2.0, 4.0]
    for scorecard in trend.rounds:
        transparency = next(r for r in scorecard_results(scorecard) if r.indicator.key == "transparency")
        assert transparency.answered >= 3
        assert any(c.organisation for c in transparency.comments) and any(not c.organisation for c in transparency.comments)
        assert scorecard.action_points.filter(done_at=None).count() == 0
    # The observer watched; the lead's voice counted like the others'.
    answering = set(ScoreAnswer.objects.filter(indicator__round__coalition=coalition).values_list("organisation__acronym", flat=True))
    assert answering == {"NDWM", "CFTUI", "AREDS", "CWM-I", "YCW-I"}
