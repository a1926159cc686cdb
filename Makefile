# The two commands a new machine needs: `make build` and `make test`.
.PHONY: setup build test test-fast lint bench

setup:
	./scripts/setup.sh

build: setup
	.venv/bin/communique build

# Every check and every test, slow and browser ones included (what CI runs).
test:
	WITH_BROWSER=1 WITH_OFFICE=1 ./scripts/setup.sh
	$(MAKE) --no-print-directory lint-only
	.venv/bin/python -m pytest -m "" $(PYTEST_ARGS); status=$$?; \
	if [ $$status = 5 ]; then echo "pytest ran no tests" >&2; exit 1; fi; exit $$status

# Lint, types, the import contract (no cycle, no import of a higher layer) and complexity.
lint: setup
	$(MAKE) --no-print-directory lint-only

lint-only:
	.venv/bin/ruff check src tests benchmarks
	.venv/bin/mypy
	.venv/bin/lint-imports --no-cache
	.venv/bin/python scripts/complexity.py src/communique

# The fast tests only, for the edit-test loop.
test-fast: setup
	.venv/bin/python -m pytest $(PYTEST_ARGS)

# Build benchmarks against bare WeasyPrint; writes docs/benchmarks.md (BENCH_ARGS="--runs 9").
bench: setup
	.venv/bin/python benchmarks/run.py $(BENCH_ARGS)
