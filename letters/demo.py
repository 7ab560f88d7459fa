"""Demo letters: the India letter of the five organisations to the Ministry of Labour (finalised,
with the petition's totals annexed, delivered by hand), PAMUSAB's French draft to the Ministère de
la santé publique (one approval, one request for changes), and the Bangladesh coalition's Bengali
letter carrying its message, ask and solution (one co-signer not named in it).

Organisations get a drawn logo and each demo login is its organisation's signatory, with a drawn
signature, confirmed through the services as a signatory would. The India letter's PDF is drawn
here, as the worker would, so the demo has a final letter to download and check.
"""

import io
import random
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from campaigns.demo import BANGLADESH, INDIA, PAMUSAB
from campaigns.models import Campaign, Outcome, Target
from coalitions import demo as coalition_demo
from coalitions.services import organisation_update

from . import services
from .models import Letter, LetterPdf

FONT = "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"
COLOURS = {
    "ndwm": (178, 34, 52), "cftui": (0, 82, 147), "areds": (0, 128, 96), "cwmi": (120, 60, 150), "ycwi": (220, 110, 0),
    "rmcs": (0, 110, 140), "spt": (60, 140, 60), "sts": (150, 40, 40),
    "wlrn": (0, 106, 78), "ksu": (200, 16, 46), "cwf": (90, 70, 160), "nage": (30, 90, 160),
}
# Not real people: the scenarios name organisations only.
SIGNATORIES = {
    "ndwm": ("Sr. Mary Joseph (demo)", "National Coordinator"),
    "cftui": ("K. Raghavan (demo)", "President"),
    "areds": ("Selvi Murugan (demo)", "President, Women's Collective"),
    "cwmi": ("Thomas Kurian (demo)", "President"),
    "ycwi": ("Anitha Raj (demo)", "National President"),
    "rmcs": ("Jeanne Niyonzima (démo)", "Coordinatrice nationale"),
    "spt": ("Eric Ndayishimiye (démo)", "Directeur exécutif"),
    "bnwlrn": ("রহিমা বেগম (ডেমো)", "সমন্বয়কারী"),
    "bnksu": ("আব্দুল করিম (ডেমো)", "সভাপতি"),
    "bncwf": ("শাহানা পারভীন (ডেমো)", "সভানেত্রী"),
    "bnnage": ("নাসরিন আক্তার (ডেমো)", "নির্বাহী পরিচালক"),
}

INDIA_BODY_1 = """Dear Secretary,

We write to you on behalf of the domestic workers of India, and of the five organisations that work with them in
more than twenty states, ahead of the vote on the Convention concerning decent work for domestic workers at the
International Labour Conference on 16 June 2011.

Domestic workers cook, clean and care in millions of Indian homes, yet most of them have no written contract, no
weekly day of rest, no minimum wage and no social security. Many are women and girls who migrated from rural
districts and live in their employers' homes.

We ask the Government of India to **vote yes** to the Convention and its Recommendation.

With respect,"""

INDIA_BODY_2 = """Dear Secretary,

We write to you on behalf of the domestic workers of India, and of the five organisations that work with them in
more than twenty states, ahead of the vote on the Convention concerning decent work for domestic workers at the
International Labour Conference on 16 June 2011.

Domestic workers cook, clean and care in millions of Indian homes, yet most of them have no written contract, no
weekly day of rest, no minimum wage and no social security. Many are women and girls who migrated from rural
districts and live in their employers' homes. Our trade unions alone count some 20,000 domestic workers among their
members.

We ask the Government of India to:

- **vote yes** to the Convention and its Recommendation on 16 June 2011;
- extend minimum wages and the social security schemes for unorganised workers to domestic workers;
- set up welfare boards for domestic workers in every state.

The signatures of thousands of domestic workers, gathered in public places across the country, are annexed.

With respect,"""

PAMUSAB_BODY = """Madame la Ministre,

La Plateforme des acteurs des mutuelles de santé au Burundi (PAMUSAB) réunit des mutuelles communautaires, des ONG
et des syndicats qui comptent ensemble plus de 160 000 membres.

Nous souhaitons vous présenter notre position commune sur la **carte d'assistance médicale (CAM)** : elle doit
devenir une porte d'entrée vers l'assurance maladie pour les ménages du secteur informel, et non un régime parallèle
aux mutuelles de santé.

Nous vous demandons de :

- associer les mutuelles de santé à la révision de la CAM ;
- permettre aux membres des mutuelles d'utiliser leur carte dans les centres de santé publics ;
- publier chaque année le nombre de bénéficiaires de la CAM par province.

Nous sollicitons une audience afin d'en discuter avec vos services.

Veuillez agréer, Madame la Ministre, l'expression de notre haute considération."""

