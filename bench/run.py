"""Benchmarks: prints figures and writes bench/out/results.json.

Runs against DATABASE_URL / REDIS_URL when set, otherwise a scratch SQLite database in var/.
The signing benchmark (bench/signing.py) needs both; it uses a database and a Redis database of its own.
The fan-out benchmark (bench/fanout.py) needs Redis; it compares the channel layers through real servers.
The letter benchmark (bench/letters.py) draws the demo letters.
Usage: make bench   (or: .venv/bin/python bench/run.py)
"""

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import django  # noqa: E402

django.setup()

from channels.db import database_sync_to_async  # noqa: E402
from channels.testing import WebsocketCommunicator  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.fanout import bench_fanout  # noqa: E402
from bench.fanout import print_figures as print_fanout_figures  # noqa: E402
from bench.letters import bench_letters  # noqa: E402
from bench.letters import print_figures as print_letter_figures  # noqa: E402
from bench.signing import bench_signing, ensure_database, print_figures  # noqa: E402

OUT = ROOT / "bench" / "out"
CHROMIUM = "/usr/bin/chromium"
# A member in the field on a 2G link: 250 kbit/s down, 50 kbit/s up, 300 ms round trip.
SLOW_LINK = {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8, "uploadThroughput": 50_000 / 8}
SLOW_LINK_RUNS = 5


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def summary(samples_ms: list[float]) -> dict:
    return {
        "n": len(samples_ms),
        "p50_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(percentile(samples_ms, 0.95), 2),
        "max_ms": round(max(samples_ms), 2),
    }


def timed_get(client: Client, url: str, runs: int) -> tuple[dict, int]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return summary(samples), len(queries)


def _latest_scorecard_round() -> int:
    from coalitions.scorecards.models import ScorecardRound

    return ScorecardRound.objects.filter(coalition__slug="india-domestic-workers").latest("pk").pk


def bench_pages() -> dict:
    from coalitions.models import User

    client = Client()
    client.force_login(User.objects.get(email="ndwm@demo.example"))
    results = {}
    coalition = "/c/india-domestic-workers/"
    pages = {
        "dashboard": "/", "coalition_page": coalition, "activity_page": coalition + "activity/",
        "balance_page (since begun)": coalition + "balance/?period=all", "decisions_page": coalition + "decisions/",
        "scorecard_round_page": coalition + f"scorecard/{_latest_scorecard_round()}/",
        "commitments_page": coalition + "campaigns/ilo-c189/commitments/",
    }
    for name, url in pages.items():
        timing, queries = timed_get(client, url, runs=60)
        results[name] = {**timing, "queries": queries}
    return results


def _bench_campaign(task_count: int):
    """A campaign in the India coalition with `task_count` tasks spread over 40 targets."""
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.models import Campaign, StanceAssessment, Target, TargetOrganisation, Task
    from coalitions.models import Coalition, Organisation

    coalition = Coalition.objects.get(slug="india-domestic-workers")
    slug = f"bench-{task_count}"
    campaign, created = Campaign.objects.get_or_create(coalition=coalition, slug=slug, defaults={"title": slug})
    if created:
        organisations = list(Organisation.objects.filter(acronym__in=["NDWM", "CFTUI", "AREDS", "CWM-I", "YCW-I"]))
        today = timezone.localdate()
        targets = [
            Target.objects.create(campaign=campaign, name=f"Target {n}", kind="mp", influence=1 + n % 5) for n in range(40)
        ]
        for n, target in enumerate(targets):
            TargetOrganisation.objects.create(target=target, organisation=organisations[n % 5], role="lead")
            StanceAssessment.objects.create(
                target=target, stance=(n % 5) - 2, assessed_on=today, organisation=organisations[n % 5]
            )
        Task.objects.bulk_create(
            Task(
                campaign=campaign, target=targets[n % 40], organisation=organisations[n % 5], channel="meeting",
                due_on=today + timedelta(days=(n % 30) - 10), status=["todo", "doing", "done"][n % 3],
            )
            for n in range(task_count)
        )
    return campaign


def bench_campaign_pages() -> dict:
    from coalitions.models import User

    client = Client()
    client.force_login(User.objects.get(email="cftui@demo.example"))
    results = {}
    for task_count in (10, 200):
        campaign = _bench_campaign(task_count)
        base = f"/c/india-domestic-workers/campaigns/{campaign.slug}/"
        for name, url in {
            "plan_board": base + "plan/?group=target",
            "power_map": base + "power-map/",
            "target_list": base + "targets/",
            "plan_csv": base + "plan.csv",
        }.items():
            timing, queries = timed_get(client, url, runs=30)
            results[f"{name} ({task_count} tasks)"] = {**timing, "queries": queries}
    return results


