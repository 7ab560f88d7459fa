"""The India coalition's petition for ratifying ILO Convention 189, with a few hundred signatures.

Signatures are written straight to the table (confirmed, as if each signer had clicked their
link) so that loading the demo sends no mail to made-up addresses; the counts then come from
the same batch count the worker runs.
"""

import hashlib
import random
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from campaigns.demo import INDIA, INDIA_PARTNERS
from campaigns.models import Campaign
from coalitions import demo as coalition_demo

from . import services
from .models import PaperTotal, Petition, Signature, SignatureChannel, Visibility

SLUG = "ratify-c189"
REGIONS = [
    "Kerala", "Tamil Nadu", "Karnataka", "Maharashtra", "Andhra Pradesh", "Delhi", "West Bengal", "Jharkhand",
    "Goa", "Odisha",
]
# How many signatures each region gathered online, in the field and on typed-in paper sheets.
SIGNATURES = {
    "Kerala": (38, 40, 24), "Tamil Nadu": (44, 30, 16), "Karnataka": (22, 6, 4), "Maharashtra": (30, 8, 0),
    "Andhra Pradesh": (12, 6, 6), "Delhi": (26, 0, 0), "West Bengal": (14, 4, 0), "Jharkhand": (6, 0, 0),
    "Goa": (3, 0, 0), "Odisha": (2, 0, 0),
}
TEXTS = {
    "en": (
        "India: ratify ILO Convention 189 for domestic workers",
        "Domestic work is work. Millions of domestic workers in India cook, clean and care for children and elders "
        "without a minimum wage, limits on working hours, a weekly day of rest or social security.\n\n"
        "India voted yes to Convention 189 on decent work for domestic workers in June 2011. We ask the Government "
        "of India to ratify it and to extend the protection of its labour laws to domestic workers.",
    ),
    "bn": (
        "ভারত: গৃহকর্মীদের জন্য আইএলও কনভেনশন ১৮৯ অনুসমর্থন করুন",
        "গৃহকর্মও কাজ। ভারতের লক্ষ লক্ষ গৃহকর্মী ন্যূনতম মজুরি, কাজের সময়ের সীমা, সাপ্তাহিক ছুটি বা সামাজিক "
        "সুরক্ষা ছাড়াই রান্না করেন, পরিষ্কার করেন, শিশু ও বয়স্কদের যত্ন নেন।\n\n"
        "২০১১ সালের জুনে ভারত গৃহকর্মীদের শোভন কাজ বিষয়ক কনভেনশন ১৮৯-এর পক্ষে ভোট দিয়েছিল। আমরা ভারত সরকারকে "
        "এটি অনুসমর্থন করতে এবং শ্রম আইনের সুরক্ষা গৃহকর্মীদের জন্যও প্রসারিত করতে আহ্বান জানাই।",
    ),
    "fr": (
        "Inde : ratifiez la Convention 189 de l'OIT sur les travailleuses et travailleurs domestiques",
        "Le travail domestique est un travail. En Inde, des millions de travailleuses domestiques cuisinent, "
        "nettoient et s'occupent des enfants et des aînés sans salaire minimum, sans limite d'horaires, sans jour de "
        "repos ni sécurité sociale.\n\n"
        "L'Inde a voté pour la Convention 189 en juin 2011. Nous demandons au gouvernement indien de la ratifier et "
        "d'étendre la protection du droit du travail aux travailleuses et travailleurs domestiques.",
    ),
    "es": (
        "India: ratifique el Convenio 189 de la OIT sobre las trabajadoras y los trabajadores domésticos",
        "El trabajo doméstico es trabajo. En la India, millones de trabajadoras domésticas cocinan, limpian y "
        "cuidan de niños y mayores sin salario mínimo, sin límite de jornada, sin descanso semanal ni seguridad "
        "social.\n\n"
        "La India votó a favor del Convenio 189 en junio de 2011. Pedimos al Gobierno de la India que lo ratifique y "
        "que extienda la protección de la legislación laboral a las trabajadoras y los trabajadores domésticos.",
    ),
}
FIRST = [
    "Asha", "Lakshmi", "Meena", "Selvi", "Rani", "Kavita", "Sunita", "Mary", "Fatima", "Rekha", "Anjali", "Priya",
    "Geeta", "Joseph", "Ravi", "Suresh", "Thomas", "Arun", "Shanti", "Latha", "Devi", "Parvati", "Usha", "Nirmala",
]
LAST = [
    "Devi", "Kumari", "Nair", "Pillai", "Das", "Rao", "Sharma", "Fernandes", "Thomas", "Murugan", "Khan", "Patil",
    "Reddy", "Menon", "Joseph", "Singh", "Ghosh", "Kujur",
]
PAPER_SHEETS = [("Kerala", 60, 12, "Public meeting, Kochi: sheets without legible names"), ("Tamil Nadu", 35, 20, "")]


def load() -> None:
    campaign = Campaign.objects.filter(coalition__slug=INDIA, slug="ilo-c189").first()
    if campaign is None or Petition.objects.filter(slug=SLUG).exists():
        return
    lead = coalition_demo.demo_user("ndwm")
    organisations = [coalition_demo.demo_organisation(coalition_demo.PEOPLE[login][0]) for login in INDIA_PARTNERS]
    petition = services.petition_create(
        campaign=campaign, by=lead, slug=SLUG, goal=1000, regions=REGIONS, organisations=organisations
    )
    for language, (title, body) in TEXTS.items():
        text = services.petition_text_set(petition=petition, by=lead, language=language, title=title, body=body)
        services.petition_text_approve(text=text, by=lead)
    services.petition_open(petition=petition, by=lead)
    _signatures(petition)
    services.tallies_add_confirmed()


def _signatures(petition: Petition) -> None:
    rng = random.Random(189)
    now = timezone.now()
    collectors = [coalition_demo.demo_user("cftui"), coalition_demo.demo_user("ndwm")]
    rows, n = [], 0
    for region, per_channel in SIGNATURES.items():
        for channel, count in zip(SignatureChannel.values, per_channel, strict=True):
            for _ in range(count):
                n += 1
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                # Most signers of the last six weeks; field days come in bursts.
                days_ago = rng.choice([2, 3, 9, 16]) if channel == SignatureChannel.FIELD else rng.randint(0, 42)
                signed = now - timedelta(days=days_ago, minutes=rng.randint(0, 600))
                email = "" if channel == SignatureChannel.PAPER and n % 3 else f"signer{n}@demo.example"
                rows.append(
                    Signature(
                        petition=petition, name=name, email=email, canonical_email=email, region=region,
                        visibility=rng.choice([Visibility.COUNTED, Visibility.INITIALS, Visibility.FULL_NAME]),
                        channel=channel,
                        collector=rng.choice(collectors) if channel == SignatureChannel.FIELD else None,
                        token_hash=hashlib.sha256(f"demo-signature-{n}".encode()).hexdigest(),
                        confirmed_at=signed,
                    )
                )
    Signature.objects.bulk_create(rows)
    # created_at is set on insert; the demo rows are dated as they were signed.
    Signature.objects.filter(petition=petition).update(created_at=F("confirmed_at"))
    for region, count, days_ago, note in PAPER_SHEETS:
        PaperTotal.objects.create(
            petition=petition, count=count, region=region, collected_on=(now - timedelta(days=days_ago)).date(),
            note=note, recorded_by=collectors[0],
        )
