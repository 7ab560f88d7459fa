"""A change fanned out to 200 members' live sockets, through the real servers, on each Redis layer.

As production serves it: Gunicorn for HTTP and Daphne for the sockets (bench/settings.py), on the
bench's database and Redis database (those of bench/signing.py; a scratch SQLite database when
DATABASE_URL is not PostgreSQL). The benchmark's process signs in 200 people of 40 member
organisations of one coalition (sessions made by Django's session machinery, four languages),
opens their 200 sockets to the coalition, and then a lead changes a task's status over HTTP
(session, CSRF, the real view) CHANGES times, one change at a time with a short pause between.
Each sample is one socket's wait for one change, from the moment the request is sent to the
moment that socket's event arrives, so every change gives 200 samples: p50 and p99 are over all.

The bare baseline, on the same servers and layer: 200 sockets to bench/asgi.py's broadcast,
which passes group messages on with no session, access check or database read, nudged by a bench
view behind the same middleware (bench/urls.py) that only sends the nudge.

Both layers (CHANNEL_LAYER=core and pubsub) are measured in one run, each on freshly started
servers; `ws_fanout` holds the figures of the layer the site is configured with.
The sockets' client (autobahn) runs in the benchmark's process on the same two cores: its share
of the time is in the baseline as much as in the figures.

Called by bench/run.py; `python bench/fanout.py` runs it alone and updates bench/out/results.json.
Shorter runs while working: BENCH_FANOUT_SOCKETS, BENCH_FANOUT_CHANGES.
"""

import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SOCKETS = int(os.environ.get("BENCH_FANOUT_SOCKETS", "200"))
CHANGES = int(os.environ.get("BENCH_FANOUT_CHANGES", "40"))
LAYERS = ("core", "pubsub")
PEOPLE_PER_ORGANISATION = 5
LANGUAGES = ["en", "fr", "es", "bn"]
WARM_UP = 4
PAUSE_SECONDS = 0.2
RECEIVE_TIMEOUT_SECONDS = 10
# Handshakes at once while the sockets open: a crowd reconnecting after a restart, not a stampede.
OPENING_AT_ONCE = 20
SLUG = "bench-fanout"
CAMPAIGN_SLUG = "fan-out"
LEAD_EMAIL = "lead@fanout.bench.example"
TARGET_P99_MS = 100


# In bench/run.py's process ----------------------------------------------------------------------


def bench_fanout() -> dict:
    """The `ws_fanout` and `ws_fanout_layers` figures, or nothing without Redis."""
    from bench.signing import BENCH_DATABASE, _with_path, bench_environ, measure_apart

    if not os.environ.get("REDIS_URL"):
        print("websocket fan-out: skipped, the layers it compares are Redis's: set REDIS_URL (and DATABASE_URL)")
        return {}
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        database_url = _with_path(database_url, f"/{BENCH_DATABASE}")
    else:
        database_url = f"sqlite:///{ROOT / 'var' / 'bench-fanout.sqlite3'}"
    with tempfile.TemporaryDirectory(prefix="bench-fanout-") as scratch:
        scratch = Path(scratch)
        env = bench_environ(database_url, scratch)
        # Redis publishes to every database number alike: a prefix of its own keeps the bench's
        # sockets from hearing anyone else's on the same Redis, and theirs from hearing the bench.
        env["CHANNEL_LAYER_PREFIX"] = f"bench-fanout-{secrets.token_hex(4)}"
        return measure_apart(Path(__file__), scratch, env)


def print_figures(results: dict) -> None:
    fanout, layers = results.get("ws_fanout"), results.get("ws_fanout_layers")
    if not fanout:
        return
    for name, figures in layers.items():
        for title, measured in ((f"ws fan-out ({name})", figures), (f"  bare broadcast ({name})", figures["baseline"])):
            print(
                f"{title:<28} p50 {measured['p50_ms']:>7} ms  p99 {measured['p99_ms']:>7} ms  "
                f"lost {measured['lost']}; request p50 {measured['http_p50_ms']} ms, to the first socket "
                f"{measured['first_p50_ms']} ms, first to last {measured['spread_p50_ms']} ms; "
                f"daphne CPU {measured['server_cpu_ms']} ms a change"
            )
    print(
        f"{'ws fan-out':<28} p50 {fanout['p50_ms']:>7} ms  p99 {fanout['p99_ms']:>7} ms  on {fanout['layer']}, "
        f"{fanout['sockets']} sockets × {layers[fanout['layer']]['changes']} changes  "
        f"(target: p99 < {TARGET_P99_MS} ms from the request to the event on every socket)"
    )


