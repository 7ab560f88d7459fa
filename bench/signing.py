"""Signing through the real server, as production serves it, and the public page under load.

Gunicorn with production settings (bench/settings.py) on a database and a Redis database of its
own (`coalition_bench` and Redis db 13 on the servers of DATABASE_URL and REDIS_URL), loaded by
wrk (bench/sign.lua, bench/get.lua), which costs little CPU beside the server:

- the bare baseline: a view behind the same middleware that only INSERTs one signature-shaped row;
- signing: the sign form with a new address and a new client address (X-Forwarded-For, the
  load generator being the trusted proxy) per request; the worker is not running meanwhile;
- a profile of the sign path (py-spy over the server's workers) during a second, shorter run;
- the petition page and its count.json, anonymous and compressed;
- signing and the page once more through Caddy with config/proxy/Caddyfile (plain HTTP), for
  what the proxy in front costs (printed only);
- then the database must hold one row per 303 answered and no address twice (`rows_ok`); a
  Celery worker is started and the outbox drains (`mail_per_s`), and every signer must have got
  exactly one mail (`mails_ok`).

Called by bench/run.py; `python bench/signing.py` runs it alone and updates bench/out/results.json.
Shorter runs while working: BENCH_SIGN_SECONDS, BENCH_PAGE_SECONDS, BENCH_CLIENTS; the number of
server workers is gunicorn.conf.py's (WEB_CONCURRENCY).
"""

