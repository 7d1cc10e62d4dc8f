# Two commands do all the set-up on a fresh machine:
#   make demo   install into .venv, ingest the seed articles into a fresh store, answer three questions
#   make test   install into .venv, run the test suite (it also scores extraction on the gold files)
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: demo test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/conflictkg demo

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) conflictkg-demo conflictkg-data
