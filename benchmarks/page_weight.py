"""Page weight: the bytes a reader's browser fetches for the published book, served as GitHub Pages serves
it (text gzipped, files cached for ten minutes: tests/reader.py, serve(gzip=True)).

A first visit opens the home page with nothing cached; the reader then opens each further page with the
shared assets (theme, fonts, scripts) already cached. Bytes are what crossed the network (the Performance
API's transferSize: headers and compressed bodies, 0 for a file from the cache), the page itself included.
Run by `make bench` (or `python benchmarks/run.py --only page_weight`), on a fresh build made with the
Makefile; tests/test_reader_pages.py asserts the same targets.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from reader import chromium, pages_of, serve  # noqa: E402 (the browser tests' own serving and browser)

FIRST_PAGE_TARGET_BYTES = 1_500_000  # 1.5 MB: a first visit on a slow hotel or NHS connection
FURTHER_PAGE_TARGET_BYTES = 300_000  # 300 KB: each further page, the shared assets cached

SETTLE_MS = 150  # after the load event and the fonts, for anything a script asks for late

# Everything a page loads within this page's lifetime: the page (its navigation entry) and every resource.
BYTES_TRANSFERRED = """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
    .reduce((total, entry) => total + entry.transferSize, 0)"""


def home_page(toc: Path = ROOT / "_toc.yml") -> str:
    """The book's home page (the root of its table of contents), as a path in the built book."""
    return yaml.safe_load(toc.read_text())["root"] + ".html"


def reader_pages(html: Path) -> list[str]:
    """The pages a reader opens, home page first, then every other page and the search page. The site's
    index.html is left out: it only redirects to the home page."""
    home = home_page()
    return [home] + [p for p in pages_of(html) if p not in (home, "index.html")] + ["search.html"]


def page_weights(browser, html: Path) -> dict[str, int]:
    """Serve html gzipped and open its reader_pages in one fresh browser context, in order; return the
    bytes transferred for each page (the first with nothing cached)."""
    weights = {}
    with serve(html, gzip=True) as base:
        context = browser.new_context()
        try:
            page = context.new_page()  # one tab, as a reader follows links; each page counts its own entries
            for path in reader_pages(html):
                page.goto(f"{base}/{path}", wait_until="load")
                page.evaluate("document.fonts.ready.then(() => null)")  # the theme's icon fonts too
                page.wait_for_timeout(SETTLE_MS)
                weights[path] = page.evaluate(BYTES_TRANSFERRED)
        finally:
            context.close()
    return weights


def report(weights: dict[str, int]) -> dict:
    """The figures and whether each meets its target: the first page, then each further page."""
    (first, first_bytes), *further = weights.items()
    largest = max(further, key=lambda item: item[1])
    return {
        "name": "page_weight",
        "unit": "bytes",
        "first_page": {"page": first, "bytes": first_bytes, "target_below": FIRST_PAGE_TARGET_BYTES,
                       "met_target": first_bytes < FIRST_PAGE_TARGET_BYTES},
        "further_pages": [{"page": page, "bytes": size, "target_below": FURTHER_PAGE_TARGET_BYTES,
                           "met_target": size < FURTHER_PAGE_TARGET_BYTES} for page, size in further],
        "largest_further_page": {"page": largest[0], "bytes": largest[1]},
        "met_target": first_bytes < FIRST_PAGE_TARGET_BYTES and largest[1] < FURTHER_PAGE_TARGET_BYTES,
    }


def bench_page_weight() -> dict:
    """Build the published book with the Makefile into a temporary folder, weigh its pages, write
    benchmarks/results/page_weight.json and return the result (for run.py's summary)."""
    from run import RESULTS, machine, make

    output = Path(tempfile.mkdtemp(prefix="bench-page-weight-"))
    try:
        make("book", build_dir=output)
        with chromium() as browser:
            result = report(page_weights(browser, output / "_build" / "html"))
    finally:
        shutil.rmtree(output, ignore_errors=True)
    first, largest = result["first_page"], result["largest_further_page"]
    result |= {"summary": f"first page {first['page']} {first['bytes']:,} bytes (target < {FIRST_PAGE_TARGET_BYTES:,}); "
                          f"largest further page {largest['page']} {largest['bytes']:,} bytes "
                          f"(target < {FURTHER_PAGE_TARGET_BYTES:,})",
               "machine": machine(), "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "page_weight.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"page_weight: {result['summary']}" + ("" if result["met_target"] else "  MISSED"))
    return result
