import io
import os
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from coalitions import services
from coalitions.errors import DomainError
from coalitions.models import Affiliation, AffiliationRole, Organisation, StaffInvitation
from tests.factories import AffiliationFactory, OrganisationFactory, StaffInvitationFactory, UserFactory

from .support import (
    EXIF_MAKE,
    SVG_BYTES,
    db_snapshot,
    gif_bytes,
    jpeg_with_exif,
    media_files,
    noise_jpeg,
    phone_jpeg,
    png_bytes,
    stored_image,
)

FORM = {
    "name": "Kerala Domestic Workers Forum", "acronym": "KDWF", "kind": "community_group", "country": "IN",
    "regions": "Kerala\nTamil Nadu", "website": "https://kdwf.example", "member_count": "3400",
}


@pytest.fixture
def admin(db) -> Affiliation:
    return AffiliationFactory(role=AffiliationRole.ADMIN, organisation__name="Old name", organisation__acronym="OLD")


def _join_link(message) -> str:
    match = re.search(r"http://testserver(/join/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


# People of an organisation ---------------------------------------------------------------------


def test_registering_an_organisation_makes_its_creator_admin(user, client_for):
    response = client_for(user).post(reverse("organisation_create"), FORM)
    organisation = Organisation.objects.get(acronym="KDWF")
    assert response.url == reverse("organisation_detail", args=[organisation.pk])
    assert organisation.regions == ["Kerala", "Tamil Nadu"]
    assert Affiliation.objects.get(organisation=organisation).user == user
    assert Affiliation.objects.get(organisation=organisation).role == AffiliationRole.ADMIN


def test_org_admin_invites_staff_who_accepts(admin, client_for, on_commit, mailoutbox):
    colleague = UserFactory(email="colleague@example.org")
    with on_commit():
        response = client_for(admin.user).post(
            reverse("organisation_detail", args=[admin.organisation.pk]), {"email": "Colleague@Example.org", "role": "staff"}
        )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["colleague@example.org"]]
    link = _join_link(mailoutbox[0])

    anonymous_page = client_for(None).get(link)
    assert anonymous_page.status_code == 200
    assert "Old name" in anonymous_page.content.decode()

    client = client_for(colleague)
    assert client.get(link).status_code == 200
    response = client.post(link)

    assert response.url == reverse("organisation_detail", args=[admin.organisation.pk])
    assert Affiliation.objects.get(user=colleague).role == AffiliationRole.STAFF
    assert StaffInvitation.objects.get().accepted_at is not None
    assert client.get(response.url).status_code == 200


def test_staff_invitation_cannot_be_used_twice(admin, client_for):
    invitation = StaffInvitationFactory(organisation=admin.organisation, invited_by=admin.user)
    link = reverse("staff_invitation", args=[invitation.token])
    first, second = UserFactory(email=invitation.email), UserFactory()
    client_for(first).post(link)
    before = db_snapshot()

    response = client_for(second).post(link)

    assert response.status_code == 410
    assert db_snapshot() == before
    assert not Affiliation.objects.filter(user=second).exists()


def test_expired_staff_invitation_shows_the_410_page(admin, client_for):
    invitation = StaffInvitationFactory(organisation=admin.organisation, expires_at=timezone.now() - timedelta(seconds=1))
    newcomer = UserFactory()
    before = db_snapshot()
    response = client_for(newcomer).post(reverse("staff_invitation", args=[invitation.token]))
    assert response.status_code == 410
    assert "It has expired." in response.content.decode()
    assert db_snapshot() == before


def test_staff_invitation_to_someone_already_there_is_refused(admin, client_for, on_commit, mailoutbox):
    staff = AffiliationFactory(organisation=admin.organisation)
    before = db_snapshot()
    with on_commit():
        response = client_for(admin.user).post(
            reverse("organisation_detail", args=[admin.organisation.pk]), {"email": staff.user.email, "role": "admin"}
        )
    assert response.status_code == 200
    assert "already belongs to" in response.content.decode()
    assert db_snapshot() == before
    assert mailoutbox == []


def test_last_org_admin_cannot_be_removed(admin, client_for):
    before = db_snapshot()
    response = client_for(admin.user).post(
        reverse("staff_remove", args=[admin.organisation.pk, admin.pk]), follow=True
    )
    assert "needs at least one admin" in response.content.decode()
    assert db_snapshot() == before


