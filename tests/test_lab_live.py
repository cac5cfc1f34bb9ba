"""`make lab` shows a teaching notebook to a room as it should, and saving it leaves the kit's files as
they were.

The browser test runs `make lab` itself (as root on this machine and in CI, so the Makefile must pass
`--allow-root`), serving the kit's own folder on 127.0.0.1 with the JupyterLab settings the Makefile
installs (deploy/lab/overrides.json), and drives Debian's headless Chromium through it as a faculty
member would: it opens notebooks/delayed_discharges.md by its address, as a double-click does, and finds
a notebook with a running kernel rather than raw text; sees no question about official Jupyter news;
runs every cell from the Run menu; moves a slider of the explorer with the keyboard and sees its chart
redrawn; finds the MyST admonitions and citations rendered (jupyterlab-myst), with no `:::{`, `{cite`
or `{doc}` left in the rendered cells; then saves (Ctrl+S) and finds the .md on disk byte for byte as it
was. The other teaching notebooks are opened too, and must render as notebooks without raw MyST.

The fast test checks the same round trip without a browser: jupytext, with the kit's jupytext.toml,
writes every teaching notebook back exactly as it reads it.

A missing Chromium is a failure, not a skip: `make test` installs it (Makefile, target `browser`).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import jsonschema
import jupytext
import pytest
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

import jupyter_api
import reader

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOKEN = "kit-lab-test-token"
TEACHING_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))
# The notebook taught live here: a slider explorer, MyST admonitions and {cite:p} citations.
LIVE = ROOT / "notebooks" / "delayed_discharges.md"
OVERRIDES = json.loads((ROOT / "deploy" / "lab" / "overrides.json").read_text())
# What a MyST directive or role looks like when nothing has rendered it.
RAW_MYST = (":::{", "```{", "{cite", "{doc}", "{term}", "{ref}", "{numref}", "{admonition}")
KERNEL = "Python 3 (academy)"  # the kernel `make setup` installs; the notebooks' headers name it too
SECONDS = 60  # the longest any one step may take: opening, running every cell, redrawing, saving


# ---- the round trip, without a browser -------------------------------------------------------------

@pytest.mark.parametrize("path", TEACHING_NOTEBOOKS, ids=lambda p: p.name)
def test_jupytext_writes_each_teaching_notebook_back_as_it_was(path):
    """What JupyterLab's jupytext does on a save: read the .md, write it back with the settings it
    finds for that folder (the kit's jupytext.toml). Anything it adds or reformats would dirty git."""
    config_file = find_jupytext_configuration_file(path.parent)
    assert config_file is not None and Path(config_file) == ROOT / "jupytext.toml", \
        f"jupytext finds {config_file} for notebooks/, not the kit's jupytext.toml"
    config = load_jupytext_configuration_file(config_file)
    text = path.read_text(encoding="utf-8")
    written = jupytext.writes(jupytext.reads(text, fmt="md:myst", config=config), fmt="md:myst", config=config)
    assert written == text, f"a save would rewrite {path.name}:\n" + diff(text, written)


@pytest.mark.parametrize("path", TEACHING_NOTEBOOKS, ids=lambda p: p.name)
def test_each_teaching_notebook_names_the_kernel_make_setup_installs(path):
    """JupyterLab writes the running kernel's name, display name and language into the notebook: a header
    that names them otherwise is rewritten on the first save (and leaves git dirty)."""
    from jupyter_client.kernelspec import KernelSpecManager

    kernelspec = jupytext.read(path).metadata["kernelspec"]
    spec = KernelSpecManager().get_kernel_spec(kernelspec["name"])
    assert spec.display_name == KERNEL
    assert kernelspec == {"name": kernelspec["name"], "display_name": spec.display_name, "language": spec.language}


def test_there_are_teaching_notebooks():
    assert LIVE in TEACHING_NOTEBOOKS


def diff(before: str, after: str) -> str:
    import difflib

    return "".join(list(difflib.unified_diff(before.splitlines(True), after.splitlines(True), "on disk", "saved"))[:60])


# ---- JupyterLab, as `make lab` starts it -----------------------------------------------------------

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a free port of 127.0.0.1, with a token, serving the kit's folder; yields its URL.

    The test's own Jupyter configuration and data folders keep a person's settings and saved workspaces
    out of it (the settings the kit installs are in the virtualenv, where `make lab` puts them)."""
    base = tmp_path_factory.mktemp("make-lab")
    port = jupyter_api.free_port()
    config = base / "jupyter-config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(json.dumps({
        "ServerApp": {"ip": "127.0.0.1", "port": port, "port_retries": 0, "open_browser": False},
        "IdentityProvider": {"token": TOKEN},
    }))
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}", PCIA_EXCHANGE=str(base / "exchange"),
               JUPYTER_CONFIG_DIR=str(config), JUPYTER_DATA_DIR=str(base / "jupyter-data"),
               JUPYTERLAB_SETTINGS_DIR=str(base / "user-settings"), JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"))
    log = base / "make-lab.log"
    # The Makefile's own target: SETUP= and BIN= as the other tests pass them (tests/conftest.py).
    process = subprocess.Popen(["make", "--no-print-directory", "lab", "SETUP=", f"BIN={BIN}"], cwd=ROOT, env=env,
                               stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        jupyter_api.wait_until_up(url, TOKEN, log, seconds=SECONDS)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # make and the server it started (and the server's kernels)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def settings(url: str, plugin: str) -> dict:
    request = urllib.request.Request(f"{url}/lab/api/settings/{plugin}", headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_the_server_hands_out_the_kits_settings(lab):
    """Every setting in deploy/lab/overrides.json is what the server gives JupyterLab as its default."""
    assert OVERRIDES["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Jupytext Notebook"
    assert OVERRIDES["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    for plugin, values in OVERRIDES.items():
        schema = settings(lab, plugin)["schema"]
        for name, value in values.items():
            assert name in schema["properties"], f"{plugin} has no setting {name}: is it spelled as in its schema?"
            # A value of the wrong type (fetchNews is the string "false", not false) is dropped by JupyterLab.
            jsonschema.validate(value, {k: v for k, v in schema["properties"][name].items() if k != "default"})
            assert schema["properties"][name]["default"] == value, f"{plugin} {name}"


RENDERED_MARKDOWN = """() => [...document.querySelectorAll('.jp-Notebook .jp-MarkdownCell .jp-Cell-inputArea')]
    .map(area => [...area.children]
        .filter(child => !child.matches('.jp-InputPrompt, .jp-InputArea-editor, .jp-Toolbar, jp-toolbar'))
        .map(child => child.textContent).join(' '))"""


def rendered_markdown(page) -> list[str]:
    """The text each markdown cell shows: its rendered part, not the (hidden) editor holding its source.
    Waits until every cell has rendered (JupyterLab renders them a few at a time)."""
    try:
        page.wait_for_function(f"() => ({RENDERED_MARKDOWN})().every(text => text.trim())", timeout=SECONDS * 1000)
    except PlaywrightTimeoutError:
        pass  # the assertion below says which
    return page.evaluate(RENDERED_MARKDOWN)


def open_notebook(context, url: str, path: Path):
    """Open a teaching notebook by its address (what a double-click in the file browser does) and wait
    for it to show as a notebook, every cell in place, with its kernel idle."""
    page = context.new_page()
    page.goto(f"{url}/lab/tree/{path.relative_to(ROOT).as_posix()}?token={TOKEN}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell, .jp-FileEditor", timeout=SECONDS * 1000)
    assert page.locator(".jp-FileEditor").count() == 0, f"{path.name} opened as text, not as a notebook"
    cells = len(jupytext.read(path).cells)
    page.wait_for_function("n => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length === n",
                           arg=cells, timeout=SECONDS * 1000)
    page.wait_for_selector(f".jp-NotebookPanel-toolbar :text('{KERNEL}')", timeout=SECONDS * 1000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=SECONDS * 1000)
    return page


def assert_myst_rendered(page, path: Path):
    texts = rendered_markdown(page)
    assert texts and all(t.strip() for t in texts), f"{path.name}: a markdown cell shows nothing"
    raw = sorted({mark for t in texts for mark in RAW_MYST if mark in t})
    assert not raw, f"{path.name} shows raw MyST {raw}: is jupyterlab-myst installed and enabled?"
    # Every {admonition} in the source is an admonition on the page, with its title in its heading.
    titles = re.findall(r"^:::\{admonition\} (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
    shown = page.locator(".myst-admonition .myst-admonition-header").all_text_contents()  # off screen too
    assert titles and [t.strip() for t in shown] == titles, (titles, shown)


def wait_until_saved(path: Path, before_ns: int) -> None:
    deadline = time.monotonic() + SECONDS
    while path.stat().st_mtime_ns == before_ns:
        assert time.monotonic() < deadline, f"Ctrl+S did not save {path.name}"
        time.sleep(0.1)


def test_a_teaching_notebook_opens_runs_answers_a_slider_and_saves_unchanged(lab):
    before = LIVE.read_bytes()
    try:
        with reader.chromium() as browser:
            context = browser.new_context(viewport=reader.LAPTOP)
            requests = []
            context.on("request", lambda request: requests.append(request.url))
            page = open_notebook(context, lab, LIVE)
            assert_myst_rendered(page, LIVE)
            # {cite:p}`key` is a citation (jupyterlab-myst marks it "not found": JupyterLab has no bibliography).
            keys = {key.strip() for keys in re.findall(r"\{cite:p\}`([^`]+)`", LIVE.read_text(encoding="utf-8"))
                    for key in keys.split(",")}
            cited = {t.strip() for t in page.locator(".cite-group > *").all_text_contents()}
            assert keys and keys <= cited, f"citations not rendered as citations: {sorted(keys - cited)}"

            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            code_cells = sum(c.cell_type == "code" for c in jupytext.read(LIVE).cells)
            page.wait_for_function(
                """n => { const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                              .map(p => p.textContent.trim());
                          return prompts.length === n && prompts.every(p => /^\\[\\d+\\]:$/.test(p)); }""",
                arg=code_cells, timeout=SECONDS * 1000)
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
            assert not [e for e in errors if "Error" in e], errors

            # The first explorer: a slider moved with the keyboard (let go at once) redraws the fan chart.
            explorer = page.locator(".jp-OutputArea-output", has=page.locator(".widget-slider")).first
            chart = explorer.locator("img[alt^='Two fan charts']")
            chart.wait_for(timeout=SECONDS * 1000)
            first = chart.get_attribute("src")
            slider = explorer.locator(".widget-slider").first
            reading = slider.locator(".widget-readout").inner_text()
            handle = slider.locator(".noUi-handle").first
            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(3):
                handle.press("ArrowRight")
            expect(slider.locator(".widget-readout")).not_to_have_text(reading, timeout=SECONDS * 1000)
            # The widget writes a new <img> each time: look for the chart afresh, not at the one drawn first.
            expect(chart).not_to_have_attribute("src", first, timeout=SECONDS * 1000)

            # No question about official Jupyter news, and nothing asked of the news feed.
            asked = page.get_by_text(re.compile("Jupyter news", re.I)).all_text_contents()
            assert not asked, f"JupyterLab asked about news in front of the room: {asked}"
            assert not [u for u in requests if "/lab/api/news" in u], "JupyterLab asked for Jupyter news"

            # Ctrl+S: the notebook is saved through jupytext, and the .md is as it was.
            saved_at = LIVE.stat().st_mtime_ns
            page.locator(".jp-NotebookPanel .jp-Notebook").first.click(position={"x": 5, "y": 5})
            page.keyboard.press("Escape")
            page.keyboard.press("Control+s")
            wait_until_saved(LIVE, saved_at)
            after = LIVE.read_bytes()
            assert after == before, "saving rewrote the notebook:\n" + diff(before.decode(), after.decode())

            # The other teaching notebooks open as notebooks and render their MyST too.
            for path in TEACHING_NOTEBOOKS:
                if path != LIVE:
                    assert_myst_rendered(open_notebook(context, lab, path), path)
            context.close()
    finally:
        if LIVE.read_bytes() != before:  # leave the working tree as it was, whatever failed
            LIVE.write_bytes(before)
