"""Signature images: checked and drawn again like logos (coalitions/images.py), with limits of their own.

A signature is stored as a PNG with transparency, cropped to the ink, so that a letter can set it
above the signatory's name whatever lies beneath. A scan or a photo of a signature on paper has
its paper made transparent; a picture that came with transparency keeps it as it is.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image

from coalitions.images import ImageRules, image_reencode, image_validate, megabytes

# Grey levels (0 black, 255 white): from PAPER up a pixel is paper and goes transparent; up to
# INK it is ink and stays opaque; between the two it fades, which keeps the strokes' edges smooth.
PAPER = 235
INK = 160
INK_ALPHA = [255 if grey <= INK else max(0, (PAPER - grey) * 255 // (PAPER - INK)) for grey in range(256)]


def signature_rules() -> ImageRules:
    return ImageRules(
        max_bytes=settings.SIGNATURE_MAX_UPLOAD_BYTES,
        max_pixels=settings.SIGNATURE_MAX_PIXELS,
        box=settings.SIGNATURE_STORED_SIZE,
        too_large=_("The signature image is too large: at most %(size)s MB.")
        % {"size": megabytes(settings.SIGNATURE_MAX_UPLOAD_BYTES)},
        too_many_pixels=_("The signature image has too many pixels; please send a smaller image."),
        not_png_or_jpeg=_("The signature must be a PNG or JPEG image."),
    )


def signature_validate(upload) -> None:
    image_validate(upload, signature_rules())


def signature_reencode(upload) -> ContentFile:
    return image_reencode(upload, signature_rules(), name="signature.png", adjust=paper_cleared)


def paper_cleared(image: Image.Image) -> Image.Image:
    """The RGBA picture with its near-white paper transparent (if it had no transparency), cropped to the ink."""
    if image.getchannel("A").getextrema()[0] == 255:
        image.putalpha(image.convert("L").point(INK_ALPHA))
    ink = image.getchannel("A").getbbox()
    return image.crop(ink) if ink else image
