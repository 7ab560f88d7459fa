"""Uploaded images are decoded, checked and drawn again; nothing of the original file is kept.

Re-encoding drops whatever rides along in an upload: EXIF with the GPS position of the phone
that took the picture, scripts in polyglot files, and image formats we never meant to serve.
Logos are checked here; other kinds of picture (letters/assets.py) bring rules of their own.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Phones save photos as JPEG with a second, smaller picture inside; Pillow names those MPO.
ALLOWED_FORMATS = {"PNG", "JPEG", "MPO"}
# Only these parsers ever read an upload (Pillow's JPEG parser also opens MPO files).
PARSERS = ("PNG", "JPEG")


@dataclass(frozen=True)
class ImageRules:
    """What one kind of upload may be, and how its refusals read to the person who sent it."""

    max_bytes: int
    max_pixels: int
    # The stored picture fits in this box (width, height); a smaller one is not enlarged.
    box: tuple[int, int]
    too_large: str
    too_many_pixels: str
    not_png_or_jpeg: str


def image_validate(upload, rules: ImageRules) -> None:
    if upload.size > rules.max_bytes:
        raise ValidationError(rules.too_large)
    try:
        upload.seek(0)
        with Image.open(upload, formats=PARSERS) as image:
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(rules.not_png_or_jpeg)
            if image.width * image.height > rules.max_pixels:
                raise ValidationError(rules.too_many_pixels)
            image.verify()
        # verify() checks little beyond PNG checksums; only decoding the pixels finds a cut-off JPEG.
        upload.seek(0)
        with Image.open(upload, formats=PARSERS) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(rules.not_png_or_jpeg) from error
    finally:
        upload.seek(0)


def image_reencode(
    upload, rules: ImageRules, *, name: str, adjust: Callable[[Image.Image], Image.Image] | None = None
) -> ContentFile:
    """The upload checked, turned upright and drawn again as an RGBA PNG that fits `rules.box`.

    `adjust` changes the full-size picture before it is shrunk."""
    image_validate(upload, rules)
    with Image.open(upload, formats=PARSERS) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA")
        if adjust is not None:
            image = adjust(image)
        image.thumbnail(rules.box)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=name)


def megabytes(size: int) -> int:
    return size // (1024 * 1024)


def logo_rules() -> ImageRules:
    # Made at each upload: the messages in the language of the request, the limits as set now.
    return ImageRules(
        max_bytes=settings.LOGO_MAX_UPLOAD_BYTES,
        max_pixels=settings.LOGO_MAX_PIXELS,
        box=(settings.LOGO_STORED_SIZE, settings.LOGO_STORED_SIZE),
        too_large=_("The logo is too large: at most %(size)s MB.") % {"size": megabytes(settings.LOGO_MAX_UPLOAD_BYTES)},
        too_many_pixels=_("The logo has too many pixels; please send a smaller image."),
        not_png_or_jpeg=_("The logo must be a PNG or JPEG image."),
    )


def logo_validate(upload) -> None:
    image_validate(upload, logo_rules())


def logo_reencode(upload) -> ContentFile:
    return image_reencode(upload, logo_rules(), name="logo.png")
