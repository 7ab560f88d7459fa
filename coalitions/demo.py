"""Demo coalitions from real campaigns (India, Burundi), with one login per organisation."""

from allauth.account.models import EmailAddress

from coalitions.audit import audit_record
from coalitions.models import (
    Affiliation,
    AffiliationRole,
    Coalition,
    CoalitionRole,
    Organisation,
    OrganisationKind,
    Participation,
    User,
)
from coalitions.scorecards import demo as scorecard_demo

DEMO_PASSWORD = "demo-coalition-2011"

ORGANISATIONS = {
    "ndwm": dict(
        name="National Domestic Workers Movement", acronym="NDWM", kind=OrganisationKind.NGO, country="IN",
        regions=["Tamil Nadu", "Kerala", "Maharashtra", "Karnataka", "Delhi"], member_count=2_000_000,
        website="https://ndwm.org",
    ),
    "cftui": dict(
        name="Confederation of Free Trade Unions of India", acronym="CFTUI", kind=OrganisationKind.TRADE_UNION,
        country="IN", regions=["Kerala", "Tamil Nadu", "Andhra Pradesh"], member_count=500_000,
    ),
    "areds": dict(
        name="Association of Rural Education and Development Service", acronym="AREDS", kind=OrganisationKind.NGO,
        country="IN", regions=["Tamil Nadu"], member_count=25_000,
    ),
    "cwmi": dict(
        name="Christian Workers Movement India", acronym="CWM-I", kind=OrganisationKind.COMMUNITY_GROUP,
        country="IN", regions=["Kerala", "Tamil Nadu", "Karnataka"], member_count=22_000,
    ),
    "ycwi": dict(
        name="Young Christian Workers India", acronym="YCW-I", kind=OrganisationKind.COMMUNITY_GROUP,
        country="IN", regions=["Tamil Nadu", "Maharashtra"],
    ),
    "wsm": dict(
        name="WSM (We Social Movements)", acronym="WSM", kind=OrganisationKind.INTERNATIONAL_NGO, country="BE",
        website="https://wsm.be",
    ),
    "mcs": dict(
        name="Réseau des mutuelles communautaires de santé (démo)", acronym="RMCS",
        kind=OrganisationKind.COMMUNITY_GROUP, country="BI", regions=["Ngozi", "Kirundo", "Gitega"],
        member_count=160_000,
    ),
    "spt": dict(
        name="ONG Santé pour tous (démo)", acronym="SPT", kind=OrganisationKind.NGO, country="BI",
        regions=["Bujumbura", "Gitega"],
    ),
    "sts": dict(
        name="Syndicat des travailleurs de la santé (démo)", acronym="STS", kind=OrganisationKind.TRADE_UNION,
        country="BI", regions=["Bujumbura"],
    ),
}

# login key: (organisation key, display name, language)
PEOPLE = {
    "ndwm": ("ndwm", "NDWM coordinator", "en"),
    "cftui": ("cftui", "CFTUI organiser", "en"),
    "areds": ("areds", "AREDS women's collective", "en"),
    "cwmi": ("cwmi", "CWM-I secretary", "en"),
    "ycwi": ("ycwi", "YCW-I organiser", "en"),
    "wsm": ("wsm", "WSM programme officer", "en"),
    "rmcs": ("mcs", "Coordination RMCS", "fr"),
    "spt": ("spt", "Chargée de plaidoyer SPT", "fr"),
    "sts": ("sts", "Secrétaire STS", "fr"),
}

COALITIONS = [
    dict(
        slug="india-domestic-workers",
        name="Domestic workers' rights: ILO Convention 189",
        language="en",
        description=(
            "Five partner organisations for decent work for domestic workers in India: they won the Government's "
            "yes to ILO Convention 189 at the International Labour Conference of 16 June 2011, and now work to "
            "bring it into state laws and welfare boards."
        ),
        # WSM facilitated at first, then handed the lead to NDWM and stepped back to an accompanying role.
        founder="wsm",
        founding_lead="wsm",
        members=[("ndwm", CoalitionRole.MEMBER), ("cftui", CoalitionRole.MEMBER), ("areds", CoalitionRole.MEMBER),
                 ("cwmi", CoalitionRole.MEMBER), ("ycwi", CoalitionRole.MEMBER)],
        handover=("ndwm", "wsm", CoalitionRole.OBSERVER),
    ),
    dict(
        slug="pamusab",
        name="PAMUSAB – Plateforme des acteurs des mutuelles de santé au Burundi",
        language="fr",
        description=(
            "Plateforme de mutuelles de santé, d'ONG et de bailleurs (plus de 160 000 membres). Position commune "
            "sur la carte d'assistance médicale (CAM) avant toute lettre ou rencontre avec les ministères."
        ),
        founder="rmcs",
        founding_lead="mcs",
        members=[("spt", CoalitionRole.MEMBER), ("sts", CoalitionRole.MEMBER), ("wsm", CoalitionRole.OBSERVER)],
        handover=None,
    ),
]


