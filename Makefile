# The two commands a new machine needs: `make build` and `make test`.
.PHONY: setup build test test-fast bench

setup:
	./scripts/setup.sh

build: setup
	.venv/bin/communique build

# Every test, slow and browser ones included (what CI runs).
test:
	WITH_BROWSER=1 WITH_OFFICE=1 ./scripts/setup.sh
	.venv/bin/python -m pytest -m "" $(PYTEST_ARGS); status=$$?; \
	if [ $$status = 5 ]; then echo "pytest ran no tests" >&2; exit 1; fi; exit $$status

# The fast tests only, for the edit-test loop.
test-fast: setup
	.venv/bin/python -m pytest $(PYTEST_ARGS)

# Build benchmarks against bare WeasyPrint; writes docs/benchmarks.md (BENCH_ARGS="--runs 9").
bench: setup
	.venv/bin/python benchmarks/run.py $(BENCH_ARGS)
