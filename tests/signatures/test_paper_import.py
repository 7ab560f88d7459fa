"""Paper sheets: names typed into a spreadsheet, or only counted; previewed, then confirmed by a lead."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coalitions.audit import describe_entry
from coalitions.errors import DomainError
from coalitions.models import AuditEntry, ImportJob, ImportStatus, OutboxMessage
from signatures import services
from signatures.models import PaperTotal, Signature, SignatureChannel
from signatures.selectors import petition_counts, region_counts
from signatures.services import PaperSignature, paper_signatures_add, tallies_add_confirmed
from tests.factories import PetitionFactory, SignatureFactory

KERALA_SHEETS = """Name,Region,Date,Email,Collected by
Lakshmi Devi,Kerala,2026-06-16,,
Mary Thomas,kerala,16/06/2026,mary.thomas@example.org,Sister Jeanne
Selvi,Tamil Nadu,16 Jun 2026,,
"""

WITH_ERRORS = """Name,Region,Date,Email,Collected by
,Kerala,2026-06-16,,
Anita,Goa,2026-06-16,,
Beena,Kerala,someday,,
Chitra,Kerala,{future},,
Deepa,Kerala,2026-06-16,not-an-address,
Elsy,Kerala,2026-06-16,elsy@example.org,
Fathima,Kerala,2026-06-16,Elsy+sheet@Example.org,
Gita,Kerala,2026-06-16,already@example.org,
Hema,Kerala,2026-06-16,,Nobody Known
Indira,Kerala,2026-06-16,,
"""


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def collector(world):
    world.member_staff.display_name = "Sister Jeanne"
    world.member_staff.save(update_fields=["display_name"])
    return world.member_staff


def _upload(client, petition, text: str):
    args = [petition.campaign.coalition.slug, petition.campaign.slug, petition.slug]
    return client.post(
        reverse("paper_import", args=args),
        {"file": SimpleUploadedFile("sheets.csv", text.encode(), content_type="text/csv")},
    )


def _job() -> ImportJob:
    return ImportJob.objects.get()


def test_a_lead_imports_paper_signatures_after_the_preview(world, petition, collector, django_capture_on_commit_callbacks):
    client = _client(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, petition, KERALA_SHEETS)
    job = _job()
    assert response.url == reverse("import_job", args=[world.coalition.slug, job.pk])
    assert job.kind == "paper_signatures" and job.status == ImportStatus.READY
    preview = client.get(response.url).content.decode()
    assert "Import 3 rows" in preview and "Mary Thomas" in preview
    assert not Signature.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[world.coalition.slug, job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.results["applied"] == {"signatures_added": 3, "already_signed": 0}
    rows = {s.name: s for s in Signature.objects.all()}
    assert set(rows) == {"Lakshmi Devi", "Mary Thomas", "Selvi"}
    mary = rows["Mary Thomas"]
    assert mary.channel == SignatureChannel.PAPER and mary.region == "Kerala" and mary.visibility == "counted"
    assert mary.canonical_email == "mary.thomas@example.org" and mary.collector == collector
    assert timezone.localtime(mary.confirmed_at, timezone.get_fixed_timezone(0)).date() == date(2026, 6, 16)
    assert rows["Lakshmi Devi"].canonical_email == "" and rows["Lakshmi Devi"].collector is None
    done = client.get(reverse("import_job", args=[world.coalition.slug, job.pk])).content.decode()
    assert "paper signatures added" in done
    entry = AuditEntry.objects.get(action="petition.paper_imported")
    assert describe_entry(entry) == f"{world.lead} added 3 signatures from paper sheets to the petition “ratify-c189”."


def test_paper_signers_get_no_mail(world, petition, collector, django_capture_on_commit_callbacks):
    client = _client(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, petition, KERALA_SHEETS)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[world.coalition.slug, _job().pk]))

    assert Signature.objects.count() == 3
    assert mail.outbox == []
    assert not OutboxMessage.objects.filter(kind="mail").exists()


def test_imported_paper_signatures_count_as_paper_by_region(world, petition, collector, django_capture_on_commit_callbacks):
    client = _client(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, petition, KERALA_SHEETS)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[world.coalition.slug, _job().pk]))

    tallies_add_confirmed()

    counts = petition_counts(petition)
    assert (counts.online, counts.field, counts.paper) == (0, 0, 3)
    assert region_counts(petition) == [("Kerala", 2), ("Tamil Nadu", 1)]


def test_every_faulty_row_is_named_and_nothing_is_saved_before_confirming(
    world, petition, django_capture_on_commit_callbacks
):
    SignatureFactory(petition=petition, email="already@example.org", canonical_email="already@example.org")
    future = (timezone.now() + timedelta(days=3)).date().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(world.lead), petition, WITH_ERRORS.format(future=future))

    job = _job()
    errors = {(error["row"], error["column"]): error["message"] for error in job.results["errors"]}
    assert errors == {
        (2, "Name"): "A signature needs the signer's name.",
        (3, "Region"): "Not one of the petition's regions: Kerala, Tamil Nadu.",
        (4, "Date"): "Not a date we can read; write it as 2026-12-01 or 1 Dec 2026.",
        (5, "Date"): "This date is in the future.",
        (6, "Email"): "Not an email address.",
        (8, "Email"): "The same address as row 7.",
        (9, "Email"): "This address has already signed the petition.",
        (10, "Collected by"): (
            "Nobody of a lead or member organisation of the coalition goes by this name; leave it empty "
            "or write the name they have here."
        ),
    }
    assert job.results["to_apply"] == 2  # Elsy and Indira
    assert job.results["counts"] == {"error": 7, "already_signed": 1, "new": 2}
    assert Signature.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_missing_region_is_an_error_when_the_petition_has_regions(world, petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(world.lead), petition, "Name,Date\nLakshmi,2026-06-16\n")

    assert _job().results["errors"][0]["message"] == "Which region? The petition asks every signer for one."


def test_a_petition_without_regions_takes_rows_without_one(world, petition, django_capture_on_commit_callbacks):
    petition.regions = []
    petition.save(update_fields=["regions"])
    with django_capture_on_commit_callbacks(execute=True):
        _upload(_client(world.lead), petition, "Nom;Date\nJeanne Niyonzima;16/06/2026\n")

    job = _job()
    assert job.results["errors"] == [] and job.results["to_apply"] == 1


def test_cancelling_the_preview_saves_nothing(world, petition, django_capture_on_commit_callbacks):
    client = _client(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, petition, KERALA_SHEETS.replace("Sister Jeanne", ""))

    client.post(reverse("import_cancel", args=[world.coalition.slug, _job().pk]))

    assert _job().status == ImportStatus.CANCELLED and _job().rows == []
    assert not Signature.objects.exists()


@pytest.mark.parametrize("role", ["member_staff", "org_admin", "observer"])
def test_partners_who_do_not_lead_cannot_upload_sheets(role, world, petition):
    response = _upload(_client(getattr(world, role)), petition, KERALA_SHEETS)

    assert response.status_code == 403
    assert not ImportJob.objects.exists() and not Signature.objects.exists()


def test_a_lead_who_stepped_down_before_confirming_imports_nothing(
    world, petition, django_capture_on_commit_callbacks
):
    client = _client(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, petition, KERALA_SHEETS.replace("Sister Jeanne", ""))
    job = _job()
    world.lead.affiliations.get().organisation.participations.update(role="member")

    response = client.post(reverse("import_confirm", args=[world.coalition.slug, job.pk]))

    assert response.status_code == 403
    assert not Signature.objects.exists()


def test_a_signer_who_signs_online_after_the_preview_is_left_out_of_the_import(
    world, petition, collector, django_capture_on_commit_callbacks
):
    client = _client(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, petition, KERALA_SHEETS)
    job = _job()
    assert job.results["to_apply"] == 3
    SignatureFactory(petition=petition, email="Mary.Thomas+online@example.org", canonical_email="mary.thomas@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_confirm", args=[world.coalition.slug, job.pk]))

    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert job.results["applied"] == {"signatures_added": 2, "already_signed": 1}
    assert not Signature.objects.filter(name="Mary Thomas").exists()
    done = client.get(reverse("import_job", args=[world.coalition.slug, job.pk])).content.decode()
    assert "left out, as these addresses had already signed" in done


def test_an_address_that_already_signed_is_left_out_not_a_failure(world, petition):
    SignatureFactory(petition=petition, email="mary@example.org", canonical_email="mary@example.org")
    lines = [
        PaperSignature(row=2, name="Lakshmi", region="Kerala", signed_on=date(2026, 6, 16)),
        PaperSignature(row=3, name="Mary", region="Kerala", signed_on=date(2026, 6, 16), email="Mary+paper@example.org"),
        PaperSignature(row=4, name="Selvi", region="Tamil Nadu", signed_on=date(2026, 6, 16), email="selvi@example.org"),
    ]

    result = paper_signatures_add(petition=petition, by=world.lead, lines=lines)

    assert result.added == 2 and result.already_signed == [3]
    assert set(Signature.objects.filter(channel="paper").values_list("name", flat=True)) == {"Lakshmi", "Selvi"}
    assert AuditEntry.objects.get(action="petition.paper_imported").data["count"] == 2


def test_the_template_names_the_columns(world, petition):
    response = _client(world.lead).get(
        reverse("paper_import_template", args=[world.coalition.slug, petition.campaign.slug, petition.slug])
    )

    assert response.content.decode().startswith("\ufeffName,Region,Date,Email,Collected by")


# Totals only ----------------------------------------------------------------------------------


def _add_total(client, world, petition, **data):
    return client.post(
        reverse("paper_total_add", args=[world.coalition.slug, petition.campaign.slug, petition.slug]),
        {"count": "120", "region": "Kerala", "collected_on": "2026-06-16", "note": "Kochi public meeting", **data},
    )


def test_sheets_counted_without_names_count_as_paper(world, petition):
    SignatureFactory(petition=petition, confirmed_at=datetime(2026, 6, 1, tzinfo=UTC))
    tallies_add_confirmed()

    response = _add_total(_client(world.lead), world, petition)

    assert response.status_code == 302 and response["Location"].endswith("#paper")
    total = PaperTotal.objects.get()
    assert (total.count, total.region, total.collected_on, total.recorded_by) == (120, "Kerala", date(2026, 6, 16), world.lead)
    counts = petition_counts(petition)
    assert (counts.online, counts.paper, counts.total) == (1, 120, 121)
    assert region_counts(petition) == [("Kerala", 121)]
    entry = AuditEntry.objects.get(action="petition.paper_total_added")
    assert describe_entry(entry) == (
        f"{world.lead} counted 120 signatures on paper sheets of 16 Jun 2026 for the petition “ratify-c189”."
    )


def test_a_total_in_the_future_or_outside_the_regions_is_refused(world, petition):
    client = _client(world.lead)
    future = (timezone.now() + timedelta(days=3)).date().isoformat()

    late = _add_total(client, world, petition, collected_on=future)
    elsewhere = _add_total(client, world, petition, region="Goa")
    nothing = _add_total(client, world, petition, count="0")

    assert "The sheets cannot have been collected in the future." in late.content.decode()
    assert elsewhere.status_code == 200 and "region" in elsewhere.context["paper_form"].errors
    assert nothing.status_code == 200 and "count" in nothing.context["paper_form"].errors
    assert not PaperTotal.objects.exists() and not AuditEntry.objects.exists()


def test_the_service_refuses_a_region_the_petition_does_not_have(world, petition):
    with pytest.raises(DomainError):
        services.paper_total_add(petition=petition, by=world.lead, count=5, region="Goa", collected_on=date(2026, 6, 1))
    assert not PaperTotal.objects.exists()


def test_a_lead_takes_a_total_back_out_of_the_count(world, petition):
    total = PaperTotal.objects.create(petition=petition, count=40, collected_on=date(2026, 6, 16))

    _client(world.lead).post(
        reverse("paper_total_delete", args=[world.coalition.slug, petition.campaign.slug, petition.slug, total.pk])
    )

    assert not PaperTotal.objects.exists()
    assert petition_counts(petition).paper == 0
    assert AuditEntry.objects.get(action="petition.paper_total_deleted").data == {
        "petition": "ratify-c189", "campaign": "Ratify ILO C189", "count": 40, "date": "2026-06-16",
    }


def test_a_total_of_another_petition_is_not_found(world, petition, campaign):
    other = PetitionFactory(campaign=campaign)
    total = PaperTotal.objects.create(petition=other, count=40, collected_on=date(2026, 6, 16))

    response = _client(world.lead).post(
        reverse("paper_total_delete", args=[world.coalition.slug, campaign.slug, petition.slug, total.pk])
    )

    assert response.status_code == 404
    assert PaperTotal.objects.count() == 1
