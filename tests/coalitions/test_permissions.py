"""Who may reach which coalition- or organisation-scoped page, one row per URL and method.

Outsiders get 404, never 403: a coalition's or an organisation's existence is itself private.
People inside who lack the role get 403. Every refused request must leave the database as it
was and send no mail, even with the after-commit callbacks run.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coalitions import urls as coalition_urls
from coalitions.imports import import_job_check
from coalitions.models import (
    Affiliation,
    AffiliationRole,
    Coalition,
    CoalitionInvitation,
    CoalitionRole,
    ImportJob,
    ImportStatus,
    Participation,
    StaffInvitation,
    User,
)
from config import urls as root_urls
from tests.conftest import ROLES, World
from tests.factories import AffiliationFactory, CampaignFactory, CoalitionInvitationFactory

from .support import db_snapshot, png_bytes

OK = 200  # the page is shown
DONE = 302  # the change was made, then a redirect
LOGIN = "login"  # redirect to the sign-in page
HIDDEN = 404
DENIED = 403
KEPT = "kept"  # a rule refused the change: redirect back with the reason, nothing changed


@dataclass
class Targets:
    """The world, plus the objects that the matrix's requests act on."""

    world: World
    invitation: CoalitionInvitation
    colleague: Affiliation  # staff of the member organisation, whom its admin may promote or remove
    import_job: ImportJob  # the lead's checked spreadsheet, waiting for confirmation

    @property
    def observer_participation(self) -> Participation:
        return Participation.objects.get(coalition=self.world.coalition, organisation=self.world.observer_org)


def _own_organisation_id(targets: Targets, user: User | None) -> int:
    if user is None:
        return targets.world.member_org.pk
    return user.affiliations.get().organisation_id


def _no_effect(targets: Targets, user: User | None, mailoutbox) -> None:
    return None


@dataclass(frozen=True)
class Case:
    url_name: str
    method: str
    url: Callable[[Targets], str]
    data: Callable[[Targets, User | None], dict] = lambda targets, user: {}
    # For a permitted POST: asserts the change was made.
    effect: Callable[[Targets, User | None, list], None] = _no_effect

    @property
    def id(self) -> str:
        return f"{self.url_name} {self.method}"

    def outcome(self, role: str):
        return EXPECTED[self.id][ROLES.index(role)]


def _slug(name: str, *args) -> Callable[[Targets], str]:
    def url(targets: Targets) -> str:
        return reverse(name, args=[targets.world.coalition.slug, *(arg(targets) for arg in args)])

    return url


def _org(name: str, *args) -> Callable[[Targets], str]:
    def url(targets: Targets) -> str:
        return reverse(name, args=[targets.world.member_org.pk, *(arg(targets) for arg in args)])

    return url


def _settings_changed(targets, user, mailoutbox):
    assert Coalition.objects.get(pk=targets.world.coalition.pk).name == "Renamed coalition"


def _invitation_sent(targets, user, mailoutbox):
    assert CoalitionInvitation.objects.filter(coalition=targets.world.coalition, email="partner@example.org").exists()
    assert [message.to for message in mailoutbox] == [["partner@example.org"]]


def _invitation_revoked(targets, user, mailoutbox):
    targets.invitation.refresh_from_db()
    assert targets.invitation.revoked_at is not None


def _observer_promoted(targets, user, mailoutbox):
    assert targets.observer_participation.role == CoalitionRole.MEMBER


def _observer_removed(targets, user, mailoutbox):
    assert not Participation.objects.filter(coalition=targets.world.coalition, organisation=targets.world.observer_org).exists()


def _organisation_left(targets, user, mailoutbox):
    organisation_id = _own_organisation_id(targets, user)
    assert not Participation.objects.filter(coalition=targets.world.coalition, organisation_id=organisation_id).exists()


def _staff_invited(targets, user, mailoutbox):
    assert StaffInvitation.objects.filter(organisation=targets.world.member_org, email="colleague@example.org").exists()
    assert [message.to for message in mailoutbox] == [["colleague@example.org"]]


