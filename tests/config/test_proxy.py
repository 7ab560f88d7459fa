"""config/proxy/Caddyfile: the one entrance of the compose stack, checked with Debian's Caddy."""

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

CADDY = shutil.which("caddy")
CADDYFILE = settings.BASE_DIR / "config" / "proxy" / "Caddyfile"

pytestmark = pytest.mark.skipif(CADDY is None, reason="needs Debian's caddy")


def _adapt(**environ: str) -> dict:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **environ}
    result = subprocess.run(
        [CADDY, "adapt", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
        env=env, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_localhost_gets_a_certificate_from_caddys_own_authority():
    config = _adapt()
    (policy,) = config["apps"]["tls"]["automation"]["policies"]
    assert policy["subjects"] == ["localhost"]
    assert [issuer["module"] for issuer in policy["issuers"]] == ["internal"]
    assert config["apps"]["http"]["servers"]["srv0"]["listen"] == [":443"]


def test_a_public_name_gets_a_certificate_for_the_operators_address():
    config = _adapt(SITE_ADDRESS="petitions.example.org", TLS="ops@example.org")
    (policy,) = config["apps"]["tls"]["automation"]["policies"]
    assert policy["subjects"] == ["petitions.example.org"]
    assert {issuer["module"] for issuer in policy["issuers"]} >= {"acme"}
    assert all(issuer["email"] == "ops@example.org" for issuer in policy["issuers"])


class _Upstream(ThreadingHTTPServer):
    """Answers every request with its own name and the forwarding headers it received."""

    def __init__(self, name: str):
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                answer = {
                    "server": upstream.name,
                    "path": self.path,
                    "forwarded_for": self.headers.get("X-Forwarded-For"),
                    "forwarded_proto": self.headers.get("X-Forwarded-Proto"),
                }
                body = json.dumps(answer).encode() + b" " * 2000  # long enough to be worth compressing
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.name = name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def proxy(tmp_path):
    """The Caddyfile's routes in front of two stand-in servers, on plain HTTP on a loopback port.

    TLS is left out (it needs port 443 and a certificate); what is checked is where each path goes
    and what the servers behind learn about the visitor.
    """
    upstreams = {name: _Upstream(name) for name in ("web", "ws")}
    for server in upstreams.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    config = _adapt(
        WEB_UPSTREAM=f"127.0.0.1:{upstreams['web'].server_port}",
        WS_UPSTREAM=f"127.0.0.1:{upstreams['ws'].server_port}",
    )
    port = _free_port()
    config["admin"] = {"disabled": True}
    config["apps"].pop("tls")
    server = config["apps"]["http"]["servers"]["srv0"]
    server["listen"] = [f"127.0.0.1:{port}"]
    server["automatic_https"] = {"disable": True}
    (tmp_path / "caddy.json").write_text(json.dumps(config))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    process = subprocess.Popen(
        [CADDY, "run", "--config", str(tmp_path / "caddy.json")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, process.stderr.read().decode()
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        for upstream in upstreams.values():
            upstream.shutdown()
            upstream.server_close()


def _get(port: int, path: str, **headers: str) -> tuple[dict, dict]:
    import http.client
    import zlib

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers={"Host": "localhost", **headers})
    response = connection.getresponse()
    body = response.read()
    if response.getheader("Content-Encoding") == "gzip":
        body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
    connection.close()
    assert response.status == 200, (response.status, body)
    return json.loads(body), dict(response.getheaders())


def test_sockets_go_to_the_asgi_server_and_pages_to_the_wsgi_workers(proxy):
    assert _get(proxy, "/ws/coalitions/india-domestic-workers/")[0]["server"] == "ws"
    for path in ("/", "/p/ratify-c189/", "/p/ratify-c189/count.json", "/wsx", "/static/app.css"):
        answer, _headers = _get(proxy, path)
        assert (answer["server"], answer["path"]) == ("web", path)


def test_the_servers_behind_learn_the_visitors_address_not_what_the_visitor_claims(proxy):
    answer, _headers = _get(proxy, "/p/ratify-c189/sign/", **{"X-Forwarded-For": "203.0.113.9"})
    assert answer["forwarded_for"] == "127.0.0.1"
    assert answer["forwarded_proto"] == "http"


def test_pages_are_compressed(proxy):
    _answer, headers = _get(proxy, "/", **{"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip"
