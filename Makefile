# Home energy platform: day-to-day commands. `make` (or `make help`) lists the targets.
#
# Two ways to run, chosen by the variable DOCKER:
#   DOCKER=1  through `docker compose` (docker-compose.yml: postgres, redis, web, worker, beat).
#   DOCKER=0  on this machine: a virtualenv in .venv, PostgreSQL and Redis on localhost
#             (DATABASE_URL / REDIS_URL, defaults in .env.example), the stack run by honcho (Procfile).
# Unset (or DOCKER=auto) it is detected: 1 when `docker info` succeeds (a Docker engine answers),
# else 0. Override it per command, `make test DOCKER=0`, or export it in your shell.
#
# Other variables: ARGS (extra arguments: `make test ARGS="-k fleet -x"`, `make logs ARGS=worker`),
# PUBLISH (1: `make bench`, `make realism` and `make screenshots` update the committed report, docs and
# images; otherwise their output goes to the git-ignored bench/out/),
# PYTHON (interpreter that creates .venv, default python3, 3.11+), VENV (default .venv),
# COMPOSE (default `docker compose`), WEB_PORT (the web port the messages show: from .env as honcho
# and docker compose read it, else the environment, else 8000).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

DOCKER ?= auto
ifeq ($(strip $(DOCKER)),)
override DOCKER := auto
endif
ifeq ($(DOCKER),auto)
override DOCKER := $(shell docker info >/dev/null 2>&1 && echo 1 || echo 0)
endif
ifeq ($(filter 0 1,$(DOCKER)),)
$(error DOCKER must be 0, 1 or auto, not '$(DOCKER)')
endif

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
CHECK := $(PY) scripts/check_services.py
COMPOSE ?= docker compose
ARGS ?=
PUBLISH ?=
DOTENV_WEB_PORT := $(shell sed -nE 's/^[[:space:]]*(export[[:space:]]+)?WEB_PORT[[:space:]]*=[[:space:]]*["'"'"']?([0-9]+).*/\2/p' .env 2>/dev/null | tail -n 1)
override WEB_PORT := $(or $(DOTENV_WEB_PORT),$(WEB_PORT),8000)
SITE := http://localhost:$(WEB_PORT)
# `make test` measures line and branch coverage (pytest-cov, settings in pyproject.toml).
COVERAGE := --cov --cov-report=term
# Tests that start no server, worker or browser process (see the markers in pyproject.toml).
FAST_TESTS := -m "not celery_worker and not server"

# The test image (compose service `tests`, profile `test`) with the working tree mounted as you,
# so test runs see your current code and files it writes (migrations, bench reports) land here.
DC_DEV := $(COMPOSE) --profile test run --rm --build --user "$$(id -u):$$(id -g)" -v "$(CURDIR):/app"
MIGRATE_SH := python manage.py migrate_households --noinput

.PHONY: help venv build up down logs shell django-shell migrate makemigrations seed reset \
	test test-fast run lint typecheck migrations-check bench attack realism screenshots docs-outputs services db-tune schema compose-check secret-key

# --- Targets (one line of help each; the recipes for both modes follow) -----------------------
help:           ## list the targets (the default)
venv:           ## create .venv and install requirements-dev.txt (again only when requirements change)
build:          ## Docker: build the images | local: same as venv
up:             ## Docker: start the stack detached, wait until healthy | local: same as run (foreground)
down:           ## Docker: stop the stack (data kept) | local: explains how to stop `make run`
logs:           ## Docker: follow the logs (ARGS=web for one service) | local: explains where they are
shell:          ## Docker: bash in the web container | local: bash with .venv activated
django-shell:   ## Django shell (manage.py shell), in the web container or locally
migrate:        ## migrate_households: public, the household template, households that differ from it (local: creates the db if missing)
makemigrations: ## manage.py makemigrations ARGS (files land in the working tree in both modes)
seed:           ## migrate, then load demo data (manage.py seed_demo)
reset:          ## fresh database + demo data | Docker: down -v, up, seed | local: drop + recreate db, migrate, seed
test:           ## pytest ARGS | Docker: in the tests container | local: in .venv, PostgreSQL and Redis checked first
test-fast:      ## like test, without the tests that start servers, Celery workers or Chromium (quick loop)
run:            ## Docker: up, then follow the logs | local: check, migrate, web + worker + beat in the foreground
lint:           ## ruff check ., import-linter contracts (pyproject.toml), scripts/lint_code.py (Docker: in the tests container)
typecheck:      ## mypy with django-stubs on the modules listed in pyproject.toml (Docker: in the tests container)
migrations-check: ## makemigrations --check: fails when a model change has no migration
schema:         ## write docs/schema.graphql from the code (tests/docs fails when it drifts)
bench:          ## python -m bench ARGS: benchmarks on a throwaway database, report in bench/out/ (PUBLISH=1: bench/REPORT.md + figures)
realism:        ## simulate whole years in-process (no database): report in bench/out/realism/ (PUBLISH=1: docs/realism.md)
docs-outputs:   ## rerun every README/docs example on a freshly seeded server and write its answers back into the docs
screenshots:    ## admin screenshots from seeded data in headless Chromium: bench/out/img/ (PUBLISH=1: docs/img/)
db-tune:        ## apply deploy/postgres/fleet.conf to the PostgreSQL server (ALTER SYSTEM; Docker: then restarts postgres)
services:       ## Docker: compose ps postgres redis | local: check they answer, create the db if missing
attack:         ## replay the security regressions (bench/attack.py): own nginx + gunicorn (production settings), or ARGS="--url http://127.0.0.1:8000"