# In the benchmark's own process, on bench/settings.py ------------------------------------------


def _prepare() -> dict:
    """The coalition, its campaign and task, and a session for the lead and for each member."""
    from datetime import date

    from django.db import transaction
    from django.test import Client

    from bench.signing import led_campaign
    from campaigns.models import Target, Task
    from coalitions.models import (
        Affiliation,
        AffiliationRole,
        Coalition,
        CoalitionRole,
        Organisation,
        Participation,
        User,
    )

    coalition = Coalition.objects.filter(slug=SLUG).first()
    if coalition is None:
        with transaction.atomic():
            campaign, organisation, _lead = led_campaign(
                coalition_slug=SLUG, coalition_name="Domestic workers' welfare boards", campaign_slug=CAMPAIGN_SLUG,
                campaign_title="Welfare boards", lead_email=LEAD_EMAIL,
            )  # fmt: skip
            coalition = campaign.coalition
            target = Target.objects.create(campaign=campaign, name="Labour department", kind="ministry", influence=4)
            Task.objects.create(
                campaign=campaign, target=target, organisation=organisation, channel="meeting", due_on=date.today()
            )
    members = list(User.objects.filter(affiliations__organisation__participations__coalition=coalition).exclude(email=LEAD_EMAIL))
    organisation = None
    with transaction.atomic():
        for number in range(len(members), SOCKETS):
            if organisation is None or number % PEOPLE_PER_ORGANISATION == 0:
                organisation = Organisation.objects.create(
                    name=f"Domestic Workers' Union {number // PEOPLE_PER_ORGANISATION + 1}", country="IN"
                )
                Participation.objects.create(coalition=coalition, organisation=organisation, role=CoalitionRole.MEMBER)
            member = User.objects.create_user(
                email=f"member-{number}@fanout.bench.example", display_name=f"Member {number}",
                language=LANGUAGES[number % len(LANGUAGES)],
            )  # fmt: skip
            Affiliation.objects.create(organisation=organisation, user=member, role=AffiliationRole.STAFF)
            members.append(member)

    def session(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    task = Task.objects.get(campaign__coalition=coalition, campaign__slug=CAMPAIGN_SLUG)
    return {
        "lead": session(User.objects.get(email=LEAD_EMAIL)),
        "members": [session(member) for member in members[:SOCKETS]],
        "task_path": f"/c/{SLUG}/campaigns/{CAMPAIGN_SLUG}/tasks/{task.pk}/status/",
        "status": task.status,
    }


class Round:
    """One change: when its request went out, and when each socket heard of it."""

    def __init__(self, after: int, sockets: int):
        self.after = after
        self.expected = sockets
        self.sent_at = time.perf_counter()
        self.heard_at: dict[int, float] = {}
        self.everyone = asyncio.Event()

    def heard(self, socket_id: int, seq: int, at: float) -> None:
        if seq > self.after and socket_id not in self.heard_at:
            self.heard_at[socket_id] = at
            if len(self.heard_at) == self.expected:
                self.everyone.set()


def _listener_class():
    from autobahn.asyncio.websocket import WebSocketClientProtocol

    class Listener(WebSocketClientProtocol):
        """A socket that notes when each event arrives, and does nothing else with it."""

        def onOpen(self):
            self.factory.opened.set_result(self)

        def onMessage(self, payload, isBinary):
            at = time.perf_counter()
            message = json.loads(payload)
            if message.get("type") == "event":
                self.factory.seq = max(self.factory.seq, message["seq"])
                if self.factory.bench.round is not None:
                    self.factory.bench.round.heard(id(self), message["seq"], at)
            elif message.get("type") == "hello":
                self.factory.seq = message["seq"]
                self.factory.hello.set()

        def onClose(self, wasClean, code, reason):
            if not self.factory.opened.done():
                self.factory.opened.set_exception(RuntimeError(f"handshake refused: {code} {reason}"))

    return Listener


class Bench:
    def __init__(self, daphne_port: int, daphne_pid: int, web_port: int):
        self.daphne_port, self.daphne_pid, self.web_port = daphne_port, daphne_pid, web_port
        self.round: Round | None = None
        self.listener = _listener_class()

    async def open(self, path: str, cookie: str | None, says_hello: bool):
        from autobahn.asyncio.websocket import WebSocketClientFactory

        loop = asyncio.get_running_loop()
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        factory = WebSocketClientFactory(f"ws://127.0.0.1:{self.daphne_port}{path}", origin="http://127.0.0.1", headers=headers)
        factory.protocol = self.listener
        factory.bench, factory.seq = self, 0
        factory.opened, factory.hello = loop.create_future(), asyncio.Event()
        await loop.create_connection(factory, "127.0.0.1", self.daphne_port)
        protocol = await asyncio.wait_for(factory.opened, RECEIVE_TIMEOUT_SECONDS)
        if says_hello:
            await asyncio.wait_for(factory.hello.wait(), RECEIVE_TIMEOUT_SECONDS)
        return protocol

    async def open_all(self, path: str, cookies: list[str | None], says_hello: bool) -> list:
        sockets = []
        for start in range(0, len(cookies), OPENING_AT_ONCE):
            batch = cookies[start : start + OPENING_AT_ONCE]
            sockets += await asyncio.gather(*(self.open(path, cookie, says_hello) for cookie in batch))
        return sockets

    async def post(self, path: str, fields: dict, session: str) -> int:
        """Sends the form as a browser would, with the session and CSRF cookies; the status answered."""
        secret = secrets.token_hex(16)
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": secret}).encode()
        reader, writer = await asyncio.open_connection("127.0.0.1", self.web_port)
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sessionid={session}; csrftoken={secret}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n".encode() + body
        )
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        await reader.read()
        writer.close()
        return status

    async def rounds(self, sockets: list, change) -> dict:
        """CHANGES changes, one at a time: every socket's wait for each, and the requests' own time.

        The first WARM_UP changes are not counted: each server process imports, connects and
        reads its templates at its first requests."""
        from bench.signing import _process_cpu

        waits, requests, firsts, spreads, lost = [], [], [], [], 0
        cpu_before = 0.0
        for number in range(-WARM_UP, CHANGES):
            if number == 0:
                cpu_before = _process_cpu(self.daphne_pid)
            after = max(socket.factory.seq for socket in sockets)
            self.round = current = Round(after, len(sockets))
            status = await change(number, after)
            answered_at = time.perf_counter()
            if status not in (204, 302):
                raise RuntimeError(f"the change was answered {status}")
            try:
                await asyncio.wait_for(current.everyone.wait(), RECEIVE_TIMEOUT_SECONDS)
            except TimeoutError:
                pass
            self.round = None
            if number >= 0 and current.heard_at:
                requests.append((answered_at - current.sent_at) * 1000)
                lost += len(sockets) - len(current.heard_at)
                heard = sorted(current.heard_at.values())
                waits += [(at - current.sent_at) * 1000 for at in heard]
                firsts.append((heard[0] - current.sent_at) * 1000)
                spreads.append((heard[-1] - heard[0]) * 1000)
            await asyncio.sleep(PAUSE_SECONDS)
        return {
            **_summary(waits),
            "lost": lost,
            "http_p50_ms": round(statistics.median(requests), 1),
            # From the request to the first socket, and from the first socket to the last.
            "first_p50_ms": round(statistics.median(firsts), 1),
            "spread_p50_ms": round(statistics.median(spreads), 1),
            # Daphne's CPU time per change: what other work on the machine hardly moves.
            "server_cpu_ms": round(1000 * (_process_cpu(self.daphne_pid) - cpu_before) / CHANGES, 1),
        }


