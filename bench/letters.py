"""The PDF of a jointly signed letter: what the platform adds to WeasyPrint drawing the same HTML.

The demo's India letter (the five organisations to the Ministry of Labour: logos, signatures,
the petition annex), and the same letter signed by 200 organisations. For each, the median of a
few runs after one warm-up of `letter_pdf(doc)` (glyph check, PDF/A-3b, manifest, each line's
text) and of WeasyPrint drawing `letter_html(doc)` as it is, with the same fetcher; `ratio` is
the median of the first over the second, run by run (target: ≤ 1.2). Also writes
bench/out/letter-demo.pdf (the India letter as finalised) and letter-bn.pdf (the Bangladesh
coalition's Bengali letter).

Called by bench/run.py, which loads the demo; `python bench/letters.py` runs it alone (on a
scratch database, as bench/run.py does) and updates bench/out/results.json.
"""

import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RUNS = int(os.environ.get("BENCH_LETTER_RUNS", "5"))
TARGET_RATIO = 1.2


def _demo_letter(campaign_slug: str):
    from letters.models import Letter

    return Letter.objects.select_related("current_version", "campaign__coalition").get(campaign__slug=campaign_slug)


def india_letter(*, cosigners: int = 5):
    """The demo's finalised India letter, as the worker drew it, signed by `cosigners` organisations:
    beyond its five, organisations like its own, with its logos and signatures."""
    from letters.document import Approval, Cosigner
    from letters.selectors import letter_document

    doc = letter_document(_demo_letter("ilo-c189").current_version, final=True)
    own = doc.cosigners
    named = list(own[:cosigners])
    approvals = list(doc.approvals[:cosigners])
    for number in range(len(own), cosigners):
        model = own[number % len(own)]
        name = f"Domestic Workers' Union of District {number + 1}"
        named.append(Cosigner(name=name, acronym=f"DWU-{number + 1}", logo_png=model.logo_png, signatory=model.signatory))
        approvals.append(Approval(organisation=name, version_sha256=doc.version_sha256, approved_at=doc.approvals[-1].approved_at))
    return dataclasses.replace(doc, cosigners=tuple(named), approvals=tuple(approvals))


def write_demo_pdfs(out_dir: Path) -> list[Path]:
    """The India letter exactly as finalised, and the Bengali letter as its draft PDF."""
    from letters.models import LetterPdf
    from letters.render import letter_pdf
    from letters.selectors import letter_document

    out_dir.mkdir(parents=True, exist_ok=True)
    india = LetterPdf.objects.get(version=_demo_letter("ilo-c189").current_version, final=True)
    bengali = letter_document(_demo_letter("equal-pay").current_version, final=False)
    written = [out_dir / "letter-demo.pdf", out_dir / "letter-bn.pdf"]
    written[0].write_bytes(india.file.read())
    written[1].write_bytes(letter_pdf(bengali))
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
    from django.core.management import call_command

    from bench.signing import merge_results

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    results = bench_letters()
    results_path = merge_results(results)
    print_figures(results)
    print(f"written to {results_path}, {OUT / 'letter-demo.pdf'} and {OUT / 'letter-bn.pdf'}")


if __name__ == "__main__":
    sys.path[0] = str(ROOT)  # the project's packages, not bench/'s modules, by their plain names
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    import django

    django.setup()
    main()
