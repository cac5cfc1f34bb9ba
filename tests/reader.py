"""What the browser tests share: each edition served on 127.0.0.1, Debian's headless Chromium driven
by Playwright, and a page opened with every request and console error recorded.

A missing Chromium is a failure, not a skip: `make test` installs it (Makefile, target `browser`).
"""

from __future__ import annotations

import gzip as gzip_module
import io
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from academy.book.case_packs import QuietHandler
from academy.book.case_packs import serve as serve_folder

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        # Nothing may leave 127.0.0.1: a name the browser tries to look up fails instead.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
# Two messages the book theme itself logs on every page, harmless to a reader: sphinx-thebe declares
# its configuration twice (thebe is switched off here), and pydata-sphinx-theme finds no saved
# light/dark choice in a new browser. Anything else on the console fails a test.
THEME_NOISE = ("Identifier 'THEBE_JS_URL' has already been declared", "Got invalid theme mode")
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


# What GitHub Pages compresses when the browser asks (images and fonts are compressed already).
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class GzipHandler(QuietHandler):
    """Answers as GitHub Pages does: gzip for text types when the request accepts it, and a browser may
    keep any file for ten minutes (Cache-Control: max-age=600), so a second page reuses the shared assets."""

    def send_head(self):
        path = self.translate_path(self.path)
        kind = self.guess_type(path)
        if (not os.path.isfile(path) or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not kind.startswith(COMPRESSED_TYPES)):
            return super().send_head()  # folders, missing files, images and fonts: as they are
        with open(path, "rb") as file:
            body = gzip_module.compress(file.read(), compresslevel=6)  # a web server's usual level
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


def serve(folder: Path, gzip: bool = False):
    """Serve folder on 127.0.0.1 (a free port) for the duration; yields its base URL. With gzip, text is
    compressed and files may be cached as GitHub Pages does (GzipHandler), for realistic page weights."""
    return serve_folder(folder, GzipHandler if gzip else QuietHandler)


@contextmanager
def chromium():
    """Launch Debian's Chromium headless with Playwright; yields the browser."""
    assert CHROMIUM, "headless Chromium is not installed: run `make test` (as root it installs Debian's chromium) or apt-get install chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def pages_of(html: Path) -> list[str]:
    """Every page of a built edition, as paths relative to its folder (Sphinx's own index pages left out)."""
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if p.name not in ("genindex.html", "search.html") and not p.relative_to(html).as_posix().startswith("_"))


def open_page(context, url: str, wait_until: str = "networkidle"):
    """Open url in a new page of the browser context. Returns (page, requests, errors): every URL the page
    requested, and its console errors and failed requests (status 400 or more, or never answered)."""
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
    page.on("response", lambda response: errors.append(f"{response.status} for {response.url}") if response.status >= 400 else None)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until=wait_until)
    return page, requests, [e for e in errors if not e.startswith(THEME_NOISE)]
