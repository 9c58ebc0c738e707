# community-sim: `make run` sets up .venv and runs the default scenario; `make teach` starts the teaching page;
# `make test` runs the tests.
SHELL := /bin/bash
VENV  := .venv
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
ARGS  ?=

# First Python >= 3.12: on PATH, then under pyenv (its shims are skipped when they cannot run).
FIND_PYTHON = for c in python3.13 python3.12 python3 python \
	    $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  "$$p" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$p"; exit 0; }; \
	done; exit 1

.PHONY: run test validate bench clean setup teach
setup: $(STAMP)

$(STAMP): pyproject.toml
	@py=$$($(FIND_PYTHON)) || { echo "No Python >= 3.12 found on PATH or under ~/.pyenv/versions; install one (e.g. pyenv install 3.12) and retry." >&2; exit 1; }; \
	if [ ! -x $(VENV)/bin/python ]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	@echo "Installing community-sim and its dependencies into $(VENV) (log: $(VENV)/install.log)"
	@{ $(VENV)/bin/python -m pip install --upgrade pip && $(VENV)/bin/python -m pip install -e '.[test]'; } \
	  > $(VENV)/install.log 2>&1 || { tail -n 30 $(VENV)/install.log; echo "Install failed; see $(VENV)/install.log" >&2; exit 1; }
	@rm -f $(VENV)/.installed-*; touch $@

run: $(STAMP)
	$(VENV)/bin/commsim $(ARGS)

teach: $(STAMP)
	$(VENV)/bin/commsim-teach $(ARGS)

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q $(ARGS)

validate: $(STAMP)
	$(VENV)/bin/commsim-validate $(ARGS)

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/throughput.py $(ARGS)

clean:
	rm -rf $(VENV) runs sweeps outputs .pytest_cache
