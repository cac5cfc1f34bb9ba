"""What a reader sees: the published pages in headless Chromium, with the network watched.

Needs Debian's chromium (`make test` installs it when run as root); without it these tests are
skipped and say so.
"""

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (apt-get install chromium)")

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted(p.parent.name for p in ROOT.glob("case_studies/*/index.md"))
# Each case's three pages: the written case, its teaching notebook and its released exercise.
PAGES = ["book/preface.html"] + [page for case in CASES for page in (
    f"case_studies/{case}/index.html", f"notebooks/{case}.html", f"exercises/release/{case}/{case}.html")]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(built_book)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


# Two messages the book theme itself logs on every page, harmless to a reader: sphinx-thebe declares
# its configuration twice (thebe is switched off here), and pydata-sphinx-theme finds no saved
# light/dark choice in a new browser. Anything else on the console fails the test.
THEME_NOISE = ("Identifier 'THEBE_JS_URL' has already been declared", "Got invalid theme mode")


def open_page(browser, url):
    """Open url, returning the page, every URL it requested, and its console errors (a request the
    server could not answer, such as a font at a wrong path, is one)."""
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: errors.append(f"{response.status} for {response.url}") if response.status >= 400 else None)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="networkidle")
    return page, requests, [e for e in errors if not e.startswith(THEME_NOISE)]


@pytest.mark.parametrize("path", PAGES)
def test_page_requests_nothing_from_another_host(browser, site, path):
    page, requests, errors = open_page(browser, f"{site}/{path}")
    page.wait_for_timeout(500)
    remote = [u for u in requests if not (u.startswith(site) or u.startswith("data:") or u.startswith("blob:"))]
    assert not remote, f"{path} asked another host for {remote}"
    assert not errors, f"{path} logged errors: {errors}"
    page.close()


def test_explorers_render_offline_from_the_vendored_widget_manager(browser, site):
    page, requests, errors = open_page(browser, f"{site}/notebooks/law_firm_scale.html")
    page.wait_for_selector(".widget-slider", timeout=20_000)
    assert page.locator(".widget-slider").count() >= 9, "the partnership explorer's sliders did not render"
    assert page.locator(".widget-dropdown select").count() >= 1, "the firm picker did not render"
    charts = page.locator(".widget-html img[alt]")
    assert charts.count() >= 3
    assert all(charts.nth(i).evaluate("img => img.naturalWidth > 0") for i in range(charts.count()))
    assert "Profit per partner" in page.inner_text("main")
    assert any(urlparse(u).path.endswith("/_static/widgets/html-manager/embed-amd.js") for u in requests)
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("case", CASES)
def test_the_case_reads_well_on_a_laptop(browser, site, case):
    page, _, errors = open_page(browser, f"{site}/case_studies/{case}/index.html")
    page.set_viewport_size({"width": 1280, "height": 900})
    # Every exhibit table fits the text column, so a projector shows all of its columns.
    overflowing = page.evaluate("""() => {
        const column = document.querySelector("article").getBoundingClientRect();
        return [...document.querySelectorAll("article table")]
            .filter(t => t.getBoundingClientRect().right > column.right + 1)
            .map(t => (t.querySelector("caption") || t).innerText.slice(0, 60));
    }""")
    assert not overflowing, f"these tables are wider than the page: {overflowing}"
    # Exhibits are named once, by the case ("Exhibit 3."), not also numbered by Sphinx ("Fig. 1").
    text = page.inner_text("article")
    assert "Exhibit 3." in text and "Fig. " not in text
    assert page.locator("article img[alt]").count() >= 3
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_what_we_write_passes_an_accessibility_check(browser, site, path):
    """axe-core (the engine behind most accessibility checkers) finds nothing serious or critical in
    the page's content. The theme's own navigation around it is the theme's to fix, and is not checked."""
    from axe_playwright_python.sync_playwright import Axe

    page, _, _ = open_page(browser, f"{site}/{path}")
    if path.startswith("notebooks/"):
        page.wait_for_selector(".widget-slider [role=slider][aria-label]", timeout=20_000)
    violations = Axe().run(page, context="article").response["violations"]
    serious = [f"{v['id']} ({v['impact']}): {v['help']}, e.g. {v['nodes'][0]['html'][:120]}"
               for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"{path}: " + "; ".join(serious)
    page.close()
