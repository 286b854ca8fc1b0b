# Relève — developer entry points. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= 2024

.PHONY: run test lint format install install-dev migrate demo serve messages clean backup restore reliability

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files so that re-running `make` only reinstalls when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

demo: migrate
	$(BIN)/python manage.py seed_demo --seed $(SEED) --if-empty

# The background-task worker and the webhook sweep run beside the server and stop with it.
run: demo
	@$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	$(BIN)/python manage.py deliver_webhooks --loop --interval 30 & sweep=$$!; \
	trap 'kill $$worker $$sweep 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract strings (needs GNU gettext), then compile every catalogue with polib (no gettext).
messages: install-dev
	$(BIN)/python manage.py makemessages --locale fr --no-obsolete --no-location \
		--ignore "$(VENV)/*" --ignore "tests/*" --ignore "bench/*" --ignore "scripts/*"
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# Backups of the configured database (DATABASE_URL): PostgreSQL pg_dump custom format, or a
# SQLite online copy. `make restore FILE=backups/releve-….dump` replaces the database content.
backup: install
	$(BIN)/python scripts/backup.py $(FILE)

restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=path/to/backup" && exit 2)
	$(BIN)/python scripts/restore.py $(FILE)

# Reliability scoreboard (authorization matrix, fuzzing, concurrency, kills, GDPR, deploy
# check) on PostgreSQL: RELIABILITY_DATABASE_URL=postgres://… make reliability
reliability: install-dev
	$(BIN)/python scripts/reliability.py

# Benchmarks (bench/RESULTS.md): a separate PostgreSQL database (BENCH_DATABASE_URL, or
# DATABASE_URL renamed releve_bench), created and dropped by the harness. Exits 1 on a missed goal.
BENCH_SCALE ?= 100k
.PHONY: bench bench-smoke
bench: install-dev
	$(BIN)/python -m bench --scale $(BENCH_SCALE)

# Every benchmark at a tiny scale on the test database (also part of `make test`).
bench-smoke: install-dev
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/bench
