"""The signatures for delivery: names and regions a spreadsheet opens safely, never an address."""

import codecs
import csv
import io
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from coalitions.audit import describe_entry
from coalitions.models import AuditEntry
from signatures.export import spreadsheet_cell
from signatures.models import Signature
from tests.factories import SignatureFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(world, petition) -> str:
    return reverse("petition_export", args=[world.coalition.slug, petition.campaign.slug, petition.slug])


def _download(user, world, petition):
    response = _client(user).get(_url(world, petition))
    body = b"".join(response.streaming_content)
    return response, body


def _rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


SIGNED = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
def signed(petition):
    SignatureFactory(petition=petition, name="Lakshmi Devi", email="lakshmi@example.org", region="Kerala",
                     confirmed_at=SIGNED, visibility="full_name")
    SignatureFactory(petition=petition, name="=HYPERLINK(\"http://evil.example\",\"click\")", email="evil@example.org",
                     region="+Kerala", confirmed_at=SIGNED, channel="field")
    SignatureFactory(petition=petition, name="@SUM(A1)", region="-1", confirmed_at=SIGNED, channel="paper")
    SignatureFactory(petition=petition, name="\tTabbed", region="\rReturned", confirmed_at=SIGNED)
    SignatureFactory(petition=petition, name="Not confirmed", email="later@example.org")
    SignatureFactory(petition=petition, name="Held back", email="held@mailinator.example", confirmed_at=SIGNED,
                     held="disposable")
    return petition


def test_the_export_starts_with_a_byte_order_mark_and_names_its_columns(world, signed):
    response, body = _download(world.lead, world, signed)

    assert response.status_code == 200 and response.streaming
    assert body.startswith(codecs.BOM_UTF8)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="ratify-c189-signatures-')
    assert _rows(body)[0] == ["Name", "Region", "Channel", "Signed at (UTC)", "Shown as"]


def test_only_confirmed_signatures_not_held_aside_are_exported(world, signed):
    _response, body = _download(world.lead, world, signed)

    names = [row[0] for row in _rows(body)[1:]]
    assert len(names) == 4
    assert "Not confirmed" not in names and "Held back" not in names
    assert _rows(body)[1] == ["Lakshmi Devi", "Kerala", "Online", "2026-03-01 20:00", "Full name"]


def test_cells_a_spreadsheet_would_run_as_formulas_get_an_apostrophe(world, signed):
    _response, body = _download(world.lead, world, signed)

    rows = _rows(body)[1:]
    assert rows[1][:3] == ["'=HYPERLINK(\"http://evil.example\",\"click\")", "'+Kerala", "Field"]
    assert rows[2][:3] == ["'@SUM(A1)", "'-1", "Paper"]
    assert rows[3][:2] == ["'\tTabbed", "'\rReturned"]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(value):
    assert spreadsheet_cell(value) == "'" + value


def test_ordinary_names_are_left_as_they_are():
    assert spreadsheet_cell("O'Brien-Smith") == "O'Brien-Smith"
    assert spreadsheet_cell("লক্ষ্মী") == "লক্ষ্মী"


def test_no_email_address_is_ever_in_the_export(world, signed):
    _response, body = _download(world.lead, world, signed)

    text = body.decode("utf-8-sig")
    assert "@example.org" not in text and "mailinator" not in text and "Email" not in text


def test_times_are_in_the_readers_time_zone(world, signed):
    world.lead.timezone = "Asia/Kolkata"
    world.lead.save(update_fields=["timezone"])

    _response, body = _download(world.lead, world, signed)

    rows = _rows(body)
    assert rows[0][3] == "Signed at (Asia/Kolkata)"
    assert rows[1][3] == "2026-03-02 01:30"


def test_each_download_is_in_the_trail_with_the_number_of_signatures(world, signed):
    _download(world.lead, world, signed)

    entry = AuditEntry.objects.get(action="petition.exported")
    assert entry.actor == world.lead and entry.data["count"] == 4
    assert describe_entry(entry) == (
        f"{world.lead} downloaded 4 signatures of the petition “ratify-c189” for delivery."
    )


@pytest.mark.parametrize("role", ["member_staff", "org_admin", "observer"])
def test_partners_who_do_not_lead_cannot_download_and_nothing_is_recorded(role, world, signed):
    response = _client(getattr(world, role)).get(_url(world, signed))

    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


def test_another_coalition_does_not_learn_the_petition_exists(world, signed):
    response = _client(world.other_lead).get(_url(world, signed))

    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


def test_a_large_export_is_streamed_in_chunks(world, petition):
    Signature.objects.bulk_create(
        Signature(petition=petition, name=f"Signer {i}", email="", canonical_email="", region="Kerala",
                  token_hash=f"{i:064x}", confirmed_at=SIGNED)
        for i in range(2500)
    )

    response = _client(world.lead).get(_url(world, petition))
    chunks = list(response.streaming_content)

    assert len(chunks) == 4  # the header, then 1,000 rows at a time
    assert sum(chunk.count(b"\n") for chunk in chunks) == 2501
    assert AuditEntry.objects.get(action="petition.exported").data["count"] == 2500
