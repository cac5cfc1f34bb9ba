"""What a reader sees: both editions of the book served on 127.0.0.1 and read in headless Chromium
(tests/reader.py), with the network watched.

Every page loads cleanly on a phone and a laptop and asks no other host for anything; the explorers'
stills show; search finds each written case; the "next" links walk the table of contents; the exhibits
fit the column; and the pages are light enough for hotel wifi (benchmarks/page_weight.py, whose targets `make bench` reports too). A missing Chromium fails.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from reader import LAPTOP, PHONE, THEME_NOISE, chromium, pages_of, serve

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from page_weight import FIRST_PAGE_TARGET_BYTES, FURTHER_PAGE_TARGET_BYTES, page_weights, reader_pages  # noqa: E402

from academy.widgets.still import NOTE  # noqa: E402

CASES = sorted(p.parent.name for p in ROOT.glob("case_studies/*/index.md"))
SETTLE_MS = 100  # after the load event, for late scripts and fonts: the pages are static
EDITIONS = ["delegate", "instructor"]


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def editions(built_book, built_instructor_book):
    """Each edition's HTML folder and the base URL it is served from on 127.0.0.1."""
    with serve(built_book) as delegate, serve(built_instructor_book) as instructor:
        yield {"delegate": (built_book, delegate), "instructor": (built_instructor_book, instructor)}


class Reader:
    """One tab in a browser context, reused page after page (a new tab costs more than the page), that
    records what each page asks for and what goes wrong while it loads and settles."""

    def __init__(self, context):
        self.page = context.new_page()
        self.requests, self.errors = [], []
        page = self.page
        page.on("request", lambda request: self.requests.append(request.url))
        # A request cut short because the tab moved on to the next page (the favicon, often) is aborted,
        # not failed: a missing file answers 404 and a host that may not be asked fails to resolve.
        page.on("requestfailed", lambda request: self.errors.append(f"request failed: {request.url} ({request.failure})")
                if request.failure != "net::ERR_ABORTED" else None)
        page.on("response", lambda response: self.errors.append(f"{response.status} for {response.url}")
                if response.status >= 400 else None)
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def read(self, url: str) -> tuple[list[str], list[str]]:
        """Open url; return every URL it requested, and its errors (console, uncaught, failed requests)."""
        self.requests.clear()
        self.errors.clear()
        self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(SETTLE_MS)
        return list(self.requests), [e for e in self.errors if not e.startswith(THEME_NOISE)]


def elsewhere(requests: list[str], base: str) -> list[str]:
    """The requests that would leave the book's own site."""
    return [u for u in requests if not u.startswith((f"{base}/", "data:", "blob:"))]


def toc_pages(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """The published book's pages in reading order (the root, then parts, chapters and their sections,
    depth first), as paths of the built HTML."""
    def walk(entries):
        for entry in entries:
            yield entry["file"] + ".html"
            yield from walk(entry.get("sections", []))

    spine = yaml.safe_load(toc.read_text())
    return [spine["root"] + ".html"] + [p for part in spine["parts"] for p in walk(part["chapters"])]


def prose(markdown: str) -> str:
    """A MyST page's prose: without its front matter, fenced blocks (code cells, raw HTML), roles and
    their targets ({cite:p}`key`), inline code, link targets, HTML tags and comments."""
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S)
    text = re.sub(r"^(```|~~~).*?^\1\s*$", "", text, flags=re.S | re.M)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`|`[^`]*`|\]\([^)]*\)|<[^>]+>|^%.*$|^\(.*\)=\s*$", " ", text, flags=re.M)
    return text


def distinctive_word(case: str) -> str:
    """The longest word (then the first alphabetically) in the case's prose that no other case's
    written page contains anywhere."""
    others = " ".join((ROOT / "case_studies" / c / "index.md").read_text().lower() for c in CASES if c != case)
    words = {w.lower() for w in re.findall(r"[A-Za-z]{8,}", prose((ROOT / "case_studies" / case / "index.md").read_text()))}
    return min((w for w in words if w not in others), key=lambda w: (-len(w), w))


def explorers_shown(case: str) -> int:
    """How many explorers the case's teaching notebook shows: code lines that are a bare call of one."""
    return len(re.findall(r"^\w+_explorer\(.*\)\s*$", (ROOT / "notebooks" / f"{case}.md").read_text(), flags=re.M))


