# Two commands set everything up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements

.DEFAULT_GOAL := help
.PHONY: help install lock browser system-packages messages messages-update run dev test bench lint format shell reset-data backup restore

help:
	@echo "make run    serve the site with demo content at http://127.0.0.1:8000 (PORT=... to change)"
	@echo "make test   run the whole test suite on PostgreSQL"
	@echo "make dev    runserver with DEBUG on, for template work"
	@echo "make bench  served requests/s, latency and memory, uncached and cached, against targets"
	@echo "make lint   ruff check and format check"
	@echo "make lock   write requirements.lock and requirements-dev.lock again (with hashes)"
	@echo "make messages-update  gather new interface strings into locale/ (then translate them)"
	@echo "make shell  Django shell on the site's database"
	@echo "make reset-data  delete the local database and uploaded media (asks first)"
	@echo "make backup      archive the database and uploaded files into var/backups/"
	@echo "make restore FILE=var/backups/ifex-....tar.gz  restore one into an empty database"

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV): install Python's venv module (Debian: apt-get install python3-venv)."; exit 1; }

# Exactly the versions in the lock, each checked against its hash. Production installs
# requirements.lock (runtime only); development and tests add requirements-dev.lock's tools.
$(STAMP): requirements-dev.lock requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@

install: $(STAMP)

# Write the locks again from requirements.txt and requirements-dev.txt (after changing either,
# or to take new releases within their ranges: `make lock UPGRADE=--upgrade`).
lock: install
	$(BIN)/uv pip compile requirements.txt --generate-hashes --universal --python-version 3.11 \
		--no-header --quiet $(UPGRADE) -o requirements.lock
	$(BIN)/uv pip compile requirements-dev.txt --generate-hashes --universal --python-version 3.11 \
		--no-header --quiet $(UPGRADE) -o requirements-dev.lock

# The interface in French, Spanish and Arabic: locale/*/LC_MESSAGES/django.po compiled for
# Django (GNU gettext's msgfmt, a Debian package installed when missing). After changing a
# template's words: `make messages-update`, translate the new entries, commit the .po files.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED_CATALOGUES := $(CATALOGUES:.po=.mo)
MSGFMT := /usr/bin/msgfmt

$(MSGFMT):
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	echo "Installing gettext (msgfmt compiles the translations)..."; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(STAMP) $(MSGFMT)
	$(BIN)/python manage.py compilemessages --locale $* --ignore '.venv/*' --ignore 'var/*' >/dev/null

messages: $(COMPILED_CATALOGUES)

messages-update: install $(MSGFMT)
	$(BIN)/python manage.py makemessages --locale fr --locale es --locale ar --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*'

# Database, migrations, static files, demo content, then gunicorn (ifex/serve.py); Ctrl-C stops all.
run: install messages
	@$(BIN)/python -m ifex.serve

dev: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py ensure_demo_users
	$(BIN)/python manage.py runserver $${PORT:-8000}

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Debian packages the tests use for real: Chromium (the browser tests; Playwright's own browser
# download does not work offline), nginx (the proxy in front of gunicorn), Varnish (the edge
# cache) and Redis (the shared cache). Installed when missing.
SYSTEM_PACKAGES := chromium:/usr/bin/chromium nginx:/usr/sbin/nginx redis-server:/usr/bin/redis-server \
	varnish:/usr/sbin/varnishd
system-packages:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
		[ -x "$${entry#*:}" ] || missing="$$missing $${entry%%:*}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages for the tests:$$missing (about a minute)..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

browser: system-packages

test: install lint system-packages messages
	$(BIN)/python -m pytest

# Served speed and memory, at demo size and with 10,000 articles (its own database, ifex_bench,
# and var/bench/); wrk measures (Debian package, installed when missing). See ifex/bench.py.
BENCH_PACKAGES := wrk:/usr/bin/wrk redis-server:/usr/bin/redis-server varnish:/usr/sbin/varnishd \
	nginx:/usr/sbin/nginx
bench: install
	@$(MAKE) --no-print-directory system-packages SYSTEM_PACKAGES="$(BENCH_PACKAGES)"
	$(BIN)/python -m ifex.bench

shell: install
	$(BIN)/python manage.py shell

reset-data:
	@read -p "Delete var/pgdata and var/media (the local database and uploads)? [y/N] " answer; \
	if [ "$$answer" = y ]; then rm -rf var/pgdata var/media && echo "Deleted. The next 'make run' starts fresh."; fi

# pg_dump of the database and the media folder, in one timestamped archive under var/backups/.
backup: install
	$(BIN)/python manage.py backup

# Into an empty database (DATABASE_URL, or a fresh embedded one) and an empty media folder.
restore: install
	@test -n "$(FILE)" || { echo "Say which backup: make restore FILE=var/backups/ifex-....tar.gz"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"
