import hashlib
import io
import json
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from coalitions.errors import DomainError
from coalitions.models import AuditEntry, OutboxMessage
from letters import services
from letters.models import Letter, LetterDecision, LetterPdf, LetterStatus
from tests.letters.conftest import approve_all, letter_fields, run_outbox


def _final_url(letter):
    return reverse("letter_final_pdf", args=[letter.campaign.coalition.slug, letter.campaign.slug, letter.pk])


def _download(client, letter) -> bytes:
    response = client.get(_final_url(letter))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def _text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_finalising_is_refused_until_every_cosigner_approved(world, letter):
    services.letter_decide(
        letter=letter, by=world.lead, organisation=world.lead_org, decision="approve",
        version_sha256=letter.current_version.sha256,
    )
    OutboxMessage.objects.all().delete()
    with pytest.raises(DomainError):
        services.letter_finalise(letter=letter, by=world.lead)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    assert not LetterPdf.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_approvals_of_different_versions_do_not_add_up(world, letter, campaign, target):
    services.letter_decide(
        letter=letter, by=world.lead, organisation=world.lead_org, decision="approve",
        version_sha256=letter.current_version.sha256,
    )
    services.letter_revise(
        letter=letter, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, True)], subject="New subject"),
    )
    services.letter_decide(
        letter=letter, by=world.org_admin, organisation=world.member_org, decision="approve",
        version_sha256=letter.current_version.sha256,
    )
    with pytest.raises(DomainError):
        services.letter_finalise(letter=letter, by=world.lead)
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT


def test_a_named_cosigner_without_confirmed_signatory_holds_finalisation(world, letter, campaign, target):
    world.member_org.signing_assets.all().delete()
    services.letter_revise(
        letter=letter, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, True)], subject="New subject"),
    )
    approve_all(letter, world)
    with pytest.raises(DomainError, match="signatory"):
        services.letter_finalise(letter=letter, by=world.lead)
    assert not LetterPdf.objects.exists()


def test_only_a_lead_finalises(world, letter):
    approve_all(letter, world)
    with pytest.raises(PermissionDenied):
        services.letter_finalise(letter=letter, by=world.org_admin)
    assert not LetterPdf.objects.exists()


def test_the_final_pdf_is_drawn_once_and_always_served_as_the_same_bytes(world, final_letter, client_for):
    assert final_letter.status == LetterStatus.FINAL
    pdf = LetterPdf.objects.get(final=True)
    first = _download(client_for(world.observer), final_letter)
    second = _download(client_for(world.lead), final_letter)
    assert first == second
    assert hashlib.sha256(first).hexdigest() == pdf.sha256
    # Asking the worker again changes nothing: the stored file stays what it was.
    services.letter_pdf_render(pdf_id=pdf.pk)
    again = LetterPdf.objects.get(pk=pdf.pk)
    assert (again.file.name, again.sha256) == (pdf.file.name, pdf.sha256)
    assert _download(client_for(world.lead), final_letter) == first
    assert AuditEntry.objects.filter(action="letter.finalised").count() == 1


def test_the_final_pdf_carries_the_approval_manifest_and_metadata(world, final_letter):
    pdf = LetterPdf.objects.get(final=True)
    reader = PdfReader(io.BytesIO(pdf.file.read()))
    attachments = reader.attachments
    assert list(attachments) == ["approval-manifest.json"]
    manifest = json.loads(attachments["approval-manifest.json"][0])
    assert manifest == pdf.manifest
    text = json.dumps(manifest)
    assert final_letter.current_version.sha256 in text
    for organisation in (world.lead_org, world.member_org):
        assert organisation.name in text
    assert reader.metadata.title == "Ratify ILO Convention 189"
    last_page = reader.pages[-1].extract_text()
    assert final_letter.verification_code in last_page.replace("\n", "")


def test_an_unnamed_cosigner_is_neither_printed_nor_in_the_manifest(world, campaign, target, assets):
    letter = services.letter_create(
        campaign=campaign, by=world.lead, organisation=world.lead_org,
        **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, False)]),
    )
    approve_all(letter, world)
    services.letter_finalise(letter=letter, by=world.lead)
    run_outbox()
    pdf = LetterPdf.objects.get(final=True)
    data = pdf.file.read()
    text = _text(data)
    assert world.member_org.name not in text and "Geeta Menon" not in text
    assert "1 other organisation" in text
    assert world.member_org.name not in json.dumps(pdf.manifest)
    assert world.member_org.name.encode() not in data


def test_a_finalised_letter_no_longer_changes(world, final_letter, campaign, target):
    with pytest.raises(DomainError):
        services.letter_revise(
            letter=final_letter, by=world.lead, organisation=world.lead_org,
            **letter_fields(campaign, target, [(world.lead_org, True)], subject="Changed after the fact"),
        )
    with pytest.raises(DomainError):
        services.letter_decide(
            letter=final_letter, by=world.org_admin, organisation=world.member_org, decision="withdraw",
            version_sha256="",
        )
    assert final_letter.versions.count() == 1
    assert LetterDecision.objects.filter(decision="withdraw").count() == 0


def test_a_letter_the_fonts_cannot_print_goes_back_to_its_lead(world, campaign, target, assets, client_for):
    letter = services.letter_create(
        campaign=campaign, by=world.lead, organisation=world.lead_org,
        # Linear B: no font the letters name has it.
        **letter_fields(campaign, target, [(world.lead_org, True), (world.member_org, True)], body="Dear Minister, \U00010000"),
    )
    approve_all(letter, world)
    services.letter_finalise(letter=letter, by=world.lead)
    run_outbox()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    pdf = LetterPdf.objects.get(final=True)
    assert pdf.failure == "glyphs:\U00010000" and not pdf.file
    assert AuditEntry.objects.filter(action="letter.render_failed").exists()
    url = reverse("letter_detail", args=[campaign.coalition.slug, campaign.slug, letter.pk])
    page = client_for(world.lead).get(url).content.decode()
    assert "cannot print these characters: \U00010000" in page