def _summary(waits_ms: list[float]) -> dict:
    percentiles = statistics.quantiles(waits_ms, n=100, method="inclusive")
    return {"p50_ms": round(statistics.median(waits_ms), 1), "p90_ms": round(percentiles[89], 1),
            "p99_ms": round(percentiles[98], 1), "max_ms": round(max(waits_ms), 1)}  # fmt: skip


async def _fan_out(daphne_port: int, daphne_pid: int, web_port: int, world: dict) -> dict:
    bench = Bench(daphne_port, daphne_pid, web_port)

    async def broadcast(number: int, after: int) -> int:
        return await bench.post("/bench/broadcast/", {"seq": after + 1}, world["lead"])

    bare = await bench.open_all(world["broadcast_path"], [None] * SOCKETS, says_hello=False)
    baseline = await bench.rounds(bare, broadcast)
    for socket in bare:
        socket.sendClose()

    status = [world["status"]]

    async def task_status_change(number: int, after: int) -> int:
        status[0] = "doing" if status[0] == "todo" else "todo"
        return await bench.post(world["task_path"], {"status": status[0]}, world["lead"])

    members = await bench.open_all(f"/ws/coalitions/{SLUG}/", world["members"], says_hello=True)
    figures = await bench.rounds(members, task_status_change)
    for socket in members:
        socket.sendClose()
    await asyncio.sleep(0.5)
    return {"sockets": len(members), "changes": CHANGES, **figures, "baseline": baseline}


