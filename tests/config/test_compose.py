"""docker-compose.yml and the Dockerfile, checked without a Docker engine."""

import os
import re
import shutil
import subprocess

import pytest
from django.conf import settings

COMPOSE = shutil.which("docker-compose")
COMPOSE_FILE = settings.BASE_DIR / "docker-compose.yml"
DOCKERFILE = settings.BASE_DIR / "Dockerfile"
SERVICES = {"postgres", "redis", "web", "ws", "worker", "beat", "proxy"}
APP_SERVICES = {"web", "ws", "worker", "beat"}

needs_compose = pytest.mark.skipif(COMPOSE is None, reason="needs docker-compose")


def _compose(tmp_path, *args: str, **environ: str) -> subprocess.CompletedProcess:
    """Runs docker-compose on the project's file with only the given variables set.

    Neither the caller's environment (DATABASE_URL of a test run, say) nor an .env file beside
    the compose file takes part.
    """
    env_file = tmp_path / "empty.env"
    env_file.touch()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), **environ}
    return subprocess.run(
        [COMPOSE, "--project-directory", str(settings.BASE_DIR), "--env-file", str(env_file), "-f", str(COMPOSE_FILE),
         *args],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def _blocks(text: str, indent: int) -> dict[str, str]:
    """Splits YAML as docker-compose prints it into the blocks of the keys at one indentation."""
    blocks: dict[str, list[str]] = {}
    current = None
    key = re.compile(rf"^ {{{indent}}}([A-Za-z0-9_.-]+):")
    for line in text.splitlines():
        found = key.match(line)
        if found:
            current = found.group(1)
            blocks[current] = []
        elif current is not None and line.startswith(" " * (indent + 1)):
            blocks[current].append(line)
        elif line.strip():
            current = None
    return {name: "\n".join(lines) for name, lines in blocks.items()}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, str]:
    """The services of `docker-compose config`, each as its block of YAML."""
    result = _compose(tmp_path_factory.mktemp("compose"), "config", SECRET_KEY="compose-check-not-secret")
    assert result.returncode == 0, result.stderr
    top = _blocks(result.stdout, 0)
    return _blocks("services:\n" + top["services"], 2)


@needs_compose
def test_compose_file_is_valid(tmp_path):
    result = _compose(tmp_path, "config", "-q", SECRET_KEY="compose-check-not-secret")
    assert result.returncode == 0, result.stderr


@needs_compose
def test_compose_file_holds_no_secret_key(tmp_path):
    result = _compose(tmp_path, "config", "-q")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@needs_compose
def test_compose_has_every_service(tmp_path):
    result = _compose(tmp_path, "config", "--services", SECRET_KEY="compose-check-not-secret")
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == SERVICES


@needs_compose
def test_every_service_has_a_healthcheck(rendered):
    assert set(rendered) == SERVICES
    for name, block in rendered.items():
        assert re.search(r"^    healthcheck:\n(      .*\n?)*?      test:", block + "\n", re.MULTILINE), name


@needs_compose
def test_app_services_share_one_image_and_wait_for_healthy_datastores(rendered):
    for name in APP_SERVICES:
        block = rendered[name]
        assert "image: coalition:latest" in block, name
        assert f"context: {settings.BASE_DIR}" in block, name
        assert "SECRET_KEY: compose-check-not-secret" in block, name
        assert "DJANGO_SETTINGS_MODULE: config.settings.production" in block, name
        assert "DATABASE_URL: postgres://" in block and "@postgres:5432/" in block, name
        assert "REDIS_URL: redis://redis:6379/0" in block, name
        for datastore in ("postgres", "redis"):
            assert re.search(rf"      {datastore}:\n        condition: service_healthy", block), (name, datastore)


@needs_compose
def test_commands(rendered):
    assert "migrate --noinput && exec gunicorn config.wsgi" in rendered["web"]
    assert re.search(r"- daphne\n(    - .*\n)*    - config\.asgi:application", rendered["ws"] + "\n")
    assert "- worker" in rendered["worker"]
    assert "- beat" in rendered["beat"] and "beat-schedule:/app/var/celery" in rendered["beat"]
    assert "celery@$$HOSTNAME" in rendered["worker"]


def test_dockerfile_runs_gunicorn_as_an_unprivileged_user():
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())  # one line per instruction
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", text, re.MULTILINE)
    users = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r'^CMD \["gunicorn", "config\.wsgi"\]$', text, re.MULTILINE)
    # The build-time key is set for one RUN only, never with ENV or ARG (which the image keeps).
    assert not re.search(r"^(ENV|ARG)\b[^\n]*SECRET_KEY", text, re.MULTILINE)


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = set((settings.BASE_DIR / ".dockerignore").read_text().split())
    assert {".venv", "var", "staticfiles", ".git", "bench/out"} <= ignored


@needs_compose
def test_only_the_wsgi_workers_keep_database_connections(rendered):
    assert re.search(r"DATABASE_CONN_MAX_AGE: ['\"]?60['\"]?$", rendered["web"], re.M)
    for name in APP_SERVICES - {"web"}:
        assert "DATABASE_CONN_MAX_AGE" not in rendered[name], name


@needs_compose
def test_only_the_proxy_publishes_ports(rendered):
    for name, block in rendered.items():
        assert ("\n    ports:" in "\n" + block) == (name == "proxy"), name
    assert re.search(r"published: ['\"]?80['\"]?\n      target: 80", rendered["proxy"])
    assert re.search(r"published: ['\"]?443['\"]?\n      target: 443", rendered["proxy"])


@needs_compose
def test_proxy_runs_caddy_with_the_project_caddyfile(rendered):
    block = rendered["proxy"]
    assert "image: caddy:2" in block
    assert f"- {settings.BASE_DIR / 'config' / 'proxy' / 'Caddyfile'}:/etc/caddy/Caddyfile:ro" in block
    assert "SITE_ADDRESS: localhost" in block and "TLS: internal" in block


@needs_compose
def test_app_services_trust_forwarded_addresses_only_from_the_proxy(tmp_path, rendered):
    for name in APP_SERVICES:
        assert re.search(r"TRUSTED_PROXIES: ['\"]?172\.28\.0\.250['\"]?$", rendered[name], re.M), rendered[name]
        assert "TRUSTED_PROXY_COUNT" not in rendered[name], name
    assert "ipv4_address: 172.28.0.250" in rendered["proxy"]
    # No other container can be given the trusted address.
    result = _compose(tmp_path, "config", SECRET_KEY="compose-check-not-secret")
    assert re.search(r"subnet: 172\.28\.0\.0/24", result.stdout)
    assert re.search(r"ip_range: 172\.28\.0\.0/25", result.stdout)
