# The two quick-start commands (`make demo`, `make test`) set everything up themselves.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

.PHONY: setup demo test lint gate browser
setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tocsin demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/mypy src
	$(VENV)/bin/lint-imports

# The browser tests need Debian's Chromium: installed here (root or sudo) or a clear failure,
# never a silent skip. TOCSIN_SKIP_BROWSER=1 skips them on purpose.
browser:
	bash scripts/install_chromium.sh

test: lint browser
	$(VENV)/bin/pytest -q

# The quality gate: CI-sized evaluations on ../shared/eval against evaluation/baseline.json.
gate: $(STAMP)
	$(VENV)/bin/tocsin evaluate gate