def test_last_org_admin_cannot_make_themselves_staff(admin, client_for):
    before = db_snapshot()
    response = client_for(admin.user).post(
        reverse("staff_role", args=[admin.organisation.pk, admin.pk]), {"role": "staff"}, follow=True
    )
    assert "needs at least one admin" in response.content.decode()
    assert db_snapshot() == before


def test_last_org_admin_rule_holds_in_the_service(admin):
    with pytest.raises(DomainError):
        services.staff_remove(affiliation=admin, by=admin.user)
    with pytest.raises(DomainError):
        services.staff_role_change(affiliation=admin, by=admin.user, role=AffiliationRole.STAFF)
    admin.refresh_from_db()
    assert admin.role == AffiliationRole.ADMIN


def test_admin_may_leave_once_another_admin_exists(admin, client_for):
    other = AffiliationFactory(organisation=admin.organisation, role=AffiliationRole.STAFF)
    client = client_for(admin.user)
    client.post(reverse("staff_role", args=[admin.organisation.pk, other.pk]), {"role": "admin"})
    response = client.post(reverse("staff_remove", args=[admin.organisation.pk, admin.pk]))
    assert response.url == reverse("home")
    assert list(Affiliation.objects.filter(organisation=admin.organisation)) == [other]
    other.refresh_from_db()
    assert other.role == AffiliationRole.ADMIN


def test_staff_may_leave_their_organisation(admin, client_for):
    staff = AffiliationFactory(organisation=admin.organisation)
    response = client_for(staff.user).post(reverse("staff_remove", args=[admin.organisation.pk, staff.pk]))
    assert response.url == reverse("home")
    assert not Affiliation.objects.filter(pk=staff.pk).exists()


def test_admin_cannot_reach_a_person_of_another_organisation(admin, client_for):
    stranger = AffiliationFactory()
    before = db_snapshot()
    client = client_for(admin.user)
    assert client.post(reverse("staff_remove", args=[admin.organisation.pk, stranger.pk])).status_code == 404
    assert client.post(reverse("staff_role", args=[admin.organisation.pk, stranger.pk]), {"role": "admin"}).status_code == 404
    assert db_snapshot() == before


# Logos -----------------------------------------------------------------------------------------


def _edit(client, organisation, upload, **fields):
    data = {**FORM, **fields}
    if upload is not None:
        data["logo"] = upload
    return client.post(reverse("organisation_edit", args=[organisation.pk]), data)


def _stored_logo(organisation) -> Image.Image:
    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("logos/") and organisation.logo.name.endswith(".png")
    return stored_image(organisation.logo)


def _logo_files(settings) -> list[str]:
    return media_files(settings, "logos")


def test_png_logo_is_redrawn_as_png_no_larger_than_512(admin, client_for):
    response = _edit(client_for(admin.user), admin.organisation, SimpleUploadedFile("logo.png", png_bytes((1000, 600))))
    assert response.status_code == 302
    image, _ = _stored_logo(admin.organisation)
    assert image.format == "PNG"
    assert image.size == (512, 307)


def test_jpeg_logo_is_redrawn_as_png_without_exif(admin, client_for):
    upload = SimpleUploadedFile("photo.jpg", jpeg_with_exif((1200, 800)), content_type="image/jpeg")
    response = _edit(client_for(admin.user), admin.organisation, upload)
    assert response.status_code == 302
    image, data = _stored_logo(admin.organisation)
    assert image.format == "PNG"
    assert max(image.size) <= 512
    # The camera said to turn the picture; the stored logo is already turned.
    assert image.height > image.width
    assert "exif" not in image.info
    assert EXIF_MAKE not in image.getexif()
    assert b"PhoneMaker-Secret" not in data


def test_jpeg_from_a_phone_is_accepted(admin, client_for):
    upload = SimpleUploadedFile("IMG_2041.JPG", phone_jpeg((900, 600)), content_type="image/jpeg")
    response = _edit(client_for(admin.user), admin.organisation, upload)
    assert response.status_code == 302
    image, _ = _stored_logo(admin.organisation)
    assert image.format == "PNG"
    assert image.size == (512, 341)
    assert getattr(image, "n_frames", 1) == 1