def test_the_checks_read_their_expectations_from_the_sources(tmp_path):
    """The helpers below the browser checks: the toc's reading order, a page's prose, a case's own word."""
    toc = tmp_path / "_toc.yml"
    toc.write_text("root: a\nparts:\n  - chapters:\n      - file: b\n        sections:\n          - file: c\n"
                   "      - file: d\n  - chapters:\n      - file: e\n")
    assert toc_pages(toc) == ["a.html", "b.html", "c.html", "d.html", "e.html"]
    page = "---\na: b\n---\n(label)=\nWord {cite:p}`keyword` `code` [link](target.html) <b>\n```{code-cell}\nhidden\n```\n"
    assert prose(page).split() == ["Word", "[link"]
    for case in CASES:
        word = distinctive_word(case)
        assert len(word) >= 8 and word in prose((ROOT / "case_studies" / case / "index.md").read_text()).lower()
    assert all(explorers_shown(c) >= 1 for c in CASES)


# ---- 1 and 2: every page, both editions, phone and laptop: no error, nothing from another host ----------

@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_loads_cleanly_and_asks_no_other_host(browser, editions, edition, viewport):
    html, base = editions[edition]
    assert set(toc_pages()) <= set(pages_of(html)), "the edition lacks pages of the published book"
    context = browser.new_context(viewport=viewport)
    reader, problems = Reader(context), []
    for path in pages_of(html):
        requests, errors = reader.read(f"{base}/{path}")
        assert requests, f"{path} requested nothing: the listeners are not working"
        problems += [f"{path}: asked another host for {u}" for u in elsewhere(requests, base)]
        problems += [f"{path}: {e}" for e in errors]
    context.close()
    assert not problems, "\n".join(problems)


# ---- 3: the explorers' stills ------------------------------------------------------------------------

STILLS = """async () => {
    const images = [...document.querySelectorAll(".pcia-still img")];
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    return [...document.querySelectorAll(".pcia-still")].map(still => ({
        note: (still.querySelector(".pcia-still-note") || {innerText: ""}).innerText,
        live: (still.querySelector(".pcia-still-note a") || {href: ""}).href,
        settings: [...still.querySelectorAll("ul.pcia-still-settings > li")].map(li => li.innerText.trim()).filter(Boolean).length,
        images: [...still.querySelectorAll("img")].filter(img => img.complete && img.naturalWidth > 0 && img.alt.trim()).length,
    }));
}"""


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_explorer_shows_as_a_still_with_its_note_settings_and_charts(browser, editions, edition):
    html, base = editions[edition]
    context = browser.new_context(viewport=LAPTOP)
    reader = Reader(context)
    for case in CASES:
        _, errors = reader.read(f"{base}/notebooks/{case}.html")
        stills = reader.page.evaluate(STILLS)
        assert len(stills) == explorers_shown(case), f"{case}: {len(stills)} stills for {explorers_shown(case)} explorers"
        for n, still in enumerate(stills, 1):
            assert NOTE in still["note"], f"{case}, still {n}: no note saying it is a picture"
            assert still["settings"] >= 1, f"{case}, still {n}: no starting settings listed"
            assert still["images"] >= 1, f"{case}, still {n}: no chart that loaded, with alt text"
            assert context.request.get(still["live"]).ok, f"{case}, still {n}: 'how to run it live' is broken"
        assert not errors, errors
    context.close()


# ---- 4: search ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("edition", EDITIONS)
def test_search_finds_each_written_case_by_a_word_only_it_uses(browser, editions, edition):
    _, base = editions[edition]
    context = browser.new_context(viewport=LAPTOP)
    reader = Reader(context)
    for case in CASES:
        word = distinctive_word(case)
        reader.read(f"{base}/search.html?q={word}")
        reader.page.wait_for_function("/Search finished|did not match/.test("
                                      "document.querySelector('#search-results .search-summary')?.innerText)")
        found = reader.page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
        assert f"/case_studies/{case}/index.html" in [urlparse(u).path for u in found], f"searching {word!r} found {found}"
        errors = [e for e in reader.errors if not e.startswith(THEME_NOISE)]
        assert not elsewhere(reader.requests, base) and not errors, f"searching {word!r}: {errors}"
    context.close()


