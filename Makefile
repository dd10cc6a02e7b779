# The README's two commands: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
VENV := .venv/bin
T := $(VENV)/teritoriu
PYTEST_ARGS ?=
# National profile of the demo: RO (default; data-samples/, database teritoriu) or MD
# (Republic of Moldova: data-samples-md/, database teritoriu_md). `make demo PROFILE=MD` or
# `TERITORIU_PROFILE=MD make demo`.
PROFILE ?= $(or $(TERITORIU_PROFILE),RO)
ifeq ($(PROFILE),MD)
export TERITORIU_PROFILE := MD
export TERITORIU_DB_NAME := $(or $(TERITORIU_DB_NAME),teritoriu_md)
export TERITORIU_SAMPLES_DIR := $(CURDIR)/data-samples-md
export TERITORIU_ORTHOPHOTO := $(CURDIR)/data-samples-md/orthophoto.tif
endif

.PHONY: setup db demo samples test test-fast bench lint clean

setup:            ## Debian packages, .venv (Python 3.12), web assets
	@scripts/setup.sh

db: setup         ## start the local PostGIS cluster and migrate the schema
	@$(T) db start
	@$(T) db migrate

samples: db       ## load data-samples/ (idempotent)
	@$(T) samples load
	@$(T) user create --username ofiter.demo --full-name "Ofițer Demo" --role officer \
	    --password teritoriu-demo --if-missing
	@$(T) signing init
ifneq ($(PROFILE),MD)
	@# the demo commune's treasury account (fictional; the IBAN is the mod-97 example of the standard)
	@$(T) uat treasury --siruta 926501 --iban "RO49 AAAA 1B31 0075 9384 0000" \
	    --beneficiary "Comuna Valea Verde" --fiscal-code 4288512
endif

demo: samples     ## serve the sample commune on http://127.0.0.1:5000
	@echo
	@echo "  Harta publică (public map):   http://127.0.0.1:5000/"
	@echo "  OGC API:                      http://127.0.0.1:5000/ogc"
	@echo "  Starea serviciului (health):  http://127.0.0.1:5000/api/health"
	@echo "  Cont demo personal (staff):   ofiter.demo / teritoriu-demo"
	@echo
	@$(T) serve --host 127.0.0.1 --port 5000

test: setup       ## the whole test suite against a real PostGIS and a real browser
	@$(T) db start
	@$(VENV)/pytest $(PYTEST_ARGS)

test-fast: setup  ## the inner loop: no browser, no extra cluster or server, no slow test (under two minutes)
	@$(T) db start
	@$(VENV)/pytest -m "not e2e and not slow" $(PYTEST_ARGS)

BENCH_ARGS ?= --peers
bench: db         ## performance benchmarks (see bench/)
	@$(VENV)/python -m bench $(BENCH_ARGS)

lint: setup       ## ruff on the Python, ESLint (webmap/eslint.config.js) on the map scripts; CI runs it
	@status=0; $(VENV)/ruff check gis layers api webmap importers styles tests bench tools || status=1; \
	 (cd webmap && npx --no-install eslint static/js) || status=1; \
	 exit $$status

clean:            ## stop the cluster; remove var/ (ALL local data) and .venv
	-@$(T) db stop
	rm -rf var .venv webmap/node_modules webmap/static/vendor