def _organisation_renamed(targets, user, mailoutbox):
    targets.world.member_org.refresh_from_db()
    assert targets.world.member_org.name == "Renamed organisation"


def _colleague_promoted(targets, user, mailoutbox):
    targets.colleague.refresh_from_db()
    assert targets.colleague.role == AffiliationRole.ADMIN


def _colleague_removed(targets, user, mailoutbox):
    assert not Affiliation.objects.filter(pk=targets.colleague.pk).exists()


def _colleague_stops_voting(targets, user, mailoutbox):
    targets.colleague.refresh_from_db()
    assert not targets.colleague.may_vote


def _invitation_id(targets: Targets) -> int:
    return targets.invitation.pk


def _observer_participation_id(targets: Targets) -> int:
    return targets.observer_participation.pk


def _colleague_id(targets: Targets) -> int:
    return targets.colleague.pk


def _import_job_id(targets: Targets) -> int:
    return targets.import_job.pk


def _import_status_is(status: str):
    def effect(targets, user, mailoutbox):
        targets.import_job.refresh_from_db()
        assert targets.import_job.status == status

    return effect


ORGANISATION_FORM = {
    "name": "Renamed organisation", "acronym": "RN", "kind": "ngo", "country": "IN",
    "regions": "Kerala", "website": "", "member_count": "",
}