import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from html.parser import HTMLParser
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SLUG = "ratify-c189"
REGIONS = [
    "Tamil Nadu", "Kerala", "Maharashtra", "Karnataka", "Andhra Pradesh", "Telangana", "Delhi",
    "West Bengal", "Gujarat", "Jharkhand", "Odisha", "Punjab",
]  # fmt: skip
CONFIRMED_SIGNERS = 300  # already on the page before the load, as on a petition that runs
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
SIGN_SECONDS = int(os.environ.get("BENCH_SIGN_SECONDS", "10"))
PAGE_SECONDS = int(os.environ.get("BENCH_PAGE_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
PROFILE_SECONDS = 5
WRK_THREADS = 2
# wrk runs this much longer than requests are sent, so that every request sent gets its answer.
WRK_GRACE_SECONDS = 3
DRAIN_TIMEOUT_SECONDS = 300
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "coalition_bench")
BENCH_REDIS_DB = os.environ.get("BENCH_REDIS_DB", "13")
TARGETS = {"per_s": 1000, "p99_ms": 250, "ratio": 0.75, "page_per_s": 3000, "count_per_s": 3000, "petition_kb": 30}


# In bench/run.py's process ----------------------------------------------------------------------


def bench_signing() -> dict:
    """The `sign` and `page` figures, or nothing when PostgreSQL, Redis or wrk is missing."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not (database_url.startswith(("postgres://", "postgresql://")) and redis_url):
        print("signing: skipped, the signing figures need PostgreSQL and Redis: set DATABASE_URL and REDIS_URL")
        return {}
    if shutil.which("wrk") is None:
        print("signing: skipped, needs Debian's wrk (make bench installs it)")
        return {}
    with tempfile.TemporaryDirectory(prefix="bench-signing-") as scratch:
        scratch = Path(scratch)
        return measure_apart(Path(__file__), scratch, bench_environ(_with_path(database_url, f"/{BENCH_DATABASE}"), scratch))


def bench_environ(database_url: str, scratch: Path) -> dict:
    """The environment of a benchmark's own process and of the servers it starts: production
    settings (bench/settings.py) on the bench's own database and Redis database, mail in files."""
    (scratch / "mail").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": _with_path(os.environ["REDIS_URL"], f"/{BENCH_REDIS_DB}"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(scratch / "mail"),
        "SITE_URL": "http://127.0.0.1",
        # As docker-compose.yml sets it: each worker keeps its connection rather than opening
        # one per request, which alone costs more than the INSERT of the baseline.
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    # bench/run.py's own settings deliver tasks in-process; the server must hand them to Redis.
    for name in ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL", "CELERY_BROKER_TRANSPORT_OPTIONS"):
        env.pop(name, None)
    return env


def measure_apart(module: Path, scratch: Path, env: dict) -> dict:
    """Runs `module --measure` in a process of its own, on `env`, and returns what it wrote."""
    results = scratch / "results.json"
    subprocess.run(
        [sys.executable, str(module), "--measure", str(results), str(scratch)], cwd=ROOT, env=env, check=True
    )
    return json.loads(results.read_text())


def _with_path(url: str, path: str) -> str:
    return urllib.parse.urlsplit(url)._replace(path=path).geturl()


def print_figures(results: dict) -> None:
    sign, page = results.get("sign"), results.get("page")
    if sign:
        print(
            f"{'signing (gunicorn, wrk)':<28} {sign['per_s']:>7}/s  p99 {sign['p99_ms']} ms  "
            f"{sign['clients']} clients  baseline {sign['baseline_per_s']}/s  ratio {sign['ratio']}  "
            f"rows_ok {sign['rows_ok']}  (targets: ≥ {TARGETS['per_s']}/s, p99 < {TARGETS['p99_ms']} ms, "
            f"ratio ≥ {TARGETS['ratio']})"
        )
        print(f"{'outbox drain (worker)':<28} {sign['mail_per_s']:>7}/s  mails_ok {sign['mails_ok']}")
    if page:
        print(
            f"{'petition page':<28} {page['page_per_s']}/s, {page['petition_kb']} KB compressed with CSS and JS; "
            f"count.json {page['count_per_s']}/s  (targets: ≥ {TARGETS['page_per_s']}/s, ≤ {TARGETS['petition_kb']} KB)"
        )


# In the benchmark's own process, on bench/settings.py ------------------------------------------


def ensure_database(name: str = BENCH_DATABASE) -> None:
    """Creates the PostgreSQL database `name` on DATABASE_URL's server unless it exists."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    with psycopg.connect(_with_path(url, "/postgres"), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def led_campaign(*, coalition_slug: str, coalition_name: str, campaign_slug: str, campaign_title: str, lead_email: str):
    """A benchmark's campaign, in a coalition led by one organisation whose admin is its lead:
    (campaign, organisation, lead)."""
    from allauth.account.models import EmailAddress

    from campaigns.models import Campaign
    from coalitions.models import (
        Affiliation,
        AffiliationRole,
        Coalition,
        CoalitionRole,
        Organisation,
        Participation,
        User,
    )

    organisation = Organisation.objects.create(name="National Domestic Workers Movement", acronym="NDWM", country="IN")
    lead = User.objects.create_user(email=lead_email, display_name="Bench lead", language="en")
    EmailAddress.objects.create(user=lead, email=lead.email, verified=True, primary=True)
    Affiliation.objects.create(organisation=organisation, user=lead, role=AffiliationRole.ADMIN)
    coalition = Coalition.objects.create(slug=coalition_slug, name=coalition_name)
    Participation.objects.create(coalition=coalition, organisation=organisation, role=CoalitionRole.LEAD)
    campaign = Campaign.objects.create(coalition=coalition, title=campaign_title, slug=campaign_slug, status="active")
    return campaign, organisation, lead


def _prepare() -> dict:
    """The petition with a lead and a few hundred confirmed signers; no signature of earlier runs."""
    from django.db import connection, transaction
    from django.utils import timezone

    from coalitions.models import OutboxMessage
    from signatures import services
    from signatures.models import Petition, PetitionTally, Signature, Visibility

    petition = Petition.objects.filter(slug=SLUG).first()
    if petition is None:
        with transaction.atomic():
            campaign, organisation, lead = led_campaign(
                coalition_slug="bench-domestic-workers", coalition_name="Domestic workers' rights",
                campaign_slug="c189", campaign_title="Ratify C189", lead_email="lead@bench.example",
            )  # fmt: skip
            petition = services.petition_create(
                campaign=campaign, by=lead, slug=SLUG, goal=100_000, regions=REGIONS, organisations=[organisation]
            )
            text = services.petition_text_set(
                petition=petition, by=lead, language="en", title="Ratify ILO Convention 189",
                body="Domestic workers are workers. We ask the government to ratify ILO Convention 189 on "
                "decent work for domestic workers and to bring it into the law of every state.",
            )  # fmt: skip
            services.petition_text_approve(text=text, by=lead)
            services.petition_open(petition=petition, by=lead)
    with transaction.atomic():
        Signature.objects.filter(petition=petition).delete()
        PetitionTally.objects.filter(petition=petition).delete()
        OutboxMessage.objects.all().delete()
        now = timezone.now()
        visibilities = [Visibility.FULL_NAME, Visibility.INITIALS, Visibility.COUNTED]
        Signature.objects.bulk_create(
            Signature(
                petition=petition, name=f"Signer {n}", email=f"earlier-{n}@example.org",
                canonical_email=f"earlier-{n}@example.org", region=REGIONS[n % len(REGIONS)],
                visibility=visibilities[n % 3], token_hash=secrets.token_hex(32), confirmed_at=now,
            )
            for n in range(CONFIRMED_SIGNERS)
        )  # fmt: skip
    services.tallies_recount(petition=petition)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_signature")
        cursor.execute("CREATE TABLE bench_signature (LIKE signatures_signature INCLUDING ALL)")
        # LIKE leaves out foreign keys; a row of the same shape is checked against the same ones.
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = 'signatures_signature'::regclass AND contype = 'f'"
        )
        for (definition,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE bench_signature ADD {definition}")
    return {"petition": petition.pk, "organisation": petition.organisations.get().pk}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start, see {log}") from None
            time.sleep(0.1)


def _stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wrk(url: str, script: str, seconds: int, *args: str) -> dict:
    command = [
        "wrk", f"-t{WRK_THREADS}", f"-c{CLIENTS}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(ROOT / "bench" / script), url, *(["--", *args] if args else []),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    found = re.search(r"^wrk-json (\{.*\})$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}\n{result.stderr}")
    figures = json.loads(found.group(1))
    figures["statuses"] = {int(status): n for status, n in figures["statuses"].items()}
    return figures


def _failed(figures: dict) -> int:
    """Responses other than 2xx and 3xx, and requests that got no response at all."""
    errors = figures["errors"]
    bad_statuses = sum(n for status, n in figures["statuses"].items() if not 200 <= status < 400)
    return bad_statuses + errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]


def _served_per_s(figures: dict) -> int:
    return round((figures["requests"] - _failed(figures)) / (figures["duration_us"] / 1e6))


def _post_load(base: str, path: str, seconds: int, tag: str, secret: str, ids: dict) -> dict:
    return _wrk(
        base + path, "sign.lua", seconds + WRK_GRACE_SECONDS,
        tag, str(seconds), secret, str(ids["petition"]), str(ids["organisation"]), "|".join(REGIONS),
    )  # fmt: skip


def _process_cpu(pid: int) -> float:
    """Seconds of CPU a process has used, 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rpartition(")")[2].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _cpu_snapshot(groups: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each group of processes, and by finished children (wrk)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        **{name: sum(_process_cpu(pid) for pid in pids) for name, pids in groups.items()},
        "wrk": usage.ru_utime + usage.ru_stime,
    }


def _cpu_per_request(before: dict, after: dict, requests: int) -> dict[str, float]:
    return {name: 1000 * (after[name] - before[name]) / max(requests, 1) for name in before}


def _rate(timestamps_sql: str, params: list) -> tuple[int, float]:
    """Rows written and rows a second, from the first to the last row's own timestamp."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(timestamps_sql, params)
        count, first, last = cursor.fetchone()
    seconds = (last - first).total_seconds() if count > 1 else 0
    return count, (count / seconds if seconds else 0.0)


def _py_spy(master: int, seconds: int, output: Path, form: str) -> subprocess.Popen:
    py_spy = Path(sys.executable).with_name("py-spy")
    return subprocess.Popen(
        [str(py_spy), "record", "--pid", str(master), "--subprocesses", "--nonblocking", "--duration", str(seconds),
         "--format", form, "--output", str(output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


PROJECT_CODE = re.compile(r"\((bench|campaigns|coalitions|config|messaging|signatures)/")


def _profile_summary(raw: Path, limit: int = 12) -> tuple[list, list]:
    """From py-spy's collapsed stacks, counting only samples taken while a worker served a
    request: the project's functions by their share of those samples (callees included), and the
    functions the samples ended in (where the time is actually spent), each as (share %, frame)."""
    inside: Counter = Counter()
    alone: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
        if not count.isdigit() or not any(frame.startswith("WSGIHandler.__call__") for frame in frames):
            continue
        n = int(count)
        total += n
        for frame in set(frames):
            inside[frame] += n
        alone[frames[-1]] += n
    if not total:
        return [], []
    project = [
        (100 * n / total, frame)
        for frame, n in inside.most_common()
        if PROJECT_CODE.search(frame) and "Middleware.__call__" not in frame
    ]
    leaves = [(100 * n / total, frame) for frame, n in alone.most_common(limit)]
    return project[:limit], leaves


class _Assets(HTMLParser):
    """The style sheets, scripts and images a page makes a browser fetch."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and {"stylesheet", "icon", "preload"} & set((attrs.get("rel") or "").split()):
            self.urls.append(attrs.get("href") or "")
        elif tag in {"script", "img"} and attrs.get("src"):
            self.urls.append(attrs["src"])


def _get(port: int, path: str) -> tuple[int, bytes, bytes]:
    """Status, body as sent (compressed when the server compressed it) and body as read."""
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip", "Accept-Language": "en"})
    response = connection.getresponse()
    sent = response.read()
    connection.close()
    body = gzip.decompress(sent) if response.getheader("Content-Encoding") == "gzip" else sent
    return response.status, sent, body


def _page_weight(port: int, path: str) -> tuple[float, dict[str, float]]:
    """KB a first visit transfers: the page and every asset it loads, compressed as sent."""
    status, sent, body = _get(port, path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    parts = {path: len(sent) / 1024}
    assets = _Assets()
    assets.feed(body.decode())
    for url in assets.urls:
        if not url or url.startswith("data:") or urllib.parse.urlsplit(url).netloc:
            continue
        status, sent, _body = _get(port, url)
        if status != 200:
            raise RuntimeError(f"{url} (in {path}) answered {status}")
        parts[url] = len(sent) / 1024
    return sum(parts.values()), parts


def _through_proxy(port: int, scratch: Path, load):
    """`load(base)` through Caddy with the project's Caddyfile in front of the server, or None
    without Debian's caddy. On plain HTTP on a loopback port: TLS needs port 443 and a certificate.
    Caddy is told to trust wrk's X-Forwarded-For, as a proxy in front of it would be trusted."""
    caddy = shutil.which("caddy")
    if caddy is None:
        print("  through Caddy: skipped, needs Debian's caddy")
        return None
    adapted = subprocess.run(
        [caddy, "adapt", "--adapter", "caddyfile", "--config", str(ROOT / "config" / "proxy" / "Caddyfile")],
        env={**os.environ, "SITE_ADDRESS": "127.0.0.1", "WEB_UPSTREAM": f"127.0.0.1:{port}", "WS_UPSTREAM": "127.0.0.1:9"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    config = json.loads(adapted.stdout)
    proxy_port = _free_port()
    config["admin"] = {"disabled": True}
    config["apps"].pop("tls", None)
    server = config["apps"]["http"]["servers"]["srv0"]
    server["listen"] = [f"127.0.0.1:{proxy_port}"]
    server["automatic_https"] = {"disable": True}

    def trust_wrk(node):
        if isinstance(node, dict):
            if node.get("handler") == "reverse_proxy":
                node["trusted_proxies"] = ["127.0.0.1/32"]
            for value in node.values():
                trust_wrk(value)
        elif isinstance(node, list):
            for value in node:
                trust_wrk(value)

    trust_wrk(server["routes"])
    (scratch / "caddy.json").write_text(json.dumps(config))
    log = scratch / "caddy.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [caddy, "run", "--config", str(scratch / "caddy.json")],
            env={**os.environ, "HOME": str(scratch), "XDG_DATA_HOME": str(scratch), "XDG_CONFIG_HOME": str(scratch)},
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        _wait_for_port(proxy_port, process, log)
        return load(f"http://127.0.0.1:{proxy_port}")
    finally:
        _stop(process)


def _drain_outbox(env: dict, log: Path) -> tuple[int, float, int]:
    """Starts a worker and waits for the outbox to empty: (delivered, per second, left waiting)."""
    from django.db.models import Max, Min

    from coalitions.models import OutboxMessage

    celery = Path(sys.executable).with_name("celery")
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [str(celery), "-A", "config", "worker", "--loglevel=WARNING", "--concurrency=2", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--hostname", f"bench-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            pending = OutboxMessage.objects.filter(delivered_at__isnull=True, next_attempt_at__isnull=False)
            deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
            while pending.exists() and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.25)
        finally:
            _stop(worker)
    delivered = OutboxMessage.objects.filter(delivered_at__isnull=False)
    span = delivered.aggregate(first=Min("delivered_at"), last=Max("delivered_at"))
    count = delivered.count()
    seconds = (span["last"] - span["first"]).total_seconds() if count > 1 else 0
    return count, (count / seconds if seconds else 0.0), pending.count()


def _mail_recipients(folder: Path) -> Counter:
    """How many mails each address got, from the mails the backend wrote: what reached the mail
    server, whatever the outbox's rows say."""
    separator = re.compile(rb"^-{79}\r?\n", re.MULTILINE)
    recipient = re.compile(rb"^To: (.+?)\r?$", re.MULTILINE)
    return Counter(
        recipient.search(chunk).group(1).decode()
        for file in folder.glob("*.log") for chunk in separator.split(file.read_bytes()) if chunk.strip()
    )


def _check_rows(petition_id: int, tag: str, accepted: int) -> tuple[bool, dict]:
    from django.db.models import Count

    from signatures.models import Signature

    rows = Signature.objects.filter(petition_id=petition_id, email__startswith=f"{tag}-")
    doubled = (
        Signature.objects.filter(petition_id=petition_id)
        .values("canonical_email")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    count = rows.count()
    held = rows.exclude(held="").count()
    return count == accepted and doubled == 0, {"rows": count, "accepted": accepted, "doubled": doubled, "held": held}


def _check_mails(petition_id: int, tag: str, mail_dir: Path) -> tuple[bool, dict]:
    """Every signer of the load got exactly one mail, and a held signature none."""
    from coalitions.models import OutboxMessage
    from signatures.models import Signature

    undelivered = OutboxMessage.objects.filter(delivered_at__isnull=True).count()
    received = _mail_recipients(mail_dir)
    signers = dict(
        Signature.objects.filter(petition_id=petition_id, email__startswith=f"{tag}-").values_list("email", "held")
    )
    wrong = [email for email, held in signers.items() if received[email] != (0 if held else 1)]
    strangers = [email for email in received if email not in signers]
    ok = not wrong and not strangers and not undelivered
    return ok, {"wrong": len(wrong), "strangers": len(strangers), "undelivered": undelivered,
                "written": sum(received.values())}  # fmt: skip


def measure(results_path: Path, scratch: Path) -> None:
    ensure_database()
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    # The bench's own Redis database: the queue of an earlier, interrupted run must not deliver here.
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    ids = _prepare()
    tag = f"load{secrets.token_hex(3)}"
    sign_path, page_path, count_path = f"/p/{SLUG}/sign/", f"/p/{SLUG}/", f"/p/{SLUG}/count.json"

    env = dict(os.environ)
    port = _free_port()
    log = scratch / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(gunicorn), "--config", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}", "config.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    secret = secrets.token_hex(16)  # a CSRF secret: 32 characters, sent as cookie and form field
    try:
        _wait_for_port(port, server, log)
        load_before = os.getloadavg()[0]
        # Every worker imports the project, opens its connections and reads its templates before
        # anything is timed; these signers count like the others.
        warm = [_post_load(base, path, 1, f"{tag}{phase}", secret, ids) for path, phase in (
            ("/bench/insert/", "base-w"), (sign_path, "-w"))]  # fmt: skip

        # Where the CPU goes: the server's workers, their PostgreSQL backends, Redis and wrk.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            backends = [pid for (pid,) in cursor.fetchall()]
        groups = {
            "gunicorn": [server.pid, *_children(server.pid)],
            "postgres": backends,
            "redis": [int(redis.Redis.from_url(settings.REDIS_URL).info("server")["process_id"])],
        }
        cpu = {}
        # The baseline and signing take turns, ROUNDS times, and the best round of each counts:
        # a burst of other work on the machine then spoils one round, not the comparison.
        baseline_rounds, sign_rounds = [], []
        for round_ in range(ROUNDS):
            before = _cpu_snapshot(groups)
            load = _post_load(base, "/bench/insert/", SIGN_SECONDS, f"{tag}base-m{round_}", secret, ids)
            spent = _cpu_per_request(before, _cpu_snapshot(groups), load["requests"])
            rows, per_s = _rate(
                "SELECT count(*), min(created_at), max(created_at) FROM bench_signature WHERE email LIKE %s",
                [f"{tag}base-m{round_}-%"],
            )
            baseline_rounds.append((per_s, load, spent, rows))
            before = _cpu_snapshot(groups)
            load = _post_load(base, sign_path, SIGN_SECONDS, f"{tag}-m{round_}", secret, ids)
            spent = _cpu_per_request(before, _cpu_snapshot(groups), load["requests"])
            _rows, per_s = _rate(
                "SELECT count(*), min(created_at), max(created_at) FROM signatures_signature"
                " WHERE petition_id = %s AND email LIKE %s",
                [ids["petition"], f"{tag}-m{round_}-%"],
            )
            sign_rounds.append((per_s, load, spent, _rows))
        baseline_per_s, baseline, cpu["baseline"], baseline_rows = max(baseline_rounds, key=lambda entry: entry[0])
        sign_per_s, sign, cpu["sign"], _rows = max(sign_rounds, key=lambda entry: entry[0])

        # The profile comes from a run of its own, so that sampling slows no measured request.
        OUT.mkdir(parents=True, exist_ok=True)
        raw_profile = OUT / "sign-profile.txt"
        samplers = [
            _py_spy(server.pid, PROFILE_SECONDS, OUT / "sign-profile.svg", "flamegraph"),
            _py_spy(server.pid, PROFILE_SECONDS, raw_profile, "raw"),
        ]
        profiled = _post_load(base, sign_path, PROFILE_SECONDS, f"{tag}-p", secret, ids)
        for sampler in samplers:
            _stderr = sampler.communicate(timeout=60)[1]
            if sampler.returncode != 0:
                print(f"profile: py-spy failed: {_stderr.strip()[-500:]}")

        petition_kb, parts = _page_weight(port, page_path)
        before = _cpu_snapshot(groups)
        page_load = _wrk(base + page_path, "get.lua", PAGE_SECONDS)
        cpu["page"] = _cpu_per_request(before, _cpu_snapshot(groups), page_load["requests"])
        before = _cpu_snapshot(groups)
        count_load = _wrk(base + count_path, "get.lua", PAGE_SECONDS)
        cpu["count.json"] = _cpu_per_request(before, _cpu_snapshot(groups), count_load["requests"])

        proxied = _through_proxy(port, scratch, lambda proxy: (
            _post_load(proxy, sign_path, PAGE_SECONDS, f"{tag}-x", secret, ids),
            _wrk(proxy + page_path, "get.lua", PAGE_SECONDS),
        ))  # fmt: skip
    finally:
        _stop(server)

    signing_runs = [warm[1], *(entry[1] for entry in sign_rounds), profiled, *([proxied[0]] if proxied else [])]
    accepted = sum(figures["statuses"].get(303, 0) for figures in signing_runs)
    rows_ok, rows = _check_rows(ids["petition"], tag, accepted)
    delivered, mail_per_s, waiting = _drain_outbox(env, scratch / "worker.log")
    mails_ok, mails = _check_mails(ids["petition"], tag, Path(settings.EMAIL_FILE_PATH))

    results = {
        "sign": {
            "per_s": round(sign_per_s),
            "p99_ms": round(sign["latency_us"]["p99"] / 1000, 1),
            "clients": CLIENTS,
            "baseline_per_s": round(baseline_per_s),
            "ratio": round(sign_per_s / baseline_per_s, 2) if baseline_per_s else 0,
            "rows_ok": rows_ok,
            "mail_per_s": round(mail_per_s),
            "mails_ok": mails_ok,
        },
        "page": {
            "petition_kb": round(petition_kb, 1),
            "page_per_s": _served_per_s(page_load),
            "count_per_s": _served_per_s(count_load),
        },
    }
    results_path.write_text(json.dumps(results))

    # What a reader needs to trust the figures, beside them.
    print(f"  load average before the load: {load_before:.2f} on {os.cpu_count()} cores (other work on the machine competes)")
    for name, figures in (("baseline", baseline), ("sign", sign), ("sign (profiled)", profiled)):
        latency = figures["latency_us"]
        print(
            f"  {name:<16} {figures['requests']} requests, statuses {figures['statuses']}, failed {_failed(figures)}; "
            f"latency p50 {latency['p50'] / 1000:.1f} ms p90 {latency['p90'] / 1000:.1f} ms "
            f"p99 {latency['p99'] / 1000:.1f} ms max {latency['max'] / 1000:.1f} ms"
        )
    baseline_accepted = baseline["statuses"].get(303, 0)
    print(f"  baseline rows {baseline_rows} for {baseline_accepted} answered 303")
    print(f"  signature rows {rows['rows']} for {rows['accepted']} answered 303, {rows['doubled']} addresses twice, "
          f"{rows['held']} held")  # fmt: skip
    print(f"  outbox: {delivered} delivered, {waiting} left waiting; {mails['written']} mails written, "
          f"{mails['wrong']} signers without exactly one, {mails['strangers']} to others")  # fmt: skip
    print("  page weight: " + ", ".join(f"{url} {kb:.1f} KB" for url, kb in parts.items()))
    for name, figures in (("page", page_load), ("count.json", count_load)):
        print(f"  {name:<16} statuses {figures['statuses']}, failed {_failed(figures)}, "
              f"p99 {figures['latency_us']['p99'] / 1000:.1f} ms")  # fmt: skip
    if proxied:
        proxied_sign, proxied_page = proxied
        _rows, proxied_per_s = _rate(
            "SELECT count(*), min(created_at), max(created_at) FROM signatures_signature"
            " WHERE petition_id = %s AND email LIKE %s",
            [ids["petition"], f"{tag}-x-%"],
        )
        print(
            f"  through Caddy (config/proxy/Caddyfile on plain HTTP): signing {proxied_per_s:.0f}/s, "
            f"p99 {proxied_sign['latency_us']['p99'] / 1000:.1f} ms, failed {_failed(proxied_sign)}; "
            f"page {_served_per_s(proxied_page)}/s, p99 {proxied_page['latency_us']['p99'] / 1000:.1f} ms"
        )
    print("  CPU per request, ms: " + "; ".join(
        f"{name} " + ", ".join(f"{group} {ms:.2f}" for group, ms in shares.items()) + f" (total {sum(shares.values()):.2f})"
        for name, shares in cpu.items()
    ))  # fmt: skip
    # Contention from other work on the machine moves the rates from run to run; the CPU each
    # request costs hardly moves, and says what the cores would serve with nothing else on them.
    capacity = {name: os.cpu_count() * 1000 / sum(shares.values()) for name, shares in cpu.items()}
    print("  what the cores would serve alone, from CPU per request: " + ", ".join(
        f"{name} {per_s:.0f}/s" for name, per_s in capacity.items()
    ) + f"; signing / baseline {capacity['sign'] / capacity['baseline']:.2f}")  # fmt: skip
    project, leaves = _profile_summary(raw_profile) if raw_profile.exists() else ([], [])
    if project:
        print(f"  where a sign request's time goes (py-spy, {OUT / 'sign-profile.svg'}), share of samples in requests:")
        for title, shares in (("project code, callees included", project), ("spent in", leaves)):
            print(f"    {title}:")
            for share, frame in shares:
                print(f"      {share:4.0f} %  {frame[:110]}")


def merge_results(results: dict) -> Path:
    """Puts a benchmark run alone into bench/out/results.json beside the figures already there."""
    results_path = OUT / "results.json"
    previous = json.loads(results_path.read_text()) if results_path.exists() else {}
    OUT.mkdir(parents=True, exist_ok=True)
    results_path.write_text(json.dumps({**previous, **results}, indent=2))
    return results_path


def run_alone(bench, print_figures) -> None:
    """A benchmark run by itself: its figures printed and merged into bench/out/results.json."""
    results = bench()
    if results:
        results_path = merge_results(results)
        print_figures(results)
        print(f"written to {results_path}")


def main() -> None:
    run_alone(bench_signing, print_figures)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        sys.path[0] = str(ROOT)  # the project's packages, not bench/'s modules, by their plain names
        measure(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
