# ThuKy — set-up, main job and tests. `make run` and `make test` are the README's two commands.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup llm run test test-fast lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0          # CPU build from local disk, before anything that needs torch
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# Optional local LLM: llama.cpp's OpenAI-compatible server (the model itself: `thuky models fetch-llm`).
# A build that fails does not stop the tests: the LLM integration test then skips and says why.
LLM_STAMP := $(VENV)/.llm-installed
$(LLM_STAMP): $(STAMP)
	-CMAKE_ARGS="-DLLAVA_BUILD=OFF" CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q "llama-cpp-python[server]==0.3.36" \
		&& touch $(LLM_STAMP)

llm: $(LLM_STAMP)

# The main job on the embedded default: ingest the 208 statutes into SQLite under THUKY_HOME, build the embedding
# model and the hybrid index (BM25 + FAISS), answer a first search, load the judgments as case law, create the
# first admin (once) and serve the
# API and web client on 127.0.0.1 (THUKY_PORT, default 8000).
run: setup
	$(BIN)/thuky ingest --corpus statutes ../shared/data/statutes
	$(BIN)/thuky documents --corpus statutes --limit 10
	$(BIN)/thuky models build
	$(BIN)/thuky index build --corpus statutes
	$(BIN)/thuky search "người phạm tội tự thú thì có được giảm nhẹ trách nhiệm hình sự không" --k 5
	$(BIN)/thuky cases ingest ../shared/data/alqac2026/judgments.json
	$(BIN)/thuky users init-admin
	$(BIN)/thuky serve

test: setup llm browser lint
	$(BIN)/python -m pytest -q

# ruff with the rules in pyproject.toml; the tests include the check that imports only go down (tests/test_layers.py)
lint: setup
	$(BIN)/ruff check .

# Debian's Chromium for the browser tests of the web client (tests/api/test_browser.py). Without apt (or root) the
# build goes on and those tests skip, saying why.
browser:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium) \
		|| echo "chromium could not be installed: the browser tests will skip"

test-fast: setup lint
	$(BIN)/python -m pytest -q -m "not slow"

bench: setup
	$(BIN)/python benchmarks/ingest_speed.py
	$(BIN)/python benchmarks/structure_agreement.py
	$(BIN)/python benchmarks/retrieval_product.py
	$(BIN)/python benchmarks/index_build.py

clean:
	rm -rf $(VENV) *.egg-info
