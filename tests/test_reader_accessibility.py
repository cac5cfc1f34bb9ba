"""What a reader using a keyboard, a screen reader or a phone meets, on every page of both editions
(tests/reader.py serves each one on 127.0.0.1 to headless Chromium).

- At laptop width (1366 px) axe-core finds nothing at all, of any impact, on the whole page (theme
  included) under WCAG 2.0, 2.1 and 2.2 A and AA: every rule with one of those tags, the experimental
  ones such as label-content-name-mismatch too. No rule is switched off.
- From the keyboard: the first Tab focuses "Skip to main content", which leads into the main content;
  Tab then reaches every tab stop of the page (no trap) and each shows a focus ring.
- At phone width (390 px) the page does not scroll sideways; charts keep at least 0.6 of their drawn
  size; wide charts and tables scroll in a box that a keyboard can reach and that says so; captions
  stay whole on screen.
- One search control shows, and search finds.
- Every image has alt text of its own, not its file name (myst-nb's stand-in for none).

The fixes are at build time (book/_ext/pcia_theme.py, book/_templates/) and in book/_vendor/.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from reader import LAPTOP, PHONE, chromium, pages_of, serve

ROOT = Path(__file__).resolve().parents[1]
SETTLE_MS = 100  # after the load event: the pages are static
TAB_PRESSES = 200  # the most Tab presses spent on one page
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FIXTURES = {"delegate": "built_book", "instructor": "built_instructor_book"}


def toc_pages(toc: dict) -> list[str]:
    """The pages a table of contents builds, as paths of their HTML, and the site's root page."""
    def walk(entries):
        for entry in entries:
            yield entry["file"] + ".html"
            yield from walk(entry.get("sections", []))

    return ["index.html", toc["root"] + ".html"] + [p for part in toc["parts"] for p in walk(part["chapters"])]


def edition_pages() -> dict[str, list[str]]:
    """Each edition's pages, from the tables of contents (the instructor edition's is made from the book's)."""
    from academy.book.instructor_edition import instructor_toc

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return {"delegate": toc_pages(toc), "instructor": toc_pages(instructor_toc(toc))}


PAGES = edition_pages()
ROOT_PAGE = PAGES["delegate"][1]  # where the site's root sends a reader
EVERY_PAGE = [pytest.param(e, p, id=f"{e}-{p}") for e, pages in PAGES.items() for p in pages]


class Edition:
    """An edition served on 127.0.0.1, with one browser tab per width, reused page after page."""

    def __init__(self, name: str, html: Path, base: str, browser):
        self.name, self.html, self.base, self.browser, self.tabs = name, html, base, browser, {}

    def open(self, path: str, viewport: dict):
        """Open path in the tab of that width, let it settle and return the tab. The site's root page
        only sends the reader on to the first page: that page is the one returned."""
        key = viewport["width"]
        if key not in self.tabs:
            self.tabs[key] = self.browser.new_context(viewport=viewport).new_page()
        tab = self.tabs[key]
        tab.goto(f"{self.base}/{path}", wait_until="load")
        if path == "index.html":
            tab.wait_for_url(f"{self.base}/{ROOT_PAGE}", wait_until="load")
        tab.wait_for_timeout(SETTLE_MS)
        return tab

    def close(self):
        for tab in self.tabs.values():
            tab.context.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def served(browser):
    """The editions served so far, by name: each is built (once a session) and served when a test first
    needs it, and stays served, with its tabs, for the rest of the module (and closes before the
    browser, which it therefore asks for)."""
    with ExitStack() as stack:
        yield {}, stack


@pytest.fixture
def site(request, served, browser) -> Edition:
    """The edition named by the test's `edition` parameter."""
    editions, stack = served
    name = request.node.callspec.params["edition"]
    if name not in editions:
        html = request.getfixturevalue(FIXTURES[name])
        editions[name] = Edition(name, html, stack.enter_context(serve(html)), browser)
        stack.callback(editions[name].close)
    return editions[name]


@pytest.mark.parametrize("edition", list(PAGES))
def test_every_page_of_the_edition_is_checked(site, edition):
    """The pages checked below (from the tables of contents) are every page the edition has; the
    site's root, a redirect a reader never sees, is still a complete page (language and title)."""
    assert sorted(PAGES[edition]) == pages_of(site.html)
    root = (site.html / "index.html").read_text()
    assert re.search(r'<html lang="en-GB"', root) and re.search(r"<title>\S.*</title>", root), root[:300]


