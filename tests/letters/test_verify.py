"""The public page of a finalised letter: its hash, who co-signed and when, nothing private."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from letters.models import LetterPdf


def _page(letter):
    return reverse("letter_verify", args=[letter.verification_code])


def test_the_page_shows_hashes_named_cosigners_and_approval_times_only(world, final_letter, client):
    pdf = LetterPdf.objects.get(final=True)
    page = client.get(_page(final_letter)).content.decode()
    assert pdf.sha256 in page and final_letter.current_version.sha256 in page
    assert world.lead_org.name in page and world.member_org.name in page
    for private in (world.lead.email, world.org_admin.email, world.coalition.name, final_letter.campaign.title):
        assert private not in page


def test_a_letter_not_finalised_has_no_public_page(world, letter, client):
    assert client.get(_page(letter)).status_code == 404
    assert client.get(reverse("letter_verify", args=["not-a-code"])).status_code == 404


def test_the_downloaded_pdf_is_confirmed_byte_for_byte(final_letter, client):
    data = LetterPdf.objects.get(final=True).file.read()
    response = client.post(_page(final_letter), {"document": SimpleUploadedFile("letter.pdf", data)})
    assert b"verify-match" in response.content
    changed = data.replace(b"Ratify", b"Ratifx", 1)
    response = client.post(_page(final_letter), {"document": SimpleUploadedFile("letter.pdf", changed + b" ")})
    assert b"verify-mismatch" in response.content


def test_a_pasted_hash_finds_the_letter_from_the_general_page(final_letter, client):
    pdf = LetterPdf.objects.get(final=True)
    response = client.post(reverse("verify_index"), {"sha256": pdf.sha256.upper()})
    assert b"verify-match" in response.content
    assert _page(final_letter).encode() in response.content
    response = client.post(reverse("verify_index"), {"sha256": "0" * 64})
    assert b"verify-mismatch" in response.content


def test_a_draft_pdf_hash_is_not_a_finalised_letter(world, letter, client):
    from letters import services
    from tests.letters.conftest import run_outbox

    services.letter_draft_request(letter=letter, by=world.lead)
    run_outbox()
    draft = LetterPdf.objects.get(final=False)
    assert draft.is_ready
    response = client.post(reverse("verify_index"), {"sha256": draft.sha256})
    assert b"verify-mismatch" in response.content


def test_a_malformed_hash_is_explained_and_kept(client):
    response = client.post(reverse("verify_index"), {"sha256": "abc123"})
    assert response.status_code == 200
    assert b"64 letters" in response.content
    assert b'value="abc123"' in response.content


def test_a_draft_drawn_again_replaces_its_file(world, letter, django_capture_on_commit_callbacks):
    from letters import services
    from tests.letters.conftest import run_outbox

    services.letter_draft_request(letter=letter, by=world.lead)
    run_outbox()
    first = LetterPdf.objects.get(final=False)
    storage, name = first.file.storage, first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_draft_request(letter=letter, by=world.lead)
    run_outbox()
    again = LetterPdf.objects.get(final=False)
    assert again.is_ready and again.file.name != name
    assert not storage.exists(name) and storage.exists(again.file.name)
