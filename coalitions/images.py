"""Uploaded logos are decoded, checked and drawn again; nothing of the original file is kept.

Re-encoding drops whatever rides along in an upload: EXIF with the GPS position of the phone
that took the picture, scripts in polyglot files, and image formats we never meant to serve.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Phones save photos as JPEG with a second, smaller picture inside; Pillow names those MPO.
ALLOWED_FORMATS = {"PNG", "JPEG", "MPO"}


def logo_validate(upload) -> None:
    if upload.size > settings.LOGO_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The logo is too large: at most %(size)s MB.") % {"size": settings.LOGO_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(_("The logo must be a PNG or JPEG image."))
            if image.width * image.height > settings.LOGO_MAX_PIXELS:
                raise ValidationError(_("The logo has too many pixels; please send a smaller image."))
            image.verify()
        # verify() checks little beyond PNG checksums; only decoding the pixels finds a cut-off JPEG.
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(_("The logo must be a PNG or JPEG image.")) from error
    finally:
        upload.seek(0)


def logo_reencode(upload) -> ContentFile:
    logo_validate(upload)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA")
        image.thumbnail((settings.LOGO_STORED_SIZE, settings.LOGO_STORED_SIZE))
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="logo.png")