class Images(HTMLParser):
    """The alt text and address of each image of a page."""

    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append((dict(attrs).get("alt") or "", dict(attrs).get("src") or ""))


@pytest.mark.parametrize("edition", list(PAGES))
def test_every_image_says_what_it_shows(site, edition):
    """Each image has alt text of its own: not empty, not its file name (docutils' stand-in for none)."""
    unsaid = []
    for path in pages_of(site.html):
        parser = Images()
        parser.feed((site.html / path).read_text())
        unsaid += [f"{path}: {src[:60]}" for alt, src in parser.images
                   if not alt.strip() or alt == src or re.fullmatch(r"\S+\.(png|jpe?g|gif|svg|webp)", alt)]
    assert not unsaid, "images with no alt text of their own:\n" + "\n".join(unsaid)


# ---- axe-core, the whole page ------------------------------------------------------------------------

AXE = """async (tags) => {
    // Every rule for WCAG 2.0-2.2 A and AA, the experimental ones included (axe leaves those out of a
    // run by tags): label-content-name-mismatch, p-as-heading, td-has-header, ...
    const rules = axe.getRules(tags).map(rule => rule.ruleId);
    const result = await axe.run(document, {runOnly: {type: "rule", values: rules}, resultTypes: ["violations"]});
    return result.violations.map(v => `${v.id} (${v.impact}, ${v.nodes.length} on the page): ${v.help}; ` +
        `first ${v.nodes[0].target.join(" ")}: ${v.nodes[0].html.slice(0, 200)}`);
}"""


def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


@pytest.mark.parametrize("edition, path", EVERY_PAGE)
def test_the_whole_page_passes_axe(site, edition, path):
    tab = site.open(path, LAPTOP)
    tab.evaluate(axe_source())
    violations = tab.evaluate(AXE, WCAG_TAGS)
    assert not violations, f"{path}:\n" + "\n".join(violations)


# ---- the keyboard --------------------------------------------------------------------------------------

# Number the page's tab stops (what Tab should reach: enabled, shown, tabindex 0 or more) and record each
# element that takes the focus: whether it or a part of it shows a focus ring (an outline or a box
# shadow) with a size, and whether it is in the main content.
WATCH_FOCUS = """() => {
    const stops = [...document.querySelectorAll("a[href], button, input, select, textarea, summary, [tabindex]")]
        .filter(e => e.tabIndex >= 0 && !e.disabled && !e.closest("[inert]") && e.checkVisibility({visibilityProperty: true}));
    stops.forEach((e, i) => e.dataset.pciaStop = i);
    const ringed = e => {
        const s = getComputedStyle(e), r = e.getBoundingClientRect();
        const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
        return ring && r.width > 0 && r.height > 0;
    };
    window.pciaFocus = [];
    document.addEventListener("focusin", ({target: e}) => window.pciaFocus.push({
        stop: e.dataset.pciaStop ?? null,
        name: (e.getAttribute("aria-label") || e.innerText || e.tagName).trim().replace(/\\s+/g, " ").slice(0, 50),
        href: e.getAttribute("href"),
        ring: ringed(e) || [...e.querySelectorAll("*")].slice(0, 20).some(ringed),
        main: !!e.closest("main"),
    }), true);
    return stops.length;
}"""


@pytest.mark.parametrize("edition, path", EVERY_PAGE)
def test_the_page_works_from_the_keyboard(site, edition, path):
    tab = site.open(path, LAPTOP)
    stops = tab.evaluate(WATCH_FOCUS)
    # Tab once per tab stop, then ten at a time until each has had the focus (links the page's own
    # contents reveal as the page scrolls add a few stops): at most TAB_PRESSES in all.
    presses = 0
    while True:
        for _ in range(min(stops + 5 if presses == 0 else 10, TAB_PRESSES - presses)):
            tab.keyboard.press("Tab")
            presses += 1
        focused = tab.evaluate("window.pciaFocus")
        missed = stops - len({f["stop"] for f in focused if f["stop"] is not None})
        if not missed or presses >= TAB_PRESSES:
            break
    assert focused, f"{path}: Tab focuses nothing"
    skip = focused[0]
    assert re.fullmatch(r"skip to main content", skip["name"], flags=re.I) and skip["href"].startswith("#"), \
        f"{path}: the first Tab focuses {skip['name']!r}, not a 'Skip to main content' link"
    assert missed == 0, f"{path}: {presses} presses of Tab miss {missed} of the page's {stops} tab stops (a trap?)"
    assert any(f["main"] for f in focused), f"{path}: Tab never reaches the main content"
    unringed = sorted({f["name"] for f in focused if not f["ring"]})
    assert not unringed, f"{path}: no visible focus ring on {unringed}"
    # The skip link leads into the main content: the next Tab lands there.
    tab.focus("a[href='%s']" % skip["href"])
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    assert tab.evaluate("!!document.activeElement.closest('main')"), f"{path}: after the skip link, Tab is not in the main content"


