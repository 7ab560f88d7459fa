"""The PDF of a jointly signed letter: what the platform adds to WeasyPrint drawing the same HTML.

A letter of the India coalition (5 co-signers with logos and signatures, a ~600-word body, the
petition annex) and the same letter signed by 200 organisations. For each, the median of a few
runs after one warm-up of `letter_pdf(doc)` (glyph check, PDF/A-3b, manifest, each line's text)
and of WeasyPrint drawing `letter_html(doc)` as it is, with the same fetcher; `ratio` is the
median of the first over the second, run by run (target: ≤ 1.2). Also writes bench/out/letter-demo.pdf and letter-bn.pdf.

Called by bench/run.py; `python bench/letters.py` runs it alone and updates bench/out/results.json.
"""

import io
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RUNS = int(os.environ.get("BENCH_LETTER_RUNS", "5"))
TARGET_RATIO = 1.2

ORGANISATIONS = [
    ("National Domestic Workers Movement", "NDWM", "Meera Thomas", "National Coordinator"),
    ("Confederation of Free Trade Unions of India", "CFTUI", "Arun Prakash", "General Secretary"),
    ("Association for Rural Education and Development Service", "AREDS", "Kavita Rao", "Director"),
    ("Chennai Women's Movement", "CWM-I", "Selvi Ramasamy", "President"),
    ("Young Christian Workers India", "YCW-I", "Francis Pereira", "National President"),
]
REGIONS = [
    ("Tamil Nadu", 18_420), ("Kerala", 9_310), ("Maharashtra", 7_845), ("Karnataka", 6_120),
    ("West Bengal", 5_990), ("Delhi", 4_215), ("Jharkhand", 2_730), ("Odisha", 1_880),
]  # fmt: skip
CHANNELS = [("Online", 31_240), ("Paper forms", 19_870), ("Field events", 5_400)]

BODY = """Dear Minister,

We write to you jointly, as organisations of domestic workers, trade unions and civil society
groups working across India, to ask the Government of India to ratify the ILO Domestic Workers
Convention, 2011 (No. 189), and to bring domestic work fully within the protection of national
labour law.

## Who we speak for

More than four million women and men work in private homes across the country, cooking,
cleaning and caring for children and elderly people. Most of them are women, many are migrants
from other states, and a large share began working as children. Their work makes the working
lives of millions of other families possible, yet it is still treated as something other than
work: it is rarely written down, it is paid far below the minimum wage of other sectors, and it
is left out of most of the laws that protect workers in factories, shops and offices.

## What domestic workers face

Our members tell us every week of wages withheld for months, of working days of fourteen hours
without a weekly rest, of workers locked inside the homes where they work, and of physical and
sexual abuse that goes unpunished because the worker has no contract, no proof of employment and
nowhere safe to turn. Migrant workers placed by unregistered agencies are the most exposed: many
do not know the name of their employer's street, and cannot leave without losing the wages they
are owed. During the pandemic, hundreds of thousands lost their work overnight, with no notice,
no severance and no access to the relief given to other workers.

## What ratification would change

Convention No. 189 does not ask for anything that India has not already promised its other
workers. It asks that domestic workers have the same basic rights: a written statement of their
terms of employment, a minimum wage, limits on hours and a weekly day of rest, social security,
protection from abuse and harassment, and access to courts and complaint mechanisms. Several
states have already taken steps in this direction, by including domestic work in their minimum
wage schedules or by setting up welfare boards; ratification would give these efforts a common
national floor, and would make the regulation of placement agencies a shared responsibility.

## Our requests

We therefore respectfully ask the Government of India:

1. to ratify Convention No. 189 and its accompanying Recommendation No. 201;
2. to adopt a national law on domestic work, drafted with the participation of domestic
   workers' organisations, that guarantees the rights set out in the Convention;
3. to include domestic workers in the codes on wages, social security and occupational safety,
   with registration that a worker can complete herself, in her own language;
4. to regulate and register placement agencies, and to make them jointly liable for the wages
   and safety of the workers they place.

More than fifty-six thousand people have signed our petition in support of these requests; a
summary by region and by channel is annexed to this letter. We would welcome the opportunity to
meet you, with representatives of domestic workers themselves, to discuss how these steps can be
taken in the coming session of Parliament.

> "Our work is work, and we are workers." — a member of the National Domestic Workers Movement

Yours sincerely,
"""