async def bench_live_event_latency(rounds: int = 40) -> dict:
    """From a committed service call to the event arriving on a member's socket."""
    from django.conf import settings
    from django.test import Client as SyncClient

    from coalitions.models import Coalition, Participation, User
    from coalitions.services import participation_role_change
    from config.asgi import application

    lead = await database_sync_to_async(User.objects.get)(email="ndwm@demo.example")
    member = await database_sync_to_async(User.objects.get)(email="cftui@demo.example")

    def session_cookie() -> str:
        client = SyncClient()
        client.force_login(member)
        return client.cookies["sessionid"].value

    cookie = await database_sync_to_async(session_cookie)()
    communicator = WebsocketCommunicator(
        application,
        "/ws/coalitions/india-domestic-workers/",
        headers=[(b"origin", settings.SITE_URL.encode()), (b"cookie", f"sessionid={cookie}".encode())],
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from(timeout=5)  # hello

    def toggle(index: int):
        coalition = Coalition.objects.get(slug="india-domestic-workers")
        participation = Participation.objects.select_related("coalition", "organisation").get(
            coalition=coalition, organisation__acronym="YCW-I"
        )
        participation_role_change(participation=participation, by=lead, role="observer" if index % 2 == 0 else "member")

    samples = []
    for index in range(rounds):
        start = time.perf_counter()
        await database_sync_to_async(toggle)(index)
        event = await communicator.receive_json_from(timeout=5)
        samples.append((time.perf_counter() - start) * 1000)
        assert event["type"] == "event"
    await communicator.disconnect()
    return summary(samples)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _slow_link_load(page, cdp, url: str) -> tuple[float, float]:
    """Seconds from navigation start to the load event, and KB received until then."""
    # Only what this page asked for: a request of the page before may still finish meanwhile.
    requested, received = set(), {}

    def sent(event):
        requested.add(event["requestId"])

    def finished(event):
        if event["requestId"] in requested:
            received[event["requestId"]] = event["encodedDataLength"]

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="load", timeout=60_000)
    cdp.remove_listener("Network.requestWillBeSent", sent)
    cdp.remove_listener("Network.loadingFinished", finished)
    assert "/accounts/login/" not in page.url, f"{url} sent the bench member to the sign-in page"
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventStart")
    return load_ms / 1000, sum(received.values()) / 1024


def bench_slow_link() -> dict:
    """The home page and a campaign board in Chromium over an emulated 2G link, cache off.

    Served as in production (daphne, collected static files, DEBUG off), so that compression
    and the static files' storage count as they do for a member.
    """
    from django.conf import settings

    from campaigns.models import Campaign
    from coalitions.models import User

    if not os.access(CHROMIUM, os.X_OK):
        print(f"slow link: skipped, needs Debian's Chromium at {CHROMIUM}")
        return {}
    from playwright.sync_api import sync_playwright

    client = Client()
    client.force_login(User.objects.get(email="cftui@demo.example"))
    session = client.cookies["sessionid"].value
    campaign = (
        Campaign.objects.filter(coalition__slug="india-domestic-workers").exclude(slug__startswith="bench-").latest("pk")
    )
    board = f"/c/india-domestic-workers/campaigns/{campaign.slug}/plan/"

    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    daphne = Path(sys.executable).with_name("daphne")
    log = open(ROOT / "var" / "bench-daphne.log", "wb")
    server = subprocess.Popen(
        [str(daphne), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"daphne did not start, see {log.name}") from None
                time.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
            )
            # A first visit: no service worker yet to answer from the phone (and to hide the
            # requests from the page's network log).
            context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
            context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            page = context.new_page()
            page.goto(base + "/")  # a first request on a fast link, so no figure includes start-up
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
            results = {}
            for name, path in {"home": "/", "board": board}.items():
                runs = [_slow_link_load(page, cdp, base + path) for _ in range(SLOW_LINK_RUNS)]
                results[f"{name}_s"] = round(statistics.median(seconds for seconds, _ in runs), 2)
                results[f"{name}_kb"] = round(statistics.median(kb for _, kb in runs), 1)
            browser.close()
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def main() -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        ensure_database(settings.DATABASES["default"]["NAME"])  # a fresh machine has only "postgres"
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    results = {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "channel_layer": settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1],
        "pages": {**bench_pages(), **bench_campaign_pages()},
        "live_event_latency": asyncio.run(bench_live_event_latency()),
        "slow_link": bench_slow_link(),
        **bench_signing(),
        **bench_fanout(),
        **bench_letters(),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"database: {results['database']}, channel layer: {results['channel_layer']}")
    for name, figures in results["pages"].items():
        print(f"{name:<28} p50 {figures['p50_ms']:>7} ms  p95 {figures['p95_ms']:>7} ms  queries {figures['queries']}")
    latency = results["live_event_latency"]
    print(f"{'live event':<28} p50 {latency['p50_ms']:>7} ms  p95 {latency['p95_ms']:>7} ms  (service commit → socket)")
    slow = results["slow_link"]
    if slow:
        print(
            f"{'slow link (2G, cache off)':<28} home {slow['home_s']} s {slow['home_kb']} KB, "
            f"board {slow['board_s']} s {slow['board_kb']} KB  (target: each ≤ 1.0 s and ≤ 15 KB)"
        )
    print_figures(results)
    print_fanout_figures(results)
    print_letter_figures(results)
    print(f"written to {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
