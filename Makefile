# ThuKy — set-up, main job and tests. `make run` and `make test` are the README's two commands.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup llm browser run test test-fast lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0          # CPU build from local disk, before anything that needs torch
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# Optional local LLM: llama.cpp's OpenAI-compatible server (the model itself: `thuky models fetch-llm`).
# A build that fails does not stop the tests: the LLM integration test then skips and says why.
#
# Portable build. llama.cpp's default (GGML_NATIVE) compiles with -march=native, i.e. for the build host's CPU: a
# host with AMX (Sapphire Rapids and later) gets AMX kernels that crashed with a segfault (exit 139) on its first
# completion. So native tuning is off and the instruction set is named: x86-64-v3 (AVX, AVX2, FMA, F16C, BMI2), which
# every machine of this kind has; AVX-512, AVX-VNNI and AMX are off (not on every CPU the kind runs on, and AMX is the
# crash). GGML_CPU_ALL_VARIANTS would pick the best variant at run time, but it needs GGML_BACKEND_DL, whose loader
# looks for the backend next to the executable (here the venv's python) or in the current directory, not next to
# libllama.so: llama-cpp-python 0.3.36 would load no CPU backend. Side by side with the native (AVX-512) build on an
# AVX-512 host, the portable one decodes as many tokens per CPU-second (README).
# Pip's wheel cache is not keyed by CMAKE_ARGS, so the wheel is built with --no-cache-dir and --force-reinstall (only
# llama-cpp-python; the server's dependencies are then installed without touching what is there). The stamp names the
# build, so a venv with the earlier native build (stamped `.llm-installed`) is rebuilt; and `make llm` checks
# llama_print_system_info(): a build that shows AMX or AVX512 (say from a plain `pip install llama-cpp-python`) is
# replaced by the portable one.
LLM_VERSION := 0.3.36
LLM_CMAKE_ARGS := -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF \
	-DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX_VNNI=OFF \
	-DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
LLM_STAMP := $(VENV)/.llm-$(LLM_VERSION)-x86-64-v3
# Exit 0 when llama_cpp is absent or portable, 1 when its build has AMX or AVX-512 (or does not load).
LLM_CHECK := $(BIN)/python -c "import importlib.util as u, sys; u.find_spec('llama_cpp') or sys.exit(0); \
	import llama_cpp; i = llama_cpp.llama_print_system_info().decode(); print(i.strip()); \
	sys.exit('AMX' in i or 'AVX512' in i)"

$(LLM_STAMP): $(STAMP)
	-CMAKE_ARGS="$(LLM_CMAKE_ARGS)" CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q --force-reinstall \
		--no-deps --no-cache-dir "llama-cpp-python==$(LLM_VERSION)" \
		&& $(BIN)/pip install -q "llama-cpp-python[server]==$(LLM_VERSION)" \
		&& $(LLM_CHECK) && touch $(LLM_STAMP)

llm: $(LLM_STAMP)
	@$(LLM_CHECK) >/dev/null 2>&1 || { echo "llama-cpp-python in $(VENV) is not the portable build: rebuilding"; \
		rm -f $(LLM_STAMP) && $(MAKE) --no-print-directory $(LLM_STAMP); }

# The main job on the embedded default: ingest the 208 statutes into SQLite under THUKY_HOME, build the embedding
# model and the hybrid index (BM25 + FAISS), answer a first search, load the judgments as case law, create the
# first admin (once) and serve the
# API and web client on 127.0.0.1 (THUKY_PORT, default 8000).
run: setup
	$(BIN)/thuky ingest --corpus statutes ../shared/data/statutes
	$(BIN)/thuky documents --corpus statutes --limit 10
	$(BIN)/thuky models build
	$(BIN)/thuky index build --corpus statutes
	$(BIN)/thuky ingest --corpus alqac ../shared/data/alqac/law.json
	$(BIN)/thuky index build --corpus alqac
	$(BIN)/thuky models train
	$(BIN)/thuky search "người phạm tội tự thú thì có được giảm nhẹ trách nhiệm hình sự không" --k 5
	$(BIN)/thuky cases ingest ../shared/data/alqac2026/judgments.json
	$(BIN)/thuky users init-admin
	$(BIN)/thuky serve

# The store, API, conversation and job tests run on SQLite and again on a throwaway PostgreSQL server that
# tests/with_postgres.sh installs (Debian's postgresql), starts, hands over as THUKY_TEST_POSTGRES_URL and stops.
test: setup llm browser lint
	tests/with_postgres.sh $(BIN)/python -m pytest -q

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
