PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The versions the tests passed with (`make constraints` writes a new one).
CONSTRAINTS := requirements/constraints.txt

.PHONY: install shell demo test lint bench constraints clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# A shell where `svodka` is the installed command (.venv/bin first on PATH); `exit` leaves it.
shell: $(STAMP)
	@echo "Команда svodka готова: svodka --help. Выход: exit."
	@PATH="$(CURDIR)/$(BIN):$$PATH" VIRTUAL_ENV="$(CURDIR)/$(VENV)" $${SHELL:-/bin/sh}

demo: $(STAMP)
	$(BIN)/svodka demo

test: $(STAMP)
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		echo "Браузерные тесты (tests/browser) идут в Chromium: /usr/bin/chromium."; \
	else \
		echo "Браузерные тесты ПРОПУЩЕНЫ: нет /usr/bin/chromium и /usr/bin/chromedriver (apt-get install chromium chromium-driver)."; \
	fi
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/python -m ruff check bot handlers storage tests bench
	$(BIN)/python -m ruff format --check bot handlers storage tests bench
	$(BIN)/python -m mypy

bench: $(STAMP)
	$(BIN)/python -m bench

constraints:
	PYTHON=$(PYTHON) requirements/update-constraints.sh

clean:
	rm -rf $(VENV) var demo-out .pytest_cache test-artifacts
