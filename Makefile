# 云浮市法律援助 portal. `make run` sets everything up, starts the background worker and serves
# http://127.0.0.1:8000;
# `make test` runs the whole suite (against PostgreSQL when DATABASE_URL is set).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# XStatic-Bootstrap ships only an sdist whose setup.py still imports pkg_resources.
export PIP_CONSTRAINT := $(CURDIR)/build-constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-dates lint bench venv migrate demo clean

$(VENV)/.installed: requirements.txt requirements-dev.txt build-constraints.txt
	@test -x $(PY) || { interpreter=$$(scripts/find-python) && echo "Creating $(VENV) with $$interpreter" && $$interpreter -m venv $(VENV); }
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

migrate: venv
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo

# The background worker (text messages, digest e-mails) runs beside the server: Ctrl-C stops both.
run: demo
	@export DEBUG=$${DEBUG:-1}; \
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Background worker started (pid $$worker): text messages print here."; \
	$(PY) manage.py runserver 127.0.0.1:8000

# Both cores (pytest-xdist); PYTEST_WORKERS=0 runs in one process.
test: venv
	$(VENV)/bin/pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)

# The tests whose outcome depends on the day, with the clock moved to days that have tripped such
# tests before: a holiday that is a month's 1st, a 2nd (the monthly sheet's deadline), a month's 1st,
# the Monday after a 调休 Saturday, the last day of the year, and the first working day of the next
# (the demo's year has barely begun).
DATE_SENSITIVE := tests/reporting tests/deadlines tests/cases/test_demo.py tests/cases/test_deadlines.py \
	tests/test_seed_demo.py tests/applications/test_supplement_and_decisions.py tests/quality \
	tests/applications/test_sms.py tests/portal/test_digest.py
MOVED_DAYS := 2026-10-01 2026-11-02 2026-12-01 2026-10-12 2026-12-31 2027-01-04
test-dates: venv
	@for day in $(MOVED_DAYS); do \
		echo "== the date-sensitive tests on $$day"; \
		$(VENV)/bin/pytest -n $${PYTEST_WORKERS:-auto} -q --today=$$day -m "not browser" $(DATE_SENSITIVE) || exit 1; \
	done

# Performance at three scales (issue 14, docs/performance.md): builds yf_bench_<scale> on the
# PostgreSQL server of DATABASE_URL (reused when present), serves it with gunicorn and measures each
# page from a separate load process. BENCH_SCALE=city-year|city-decade|province; kept out of `make test`.
BENCH_SCALE ?= city-year
bench: venv
	$(PY) -m bench.run --scale $(BENCH_SCALE) $(BENCH_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(VENV)/bin/mypy
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
