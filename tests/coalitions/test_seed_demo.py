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
