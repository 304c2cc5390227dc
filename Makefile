# The two commands of the README:  `make demo`  and  `make test`.
# Each sets up everything it needs on a fresh machine (virtual environment, packages).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: demo test lint typecheck pytest bench clean system-deps js-deps lint-js test-js

demo: $(STAMP)
	$(BIN)/jupyter-ad demo

test: $(STAMP) system-deps lint lint-js typecheck test-js pytest

lint: $(STAMP)
	$(BIN)/ruff check jupyter_ad tests benchmarks conftest.py

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) system-deps
	$(BIN)/pytest -n 2 --dist loadgroup

# The browser tests (tests/ui) drive Debian's Chromium; Playwright never downloads a browser.
# The Spark tests (tests/engines/test_spark.py) need a Java runtime: Debian's headless JRE.
# The streaming tests (tests/stream) start Debian's redis-server on a free port.
system-deps:
	@test -x /usr/bin/chromium || command -v chromium >/dev/null || { \
	  SUDO=; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi; \
	  $$SUDO apt-get update && \
	  $$SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core; }
	@command -v redis-server >/dev/null || { \
	  SUDO=; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi; \
	  $$SUDO apt-get update && \
	  $$SUDO apt-get install -y --no-install-recommends redis-server; }
	@command -v java >/dev/null || { \
	  SUDO=; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi; \
	  $$SUDO apt-get update && \
	  $$SUDO apt-get install -y --no-install-recommends default-jre-headless || \
	  echo "make: no Java runtime could be installed: the Spark tests will skip"; }

# The panels' front end (js/): linted with ESLint and unit-tested with node's own test runner.
# npm installs the exact versions of js/package-lock.json into js/node_modules (git-ignored).
js/node_modules/.package-lock.json: js/package.json js/package-lock.json
	@command -v npm >/dev/null || { \
	  SUDO=; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends nodejs npm; }
	cd js && npm ci --no-audit --no-fund

js-deps: js/node_modules/.package-lock.json

lint-js: js-deps
	cd js && npx eslint .

test-js: js-deps
	cd js && node --test tests/

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