BODY_BN = """মাননীয় মন্ত্রী মহোদয়,

আমরা, ভারতের গৃহকর্মী সংগঠন, শ্রমিক ইউনিয়ন ও নাগরিক সমাজের সংগঠনগুলি, যৌথভাবে আপনাকে
লিখছি। গৃহকর্মীদের সুরক্ষা নিশ্চিত করতে আমরা আইএলও কনভেনশন ১৮৯ অনুসমর্থনের আহ্বান জানাই।

## আমাদের দাবি

- কনভেনশন ১৮৯ অনুসমর্থন করা;
- গৃহকর্মীদের জন্য একটি জাতীয় আইন প্রণয়ন করা, যা ন্যূনতম মজুরি, সাপ্তাহিক ছুটি ও সামাজিক সুরক্ষা নিশ্চিত করবে;
- নিয়োগ সংস্থাগুলির নিবন্ধন ও নিয়ন্ত্রণ।

আমাদের আবেদনে ছাপ্পান্ন হাজারেরও বেশি মানুষ স্বাক্ষর করেছেন।

বিনীত,
"""


def _logo_png(acronym: str, hue: int) -> bytes:
    """A logo as organisations upload them: a coloured mark and their acronym, 360×140."""
    from PIL import Image, ImageDraw, ImageFont

    colour = tuple(int(c) for c in _hsv(hue, 0.65, 0.7))
    image = Image.new("RGB", (360, 140), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 130, 130), fill=colour)
    draw.polygon([(70, 30), (110, 110), (30, 110)], fill="white")
    draw.text((145, 45), acronym, fill=colour, font=ImageFont.load_default(size=44))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _hsv(hue: int, saturation: float, value: float) -> tuple[float, float, float]:
    import colorsys

    return tuple(255 * c for c in colorsys.hsv_to_rgb(hue / 360, saturation, value))


def _signature_png(seed: int) -> bytes:
    """A signature as the upload re-encodes it: dark strokes on transparency, 600×200."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    x, y = 30, 120
    points = [(x, y)]
    for _ in range(40):
        x += rng.randint(6, 16)
        y = max(30, min(170, y + rng.randint(-35, 35)))
        points.append((x, y))
    draw.line(points, fill=(20, 30, 90, 255), width=5, joint="curve")
    draw.line([(40, 160), (x, 150)], fill=(20, 30, 90, 255), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def india_letter(*, cosigners: int = 5, final: bool = True, language: str = "en"):
    """The India coalition's letter on Convention 189, signed by `cosigners` named organisations."""
    from letters.document import (
        Approval,
        Cosigner,
        LetterDocument,
        PetitionAnnex,
        Recipient,
        Signatory,
    )

    organisations = list(ORGANISATIONS)
    for number in range(len(organisations), cosigners):
        organisations.append((
            f"Domestic Workers' Union of District {number + 1}", f"DWU-{number + 1}",
            f"Signatory {number + 1}", "Secretary",
        ))  # fmt: skip
    named = tuple(
        Cosigner(
            name=name, acronym=acronym, logo_png=_logo_png(acronym, number * 47 % 360),
            signatory=Signatory(name=person, title=title, signature_png=_signature_png(number)),
        )
        for number, (name, acronym, person, title) in enumerate(organisations[:cosigners])
    )  # fmt: skip
    sha256 = "3f7a9c2e5b8d1f4a6c0e9b7d2a5f8c1e4b7a0d3f6c9e2b5a8d1f4c7e0a3b6d9f"
    approved = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    bengali = language == "bn"
    return LetterDocument(
        subject=(
            "আইএলও কনভেনশন ১৮৯ অনুসমর্থন: গৃহকর্মীদের সুরক্ষা" if bengali
            else "Ratification of ILO Convention No. 189 on decent work for domestic workers"
        ),
        body_markdown=BODY_BN if bengali else BODY,
        language=language,
        place="কলকাতা" if bengali else "New Delhi",
        date=date(2026, 12, 3),
        recipients=(
            Recipient(
                name="The Union Minister of Labour and Employment", title="",
                institution="Ministry of Labour and Employment, Government of India",
                address="Shram Shakti Bhawan, Rafi Marg\nNew Delhi 110001",
            ),
        ),  # fmt: skip
        cosigners=named,
        unnamed_count=3,
        final=final,
        version_number=4,
        version_sha256=sha256,
        author="Domestic Workers' Rights Coalition — India",
        verification_url="https://coalition.example.org/letters/verify/q8Zk3vT1mN0xR2pL/",
        petition=PetitionAnnex(
            title="Ratify ILO C189 now", total=sum(count for _, count in REGIONS),
            by_region=tuple(REGIONS), by_channel=tuple(CHANNELS),
        ),  # fmt: skip
        approvals=tuple(
            Approval(organisation=cosigner.name, version_sha256=sha256, approved_at=approved + timedelta(hours=n))
            for n, cosigner in enumerate(named)
        ),
        unnamed_approvals=3,
    )