# ---- 5: navigation -----------------------------------------------------------------------------------

def test_next_links_walk_the_table_of_contents_and_the_sidebar_links_resolve(browser, editions):
    _, base = editions["delegate"]
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    expected = toc_pages()
    response = page.goto(f"{base}/{expected[0]}")
    walked = []
    while True:
        assert response and response.ok, f"after {walked[-1:]} the next link led to {page.url}, status {response and response.status}"
        walked.append(urlparse(page.url).path.removeprefix("/"))
        following = page.locator("a.right-next")
        if not following.count() or len(walked) > len(expected):
            break
        with page.expect_navigation(wait_until="domcontentloaded") as navigation:
            following.click()
        response = navigation.value
    assert walked == expected

    page.goto(f"{base}/{expected[0]}")
    links = page.eval_on_selector_all("nav.bd-docs-nav a[href]", "links => links.map(a => a.href.split('#')[0])")
    assert not elsewhere(links, base), "the sidebar links off the site"
    broken = [u for u in sorted(set(links)) if not context.request.get(u).ok]
    assert not broken, f"sidebar links that do not resolve: {broken}"
    assert {urlparse(u).path.removeprefix("/") for u in links} == set(expected), "the sidebar is not the table of contents"
    context.close()


# ---- 6: the written cases on a laptop ----------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_the_case_reads_well_on_a_laptop(browser, editions, case):
    _, base = editions["delegate"]
    context = browser.new_context(viewport=LAPTOP)
    reader = Reader(context)
    _, errors = reader.read(f"{base}/case_studies/{case}/index.html")
    page = reader.page
    # Every exhibit table fits the text column, so a projector shows all of its columns.
    overflowing = page.evaluate("""() => {
        const column = document.querySelector("article").getBoundingClientRect();
        return [...document.querySelectorAll("article table")]
            .filter(t => t.getBoundingClientRect().right > column.right + 1)
            .map(t => (t.querySelector("caption") || t).innerText.slice(0, 60));
    }""")
    assert not overflowing, f"these tables are wider than the text column: {overflowing}"
    # Exhibits are named once, by the case ("Exhibit 3."), not also numbered by Sphinx ("Fig. 1").
    source = (ROOT / "case_studies" / case / "index.md").read_text()
    exhibits = re.findall(r'caption[:(]\s*"(Exhibit \d+\.)', source)
    charts = re.findall(r'^:\s+caption:\s*"Exhibit \d+\.', source, flags=re.M)
    captions = page.eval_on_selector_all("article figcaption, article caption", "cs => cs.map(c => c.innerText.trim())")
    assert exhibits and sorted(" ".join(c.split()[:2]) for c in captions) == sorted(exhibits), \
        f"the case names {exhibits}; the page shows captions {[c[:40] for c in captions]}"
    assert "Fig. " not in page.inner_text("article")
    assert page.locator("article figure img[alt]").count() >= len(charts)
    assert not errors, errors
    context.close()


# Accessibility, the whole page of every page of both editions, is tests/test_reader_accessibility.py.


# ---- 7: page weight ----------------------------------------------------------------------------------

def test_pages_are_light_enough_for_hotel_wifi(browser, built_book):
    """Served gzipped as GitHub Pages serves it: the home page on a first visit under 1.5 MB, and each
    further page, with the shared assets cached, under 300 KB (benchmarks/page_weight.py)."""
    weights = page_weights(browser, built_book)
    (first, first_bytes), *further = weights.items()
    assert list(weights) == reader_pages(built_book) and first == toc_pages()[0]
    assert first_bytes < FIRST_PAGE_TARGET_BYTES, f"the first visit to {first} transfers {first_bytes:,} bytes"
    heavy = {page: size for page, size in further if size >= FURTHER_PAGE_TARGET_BYTES}
    assert not heavy, f"pages over {FURTHER_PAGE_TARGET_BYTES:,} bytes with the shared assets cached: {heavy}"
    # The shared assets were cached: a page of text transfers a small part of what the first visit did.
    assert min(size for _, size in further) < first_bytes / 10
