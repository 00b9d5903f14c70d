# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NLP_STAMP := $(VENV)/.installed-nlp
REQUIREMENT ?= Build a REST API for a bookstore with books (title, author, price, published year) and authors (name, country). Users must log in with JWT to create, update or delete; anyone can read.

.PHONY: run test lint format bench clean proto

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the optional nlp extra (sentence embeddings for the intent processor, ~1.5 GB with torch's CPU
# build): the test suite exercises it, `make run` does not need it
$(NLP_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet 'torch==2.13.0'
	$(BIN)/python -m pip install --quiet -e '.[dev,nlp]'
	touch $(NLP_STAMP)

run: $(STAMP)
	$(BIN)/codeguild generate "$(REQUIREMENT)" -o out --force

test: $(NLP_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP)
	$(BIN)/python bench/e2e_generate.py

# regenerate the gRPC code from src/codeguild/rpc/agent.proto (checked in; a test compares)
proto: $(STAMP)
	cd src && ../$(BIN)/python -m grpc_tools.protoc -I . --python_out=. --grpc_python_out=. \
		--pyi_out=. codeguild/rpc/agent.proto

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info
