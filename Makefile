# Two commands do all set-up on a fresh Debian machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in mails point at the port actually served (`make run PORT=8080`), unless set otherwise.
export SITE_URL ?= http://$(HOST):$(PORT)

# WeasyPrint renders with pango; Noto covers Latin, French accents, Bengali, Devanagari and Tamil;
# gettext compiles the translations. Tests add Debian's Chromium (never a downloaded browser),
# docker-compose (to check the compose file; no Docker engine is needed), Caddy (to check the
# proxy's routes) and poppler-utils (to read the fonts and text of the letters' PDFs).
# The benchmarks load the server with wrk, which costs little CPU beside it.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core gettext
BENCH_PACKAGES := wrk
TEST_PACKAGES := $(RUN_PACKAGES) chromium docker-compose caddy poppler-utils $(BENCH_PACKAGES)

# Installs the Debian packages in $(1) that are missing: as root with apt-get, else with sudo.
define apt_install
	@if command -v dpkg >/dev/null 2>&1; then \
	  missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	    else echo "Please install these Debian packages:$$missing" >&2; exit 1; fi; \
	    echo "Installing system packages:$$missing"; \
	    $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  fi; \
	else echo "Not a Debian system: install pango, Noto fonts and gettext yourself." >&2; fi
endef

.PHONY: run test bench serve setup lint messages

$(VENV)/.installed: requirements.txt
	@if ! $(PYTHON) -c "import ensurepip, venv" >/dev/null 2>&1; then \
	  v=$$($(PYTHON) -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'); \
	  $(MAKE) --no-print-directory apt-venv PKGS="python$$v-venv"; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

.PHONY: apt-venv
apt-venv:
	$(call apt_install,$(PKGS))

setup: $(VENV)/.installed
	$(call apt_install,$(RUN_PACKAGES))
	@mkdir -p var/mail var/celery/queue var/celery/control

messages: setup
	@if [ -d locale ]; then $(PY) manage.py compilemessages --ignore=.venv -v0; fi

run: messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo
	@$(MAKE) --no-print-directory serve

# The worker (with beat) runs beside the web server and stops with it (coalitions/management/commands/serve.py).
serve:
	@$(PY) manage.py serve --host $(HOST) --port $(PORT)

test: messages
	$(call apt_install,$(TEST_PACKAGES))
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest

bench: messages
	$(call apt_install,$(BENCH_PACKAGES))
	$(PY) bench/run.py

lint: setup
	$(VENV)/bin/ruff check .
