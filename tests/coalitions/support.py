"""Helpers shared by the coalitions tests: images to upload and a picture of the database."""

import io
import os

from PIL import Image

from coalitions.models import (
    Affiliation,
    AuditEntry,
    Coalition,
    CoalitionInvitation,
    ImportJob,
    Organisation,
    Participation,
    StaffInvitation,
)

EXIF_MAKE = 0x010F
EXIF_ORIENTATION = 0x0112
EXIF_GPS_IFD = 0x8825


def png_bytes(size=(64, 64), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif(size=(1200, 800), make="PhoneMaker-Secret") -> bytes:
    """A landscape photo whose EXIF says to turn it a quarter and where it was taken."""
    exif = Image.Exif()
    exif[EXIF_MAKE] = make
    exif[EXIF_ORIENTATION] = 6
    exif.get_ifd(EXIF_GPS_IFD).update({1: "N", 2: (12.0, 58.0, 0.0), 3: "E", 4: (77.0, 35.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def noise_jpeg(size=(400, 400)) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, format="JPEG")
    return out.getvalue()


def phone_jpeg(size=(900, 600)) -> bytes:
    """A JPEG with a second, smaller picture inside, as phones write them (Pillow calls it MPO)."""
    out = io.BytesIO()
    Image.new("RGB", size, (10, 160, 60)).save(
        out, format="MPO", save_all=True, append_images=[Image.new("RGB", (160, 120), (0, 0, 0))]
    )
    return out.getvalue()


def gif_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("P", (32, 32)).save(out, format="GIF")
    return out.getvalue()


def stored_image(field) -> tuple[Image.Image, bytes]:
    """The picture a file field holds, decoded, and its bytes as stored."""
    with field.open("rb") as file:
        data = file.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data


def media_files(settings, folder: str) -> list[str]:
    """The names of the files in a folder of the media storage."""
    path = settings.MEDIA_ROOT / folder
    return sorted(os.listdir(path)) if path.exists() else []


SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


def db_snapshot() -> dict:
    """Everything a coalition-scoped request could change, in a form that compares with ==."""
    return {
        "audit entries": AuditEntry.objects.count(),
        "participations": sorted(Participation.objects.values_list("pk", "coalition_id", "organisation_id", "role")),
        "coalition invitations": sorted(
            CoalitionInvitation.objects.values_list("pk", "email", "revoked_at", "accepted_at")
        ),
        "staff invitations": sorted(StaffInvitation.objects.values_list("pk", "email", "revoked_at", "accepted_at")),
        "affiliations": sorted(Affiliation.objects.values_list("pk", "organisation_id", "user_id", "role", "may_vote")),
        "coalitions": sorted(
            Coalition.objects.values_list("pk", "name", "description", "language", "require_mfa_for_leads")
        ),
        "organisations": sorted(Organisation.objects.values_list("pk", "name", "acronym", "regions", "logo")),
        "imports": sorted(ImportJob.objects.values_list("pk", "status", "validated_at")),
    }
