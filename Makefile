# The two commands: `make run` and `make test`. Both run `make setup` first.
.PHONY: setup run test demo lint bench fuzz

PY := .venv/bin/python
WENKU := .venv/bin/wenku

setup:
	@bash scripts/setup.sh

run: setup
	@$(WENKU) demo
	@$(WENKU) serve --bind 127.0.0.1:8000

test: setup
	@bash scripts/test.sh

lint: setup
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports

bench: setup
	@$(PY) bench/ingest.py --repeat 1
	@$(PY) bench/search.py --quick
	@$(PY) bench/fidelity.py --quick
	@$(PY) bench/dedupe.py --quick
	@$(PY) bench/page.py --quick
	@$(PY) bench/ocr.py --quick
	@$(PY) bench/cluster.py --quick

# The API against its OpenAPI document with many more generated requests than the suite's run.
fuzz: setup
	@WENKU_FUZZ_EXAMPLES=200 WENKU_DATA_DIR=$(CURDIR)/var/fuzz .venv/bin/pytest -p no:cacheprovider -q tests/api/test_openapi_fuzz.py