BANGLADESH_BODY = """মাননীয় মন্ত্রী,

আমরা, বাংলাদেশের নারী কৃষি দিনমজুরদের অধিকার নিয়ে কাজ করা সংগঠন, নেটওয়ার্ক ও ইউনিয়ন, একটি অভিন্ন বার্তা, দাবি ও সমাধান নিয়ে আপনার কাছে এই চিঠি লিখছি।

**বার্তা:** কাজের সুযোগ ও মজুরিতে নারীদের সমান অধিকার রয়েছে।

**দাবি:** সরকার-সমর্থিত কৃষি কাজে সমান মজুরি প্রতিষ্ঠা করুন।

**সমাধান:** সমান মজুরি সংক্রান্ত আইন ও বিধিমালা প্রয়োগে স্থানীয় সরকার সক্রিয় ভূমিকা নিক।

রংপুর, কুড়িগ্রাম ও গাইবান্ধার মাঠে একই কাজ করে নারী দিনমজুররা পুরুষদের চেয়ে কম মজুরি পান। জাতীয় নারী উন্নয়ন নীতির আলোকে আমরা আপনার সহযোগিতা কামনা করছি।

বিনীত,"""


def _unwrapped(text: str) -> str:
    """The demo's bodies are wrapped here for reading; people type a paragraph as one line."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        joined: list[str] = []
        for line in paragraph.split("\n"):
            if line.startswith("- ") or not joined:
                joined.append(line)
            else:
                joined[-1] += " " + line
        paragraphs.append("\n".join(joined))
    return "\n\n".join(paragraphs)


def load() -> None:
    _india()
    _pamusab()
    _bangladesh()


def _user(login: str):
    return coalition_demo.demo_user(login)


def _organisation(login: str):
    return coalition_demo.demo_organisation(coalition_demo.PEOPLE[login][0])


def _png(image: Image.Image, name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _logo(organisation) -> SimpleUploadedFile:
    image = Image.new("RGBA", (480, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    colour = COLOURS.get(organisation.acronym.lower().replace("-", ""), (40, 60, 90))
    draw.rounded_rectangle((8, 8, 472, 192), radius=36, fill=colour)
    font = ImageFont.truetype(FONT, 96)
    draw.text((240, 100), organisation.short_name, font=font, fill=(255, 255, 255), anchor="mm")
    return _png(image, "logo.png")


def _signature(seed: str) -> SimpleUploadedFile:
    """A pen stroke on white paper: the re-encoding makes the paper transparent, as with a scan."""
    rng = random.Random(seed)
    image = Image.new("RGB", (600, 200), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    points, x = [], 30
    while x < 560:
        points.append((x, 100 + rng.randint(-60, 60)))
        x += rng.randint(18, 40)
    draw.line(points, fill=(20, 30, 110), width=6, joint="curve")
    draw.line([(60, 170), (420, 160)], fill=(20, 30, 110), width=4)
    return _png(image, "signature.png")


def _prepare(logins: list[str]) -> None:
    """Logos, and each login as its organisation's confirmed signatory."""
    for login in logins:
        user, organisation = _user(login), _organisation(login)
        if not organisation.logo:
            organisation_update(organisation=organisation, by=user, logo=_logo(organisation))
        if login in SIGNATORIES and not organisation.signing_assets.filter(confirmed_at__isnull=False).exists():
            name, title = SIGNATORIES[login]
            services.signing_asset_create(
                organisation=organisation, by=user, signatory=user, name=name, title=title,
                signature_upload=_signature(login), confirm=True,
            )


def _decide(letter: Letter, login: str, decision: str = "approve", comment: str = "") -> None:
    services.letter_decide(
        letter=letter, by=_user(login), organisation=_organisation(login), decision=decision,
        version_sha256=letter.current_version.sha256, comment=comment,
    )


def _fields(campaign: Campaign, *, subject, body, language, place, on, target, cosigners, petition=None) -> dict:
    return {
        "subject": subject, "body": _unwrapped(body), "language": language, "place": place, "on": on,
        "targets": [Target.objects.get(campaign=campaign, name=target)],
        "cosigners": [(_organisation(login), named) for login, named in cosigners], "petition": petition,
    }


