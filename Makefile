# The kit's two commands are `make book` and `make test`; both set up .venv themselves.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROXY := deploy/hub/node_modules/.bin/configurable-http-proxy
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg

.PHONY: hub help setup book instructor-book release test bench mutate lab lab-settings lock clean browser sandbox case-packs case-pack-files

help:
	@echo "make book   build the published book into _build/html"
	@echo "make case-packs  the book, with each written case as an A4 PDF handout in _build/html/case_packs/ (make book does this too when Chromium is installed)"
	@echo "make instructor-book  build the instructor edition (model answers, hidden tests, facilitator notes; never publish it) into _build/instructor"
	@echo "make test   run the whole test suite"
	@echo "make lab    start JupyterLab for teaching live (teaching notebooks open as notebooks, no news pop-up; as root too)"
	@echo "make hub ROSTER=delegates.csv FACULTY=\"ann bob\"  start the cohort's JupyterHub on this machine (as root; see README)"
	@echo "make bench  run the speed benchmarks (results in benchmarks/results/); fails if one misses its target"
	@echo "make mutate mutation testing of models, data and widgets (score and survivors in benchmarks/results/)"

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install it, or run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (academy)" >/dev/null
	touch $(STAMP)

# The tests and benchmarks run these targets too (tests/conftest.py, benchmarks/run.py), from inside the
# virtualenv: they pass SETUP= (nothing to set up) and BIN=<their python's bin/>, and BUILD_DIR=<folder>
# to build the book somewhere other than ./_build.
SETUP ?= $(STAMP)
BUILD_DIR ?= .
BUILD := $(BUILD_DIR)/_build

# nbgrader reads its settings from the folder it works in and from Jupyter's configuration folders; the
# Assignments tab changes folder between the two, so the kit's exchange settings (exchange_config.py) are
# also loaded from the virtualenv's configuration folder.
LAB_CONFIG := $(VENV)/etc/jupyter/nbgrader_config.py
$(LAB_CONFIG): $(SETUP)
	mkdir -p $(dir $@)
	printf 'c = get_config()  # noqa: F821 (written by make: the kit'"'"'s exchange, for the Assignments tab)\nload_subconfig("%s/exchange_config.py")\n' "$(CURDIR)" > $@

# JupyterLab's settings for teaching in front of a room (deploy/lab/overrides.json), as the defaults of
# the virtualenv's JupyterLab: a double-clicked teaching notebook (notebooks/*.md, MyST) opens as a
# notebook through jupytext rather than as text; no "official Jupyter news" question, no update check and
# no extension manager, none of which a projector should show and all of which would ask the network.
# A person's own settings still win over these.
LAB_SETTINGS := $(abspath $(BIN)/..)/share/jupyter/lab/settings/overrides.json
$(LAB_SETTINGS): deploy/lab/overrides.json $(SETUP)
	mkdir -p $(dir $@)
	cp deploy/lab/overrides.json $@

lab-settings: $(LAB_SETTINGS)

setup: $(STAMP) $(LAB_CONFIG) $(LAB_SETTINGS)

# Release the exercises with nbgrader (solutions and hidden tests stripped), then build the book.
# The release is remade only when what it is made from changes: nbgrader rewrites every released
# notebook, and the book would then rebuild their pages. The source folders are listed too, so adding
# or removing an assignment or a notebook (which changes its folder's time) releases again.
RELEASE_STAMP := exercises/release/.stamp
RELEASE_INPUTS := $(shell find exercises/source -name .ipynb_checkpoints -prune -o -print) \
                  $(shell find academy/course -name '*.py') exercises/nbgrader_config.py
$(RELEASE_STAMP): $(RELEASE_INPUTS) $(SETUP)
	rm -rf exercises/release
	cd exercises && $(abspath $(BIN))/nbgrader generate_assignment '*' --no-db --force --log-level=WARN
	touch $@

release: $(RELEASE_STAMP)

# Sphinx and the execution cache know a page's text, not the library it imports: when academy/ or the
# case data change, forget the cached outputs and parsed pages so the book shows what the code does now.
LIBRARY_STAMP := $(BUILD)/.library-stamp
$(LIBRARY_STAMP): $(shell find academy -name '*.py') $(wildcard case_studies/*/data/*.csv)
	rm -rf $(BUILD)/.jupyter_cache $(BUILD)/.doctrees
	mkdir -p $(BUILD) && touch $@

# The book, then its case packs: each written case printed to a PDF handout by headless Chromium
# (academy/book/case_packs.py), remade only when its page or the print styles change. Without Chromium
# (it needs root to install) the book is built without them, and says so.
book: release $(LIBRARY_STAMP) browser
	$(BIN)/jupyter-book build . --path-output $(BUILD_DIR) --warningiserror --nitpick --keep-going
	@# Sphinx copies the static files only when it writes a page: a changed style sheet alone would not arrive.
	cp -pR book/_vendor/. $(BUILD)/html/_static/
	@if command -v chromium >/dev/null 2>&1; then $(MAKE) --no-print-directory case-pack-files; \
	 else echo "Chromium is not installed, so the case packs (printable PDFs) were not made: apt-get install chromium"; fi
	@echo "The book is at $(abspath $(BUILD))/html/index.html"

CASE_PACKS := $(patsubst case_studies/%/index.md,$(BUILD)/html/case_packs/%.pdf,$(wildcard case_studies/*/index.md))
$(BUILD)/html/case_packs/%.pdf: $(BUILD)/html/case_studies/%/index.html book/_vendor/academy.css
	$(BIN)/python -m academy.book.case_packs $(BUILD)/html --case $*