# ---- a phone -------------------------------------------------------------------------------------------

# What does not read well at this width. A box "visibly scrolls" when it is scrollable, focusable, and a
# shown cue beside it or in it says "scroll sideways".
PHONE_PROBLEMS = """async () => {
    const images = [...document.querySelectorAll("article img")];
    await Promise.all(images.map(img => img.decode().catch(() => null)));
    const width = document.documentElement.clientWidth, problems = [];
    const name = e => (e.getAttribute("alt") || e.innerText || e.tagName).trim().replace(/\\s+/g, " ").slice(0, 60);
    const onScreen = r => r.left >= -1 && r.right <= width + 1;
    const shown = e => e && e.checkVisibility() && /scroll sideways/i.test(e.textContent) && onScreen(e.getBoundingClientRect());
    const scrolls = e => {
        for (let box = e.parentElement; box && box !== document.body; box = box.parentElement) {
            if (!/auto|scroll/.test(getComputedStyle(box).overflowX) || box.scrollWidth <= box.clientWidth + 1) continue;
            return box.tabIndex >= 0 && [box.previousElementSibling, box.nextElementSibling, box.firstElementChild].some(shown);
        }
        return false;
    };
    window.scrollTo(200, 0);
    if (document.documentElement.scrollWidth > width || window.scrollX > 0)
        problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${width}`);
    window.scrollTo(0, 0);
    for (const img of images) {
        const r = img.getBoundingClientRect();
        if (r.width < 0.6 * img.naturalWidth - 0.5)
            problems.push(`chart shown at ${Math.round(r.width)} of its ${img.naturalWidth} px: ${name(img)}`);
        if (!onScreen(r) && !scrolls(img))
            problems.push(`chart runs off the screen with no visible scrolling box: ${name(img)}`);
    }
    for (const table of document.querySelectorAll("article table"))
        if (!onScreen(table.getBoundingClientRect()) && !scrolls(table))
            problems.push(`table runs off the screen with no visible scrolling box: ${name(table.caption || table)}`);
    for (const caption of document.querySelectorAll("article figcaption, article caption")) {
        const text = document.createRange();
        text.selectNodeContents(caption);
        if ([...text.getClientRects()].some(r => r.width > 0 && !onScreen(r)))
            problems.push(`caption cut off by the screen's edge: ${name(caption)}`);
    }
    return problems;
}"""


@pytest.mark.parametrize("edition, path", EVERY_PAGE)
def test_the_page_reads_well_on_a_phone(site, edition, path):
    problems = site.open(path, PHONE).evaluate(PHONE_PROBLEMS)
    assert not problems, f"{path} at {PHONE['width']} px:\n" + "\n".join(problems)


# ---- search ----------------------------------------------------------------------------------------------

SEARCH_CONTROLS = """() => [...document.querySelectorAll(".search-button__button, .bd-search, input[type=search]")]
    .filter(e => e.checkVisibility({visibilityProperty: true, opacityProperty: true}) && e.getBoundingClientRect().width > 0)
    .map(e => e.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
@pytest.mark.parametrize("edition", list(PAGES))
def test_one_search_control_shows_and_it_finds(site, edition, viewport):
    tab = site.open(ROOT_PAGE, viewport)
    controls = tab.evaluate(SEARCH_CONTROLS)
    assert len(controls) == 1, f"{len(controls)} search controls at {viewport['width']} px: {controls}"
    tab.click(".search-button__button:visible")
    tab.keyboard.type("leverage")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/search.html?q=leverage*")
    tab.wait_for_function("/Search finished|did not match/.test(document.querySelector('#search-results .search-summary')?.innerText)")
    assert tab.locator("#search-results ul.search li a").count() >= 1, "searching 'leverage' found nothing"