help:
	@echo "Usage: make <target> [DOCKER=0|1] [ARGS=...]     (mode now: DOCKER=$(DOCKER)$(if $(filter 1,$(DOCKER)), = docker compose, = local .venv + localhost services))"
	@echo
	@sed -nE 's/^([a-z-]+): +## (.*)$$/\1\t\2/p' $(firstword $(MAKEFILE_LIST)) | awk -F'\t' '{ printf "  %-18s%s\n", $$1, $$2 }'
	@echo
	@echo "GraphiQL: $(SITE)/graphql once the stack is up (make up / make run); WEB_PORT=$(WEB_PORT)."

# The virtualenv: created once, requirements installed again only when a requirements file changes.
$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "$(PYTHON) is older than Python 3.11: run with PYTHON=python3.11 (or newer)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	@echo "Installing requirements-dev.txt into $(VENV) (about a minute the first time, again only when a requirements file changes)"
	$(PY) -m pip install --disable-pip-version-check --progress-bar off -r requirements-dev.txt \
		| { grep -v '^Requirement already satisfied' || true; }
	@touch $@

venv: $(STAMP)

# docker-compose.yml has no default key (compose refuses to run without one): every Docker target
# first generates a random one into the git-ignored .env, once.
secret-key:
	@if [ -z "$${DJANGO_SECRET_KEY:-}" ] && ! grep -qs '^DJANGO_SECRET_KEY=.' .env; then \
		printf 'DJANGO_SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env; \
		echo "Generated a random DJANGO_SECRET_KEY into .env (git-ignored). Keep it: a new key signs everyone out."; \
	fi
	@if [ -z "$${MQTT_PASSWORD:-}" ] && ! grep -qs '^MQTT_PASSWORD=.' .env; then \
		printf 'MQTT_PASSWORD=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(24))')" >> .env; \
		echo "Generated a random MQTT_PASSWORD (the broker's dynamic-security admin) into .env."; \
	fi

compose-check: secret-key
	@$(COMPOSE) version >/dev/null 2>&1 \
		|| { echo "DOCKER=1 but '$(COMPOSE)' does not work (the Compose v2 plugin is missing?); install it, or run with DOCKER=0" >&2; exit 1; }

ifeq ($(DOCKER),1)
# --- With Docker -------------------------------------------------------------------------------
build: compose-check
	$(COMPOSE) build

up: compose-check
	$(COMPOSE) up -d --build --wait
	@echo "Stack is up: $(SITE)/ (GraphiQL at $(SITE)/graphql, admin at $(SITE)/admin/)"

down: compose-check
	$(COMPOSE) down --remove-orphans

logs: compose-check
	$(COMPOSE) logs -f --tail=200 $(ARGS)

shell: compose-check
	@if [ -n "$$($(COMPOSE) ps -q --status running web)" ]; then $(COMPOSE) exec web bash; \
	else $(COMPOSE) run --rm web bash; fi

django-shell: compose-check
	@if [ -n "$$($(COMPOSE) ps -q --status running web)" ]; then $(COMPOSE) exec web python manage.py shell; \
	else $(COMPOSE) run --rm web python manage.py shell; fi

migrate: compose-check
	$(COMPOSE) run --rm web sh -c "$(MIGRATE_SH)"

makemigrations: compose-check
	$(DC_DEV) --entrypoint python tests manage.py makemigrations $(ARGS)

seed: compose-check
	$(COMPOSE) run --rm web sh -c "$(MIGRATE_SH) && python manage.py seed_demo $(ARGS)"

reset: compose-check
	@echo "reset: removing the containers and their volumes (the PostgreSQL data), then up + seed"
	$(COMPOSE) down -v --remove-orphans
	$(COMPOSE) up -d --build --wait
	$(COMPOSE) exec web python manage.py seed_demo $(ARGS)

test: compose-check
	$(DC_DEV) tests $(COVERAGE) $(ARGS)

test-fast: compose-check
	$(DC_DEV) tests $(FAST_TESTS) $(ARGS)

run: up
	@echo "Following the logs; Ctrl-C stops following, not the stack ('make down' stops it)."
	$(COMPOSE) logs -f --tail=50 $(ARGS)

lint: compose-check
	$(DC_DEV) --no-deps --entrypoint ruff tests check .
	$(DC_DEV) --no-deps --entrypoint lint-imports tests
	$(DC_DEV) --no-deps --entrypoint python tests scripts/lint_code.py

typecheck: compose-check
	$(DC_DEV) --no-deps --entrypoint mypy tests

migrations-check: compose-check
	$(DC_DEV) --entrypoint python tests manage.py makemigrations --check --dry-run
schema: compose-check
	$(DC_DEV) --no-deps --entrypoint python tests manage.py graphql_schema --out docs/schema.graphql

bench: compose-check
	$(DC_DEV) -e PUBLISH=$(PUBLISH) --entrypoint python tests -m bench $(ARGS)

attack: compose-check
	$(DC_DEV) --entrypoint python tests -m bench.attack $(ARGS)

realism: compose-check
	$(DC_DEV) --no-deps -e PUBLISH=$(PUBLISH) -e REALISM_DAYS --entrypoint python tests scripts/realism.py
	$(DC_DEV) --no-deps -e PUBLISH=$(PUBLISH) -e REALISM_DAYS --entrypoint python tests scripts/plan_worth.py

docs-outputs: compose-check
	$(DC_DEV) -e DOCS_REWRITE=1 tests tests/docs/test_examples.py -q

screenshots: compose-check
	$(DC_DEV) -e PUBLISH=$(PUBLISH) --entrypoint python tests scripts/screenshots.py $(ARGS)

services: compose-check
	$(COMPOSE) ps postgres redis

db-tune: compose-check
	$(DC_DEV) --entrypoint python tests scripts/db_tune.py
	$(COMPOSE) restart postgres

else
# --- Without Docker (this machine, CI) ----------------------------------------------------------
define migrate_local
	$(MANAGE) migrate_households --noinput
endef

define run_local
	@$(CHECK)
	$(migrate_local)
	@echo "Starting web ($(SITE)/ : GraphiQL $(SITE)/graphql, admin $(SITE)/admin/), worker and beat with honcho; Ctrl-C stops them all."
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" WEB_PORT=$(WEB_PORT) \
		$(VENV)/bin/honcho start $(ARGS) || { status=$$?; [ $$status -eq 130 ] || exit $$status; }
endef

build: venv
	@echo "No Docker: nothing to build; the virtualenv $(VENV) is ready (make run starts the stack)."

up: venv
	@echo "No Docker: running the stack in the foreground instead (same as make run); Ctrl-C stops it."
	$(run_local)

run: venv
	$(run_local)

down:
	@echo "No Docker: nothing runs in the background; stop 'make run' / 'make up' with Ctrl-C in its terminal. PostgreSQL and Redis are left running."

logs:
	@echo "No Docker: the logs of web, worker and beat go to the terminal running 'make run' / 'make up'."

shell: venv
	@echo "bash with $(VENV) activated; 'exit' to leave."
	@bash --rcfile <(printf '[ -f ~/.bashrc ] && . ~/.bashrc\n. "%s/bin/activate"\n' "$(CURDIR)/$(VENV)") -i

django-shell: venv
	$(MANAGE) shell

migrate: venv
	@$(CHECK) --skip-redis
	$(migrate_local)

makemigrations: venv
	$(MANAGE) makemigrations $(ARGS)

seed: migrate
	$(MANAGE) seed_demo $(ARGS)

reset: venv
	@echo "reset: dropping and recreating the database named in DATABASE_URL (local hosts only), then migrate + seed; Redis is left as it is"
	@$(CHECK) --skip-redis --drop-database
	$(migrate_local)
	$(MANAGE) seed_demo $(ARGS)

# DJANGO_SETTINGS_MODULE is dropped so that pyproject.toml's test settings always apply.
test: venv
	@$(CHECK) --no-create
	env -u DJANGO_SETTINGS_MODULE $(PY) -m pytest $(COVERAGE) $(ARGS)

test-fast: venv
	@$(CHECK) --no-create
	env -u DJANGO_SETTINGS_MODULE $(PY) -m pytest $(FAST_TESTS) $(ARGS)

lint: venv
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/lint_code.py

typecheck: venv
	$(PY) -m mypy

migrations-check: venv
	$(MANAGE) makemigrations --check --dry-run
schema: venv
	$(MANAGE) graphql_schema --out docs/schema.graphql

bench: venv
	@$(CHECK)
	PUBLISH=$(PUBLISH) $(PY) -m bench $(ARGS)

attack: venv
	$(PY) -m bench.attack $(ARGS)

realism: venv
	PUBLISH=$(PUBLISH) $(PY) scripts/realism.py
	PUBLISH=$(PUBLISH) $(PY) scripts/plan_worth.py

docs-outputs: venv
	@$(CHECK) --no-create
	DOCS_REWRITE=1 env -u DJANGO_SETTINGS_MODULE $(PY) -m pytest tests/docs/test_examples.py -q

screenshots: venv
	@$(CHECK)
	PUBLISH=$(PUBLISH) $(PY) scripts/screenshots.py $(ARGS)

services: venv
	@$(CHECK)

db-tune: venv
	@$(CHECK) --no-create --skip-redis
	$(PY) scripts/db_tune.py
endif