def write_demo_pdfs(out_dir: Path) -> list[Path]:
    """A final letter in English and one in Bengali, to look at."""
    from letters.render import letter_pdf

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, doc in (("letter-demo.pdf", india_letter()), ("letter-bn.pdf", india_letter(language="bn"))):
        path = out_dir / name
        path.write_bytes(letter_pdf(doc))
        written.append(path)
    return written


def _seconds(draw) -> float:
    start = time.perf_counter()
    draw()
    return time.perf_counter() - start


def bench_letters() -> dict:
    """The `letter` figures."""
    import weasyprint

    from letters.render import ASSET_BASE_URL, AssetFetcher, letter_html, letter_pdf

    figures = {}
    for count in (5, 200):
        doc = india_letter(cosigners=count)
        html = letter_html(doc)

        def platform(doc=doc):
            return letter_pdf(doc)

        def weasyprint_alone(html=html):
            return weasyprint.HTML(string=html, base_url=ASSET_BASE_URL, url_fetcher=AssetFetcher()).write_pdf()

        platform()
        weasyprint_alone()
        # In pairs, one right after the other, so that a busier moment of the machine weighs on
        # both sides of a ratio alike.
        platform_s, alone_s, ratios = [], [], []
        for _ in range(RUNS):
            platform_s.append(_seconds(platform))
            alone_s.append(_seconds(weasyprint_alone))
            ratios.append(platform_s[-1] / alone_s[-1])
        figures[f"orgs{count}_s"] = round(statistics.median(platform_s), 3)
        figures[f"orgs{count}_ratio"] = round(statistics.median(ratios), 2)
        figures[f"orgs{count}_weasyprint_s"] = round(statistics.median(alone_s), 3)
        figures[f"orgs{count}_kb"] = round(len(platform()) / 1024, 1)
    write_demo_pdfs(OUT)
    return {"letter": figures}


def print_figures(results: dict) -> None:
    letter = results.get("letter")
    if not letter:
        return
    for count in (5, 200):
        print(
            f"{f'letter PDF ({count} orgs)':<28} {letter[f'orgs{count}_s']:>7} s  "
            f"WeasyPrint alone {letter[f'orgs{count}_weasyprint_s']} s  ratio {letter[f'orgs{count}_ratio']}  "
            f"{letter[f'orgs{count}_kb']} KB  (target: ratio ≤ {TARGET_RATIO})"
        )


def main() -> None:
    results_path = OUT / "results.json"
    results = bench_letters()
    previous = json.loads(results_path.read_text()) if results_path.exists() else {}
    OUT.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps({**previous, **results}, indent=2))
    print_figures(results)
    print(f"written to {results_path}, {OUT / 'letter-demo.pdf'} and {OUT / 'letter-bn.pdf'}")


if __name__ == "__main__":
    sys.path[0] = str(ROOT)  # the project's packages, not bench/'s modules, by their plain names
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    main()