def test_logo_is_served_as_png_to_its_people(admin, client_for):
    _edit(client_for(admin.user), admin.organisation, SimpleUploadedFile("logo.png", png_bytes()))
    response = client_for(admin.user).get(reverse("organisation_logo", args=[admin.organisation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_new_organisation_with_a_logo_gets_it_redrawn(user, client_for):
    upload = SimpleUploadedFile("photo.jpg", jpeg_with_exif((800, 800)), content_type="image/jpeg")
    client_for(user).post(reverse("organisation_create"), {**FORM, "logo": upload})
    image, data = _stored_logo(Organisation.objects.get(acronym="KDWF"))
    assert image.format == "PNG" and image.size == (512, 512)
    assert b"PhoneMaker-Secret" not in data


def _noise_png(size) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, format="PNG")
    return out.getvalue()


REFUSED_UPLOADS = {
    "svg": (lambda: SimpleUploadedFile("logo.svg", SVG_BYTES, content_type="image/svg+xml"), "must be a PNG or JPEG"),
    "gif": (lambda: SimpleUploadedFile("logo.gif", gif_bytes(), content_type="image/gif"), "must be a PNG or JPEG"),
    "text named .png": (
        lambda: SimpleUploadedFile("logo.png", b"just some text, not a picture\n" * 20, content_type="image/png"),
        "must be a PNG or JPEG",
    ),
    "cut-off JPEG": (lambda: SimpleUploadedFile("logo.jpg", noise_jpeg()[:5000]), "must be a PNG or JPEG"),
    "cut-off PNG": (lambda: SimpleUploadedFile("logo.png", _noise_png((200, 200))[:20000]), "must be a PNG or JPEG"),
    "over 2 MB": (lambda: SimpleUploadedFile("logo.png", _noise_png((1100, 1000))), "too large"),
    "too many pixels": (lambda: SimpleUploadedFile("logo.png", png_bytes((5000, 4000))), "too many pixels"),
}


@pytest.mark.parametrize("kind", REFUSED_UPLOADS)
def test_refused_logo_gives_a_form_error_and_keeps_what_was_typed(kind, admin, client_for, settings):
    make_upload, error = REFUSED_UPLOADS[kind]
    before = db_snapshot()

    response = _edit(client_for(admin.user), admin.organisation, make_upload())

    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["logo"])
    body = response.content.decode()
    assert error in body
    assert 'value="Kerala Domestic Workers Forum"' in body
    assert 'value="KDWF"' in body
    assert 'value="https://kdwf.example"' in body
    assert 'value="3400"' in body
    assert "Kerala\nTamil Nadu</textarea>" in body
    assert '<option value="community_group" selected>' in body
    assert db_snapshot() == before
    assert _logo_files(settings) == []


@pytest.mark.parametrize("kind", REFUSED_UPLOADS)
def test_refused_logo_on_a_new_organisation_registers_nothing(kind, user, client_for):
    make_upload, error = REFUSED_UPLOADS[kind]
    response = client_for(user).post(reverse("organisation_create"), {**FORM, "logo": make_upload()})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert 'value="Kerala Domestic Workers Forum"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_removing_the_logo_deletes_its_file(admin, client_for, on_commit, settings):
    client = client_for(admin.user)
    _edit(client, admin.organisation, SimpleUploadedFile("logo.png", png_bytes()))
    with on_commit():
        _edit(client, admin.organisation, None, remove_logo="on")
    admin.organisation.refresh_from_db()
    assert not admin.organisation.logo
    assert _logo_files(settings) == []
    assert client.get(reverse("organisation_logo", args=[admin.organisation.pk])).status_code == 404


def test_replacing_the_logo_deletes_the_old_file(admin, client_for, on_commit, settings):
    client = client_for(admin.user)
    _edit(client, admin.organisation, SimpleUploadedFile("logo.png", png_bytes()))
    with on_commit():
        _edit(client, admin.organisation, SimpleUploadedFile("logo.png", png_bytes(color=(0, 0, 0))))
    admin.organisation.refresh_from_db()
    assert _logo_files(settings) == [admin.organisation.logo.name.removeprefix("logos/")]


def test_refused_edit_keeps_the_current_logo_file(admin, client_for, on_commit, settings):
    client = client_for(admin.user)
    _edit(client, admin.organisation, SimpleUploadedFile("logo.png", png_bytes()))
    files = _logo_files(settings)
    with on_commit():
        _edit(client, admin.organisation, SimpleUploadedFile("logo.gif", gif_bytes()))
    assert _logo_files(settings) == files
    assert client.get(reverse("organisation_logo", args=[admin.organisation.pk])).status_code == 200


def test_stranger_cannot_see_a_logo(admin, client_for):
    _edit(client_for(admin.user), admin.organisation, SimpleUploadedFile("logo.png", png_bytes()))
    stranger = AffiliationFactory(organisation=OrganisationFactory()).user
    assert client_for(stranger).get(reverse("organisation_logo", args=[admin.organisation.pk])).status_code == 404