def demo_email(login: str) -> str:
    return f"{login}@demo.example"




def load() -> None:
    organisations = {key: _organisation(fields) for key, fields in ORGANISATIONS.items()}
    users = {login: _person(login, organisations[org], name, lang) for login, (org, name, lang) in PEOPLE.items()}
    for spec in COALITIONS:
        _coalition(spec, organisations, users)
    scorecard_demo.load(demo_user, lambda login: demo_organisation(PEOPLE[login][0]))


def demo_user(login: str) -> User:
    return User.objects.get(email=demo_email(login))


def demo_organisation(key: str) -> Organisation:
    fields = ORGANISATIONS[key]
    return Organisation.objects.get(acronym=fields["acronym"], name=fields["name"])


def register(organisations: dict, people: dict, coalitions: list) -> None:
    """Other apps add their demo organisations, people and coalitions before loading."""
    ORGANISATIONS.update(organisations)
    PEOPLE.update(people)
    COALITIONS.extend(coalitions)


def _organisation(fields: dict) -> Organisation:
    organisation = Organisation.objects.filter(acronym=fields["acronym"], name=fields["name"]).first()
    return organisation or Organisation.objects.create(**fields)


# Where the demo's people live, so that their pages and reminders follow their own clock.
TIME_ZONES = {"IN": "Asia/Kolkata", "BD": "Asia/Dhaka", "BI": "Africa/Bujumbura", "BE": "Europe/Brussels"}


def _person(login: str, organisation: Organisation, name: str, language: str) -> User:
    email = demo_email(login)
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, display_name=name, language=language,
            timezone=TIME_ZONES.get(organisation.country.code, "UTC"),
        )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    Affiliation.objects.get_or_create(organisation=organisation, user=user, defaults={"role": AffiliationRole.ADMIN})
    return user


def _coalition(spec: dict, organisations: dict, users: dict) -> None:
    if Coalition.objects.filter(slug=spec["slug"]).exists():
        return
    founder = users[spec["founder"]]
    lead = organisations[spec["founding_lead"]]
    coalition = Coalition.objects.create(
        slug=spec["slug"], name=spec["name"], language=spec["language"], description=spec["description"],
        timezone=TIME_ZONES.get(lead.country.code, "UTC"),
    )
    Participation.objects.create(coalition=coalition, organisation=lead, role=CoalitionRole.LEAD)
    audit_record(coalition=coalition, actor=founder, action="coalition.created", data={"organisation": lead.short_name})
    for key, role in spec["members"]:
        organisation = organisations[key]
        Participation.objects.create(coalition=coalition, organisation=organisation, role=role)
        joiner = next(user for login, user in users.items() if PEOPLE[login][0] == key)
        audit_record(
            coalition=coalition, actor=founder, action="invitation.sent",
            data={"organisation": organisation.short_name, "role": role},
        )
        audit_record(
            coalition=coalition, actor=joiner, action="organisation.joined",
            data={"organisation": organisation.short_name, "role": role},
        )
    if spec["handover"]:
        new_lead, old_lead, old_lead_role = spec["handover"]
        for key, old, new in ((new_lead, CoalitionRole.MEMBER, CoalitionRole.LEAD), (old_lead, CoalitionRole.LEAD, old_lead_role)):
            Participation.objects.filter(coalition=coalition, organisation=organisations[key]).update(role=new)
            audit_record(
                coalition=coalition, actor=founder, action="organisation.role_changed",
                data={"organisation": organisations[key].short_name, "old": old, "new": new},
            )


def logins_text() -> str:
    lines = ["", f"Demo logins (password for all: {DEMO_PASSWORD})"]
    for spec in COALITIONS:
        coalition = Coalition.objects.get(slug=spec["slug"])
        lines.append(f"  {coalition.name}")
        for participation in coalition.participations.select_related("organisation"):
            login = next(login for login, person in PEOPLE.items() if person[0] == _org_key(participation.organisation))
            lines.append(
                f"    {demo_email(login):<28} {participation.organisation.short_name:<8} {participation.get_role_display()}"
            )
    return "\n".join(lines + [""])


def _org_key(organisation: Organisation) -> str:
    return next(key for key, fields in ORGANISATIONS.items() if fields["acronym"] == organisation.acronym)