case-pack-files: $(CASE_PACKS)
case-packs: book
	@$(MAKE) --no-print-directory case-pack-files

# The instructor edition: the book plus model answers, hidden tests, rubrics and facilitator notes
# (academy/book/instructor_edition.py), into its own folder. It reuses the book's execution cache.
INSTRUCTOR := $(BUILD)/instructor
instructor-book: book
	$(BIN)/python -m academy.book.instructor_edition $(INSTRUCTOR) --cache $(BUILD)/.jupyter_cache
	$(BIN)/jupyter-book build . --config $(INSTRUCTOR)/_config.yml --toc $(INSTRUCTOR)/_toc.yml --path-output $(INSTRUCTOR) --warningiserror --nitpick --keep-going
	cp -pR book/_vendor/. $(INSTRUCTOR)/_build/html/_static/
	@if command -v chromium >/dev/null 2>&1; then $(MAKE) --no-print-directory case-pack-files BUILD=$(INSTRUCTOR)/_build; fi
	@echo "The instructor edition is at $(abspath $(INSTRUCTOR))/_build/html/index.html: for faculty only, never publish it"

# Headless Chromium for the browser checks (Debian's package; needs root or sudo).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null; \
	  else echo "Headless Chromium is not installed: the browser checks will fail and the case packs cannot be printed (sudo apt-get install chromium)"; fi; }

# Printable case packs: headless Chromium prints each written case of the built book, with its exhibits,
# to $(BUILD)/html/case_packs/<case>.pdf (academy/book/case_packs.py), where each case page links.
# The grading sandbox (academy/course/sandbox.py): Debian's bubblewrap; setpriv and prlimit come with util-linux.
sandbox:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq bubblewrap >/dev/null; \
	  else echo "bubblewrap is not installed: grading needs it (sudo apt-get install bubblewrap)"; fi; }

test: $(STAMP) $(LAB_CONFIG) $(LAB_SETTINGS) $(PROXY) browser sandbox
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Mutation testing with mutmut (configured in pyproject.toml, [tool.mutmut]); separate from `make test`
# as it takes tens of minutes on 2 cores. Fails if a package's score misses its target.
mutate: $(STAMP)
	$(BIN)/python benchmarks/mutation.py

# The exchange folder JupyterLab's Assignments tab reads (nbgrader_config.py), unless PCIA_EXCHANGE names another.
# jupyter lab refuses to start as root (a course machine, a container, CI) unless told --allow-root, so
# it is told only then. Saving a notebook leaves its .md as it was (jupytext.toml), so git stays clean.
lab: $(SETUP) $(LAB_CONFIG) $(LAB_SETTINGS)
	mkdir -p $${PCIA_EXCHANGE:-.exchange} && chmod 777 $${PCIA_EXCHANGE:-.exchange}
	$(BIN)/jupyter lab --notebook-dir=$(CURDIR) $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# The cohort's JupyterHub on one machine (academy/hub, deploy/hub/jupyterhub_config.py): accounts from the
# roster, the exchange, the formgrader's course, then the hub on port 8000 until Ctrl+C. Its proxy,
# configurable-http-proxy, comes from npm at the version deploy/hub/package-lock.json pins.
$(PROXY): deploy/hub/package.json deploy/hub/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The hub's proxy needs Node.js 20 or later and npm (apt-get install nodejs npm)"; exit 1; }
	cd deploy/hub && npm ci --no-audit --no-fund --loglevel=error
	touch $@

HUB_PORT ?= 8000
hub: $(SETUP) $(LAB_CONFIG) $(LAB_SETTINGS) $(PROXY)
	@[ -n "$(ROSTER)" ] || { echo 'Name the roster: make hub ROSTER=delegates.csv FACULTY="ann bob"'; exit 1; }
	$(BIN)/python -m academy.hub --roster $(ROSTER) $(foreach f,$(FACULTY),--faculty $(f)) --port $(HUB_PORT)

# Regenerate the pinned lock file from pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements.lock

clean:
	rm -rf _build exercises/release exercises/instructor mutants
