"""Printable case packs: each written case, with its exhibits, as an A4 PDF handout.

Headless Chromium prints each case page of the built book (``<html>/case_studies/<case>/index.html``)
to ``<html>/case_packs/<case>.pdf``, where the link near the top of the case page points. The book's
print styles (the ``@media print`` block of ``book/_vendor/academy.css``) leave only the case: its
title, text and exhibits, with no navigation, sidebars or buttons.

The pages are served from 127.0.0.1 for the printing, as a reader's browser would load them, and
Chromium is told that no other host exists, so the printing makes no request to anyone else.

Run by ``make case-packs``::

    python -m academy.book.case_packs _build/html
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SECONDS = 120  # the longest one page may take to print

# Headless Chromium, quiet (no first-run, sync, update or background requests) and with every host but
# 127.0.0.1 unknown. The paper (A4) and margins are the book's print styles' (@page).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-pdf-header-footer",
)


class CasePackError(Exception):
    """Why the case packs could not be printed, in one sentence for the person who asked."""


def find_cases(root: Path = ROOT) -> list[str]:
    """The written cases: every case_studies/<case>/index.md in the repository, by name."""
    return sorted(page.parent.name for page in root.glob("case_studies/*/index.md"))


def find_chromium() -> str:
    """The path of headless Chromium (Debian's ``chromium``), or a CasePackError saying how to get it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise CasePackError("headless Chromium is not installed: run `make browser` as root, or sudo apt-get install chromium")
    return chromium


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files, logging nothing."""

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(folder: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """Serve folder on 127.0.0.1 (a free port) while the block runs; yields the site's base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _print_page(chromium: str, url: str, out: Path, profile: Path) -> None:
    """Print the page at url to the PDF out with headless Chromium."""
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", url]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_SECONDS)
    except subprocess.TimeoutExpired:
        raise CasePackError(f"Chromium took more than {PRINT_SECONDS} seconds to print {url}") from None
    printed = out.is_file() and out.read_bytes()[:5] == b"%PDF-"
    if run.returncode != 0 or not printed:
        said = [line for line in run.stderr.splitlines() if line.strip()]
        reason = f": {said[-1].strip()}" if said else ""
        raise CasePackError(f"Chromium could not print {url} (exit status {run.returncode}){reason}")


def print_case_packs(html_dir: Path | str, cases: list[str] | None = None, chromium: str | None = None) -> list[Path]:
    """Print each written case of the book built in html_dir to html_dir/case_packs/<case>.pdf.

    cases defaults to every case in the repository (find_cases); chromium to Debian's (find_chromium).
    Returns the PDFs' paths, in the order of cases. Raises CasePackError, with a sentence, when html_dir
    is not a built book with those cases' pages, when Chromium is missing, or when a page fails to print.
    """
    html_dir = Path(html_dir)
    cases = find_cases() if cases is None else list(cases)
    if not (html_dir / "index.html").is_file():
        raise CasePackError(f"{html_dir} is not a built book (it has no index.html): run `make book` first")
    if not cases:
        raise CasePackError(f"there are no written cases (case_studies/*/index.md) in {ROOT}")
    missing = [f"case_studies/{case}/index.html" for case in cases
               if not (html_dir / "case_studies" / case / "index.html").is_file()]
    if missing:
        raise CasePackError(f"{html_dir} is not a built book with every case (run `make book`): it has no {', '.join(missing)}")
    chromium = chromium or find_chromium()

    packs = html_dir / "case_packs"
    packs.mkdir(exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="case-packs-chromium-") as profile, serve(html_dir) as site:
        for case in cases:
            out = packs / f"{case}.pdf"
            out.unlink(missing_ok=True)  # a failed print must not leave last time's PDF behind
            _print_page(chromium, f"{site}/case_studies/{case}/index.html", out, Path(profile))
            written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m academy.book.case_packs",
        description="Print each written case of the built book, with its exhibits, to <html>/case_packs/<case>.pdf.",
    )
    parser.add_argument("html", type=Path, help="the built book's HTML folder, e.g. _build/html")
    parser.add_argument("--case", action="append", help="print only this case (its folder name); may be repeated")
    args = parser.parse_args(argv)
    try:
        for pdf in print_case_packs(args.html, cases=args.case):
            print(f"printed {pdf}")
    except CasePackError as error:
        print(f"case packs: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
