# planparse — `make demo` and `make test` each do everything on a fresh Debian machine (as root).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet poppler-utils fonts-liberation2 chromium \
	libtesseract-dev libleptonica-dev pkg-config g++
# Times-like faces with Vietnamese glyphs, needed only to re-learn the OCR confusion table (`make training-fonts`).
APT_TRAINING := fonts-croscore fonts-texgyre
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install system training-fonts demo test bench sample clean

install: system $(STAMP)

# Debian packages, installed only when missing (quick no-op otherwise).
system: PACKAGES = $(APT_PACKAGES)
training-fonts: PACKAGES = $(APT_TRAINING)
system training-fonts:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(STAMP): pyproject.toml src/planparse/repair/_kernels.pyx
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@set -o pipefail; $(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | { grep -v "^WARNING: Location" || true; }
	@set -o pipefail; $(BIN)/python -m pip install -q --disable-pip-version-check --no-binary tesserocr -e ".[dev,dask,dataset,ocr]" 2>&1 | { grep -v "^WARNING: Location" || true; }
	@$(BIN)/python -c "import planparse, pytesseract, cv2, pypdf, vietnamadminunits, dask.distributed, reportlab, pyarrow, duckdb, pikepdf, fpdf, img2pdf, playwright"
	@$(BIN)/python -c "from planparse.ocr.tesseract import in_process; assert in_process(), 'tesserocr is missing or not built on the system Tesseract: pip install --force-reinstall --no-binary tesserocr tesserocr'"
	@test -x $(BIN)/ruff && test -x $(BIN)/mypy
	@touch $@

demo: install
	@mkdir -p out
	$(BIN)/planparse ingest samples/plan_scan.pdf -o out/plan_scan.json
	$(BIN)/planparse ingest samples/plan_scan.pdf --format csv -o out/plan_scan.tasks.csv
	@echo "--- first lines of the text:"; $(BIN)/python -c "import json; d=json.load(open('out/plan_scan.json')); print('\n'.join(d['text'].splitlines()[:12]))"
	$(BIN)/planparse dataset out/
	@echo "--- one query over the sample's dataset (its tasks, joined with their document):"
	$(BIN)/planparse query out/dataset "SELECT d.number, d.date, t.tt, t.lead, t.deadline_end, t.task FROM tasks t JOIN documents d USING (document_id) ORDER BY t.id"

# Lint, type check and tests all run; the last line names every one that failed.
test: install
	@failed=""; \
	echo "=== ruff check src tests bench"; $(BIN)/ruff check src tests bench || failed="$$failed ruff"; \
	echo "=== mypy src/planparse tests"; $(BIN)/mypy || failed="$$failed mypy"; \
	echo "=== pytest"; $(BIN)/python -m pytest -q || failed="$$failed pytest"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: ruff, mypy and pytest passed"

bench: install
	@for b in bench/bench_*.py; do echo "=== $$b"; $(BIN)/python $$b || exit 1; done

sample: install
	$(BIN)/python samples/make_sample.py

clean:
	rm -rf out .pytest_cache .hypothesis