# What each role gets; the columns follow ROLES.
# A member organisation's own pages are for its own people, so the lead and the observer, who see its
# card on the coalition page, get 404 there like strangers; its logo is shown to every partner.
# The lead organisation is the coalition's only lead: it may not leave.
EXPECTED = {
    #                                    anonymous outsider observer member_staff org_admin lead  other_lead
    "coalition_detail GET":              (LOGIN,   HIDDEN,  OK,      OK,          OK,       OK,   HIDDEN),
    "coalition_organisations GET":       (LOGIN,   HIDDEN,  OK,      OK,          OK,       OK,   HIDDEN),
    "coalition_settings GET":            (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   OK,   HIDDEN),
    "coalition_settings POST":           (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "coalition_invite GET":              (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   OK,   HIDDEN),
    "coalition_invite POST":             (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "coalition_invitation_revoke POST":  (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "participation_role POST":           (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "participation_remove POST":         (LOGIN,   HIDDEN,  DENIED,  DENIED,      DENIED,   DONE, HIDDEN),
    "coalition_leave POST":              (LOGIN,   HIDDEN,  DONE,    DENIED,      DONE,     KEPT, HIDDEN),
    "coalition_audit GET":               (LOGIN,   HIDDEN,  OK,      OK,          OK,       OK,   HIDDEN),
    # How power is shared is every partner's business, observers' too, like the trail.
    "coalition_balance GET":             (LOGIN,   HIDDEN,  OK,      OK,          OK,       OK,   HIDDEN),
    "organisation_detail GET":           (LOGIN,   HIDDEN,  HIDDEN,  OK,          OK,       HIDDEN, HIDDEN),
    "organisation_detail POST":          (LOGIN,   HIDDEN,  HIDDEN,  DENIED,      DONE,     HIDDEN, HIDDEN),
    "organisation_edit GET":             (LOGIN,   HIDDEN,  HIDDEN,  DENIED,      OK,       HIDDEN, HIDDEN),
    "organisation_edit POST":            (LOGIN,   HIDDEN,  HIDDEN,  DENIED,      DONE,     HIDDEN, HIDDEN),
    "organisation_logo GET":             (LOGIN,   HIDDEN,  OK,      OK,          OK,       OK,   HIDDEN),
    "staff_role POST":                   (LOGIN,   HIDDEN,  HIDDEN,  DENIED,      DONE,     HIDDEN, HIDDEN),
    "staff_remove POST":                 (LOGIN,   HIDDEN,  HIDDEN,  DENIED,      DONE,     HIDDEN, HIDDEN),
    "staff_vote POST":                   (LOGIN,   HIDDEN,  HIDDEN,  DENIED,      DONE,     HIDDEN, HIDDEN),
    # An import may hold contact details: only the person who uploaded it reaches it.
    "import_job GET":                    (LOGIN,   HIDDEN,  HIDDEN,  HIDDEN,      HIDDEN,   OK,   HIDDEN),
    "import_status GET":                 (LOGIN,   HIDDEN,  HIDDEN,  HIDDEN,      HIDDEN,   OK,   HIDDEN),
    "import_confirm POST":               (LOGIN,   HIDDEN,  HIDDEN,  HIDDEN,      HIDDEN,   DONE, HIDDEN),
    "import_recheck POST":               (LOGIN,   HIDDEN,  HIDDEN,  HIDDEN,      HIDDEN,   DONE, HIDDEN),
    "import_cancel POST":                (LOGIN,   HIDDEN,  HIDDEN,  HIDDEN,      HIDDEN,   DONE, HIDDEN),
}

CASES = [
    Case("coalition_detail", "GET", _slug("coalition_detail")),
    Case("coalition_organisations", "GET", _slug("coalition_organisations")),
    Case("coalition_settings", "GET", _slug("coalition_settings")),
    Case(
        "coalition_settings", "POST", _slug("coalition_settings"),
        data=lambda targets, user: {"name": "Renamed coalition", "description": "New words", "language": "fr", "adoption_rule": "majority"},
        effect=_settings_changed,
    ),
    Case("coalition_invite", "GET", _slug("coalition_invite")),
    Case(
        "coalition_invite", "POST", _slug("coalition_invite"),
        data=lambda targets, user: {
            "email": "partner@example.org", "organisation_name": "New partner", "role": "member", "message": "Join us",
        },
        effect=_invitation_sent,
    ),
    Case(
        "coalition_invitation_revoke", "POST", _slug("coalition_invitation_revoke", _invitation_id),
        effect=_invitation_revoked,
    ),
    Case(
        "participation_role", "POST", _slug("participation_role", _observer_participation_id),
        data=lambda targets, user: {"role": "member"}, effect=_observer_promoted,
    ),
    Case(
        "participation_remove", "POST", _slug("participation_remove", _observer_participation_id),
        effect=_observer_removed,
    ),
    Case(
        "coalition_leave", "POST", _slug("coalition_leave"),
        data=lambda targets, user: {"organisation": _own_organisation_id(targets, user)}, effect=_organisation_left,
    ),
    Case("coalition_audit", "GET", _slug("coalition_audit")),
    Case("coalition_balance", "GET", _slug("coalition_balance")),
    Case("organisation_detail", "GET", _org("organisation_detail")),
    Case(
        "organisation_detail", "POST", _org("organisation_detail"),
        data=lambda targets, user: {"email": "colleague@example.org", "role": "staff"}, effect=_staff_invited,
    ),
    Case("organisation_edit", "GET", _org("organisation_edit")),
    Case(
        "organisation_edit", "POST", _org("organisation_edit"),
        data=lambda targets, user: ORGANISATION_FORM, effect=_organisation_renamed,
    ),
    Case("organisation_logo", "GET", _org("organisation_logo")),
    Case(
        "staff_role", "POST", _org("staff_role", _colleague_id),
        data=lambda targets, user: {"role": "admin"}, effect=_colleague_promoted,
    ),
    Case("staff_remove", "POST", _org("staff_remove", _colleague_id), effect=_colleague_removed),
    Case(
        "staff_vote", "POST", _org("staff_vote", _colleague_id),
        data=lambda targets, user: {"may_vote": "0"}, effect=_colleague_stops_voting,
    ),
    Case("import_job", "GET", _slug("import_job", _import_job_id)),
    Case("import_status", "GET", _slug("import_status", _import_job_id)),
    Case("import_confirm", "POST", _slug("import_confirm", _import_job_id), effect=_import_status_is(ImportStatus.DONE)),
    Case("import_recheck", "POST", _slug("import_recheck", _import_job_id), effect=_import_status_is(ImportStatus.READY)),
    Case("import_cancel", "POST", _slug("import_cancel", _import_job_id), effect=_import_status_is(ImportStatus.CANCELLED)),
]


def _pairs(*outcomes):
    return [
        pytest.param(case, role, id=f"{case.url_name}-{case.method}-{role}")
        for case in CASES
        for role in ROLES
        if case.outcome(role) in outcomes
    ]


@pytest.fixture
def targets(world) -> Targets:
    world.member_org.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    return Targets(
        world=world,
        invitation=CoalitionInvitationFactory(coalition=world.coalition, invited_by=world.lead),
        colleague=AffiliationFactory(organisation=world.member_org, role=AffiliationRole.STAFF),
        import_job=_checked_import(world),
    )


def _checked_import(world: World) -> ImportJob:
    campaign = CampaignFactory(coalition=world.coalition)
    job = ImportJob.objects.create(
        coalition=world.coalition, kind="targets", scope={"campaign": campaign.pk}, created_by=world.lead,
        file_name="targets.csv", rows=[{"_row": 2, "name": "Ministry of Labour"}], total_rows=1,
    )
    import_job_check(job.pk)
    job.refresh_from_db()
    return job


@pytest.fixture
def ask(targets, client_for, on_commit):
    """Make the case's request as the role, with after-commit work (mail) carried out."""

    def request(case: Case, role: str):
        user = targets.world.user(role)
        client = client_for(user)
        url = case.url(targets)
        with on_commit():
            if case.method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, case.data(targets, user))
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    return request


def _assert_nothing_changed(before: dict, mailoutbox) -> None:
    assert db_snapshot() == before
    assert mailoutbox == []


@pytest.mark.parametrize(("case", "role"), _pairs(OK, DONE))
def test_permitted_role_is_served(case, role, targets, ask, mailoutbox):
    before = db_snapshot()
    response = ask(case, role)
    assert response.status_code == case.outcome(role)
    if case.method == "GET":
        _assert_nothing_changed(before, mailoutbox)
    else:
        assert db_snapshot() != before
        case.effect(targets, targets.world.user(role), mailoutbox)


@pytest.mark.parametrize(("case", "role"), _pairs(LOGIN))
def test_anonymous_visitor_is_sent_to_sign_in(case, role, targets, ask, mailoutbox):
    before = db_snapshot()
    response = ask(case, role)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")
    _assert_nothing_changed(before, mailoutbox)


@pytest.mark.parametrize(("case", "role"), _pairs(HIDDEN))
def test_non_member_gets_404(case, role, targets, ask, mailoutbox):
    before = db_snapshot()
    response = ask(case, role)
    assert response.status_code == 404
    _assert_nothing_changed(before, mailoutbox)


@pytest.mark.parametrize(("case", "role"), _pairs(DENIED))
def test_insufficient_role_gets_403(case, role, targets, ask, mailoutbox):
    before = db_snapshot()
    response = ask(case, role)
    assert response.status_code == 403
    _assert_nothing_changed(before, mailoutbox)


@pytest.mark.parametrize(("case", "role"), _pairs(KEPT))
def test_change_refused_by_a_rule_redirects_back_and_changes_nothing(case, role, targets, ask, mailoutbox):
    before = db_snapshot()
    response = ask(case, role)
    assert response.status_code == 302
    assert response.url == reverse("coalition_organisations", args=[targets.world.coalition.slug])
    _assert_nothing_changed(before, mailoutbox)


def test_every_case_has_a_row_naming_an_outcome_for_every_role():
    assert sorted(case.id for case in CASES) == sorted(EXPECTED)
    for name, row in EXPECTED.items():
        assert len(row) == len(ROLES), name
        assert set(row) <= {OK, DONE, LOGIN, HIDDEN, DENIED, KEPT}, name
        if name.endswith(" GET"):
            assert DONE not in row and KEPT not in row, name


def test_every_scoped_url_is_in_the_matrix():
    scoped = {
        pattern.name
        for pattern in coalition_urls.urlpatterns
        if {"slug", "organisation_id"} & set(pattern.pattern.regex.groupindex)
    }
    # The coalition's front page shows campaign work, so the root URLconf routes it to campaigns.
    scoped |= {
        pattern.name
        for pattern in root_urls.urlpatterns
        if getattr(pattern, "name", None) and "slug" in pattern.pattern.regex.groupindex
    }
    assert scoped == {case.url_name for case in CASES}
