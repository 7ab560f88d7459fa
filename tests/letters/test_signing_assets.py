"""An organisation's signing authority and signature: who grants it, who uploads, confirms, sees and
withdraws a signature, and what becomes of the image that was sent."""

import io
import os
import re
import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from coalitions.errors import DomainError
from coalitions.models import AffiliationRole, Organisation, OutboxMessage, User
from letters import services
from letters.assets import signature_reencode
from letters.models import SigningAsset, SigningAuthority
from letters.selectors import has_signing_authority, signing_overview, signing_people
from tests.coalitions.support import (
    EXIF_MAKE,
    gif_bytes,
    jpeg_with_exif,
    media_files,
    noise_jpeg,
    png_bytes,
    stored_image,
)
from tests.factories import AffiliationFactory, UserFactory

# Images ----------------------------------------------------------------------------------------


def signature_jpeg(size=(1800, 600), make="PhoneMaker-Secret") -> bytes:
    """A photo of a signature: dark ink on off-white paper, with the phone's EXIF."""
    image = Image.new("RGB", size, (246, 245, 240))
    ImageDraw.Draw(image).line([(200, 400), (900, 150), (1500, 420)], fill=(20, 25, 70), width=14)
    exif = Image.Exif()
    exif[EXIF_MAKE] = make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def transparent_png(size=(1500, 600)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(0, 0), (size[0] - 1, size[1] - 1)], fill=(0, 0, 0, 255), width=10)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def noise_png(size) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, format="PNG")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(side=20000) -> bytes:
    """A genuine decompression bomb: a few tens of kilobytes that decode to 400 million pixels."""
    row = b"\x00" * (1 + side // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row * 1000) for _ in range(side // 1000)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def upload(data: bytes | None = None, name="signature.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else png_bytes((600, 200), color=(10, 10, 10)))


def stored(asset: SigningAsset) -> tuple[Image.Image, bytes]:
    return stored_image(asset.signature)


def signature_files(settings) -> list[str]:
    return media_files(settings, "signatures")


# The organisation and its people ------------------------------------------------------------------


@dataclass
class People:
    organisation: Organisation
    admin: User
    staff: User
    authorised: User
    signatory: User
    other_admin: User
    outsider: User
    current: SigningAsset
    pending: SigningAsset

    def user(self, role: str):
        return AnonymousUser() if role == "anonymous" else getattr(self, role)


ROLES = ["anonymous", "outsider", "other_admin", "staff", "authorised", "signatory", "admin"]


def make_asset(organisation, signatory, *, by, confirmed=False) -> SigningAsset:
    asset = SigningAsset(organisation=organisation, signatory=signatory, name=str(signatory), title="Director", created_by=by)
    asset.signature.save("signature.png", signature_reencode(upload()), save=False)
    asset.confirmed_at = timezone.now() if confirmed else None
    asset.save()
    return asset


@pytest.fixture
def people(world) -> People:
    """The member organisation of the world: its admin's signature in use, and one uploaded by
    the admin for a colleague, waiting for that colleague to confirm it."""
    organisation = world.member_org
    authorised = AffiliationFactory(organisation=organisation, role=AffiliationRole.STAFF).user
    signatory = AffiliationFactory(organisation=organisation, role=AffiliationRole.STAFF).user
    SigningAuthority.objects.create(organisation=organisation, user=authorised, granted_by=world.org_admin)
    return People(
        organisation=organisation, admin=world.org_admin, staff=world.member_staff, authorised=authorised,
        signatory=signatory, other_admin=world.lead, outsider=world.outsider,
        current=make_asset(organisation, world.org_admin, by=world.org_admin, confirmed=True),
        pending=make_asset(organisation, signatory, by=world.org_admin),
    )


def snapshot(settings) -> dict:
    return {
        "assets": sorted(SigningAsset.objects.values_list("pk", "signatory_id", "confirmed_at", "retired_at")),
        "authorities": sorted(SigningAuthority.objects.values_list("pk", "user_id", "granted_at")),
        "outbox": OutboxMessage.objects.count(),
        "files": signature_files(settings),
    }


@pytest.fixture
def unchanged(settings):
    """A block at whose end no row, file or mail has come or gone."""

    @contextmanager
    def check():
        before = snapshot(settings)
        yield
        assert snapshot(settings) == before

    return check


# Selectors -------------------------------------------------------------------------------------


def test_admins_and_granted_staff_have_signing_authority(people):
    organisation = people.organisation
    assert has_signing_authority(user=people.admin, organisation=organisation)
    assert has_signing_authority(user=people.authorised, organisation=organisation)
    assert not has_signing_authority(user=people.staff, organisation=organisation)
    assert not has_signing_authority(user=people.signatory, organisation=organisation)
    assert not has_signing_authority(user=people.other_admin, organisation=organisation)
    assert not has_signing_authority(user=AnonymousUser(), organisation=organisation)
    assert set(signing_people(organisation)) == {people.admin, people.authorised}


def test_an_inactive_admin_is_not_among_the_signing_people(people):
    people.admin.is_active = False
    people.admin.save()
    assert signing_people(people.organisation) == [people.authorised]


def test_an_authority_granted_before_the_person_left_does_not_come_back_with_them(people):
    people.organisation.affiliations.get(user=people.authorised).delete()
    AffiliationFactory(organisation=people.organisation, user=people.authorised, role=AffiliationRole.STAFF)
    assert not has_signing_authority(user=people.authorised, organisation=people.organisation)

    services.signing_authority_grant(organisation=people.organisation, by=people.admin, user=people.authorised)

    assert has_signing_authority(user=people.authorised, organisation=people.organisation)
    assert SigningAuthority.objects.filter(user=people.authorised).count() == 1


# Validating and redrawing the image ------------------------------------------------------------


def _create(people, *, by=None, signatory=None, data=None, name="signature.png", confirm=False) -> SigningAsset:
    by = by or people.admin
    return services.signing_asset_create(
        organisation=people.organisation, by=by, signatory=signatory or by, name="Asha Menon",
        title="General Secretary", signature_upload=upload(data, name), confirm=confirm,
    )


def test_a_png_signature_keeps_its_transparency_and_fits_the_box(people):
    asset = _create(people, data=transparent_png((1500, 600)))
    image, _ = stored(asset)
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.width <= 1200 and image.height <= 400
    assert image.getpixel((image.width - 1, 0))[3] == 0
    assert asset.signature.name.startswith("signatures/") and asset.signature.name.endswith(".png")


def test_a_jpeg_signature_is_redrawn_as_png_without_exif_and_its_paper_made_transparent(people):
    asset = _create(people, data=signature_jpeg(), name="IMG_2041.JPG")
    image, data = stored(asset)
    assert image.format == "PNG" and image.mode == "RGBA"
    assert "exif" not in image.info
    assert EXIF_MAKE not in image.getexif()
    assert b"PhoneMaker-Secret" not in data
    alpha = image.getchannel("A")
    assert alpha.getextrema() == (0, 255)
    # Cropped to the ink: the paper's margins are gone, and the corners are paper, clear.
    assert image.width <= 1200 and image.height < 400
    assert alpha.getpixel((image.width - 1, 0)) == 0


def test_a_jpeg_photo_with_the_phone_turned_is_stored_upright(people):
    asset = _create(people, data=jpeg_with_exif((1200, 800)), name="photo.jpg")
    image, data = stored(asset)
    assert image.height > image.width
    assert b"PhoneMaker-Secret" not in data


REFUSED = {
    "text named .png": (lambda: b"just some text, not a picture\n" * 20, "must be a PNG or JPEG"),
    "gif": (gif_bytes, "must be a PNG or JPEG"),
    "svg": (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "must be a PNG or JPEG"),
    "over 1 MB": (lambda: noise_png((800, 600)), "too large"),
    "decompression bomb": (bomb_png, "must be a PNG or JPEG"),
    "too many pixels": (lambda: png_bytes((5000, 4000)), "too many pixels"),
    "cut-off JPEG": (lambda: noise_jpeg()[:5000], "must be a PNG or JPEG"),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_a_refused_image_is_refused_by_the_service_with_nothing_written(kind, people, unchanged):
    make, error = REFUSED[kind]
    with unchanged(), pytest.raises(DomainError, match=error):
        _create(people, data=make())


@pytest.mark.parametrize("kind", REFUSED)
def test_a_refused_image_reshows_the_form_with_what_was_typed(kind, people, client_for, unchanged):
    make, error = REFUSED[kind]
    with unchanged():
        response = client_for(people.admin).post(
            reverse("signing_page", args=[people.organisation.pk]),
            {"signatory": people.signatory.pk, "name": "Asha Menon", "title": "General Secretary",
             "signature": upload(make())},
        )  # fmt: skip
    assert response.status_code == 200
    assert error in " ".join(response.context["upload_form"].errors["signature"])
    body = response.content.decode()
    assert error in body
    assert 'value="Asha Menon"' in body and 'value="General Secretary"' in body
    assert f'<option value="{people.signatory.pk}" selected>' in body
    assert "Please choose the image again" in body


def test_the_bomb_is_small_on_disk(people):
    assert len(bomb_png()) < 100_000


# Confirming ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "staff", "authorised", "other_admin", "outsider", "anonymous"])
def test_only_the_signatory_confirms_their_signature(role, people, unchanged):
    with unchanged(), pytest.raises(PermissionDenied):
        services.signing_asset_confirm(asset=people.pending, by=people.user(role))


def test_confirming_retires_the_previous_signature(people):
    services.signing_asset_confirm(asset=people.pending, by=people.signatory)
    people.current.refresh_from_db()
    people.pending.refresh_from_db()
    assert people.pending.is_current
    assert people.current.retired_at is not None and not people.current.is_current
    # Retired, never deleted: versions of letters name it.
    assert stored(people.current)[0].format == "PNG"
    overview = signing_overview(organisation=people.organisation, viewer=people.admin)
    assert overview.current == people.pending and overview.pending is None


def test_an_unconfirmed_signature_is_not_current(people):
    assert not people.pending.is_current
    overview = signing_overview(organisation=people.organisation, viewer=people.admin)
    assert overview.current == people.current
    assert overview.pending == people.pending


def test_a_signature_confirmed_once_cannot_be_confirmed_again(people, unchanged):
    services.signing_asset_confirm(asset=people.pending, by=people.signatory)
    with unchanged(), pytest.raises(DomainError):
        services.signing_asset_confirm(asset=people.pending, by=people.signatory)


def test_a_signatory_who_left_cannot_confirm(people, unchanged):
    people.organisation.affiliations.get(user=people.signatory).delete()
    with unchanged(), pytest.raises(PermissionDenied):
        services.signing_asset_confirm(asset=people.pending, by=people.signatory)


def test_uploading_ones_own_signature_with_the_box_ticked_puts_it_in_use_at_once(people, mailoutbox):
    asset = _create(people, by=people.authorised, confirm=True)
    people.current.refresh_from_db()
    assert asset.is_current and people.current.retired_at is not None
    assert OutboxMessage.objects.count() == 0


def test_uploading_ones_own_signature_without_the_box_waits_for_a_confirmation_and_sends_no_mail(people):
    asset = _create(people, by=people.authorised)
    assert asset.confirmed_at is None
    assert OutboxMessage.objects.count() == 0


def test_the_box_ticked_for_someone_else_confirms_nothing(people):
    asset = _create(people, by=people.admin, signatory=people.staff, confirm=True)
    assert asset.confirmed_at is None
    people.current.refresh_from_db()
    assert people.current.is_current


def test_a_new_upload_replaces_the_one_waiting_and_deletes_its_file(people, settings, django_capture_on_commit_callbacks):
    old_file = people.pending.signature.name.removeprefix("signatures/")
    with django_capture_on_commit_callbacks(execute=True):
        asset = _create(people, by=people.admin, signatory=people.staff)
    assert not SigningAsset.objects.filter(pk=people.pending.pk).exists()
    assert old_file not in signature_files(settings)
    assert asset.signature.name.removeprefix("signatures/") in signature_files(settings)


def test_the_signatory_must_belong_to_the_organisation(people, unchanged):
    with unchanged(), pytest.raises(DomainError, match="not one of the people"):
        _create(people, by=people.admin, signatory=people.outsider)


def test_withdrawing_a_confirmed_signature_retires_it_and_keeps_its_file(people, settings):
    files = signature_files(settings)
    services.signing_asset_retire(asset=people.current, by=people.admin)
    people.current.refresh_from_db()
    assert people.current.retired_at is not None
    assert signature_files(settings) == files


def test_withdrawing_a_signature_never_confirmed_deletes_it_with_its_file(
    people, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.signing_asset_retire(asset=people.pending, by=people.signatory)
    assert not SigningAsset.objects.filter(pk=people.pending.pk).exists()
    assert signature_files(settings) == [people.current.signature.name.removeprefix("signatures/")]


# The mail to the signatory ---------------------------------------------------------------------


def _mail_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/organisations/\S+/confirm/)", message.body)
    assert match, message.body
    return match.group(1)


def _upload_for_signatory(people, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people.admin).post(
            reverse("signing_page", args=[people.organisation.pk]),
            {"signatory": people.signatory.pk, "name": "Asha Menon", "title": "General Secretary", "signature": upload()},
        )
    assert response.status_code == 302
    return SigningAsset.objects.get(name="Asha Menon")


def test_the_confirmation_mail_goes_to_the_signatory_alone(people, client_for, mailoutbox, django_capture_on_commit_callbacks):
    asset = _upload_for_signatory(people, client_for, django_capture_on_commit_callbacks)
    assert [message.to for message in mailoutbox] == [[people.signatory.email]]
    body = mailoutbox[0].body
    assert "Asha Menon, General Secretary" in body
    assert _mail_link(mailoutbox[0]) == reverse("signing_asset_confirm", args=[people.organisation.pk, asset.pk])
    # The mail carries a page's address, never the image, nor a key to it.
    assert not mailoutbox[0].attachments
    assert "signature.png" not in body


def test_the_confirmation_mail_is_in_the_signatorys_language(people, client_for, mailoutbox, django_capture_on_commit_callbacks):
    people.signatory.language = "fr"
    people.signatory.save()
    people.admin.display_name = ""
    people.admin.save()
    _upload_for_signatory(people, client_for, django_capture_on_commit_callbacks)
    assert f"Une personne de {people.organisation.short_name}" in mailoutbox[0].body


def test_the_link_in_the_mail_works_for_the_signatory_alone(people, client_for, mailoutbox, django_capture_on_commit_callbacks):
    _upload_for_signatory(people, client_for, django_capture_on_commit_callbacks)
    link = _mail_link(mailoutbox[0])
    colleague = AffiliationFactory(organisation=people.organisation, role=AffiliationRole.ADMIN).user
    for other in (people.admin, colleague, people.staff, people.outsider):
        assert client_for(other).get(link).status_code == 404
        assert client_for(other).post(link).status_code == 404
    anonymous = client_for(None).get(link)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
    assert SigningAsset.objects.get(name="Asha Menon").confirmed_at is None

    client = client_for(people.signatory)
    page = client.get(link)
    assert page.status_code == 200
    assert "Asha Menon" in page.content.decode()
    assert client.post(link).status_code == 302
    assert SigningAsset.objects.get(name="Asha Menon").is_current


# Granting and taking back signing authority ----------------------------------------------------


def test_an_admin_grants_signing_authority_to_staff(people):
    services.signing_authority_grant(organisation=people.organisation, by=people.admin, user=people.staff)
    assert has_signing_authority(user=people.staff, organisation=people.organisation)
    assert SigningAuthority.objects.get(user=people.staff).granted_by == people.admin


def test_an_admin_takes_signing_authority_back(people):
    services.signing_authority_revoke(organisation=people.organisation, by=people.admin, user=people.authorised)
    assert not has_signing_authority(user=people.authorised, organisation=people.organisation)
    assert not SigningAuthority.objects.filter(user=people.authorised).exists()


@pytest.mark.parametrize(
    ("whom", "error"),
    [
        ("admin", "may always sign"),
        ("outsider", "not one of the people"),
        ("other_admin", "not one of the people"),
        ("authorised", "already has"),
    ],
)
def test_signing_authority_is_granted_to_staff_who_lack_it_only(whom, error, people, unchanged):
    with unchanged(), pytest.raises(DomainError, match=error):
        services.signing_authority_grant(organisation=people.organisation, by=people.admin, user=people.user(whom))


@pytest.mark.parametrize(("whom", "error"), [("admin", "may always sign"), ("staff", "no signing authority")])
def test_signing_authority_is_taken_back_only_from_staff_who_have_it(whom, error, people, unchanged):
    with unchanged(), pytest.raises(DomainError, match=error):
        services.signing_authority_revoke(organisation=people.organisation, by=people.admin, user=people.user(whom))


def test_staff_who_lose_signing_authority_may_no_longer_upload_their_signature(people, unchanged):
    services.signing_authority_revoke(organisation=people.organisation, by=people.admin, user=people.authorised)
    with unchanged(), pytest.raises(PermissionDenied):
        _create(people, by=people.authorised)


# Who may call each service ---------------------------------------------------------------------

SERVICES = {
    "grant": (
        lambda p, by: services.signing_authority_grant(organisation=p.organisation, by=by, user=p.staff),
        {"admin"},
    ),
    "revoke": (
        lambda p, by: services.signing_authority_revoke(organisation=p.organisation, by=by, user=p.authorised),
        {"admin"},
    ),
    "create for oneself": (
        lambda p, by: services.signing_asset_create(
            organisation=p.organisation, by=by, signatory=by, name="N", title="T", signature_upload=upload()
        ),
        {"admin", "authorised"},
    ),
    "create for another": (
        lambda p, by: services.signing_asset_create(
            organisation=p.organisation, by=by, signatory=p.staff, name="N", title="T", signature_upload=upload()
        ),
        {"admin"},
    ),
    "confirm": (lambda p, by: services.signing_asset_confirm(asset=p.pending, by=by), {"signatory"}),
    "retire": (lambda p, by: services.signing_asset_retire(asset=p.pending, by=by), {"admin", "signatory"}),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", SERVICES)
def test_each_service_lets_in_only_whom_it_should(service, role, people, settings):
    call, allowed = SERVICES[service]
    before = snapshot(settings)
    if role in allowed:
        call(people, people.user(role))
        assert snapshot(settings) != before
    else:
        with pytest.raises(PermissionDenied):
            call(people, people.user(role))
        assert snapshot(settings) == before


# Who reaches each page -------------------------------------------------------------------------

LOGIN, HIDDEN, DENIED, OK, DONE = "login", 404, 403, 200, 302


def _url(name, *args):
    return lambda p: reverse(name, args=[p.organisation.pk, *[arg(p) for arg in args]])


def _pending(p):
    return p.pending.pk


PAGES = {
    #                                anonymous outsider other_admin staff  authorised signatory admin
    "signing_page GET":             (LOGIN, HIDDEN, HIDDEN, OK,     OK,     OK,     OK),
    "signing_page POST":            (LOGIN, HIDDEN, HIDDEN, DENIED, DONE,   DENIED, DONE),
    "signing_asset_confirm GET":    (LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK,     HIDDEN),
    "signing_asset_confirm POST":   (LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, DONE,   HIDDEN),
    "signing_asset_image GET":      (LOGIN, HIDDEN, HIDDEN, HIDDEN, HIDDEN, OK,     OK),
    "signing_asset_retire POST":    (LOGIN, HIDDEN, HIDDEN, DENIED, DENIED, DONE,   DONE),
    "signing_authority_grant POST": (LOGIN, HIDDEN, HIDDEN, DENIED, DENIED, DENIED, DONE),
    "signing_authority_revoke POST": (LOGIN, HIDDEN, HIDDEN, DENIED, DENIED, DENIED, DONE),
}  # fmt: skip
URLS = {
    "signing_page": _url("signing_page"),
    "signing_asset_confirm": _url("signing_asset_confirm", _pending),
    "signing_asset_image": _url("signing_asset_image", _pending),
    "signing_asset_retire": _url("signing_asset_retire", _pending),
    "signing_authority_grant": _url("signing_authority_grant"),
    "signing_authority_revoke": _url("signing_authority_revoke", lambda p: p.authorised.pk),
}
DATA = {
    "signing_page": lambda p, user: {
        "signatory": user.pk or "", "name": "Asha Menon", "title": "Director", "signature": upload()
    },
    "signing_authority_grant": lambda p, user: {"person": p.staff.pk},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_each_page_answers_each_person_as_it_should(page, role, people, client_for, settings):
    expected = PAGES[page][ROLES.index(role)]
    name, method = page.split()
    url = URLS[name](people)
    client = client_for(None if role == "anonymous" else people.user(role))
    before = snapshot(settings)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, DATA.get(name, lambda p, user: {})(people, people.user(role)))
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    if expected == DONE:
        assert snapshot(settings) != before
    else:
        assert snapshot(settings) == before


def test_every_post_needs_the_csrf_token(people, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.admin)
    before = snapshot(settings)
    for name in ("signing_page", "signing_asset_retire", "signing_authority_grant", "signing_authority_revoke"):
        assert client.post(URLS[name](people), DATA.get(name, lambda p, user: {})(people, people.admin)).status_code == 403
    assert snapshot(settings) == before


# The signature image ---------------------------------------------------------------------------


def test_the_signature_image_is_streamed_as_png_never_to_be_stored(people, client_for):
    response = client_for(people.admin).get(URLS["signing_asset_image"](people))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client_for(people.admin).get(f"/media/{people.pending.signature.name}").status_code == 404


def test_a_signatory_sees_their_own_signature_and_no_one_elses(people, client_for):
    client = client_for(people.signatory)
    own = reverse("signing_asset_image", args=[people.organisation.pk, people.pending.pk])
    admins = reverse("signing_asset_image", args=[people.organisation.pk, people.current.pk])
    assert client.get(own).status_code == 200
    assert client.get(admins).status_code == 404


def test_a_retired_signature_is_served_to_no_one(people, client_for):
    services.signing_asset_retire(asset=people.current, by=people.admin)
    url = reverse("signing_asset_image", args=[people.organisation.pk, people.current.pk])
    assert client_for(people.admin).get(url).status_code == 404


def test_another_organisations_admin_cannot_reach_its_signature_through_their_own_organisation(people, client_for):
    other = people.other_admin.affiliations.get().organisation
    url = reverse("signing_asset_image", args=[other.pk, people.current.pk])
    assert client_for(people.other_admin).get(url).status_code == 404


# The page --------------------------------------------------------------------------------------


def _page(people, client_for, role) -> str:
    response = client_for(people.user(role)).get(URLS["signing_page"](people))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("role", "sees_current", "sees_pending"), [
    ("admin", True, True), ("signatory", False, True), ("staff", False, False), ("authorised", False, False),
])  # fmt: skip
def test_the_page_shows_signature_images_to_admins_and_their_signatory_only(
    role, sees_current, sees_pending, people, client_for
):
    body = _page(people, client_for, role)
    assert people.current.name in body and "Director" in body
    for asset, sees in ((people.current, sees_current), (people.pending, sees_pending)):
        assert (reverse("signing_asset_image", args=[people.organisation.pk, asset.pk]) in body) is sees


def test_the_page_offers_the_confirm_button_to_the_signatory_alone(people, client_for):
    confirm = reverse("signing_asset_confirm", args=[people.organisation.pk, people.pending.pk])
    assert confirm in _page(people, client_for, "signatory")
    assert confirm not in _page(people, client_for, "admin")


def test_the_page_names_people_and_never_shows_their_addresses(people, client_for):
    nameless = AffiliationFactory(organisation=people.organisation, user__display_name="").user
    body = _page(people, client_for, "admin")
    for person in (people.admin, people.staff, people.authorised, people.signatory, nameless):
        assert person.email not in body
    assert f'<option value="{people.signatory.pk}">{people.signatory.display_name}</option>' in body
    assert f'<option value="{nameless.pk}">a person</option>' in body


def test_people_without_a_name_are_told_apart_by_number_not_by_address(people, client_for):
    first, second = (AffiliationFactory(organisation=people.organisation, user__display_name="").user for _ in range(2))
    body = _page(people, client_for, "admin")
    assert f'<option value="{first.pk}">a person (1)</option>' in body
    assert f'<option value="{second.pk}">a person (2)</option>' in body


def test_the_upload_form_is_for_admins_and_for_staff_with_authority_uploading_their_own(people, client_for):
    assert 'name="signature"' in _page(people, client_for, "admin")
    authorised = _page(people, client_for, "authorised")
    assert 'name="signature"' in authorised
    assert f'<option value="{people.staff.pk}"' not in authorised
    assert 'name="signature"' not in _page(people, client_for, "staff")


def test_the_grant_form_and_take_back_buttons_are_for_admins(people, client_for):
    revoke = reverse("signing_authority_revoke", args=[people.organisation.pk, people.authorised.pk])
    admin_page = _page(people, client_for, "admin")
    assert revoke in admin_page and reverse("signing_authority_grant", args=[people.organisation.pk]) in admin_page
    staff_page = _page(people, client_for, "staff")
    assert revoke not in staff_page and people.authorised.display_name in staff_page


def test_granting_to_someone_who_cannot_have_it_reshows_the_form(people, client_for, unchanged):
    with unchanged():
        response = client_for(people.admin).post(
            reverse("signing_authority_grant", args=[people.organisation.pk]), {"person": people.admin.pk}
        )
    assert response.status_code == 200
    assert response.context["grant_form"].errors


def test_the_page_shows_the_logo_and_leads_admins_to_change_it(people, client_for):
    people.organisation.logo.save("logo.png", signature_reencode(upload()), save=True)
    body = _page(people, client_for, "admin")
    assert reverse("organisation_logo", args=[people.organisation.pk]) in body
    assert reverse("organisation_edit", args=[people.organisation.pk]) in body
    assert reverse("organisation_edit", args=[people.organisation.pk]) not in _page(people, client_for, "staff")


def test_the_organisation_page_leads_to_the_signing_page(people, client_for):
    response = client_for(people.staff).get(reverse("organisation_detail", args=[people.organisation.pk]))
    assert reverse("signing_page", args=[people.organisation.pk]) in response.content.decode()


def test_the_page_costs_the_same_queries_whatever_the_number_of_people(people, client_for):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(people, client_for, "admin")
        return len(captured)

    few = queries()
    for _ in range(5):
        granted = AffiliationFactory(organisation=people.organisation).user
        SigningAuthority.objects.create(organisation=people.organisation, user=granted, granted_by=people.admin)
        AffiliationFactory(organisation=people.organisation)
    assert queries() == few


def test_an_upload_for_oneself_says_what_happens_next(people, client_for):
    response = client_for(people.authorised).post(
        reverse("signing_page", args=[people.organisation.pk]),
        {"signatory": people.authorised.pk, "name": "Asha Menon", "title": "Director", "signature": upload(), "confirm": "on"},
        follow=True,
    )
    assert "Your signature is now used on the letters" in response.content.decode()
    assert SigningAsset.objects.get(name="Asha Menon").is_current


def test_staff_with_authority_cannot_upload_for_a_colleague(people, client_for, unchanged):
    with unchanged():
        response = client_for(people.authorised).post(
            reverse("signing_page", args=[people.organisation.pk]),
            {"signatory": people.staff.pk, "name": "Asha Menon", "title": "Director", "signature": upload()},
        )
    assert response.status_code == 200
    assert response.context["upload_form"].errors["signatory"]


def test_a_new_user_without_any_organisation_gets_404(people, client_for):
    stranger = UserFactory()
    assert client_for(stranger).get(URLS["signing_page"](people)).status_code == 404


def test_a_cut_off_jpeg_is_refused_in_a_process_that_draws_letters():
    import io

    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    import letters.render  # noqa: F401  (WeasyPrint, once imported, would accept cut-off images)
    from letters.assets import signature_validate

    out = io.BytesIO()
    Image.new("RGB", (400, 200), (250, 250, 250)).save(out, format="JPEG")
    cut = out.getvalue()[: len(out.getvalue()) // 2]
    with pytest.raises(ValidationError):
        signature_validate(SimpleUploadedFile("signature.jpg", cut, content_type="image/jpeg"))