def listen(daphne_port: int, daphne_pid: int, web_port: int, world_path: Path) -> None:
    """The sockets' side, in a process without Django: autobahn's asyncio flavour cannot share a
    process with Daphne's, which Django's set-up loads."""
    world = json.loads(world_path.read_text())
    print(json.dumps(asyncio.run(_fan_out(daphne_port, daphne_pid, web_port, world))))


def _measure_layer(layer: str, world: dict, scratch: Path) -> dict:
    from bench.signing import _free_port, _stop, _wait_for_port

    env = {**os.environ, "CHANNEL_LAYER": layer, "WEB_CONCURRENCY": "2"}
    daphne_port, web_port = _free_port(), _free_port()
    bin_dir = Path(sys.executable).parent
    commands = {
        "daphne": [str(bin_dir / "daphne"), "-b", "127.0.0.1", "-p", str(daphne_port), "bench.asgi:application"],
        "gunicorn": [str(bin_dir / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), "--bind",
                     f"127.0.0.1:{web_port}", "config.wsgi"],
    }  # fmt: skip
    servers = {}
    try:
        for name, command in commands.items():
            log = scratch / f"{name}-{layer}.log"
            with log.open("wb") as output:
                servers[name] = subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
                )
        for (name, server), port in zip(servers.items(), (daphne_port, web_port), strict=True):
            _wait_for_port(port, server, scratch / f"{name}-{layer}.log")
        world_path = scratch / "world.json"
        world_path.write_text(json.dumps(world))
        listened = subprocess.run(
            [sys.executable, __file__, "--listen", str(daphne_port), str(servers["daphne"].pid), str(web_port),
             str(world_path)],
            cwd=ROOT, check=True, capture_output=True, text=True,
        )  # fmt: skip
        return json.loads(listened.stdout)
    finally:
        for server in servers.values():
            _stop(server)


def measure(results_path: Path, scratch: Path) -> None:
    import django

    if os.environ["DATABASE_URL"].startswith("postgres"):
        from bench.signing import ensure_database

        ensure_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    from bench.asgi import BROADCAST_PATH

    world = {**_prepare(), "broadcast_path": BROADCAST_PATH}
    layers = {layer: _measure_layer(layer, world, scratch) for layer in LAYERS}
    chosen = layers[settings.CHANNEL_LAYER]
    results = {
        "ws_fanout": {"sockets": chosen["sockets"], "p50_ms": chosen["p50_ms"], "p99_ms": chosen["p99_ms"],
                      "layer": settings.CHANNEL_LAYER},
        "ws_fanout_layers": layers,
    }  # fmt: skip
    results_path.write_text(json.dumps(results))


def main() -> None:
    from bench.signing import run_alone

    run_alone(bench_fanout, print_figures)


if __name__ == "__main__":
    sys.path[0] = str(ROOT)  # the project's packages, not bench/'s modules, by their plain names
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        measure(Path(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) == 6 and sys.argv[1] == "--listen":
        listen(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
    else:
        main()
