"""The coalition's petition pages: who may see and change what, and each change through the pages."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import TextStatus, TextVersion
from coalitions.audit import describe_entry
from coalitions.models import AuditEntry, ImportJob
from signatures import lead_urls
from signatures.models import PaperTotal, Petition, PetitionStatus, PetitionText, Signature
from signatures.services import tallies_add_confirmed
from tests.conftest import ROLES
from tests.factories import PetitionFactory, PetitionTextFactory, SignatureFactory

OK, DONE, LOGIN, HIDDEN, DENIED, NOT_ALLOWED = 200, 302, "login", 404, 403, 405
LEAD_ONLY = (LOGIN, HIDDEN, DENIED, DENIED, DENIED, DONE, HIDDEN)
LEAD_ONLY_PAGE = (LOGIN, HIDDEN, DENIED, DENIED, DENIED, OK, HIDDEN)
POST_ONLY = (LOGIN, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED, NOT_ALLOWED)
EVERYONE_IN_IT = (LOGIN, HIDDEN, OK, OK, OK, OK, HIDDEN)

# One row per (URL, method); one column per role in tests.conftest.ROLES:
# anonymous, outsider, observer, member_staff, org_admin, lead, other_lead
EXPECTED = {
    "petition_list GET": EVERYONE_IN_IT,
    "petition_create GET": LEAD_ONLY_PAGE,
    "petition_create POST": LEAD_ONLY,
    "petition_dashboard GET": EVERYONE_IN_IT,
    "petition_edit GET": LEAD_ONLY_PAGE,
    "petition_edit POST": LEAD_ONLY,
    "petition_texts GET": EVERYONE_IN_IT,
    "petition_text_save GET": POST_ONLY,
    "petition_text_save POST": LEAD_ONLY,
    "petition_text_approve GET": POST_ONLY,
    "petition_text_approve POST": LEAD_ONLY,
    "petition_open GET": POST_ONLY,
    "petition_open POST": LEAD_ONLY,
    "petition_pause GET": POST_ONLY,
    "petition_pause POST": LEAD_ONLY,
    "petition_close GET": POST_ONLY,
    "petition_close POST": LEAD_ONLY,
    "petition_reopen GET": POST_ONLY,
    "petition_reopen POST": LEAD_ONLY,
    # Reading who signed is itself recorded: the lead's download changes the trail.
    "petition_export GET": LEAD_ONLY_PAGE,
    "paper_total_add GET": POST_ONLY,
    "paper_total_add POST": LEAD_ONLY,
    "paper_total_delete GET": POST_ONLY,
    "paper_total_delete POST": LEAD_ONLY,
    "paper_import GET": LEAD_ONLY_PAGE,
    "paper_import POST": LEAD_ONLY,
    "paper_import_template GET": LEAD_ONLY_PAGE,
}
CHANGES_ON_OK = {"petition_export GET"}

# The state each transition starts from, so that the lead's request succeeds.
STARTS_FROM = {"petition_open": "paused", "petition_pause": "open", "petition_close": "open", "petition_reopen": "closed"}


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def sheet(petition, world):
    return PaperTotal.objects.create(petition=petition, count=40, region="Kerala", collected_on=date(2026, 1, 5))


def _url(name: str, world, petition, sheet) -> str:
    args = [world.coalition.slug, petition.campaign.slug]
    if name not in {"petition_list", "petition_create"}:
        args.append(petition.slug)
    if name in {"petition_text_save", "petition_text_approve"}:
        args.append("fr")
    if name == "paper_total_delete":
        args.append(sheet.pk)
    return reverse(name, args=args)


def _request_data(name: str, world):
    if name == "petition_create":
        return {"slug": "kerala-act", "goal": "5000", "regions": "Kerala\nTamil Nadu",
                "organisations": [world.lead_org.pk]}
    if name == "petition_edit":
        return {"goal": "150000", "deadline": "2026-12-31", "regions": "Kerala", "organisations": [world.member_org.pk]}
    if name == "petition_text_save":
        return {"fr-title": "Ratifiez la C189", "fr-body": "Le travail domestique est un travail."}
    if name == "paper_total_add":
        return {"count": "120", "region": "Kerala", "collected_on": "2026-01-10", "note": "Kochi meeting"}
    if name == "paper_import":
        return {"file": SimpleUploadedFile("sheets.csv", b"Name,Region,Date\nLakshmi,Kerala,2026-01-10\n")}
    return {}


def _state():
    """Everything a petition page could change."""
    return {
        "audit entries": AuditEntry.objects.count(),
        "petitions": sorted(Petition.objects.values_list("pk", "slug", "goal", "deadline", "status", "regions")),
        "co-owners": sorted(Petition.organisations.through.objects.values_list("petition_id", "organisation_id")),
        "texts": sorted(PetitionText.objects.values_list("pk", "language", "title", "body", "approved_at")),
        "paper totals": sorted(PaperTotal.objects.values_list("pk", "count")),
        "imports": ImportJob.objects.count(),
        "signatures": Signature.objects.count(),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_role_gets_what_the_matrix_says(case, role, world, petition, sheet):
    name, method = case.split()
    expected = EXPECTED[case][ROLES.index(role)]
    if name in STARTS_FROM:
        Petition.objects.filter(pk=petition.pk).update(status=STARTS_FROM[name])
    if name == "petition_text_approve":
        PetitionTextFactory(petition=petition, language="fr", approved_at=None)
    user = world.user(role)
    client = _client(user)
    before = _state()

    url = _url(name, world, petition, sheet)
    response = client.get(url) if method == "GET" else client.post(url, _request_data(name, world))

    if expected == LOGIN:
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    else:
        assert response.status_code == expected, response.content[:500]
    if expected == DONE or (expected == OK and case in CHANGES_ON_OK):
        assert _state() != before
    else:
        assert _state() == before


def test_every_lead_url_is_in_the_matrix():
    names = {pattern.name for pattern in lead_urls.urlpatterns}
    assert {case.split()[0] for case in EXPECTED} == names


def test_a_petition_of_another_campaign_is_not_found_through_this_one(world, petition):
    stranger = PetitionFactory(campaign__coalition=world.other_coalition)

    response = _client(world.lead).get(
        reverse("petition_dashboard", args=[world.coalition.slug, petition.campaign.slug, stranger.slug])
    )

    assert response.status_code == 404


def test_the_campaign_page_links_to_its_petitions(world, campaign):
    response = _client(world.member_staff).get(reverse("campaign_detail", args=[world.coalition.slug, campaign.slug]))

    assert reverse("petition_list", args=[world.coalition.slug, campaign.slug]) in response.content.decode()


# Drafting and editing ---------------------------------------------------------------------------


def test_a_lead_drafts_a_petition_with_regions_and_co_owners(world, campaign):
    response = _client(world.lead).post(
        reverse("petition_create", args=[world.coalition.slug, campaign.slug]),
        {"slug": "kerala-act", "goal": "5000", "deadline": "2026-12-31", "regions": "Kerala\n\n Tamil Nadu \n",
         "organisations": [world.lead_org.pk, world.member_org.pk]},
    )

    petition = Petition.objects.get(slug="kerala-act")
    assert response["Location"] == reverse("petition_texts", args=[world.coalition.slug, campaign.slug, "kerala-act"])
    assert petition.status == PetitionStatus.DRAFT and petition.goal == 5000
    assert petition.deadline == date(2026, 12, 31) and petition.regions == ["Kerala", "Tamil Nadu"]
    assert set(petition.organisations.all()) == {world.lead_org, world.member_org}


def test_observers_are_not_offered_as_co_owners(world, campaign):
    response = _client(world.lead).get(reverse("petition_create", args=[world.coalition.slug, campaign.slug]))

    page = response.content.decode()
    assert world.member_org.name in page and world.observer_org.name not in page


def test_a_taken_short_name_is_refused_on_the_form(world, campaign, petition):
    response = _client(world.lead).post(
        reverse("petition_create", args=[world.coalition.slug, campaign.slug]), {"slug": petition.slug, "goal": "10"}
    )

    assert response.status_code == 200
    assert "That short name is taken" in response.content.decode()
    assert Petition.objects.count() == 1


def test_a_lead_changes_goal_deadline_regions_and_co_owners(world, petition):
    petition.organisations.set([world.lead_org])
    url = reverse("petition_edit", args=[world.coalition.slug, petition.campaign.slug, petition.slug])
    form = _client(world.lead).get(url)
    assert "Tamil Nadu" in form.content.decode()

    response = _client(world.lead).post(
        url, {"goal": "150000", "deadline": "2026-12-31", "regions": "Kerala\nKarnataka", "organisations": [world.member_org.pk]}
    )

    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.goal, petition.deadline, petition.regions) == (150000, date(2026, 12, 31), ["Kerala", "Karnataka"])
    assert list(petition.organisations.all()) == [world.member_org]
    entry = AuditEntry.objects.get(action="petition.updated")
    assert entry.actor == world.lead
    assert describe_entry(entry) == (
        f"{world.lead} changed the goal, deadline, regions, co-owning organisations of the petition “ratify-c189”."
    )


def test_saving_unchanged_settings_records_nothing(world, petition):
    _client(world.lead).post(
        reverse("petition_edit", args=[world.coalition.slug, petition.campaign.slug, petition.slug]),
        {"goal": str(petition.goal), "regions": "\n".join(petition.regions)},
    )

    assert not AuditEntry.objects.filter(action="petition.updated").exists()


def test_a_goal_of_zero_is_refused_and_nothing_changes(world, petition):
    response = _client(world.lead).post(
        reverse("petition_edit", args=[world.coalition.slug, petition.campaign.slug, petition.slug]),
        {"goal": "0", "regions": "Kerala"},
    )

    assert response.status_code == 200
    petition.refresh_from_db()
    assert petition.goal == 1000 and petition.regions == ["Kerala", "Tamil Nadu"]


# Texts ------------------------------------------------------------------------------------------


def test_a_new_text_starts_from_the_campaigns_adopted_message_and_ask(world, campaign):
    for kind, body in (("message", "Domestic work is work."), ("ask", "Ratify ILO Convention 189 this year.")):
        TextVersion.objects.create(
            campaign=campaign, kind=kind, number=1, body=body, status=TextStatus.ADOPTED, organisation=world.lead_org
        )
    petition = PetitionFactory(campaign=campaign, status="draft")

    response = _client(world.lead).get(
        reverse("petition_texts", args=[world.coalition.slug, campaign.slug, petition.slug])
    )

    form = next(section["form"] for section in response.context["sections"] if section["code"] == "fr")
    assert form.initial == {
        "title": "Ratify ILO C189", "body": "Domestic work is work.\n\nRatify ILO Convention 189 this year."
    }


def test_a_lead_writes_a_text_and_approves_it_from_the_page(world, petition):
    client = _client(world.lead)
    args = [world.coalition.slug, petition.campaign.slug, petition.slug]

    response = client.post(
        reverse("petition_text_save", args=[*args, "bn"]), {"bn-title": "সি১৮৯", "bn-body": "অনুমোদন করুন"}
    )

    assert response["Location"].endswith("#text-bn")
    text = PetitionText.objects.get(petition=petition, language="bn")
    assert (text.title, text.body, text.is_approved) == ("সি১৮৯", "অনুমোদন করুন", False)
    page = client.get(reverse("petition_texts", args=args)).content.decode()
    assert reverse("petition_text_approve", args=[*args, "bn"]) in page

    client.post(reverse("petition_text_approve", args=[*args, "bn"]))

    text.refresh_from_db()
    assert text.is_approved and text.approved_by == world.lead
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["petition.text_set", "petition.text_approved"]


def test_an_empty_text_is_refused_on_its_form(world, petition):
    response = _client(world.lead).post(
        reverse("petition_text_save", args=[world.coalition.slug, petition.campaign.slug, petition.slug, "fr"]),
        {"fr-title": "", "fr-body": "Texte"},
    )

    assert response.status_code == 200
    assert not PetitionText.objects.filter(language="fr").exists()


def test_an_unknown_language_is_not_found(world, petition):
    response = _client(world.lead).post(
        reverse("petition_text_save", args=[world.coalition.slug, petition.campaign.slug, petition.slug, "xx"]),
        {"xx-title": "T", "xx-body": "B"},
    )

    assert response.status_code == 404
    assert PetitionText.objects.count() == 1


def test_members_read_the_texts_without_forms(world, petition):
    response = _client(world.member_staff).get(
        reverse("petition_texts", args=[world.coalition.slug, petition.campaign.slug, petition.slug])
    )

    page = response.content.decode()
    assert "Domestic workers are workers." in page
    assert "<form method=\"post\" action=\"/c/" not in page


# Opening, pausing, closing ------------------------------------------------------------------------


def _post_transition(client, world, petition, name):
    return client.post(
        reverse(name, args=[world.coalition.slug, petition.campaign.slug, petition.slug]), follow=True
    )


def test_a_lead_takes_a_petition_through_its_life_from_the_dashboard(world, campaign):
    petition = PetitionFactory(campaign=campaign, status="draft")
    PetitionTextFactory(petition=petition)
    client = _client(world.lead)

    for name, status in (
        ("petition_open", "open"), ("petition_pause", "paused"), ("petition_open", "open"),
        ("petition_close", "closed"), ("petition_reopen", "open"),
    ):
        response = _post_transition(client, world, petition, name)
        petition.refresh_from_db()
        assert petition.status == status, name
        assert response.redirect_chain[-1][0].endswith(f"/petitions/{petition.slug}/")

    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["petition.opened", "petition.paused", "petition.opened", "petition.closed", "petition.reopened"]


def test_opening_without_an_approved_text_says_why_and_changes_nothing(world, campaign):
    petition = PetitionFactory(campaign=campaign, status="draft")
    PetitionTextFactory(petition=petition, approved_at=None)

    response = _post_transition(_client(world.lead), world, petition, "petition_open")

    assert "Approve the petition&#x27;s text in at least one language before opening it." in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == "draft"
    assert not AuditEntry.objects.exists()


def test_a_transition_that_does_not_fit_the_state_is_refused_in_words(world, petition):
    response = _post_transition(_client(world.lead), world, petition, "petition_reopen")

    assert "Only a closed petition can be reopened." in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == "open"


def test_the_dashboard_offers_a_lead_the_next_steps_and_a_member_none(world, petition):
    url = reverse("petition_dashboard", args=[world.coalition.slug, petition.campaign.slug, petition.slug])
    pause = reverse("petition_pause", args=[world.coalition.slug, petition.campaign.slug, petition.slug])
    export = reverse("petition_export", args=[world.coalition.slug, petition.campaign.slug, petition.slug])

    lead_page = _client(world.lead).get(url).content.decode()
    member_page = _client(world.member_staff).get(url).content.decode()

    assert pause in lead_page and export in lead_page
    assert pause not in member_page and export not in member_page
    assert "/p/ratify-c189/" in member_page and "/p/ratify-c189/qr.svg" in member_page


# Counts -------------------------------------------------------------------------------------------


def test_the_dashboard_counts_each_channel_and_region(world, petition):
    now = timezone.now()
    SignatureFactory.create_batch(3, petition=petition, region="Kerala", confirmed_at=now)
    SignatureFactory.create_batch(2, petition=petition, region="Tamil Nadu", channel="field", confirmed_at=now)
    SignatureFactory(petition=petition, region="Kerala")  # not confirmed
    SignatureFactory(petition=petition, region="Kerala", confirmed_at=now, held="rate")
    PaperTotal.objects.create(petition=petition, count=40, region="Kerala", collected_on=now.date())
    tallies_add_confirmed()

    response = _client(world.observer).get(
        reverse("petition_dashboard", args=[world.coalition.slug, petition.campaign.slug, petition.slug])
    )

    counts = response.context["counts"]
    assert (counts.online, counts.field, counts.paper, counts.total) == (3, 2, 40, 45)
    assert response.context["regions"] == [("Kerala", 43), ("Tamil Nadu", 2)]


def test_the_dashboard_counts_a_signature_once_confirmed_before_the_batch_count_and_once_after(world, petition):
    now = timezone.now()
    SignatureFactory.create_batch(2, petition=petition, region="Kerala", confirmed_at=now)
    tallies_add_confirmed()
    SignatureFactory(petition=petition, region="Tamil Nadu", channel="field", confirmed_at=now)
    SignatureFactory(petition=petition, region="Kerala", confirmed_at=now, held="disposable")
    client = _client(world.lead)
    url = reverse("petition_dashboard", args=[world.coalition.slug, petition.campaign.slug, petition.slug])

    def shown():
        context = client.get(url).context
        counts = context["counts"]
        return (counts.online, counts.field, counts.total), context["regions"]

    assert shown() == ((2, 1, 3), [("Kerala", 2), ("Tamil Nadu", 1)])
    tallies_add_confirmed()
    assert shown() == ((2, 1, 3), [("Kerala", 2), ("Tamil Nadu", 1)])


def _fill(petition, n: int) -> None:
    now = timezone.now()
    Signature.objects.bulk_create(
        Signature(
            petition=petition, name=f"Signer {i}", email=f"s{i}@example.org", canonical_email=f"s{i}@example.org",
            region=("Kerala", "Tamil Nadu")[i % 2], channel=("online", "field", "paper")[i % 3],
            token_hash=f"{petition.pk:08x}{i:056x}", confirmed_at=now - timedelta(days=i % 70),
        )
        for i in range(n)
    )
    PaperTotal.objects.create(petition=petition, count=n, collected_on=now.date() - timedelta(days=3))
    tallies_add_confirmed()


PETITION_LIST_QUERIES = 10
DASHBOARD_QUERIES = 17


@pytest.mark.parametrize("count", [5, 300])
def test_the_petition_list_runs_a_fixed_number_of_queries(count, world, campaign, django_assert_num_queries):
    for _i in range(3):
        petition = PetitionFactory(campaign=campaign)
        PetitionTextFactory(petition=petition)
        _fill(petition, count)
    client = _client(world.member_staff)
    url = reverse("petition_list", args=[world.coalition.slug, campaign.slug])

    with django_assert_num_queries(PETITION_LIST_QUERIES):
        response = client.get(url)

    assert response.content.decode().count("Ratify ILO Convention 189") == 3


@pytest.mark.parametrize("count", [5, 300])
def test_the_dashboard_runs_a_fixed_number_of_queries(count, world, petition, django_assert_num_queries):
    _fill(petition, count)
    client = _client(world.lead)
    url = reverse("petition_dashboard", args=[world.coalition.slug, petition.campaign.slug, petition.slug])

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url)

    assert response.context["counts"].total == 2 * count


@pytest.mark.parametrize(("role", "shown"), [("member_staff", True), ("lead", True), ("observer", False)])
def test_members_who_collect_at_events_find_field_mode_on_the_dashboard(world, petition, client, role, shown):
    client.force_login(world.user(role))
    page = client.get(
        reverse("petition_dashboard", args=[world.coalition.slug, petition.campaign.slug, petition.slug])
    ).content.decode()
    assert (f'href="/p/{petition.slug}/field/"' in page) == shown