def _india() -> None:
    from signatures.demo import SLUG
    from signatures.models import Petition

    campaign = Campaign.objects.filter(coalition__slug=INDIA, slug="ilo-c189").first()
    if campaign is None or campaign.letters.exists():
        return
    logins = ["ndwm", "cftui", "areds", "cwmi", "ycwi"]
    _prepare(logins)
    fields = dict(
        subject="Decent work for domestic workers: vote yes to the ILO Convention on 16 June 2011",
        language="en", place="New Delhi", on=date(2011, 5, 20), target="Ministry of Labour and Employment",
        cosigners=[(login, True) for login in logins], petition=Petition.objects.filter(slug=SLUG).first(),
    )
    letter = services.letter_create(
        campaign=campaign, by=_user("ndwm"), organisation=_organisation("ndwm"),
        **_fields(campaign, body=INDIA_BODY_1, **fields),
    )
    _decide(letter, "ndwm")
    _decide(letter, "areds")
    _decide(
        letter, "cftui", "changes",
        "Please say how many domestic workers our unions organise, and add the social security and welfare board asks.",
    )
    services.letter_revise(
        letter=letter, by=_user("cftui"), organisation=_organisation("cftui"),
        note="Adds the number of unionised domestic workers and the asks on wages, social security and welfare boards.",
        **_fields(campaign, body=INDIA_BODY_2, **fields),
    )
    for login in logins:
        _decide(letter, login)
    pdf = services.letter_finalise(letter=letter, by=_user("ndwm"))
    services.letter_pdf_render(pdf_id=pdf.pk)
    letter.refresh_from_db()
    if LetterPdf.objects.get(pk=pdf.pk).is_ready:
        target = Target.objects.get(campaign=campaign, name=fields["target"])
        delivery = services.letter_delivery_record(
            letter=letter, by=_user("ndwm"), organisation=_organisation("ndwm"), target=target,
            delivered_on=date(2011, 5, 24), method="hand", delivered_to="Office of the Secretary (Labour), Shram Shakti Bhawan",
        )
        services.letter_response_record(
            delivery=delivery, by=_user("ndwm"), response=Outcome.ACKNOWLEDGED, response_on=date(2011, 6, 2),
            summary="The Ministry acknowledged the letter and said the Government's position would be constructive.",
        )


def _pamusab() -> None:
    campaign = Campaign.objects.filter(coalition__slug=PAMUSAB, slug="carte-cam").first()
    if campaign is None or campaign.letters.exists():
        return
    _prepare(["rmcs", "spt", "sts"])
    letter = services.letter_create(
        campaign=campaign, by=_user("rmcs"), organisation=_organisation("rmcs"),
        **_fields(
            campaign, subject="Position commune de la PAMUSAB sur la carte d'assistance médicale (CAM)",
            body=PAMUSAB_BODY, language="fr", place="Bujumbura", on=timezone.localdate(),
            target="Ministère de la santé publique et de la lutte contre le Sida",
            cosigners=[("rmcs", True), ("spt", True), ("sts", True)],
        ),
    )
    _decide(letter, "spt")
    _decide(
        letter, "sts", "changes",
        "Nous demandons d'ajouter la situation du personnel des centres de santé, payé avec retard quand la CAM "
        "rembourse tard.",
    )


def _bangladesh() -> None:
    campaign = Campaign.objects.filter(coalition__slug=BANGLADESH, slug="equal-pay").first()
    if campaign is None or campaign.letters.exists():
        return
    _prepare(["bnwlrn", "bnksu", "bncwf", "bnnage"])
    letter = services.letter_create(
        campaign=campaign, by=_user("bnwlrn"), organisation=_organisation("bnwlrn"),
        **_fields(
            campaign, subject="সরকার-সমর্থিত কৃষি কাজে নারী দিনমজুরদের সমান মজুরি", body=BANGLADESH_BODY, language="bn",
            place="ঢাকা", on=timezone.localdate(), target="Ministry of Women and Children Affairs",
            # The char women's forum works where speaking up is risky: it co-signs without being named.
            cosigners=[("bnwlrn", True), ("bnksu", True), ("bnnage", True), ("bncwf", False)],
        ),
    )
    _decide(letter, "bnwlrn")
    _decide(letter, "bnksu")
