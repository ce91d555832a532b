# The two commands: `make run` and `make test`. Both run `make setup` first.
.PHONY: setup run test demo lint bench

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
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .

bench: setup
	@$(PY) bench/ingest.py
	@$(PY) bench/fidelity.py --quick
	@$(PY) bench/dedupe.py --quick
	@$(PY) bench/page.py --quick
