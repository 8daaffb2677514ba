# The two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
# Local development defaults; production sets its own values (docs/configuration.md).
export SECRET_KEY ?= dev-only-insecure-key-do-not-use-in-production
export FIELD_ENCRYPTION_KEY ?= ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc=
# Published demonstration keys for SM4 / HMAC-SM3 (as DEMO_* in portal/settings.py); check --deploy refuses them.
export FIELD_SM4_KEYS ?= 1:ZGV2LW9ubHktc200LWtleQ==
export BLIND_INDEX_KEY ?= ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LWhtYWMtc20z
export INTEGRITY_KEYS ?= 1:ZGV2LW9ubHktaW50ZWdyaXR5LWtleS1mb3ItaG1hYy1zbTM=
PORT ?= 8000
SCALE ?= city

.PHONY: run test setup setup-dev assets messages lint format audit bench seed clean chromium

$(VENV)/.installed: requirements.txt
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PY) not found)"; exit 1; }
	test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed
	$(PYTHON) manage.py compile_translations
	$(PYTHON) manage.py collectstatic --noinput --verbosity 0

setup-dev: $(VENV)/.installed-dev setup

# Serve the portal, the Celery worker and beat in the foreground; Ctrl-C stops all.
run: export DEBUG ?= true
run: setup
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py seed_demo --if-empty
	$(PYTHON) scripts/run_all.py --port $(PORT)

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (browser journeys will be skipped)"; fi; \
	fi
	@# PDF documents (WeasyPrint): Pango and the Noto CJK fonts they embed (docs/documents.md).
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || [ ! -d /usr/share/fonts/opentype/noto ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk >/dev/null; \
	  else echo "PDF documents need: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"; fi; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTHON) scripts/check_imports.py

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup-dev chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTHON) scripts/check_imports.py
	$(PYTHON) manage.py makemigrations --check --dry-run
	$(BIN)/bandit -q -ll -c pyproject.toml -r portal branches training assessment supervision
	$(BIN)/pytest $(PYTEST_ARGS)

# Needs internet (a vulnerability database); not part of `make test`. See docs/security.md.
audit: $(VENV)/.installed-dev
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit -r requirements.txt

messages:
	$(PYTHON) manage.py makemessages -l zh_Hans --no-obsolete --no-location --ignore=node_modules --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(PYTHON) scripts/fill_translations.py
	$(PYTHON) manage.py compile_translations

# Locust (the load run) lives in its own virtualenv: it registers a pytest plugin and gevent,
# which have no place in the test suite's environment.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: requirements-bench.txt
	test -x $(BENCH_VENV)/bin/python || $(PY) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet -r requirements-bench.txt
	touch $@

bench: setup-dev $(BENCH_VENV)/.installed
	LOCUST=$(BENCH_VENV)/bin/locust $(PYTHON) bench/run.py --scale $(SCALE)

clean:
	rm -rf var/staticfiles var/broker control
