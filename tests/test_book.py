"""The published book: builds with no warning, loads nothing from another host, shows explorers as stills,
describes its images. (What it must not hold, the instructor edition's material, is tests/test_editions.py.)"""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def html_files(html_dir: Path) -> list[Path]:
    return sorted(html_dir.rglob("*.html"))


def page_text(path: Path) -> str:
    """The page's text without its tags (highlighted code is split into many <span>s), unescaped."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(errors="replace")))


class ResourceCollector(HTMLParser):
    """Collects every URL a browser would fetch on its own when loading the page, and every image."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source", "embed") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href") and attrs.get("rel", "") not in ("canonical",):
            self.urls.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs)


def test_the_book_has_every_page_of_the_table_of_contents(built_book):
    toc = (ROOT / "_toc.yml").read_text()
    for page in re.findall(r"file: (\S+)", toc) + ["book/preface"]:
        assert (built_book / f"{page}.html").exists(), f"{page} was not built"


@pytest.mark.parametrize("assignment", sorted(p.name for p in (ROOT / "exercises" / "source").iterdir() if p.is_dir()))
def test_the_exercise_is_in_the_book_in_its_released_form(built_book, assignment):
    page = built_book / "exercises" / "release" / assignment / f"{assignment}.html"
    text = page_text(page)
    assert "NotImplementedError" in text or "YOUR ANSWER HERE" in text


def test_no_page_loads_anything_from_another_host(built_book):
    for path in html_files(built_book):
        collector = ResourceCollector()
        collector.feed(path.read_text(errors="replace"))
        remote = [u for u in collector.urls if re.match(r"^(https?:)?//", u)]
        assert not remote, f"{path.relative_to(built_book)} loads {remote}"
    for css in built_book.rglob("*.css"):
        remote = re.findall(r"(?:@import|url\()\s*['\"]?(https?://[^'\")]+)", css.read_text(errors="replace"))
        assert not remote, f"{css.relative_to(built_book)} loads {remote}"


NOTEBOOK_PAGES = sorted(f"notebooks/{p.stem}.html" for p in (ROOT / "notebooks").glob("*.md"))
EXPLORER_CALLS = {page: len(re.findall(r"^\w+_explorer\(", (ROOT / page.replace(".html", ".md")).read_text(), re.M))
                  for page in NOTEBOOK_PAGES}


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_every_explorer_is_a_still_and_no_page_carries_a_widget(built_book, page):
    """A control on a page with no Python behind it would move and change nothing, so each explorer the
    notebook shows is in the book as a still: a note, its starting settings, its charts and tables."""
    text = (built_book / page).read_text()
    assert EXPLORER_CALLS[page] >= 1
    assert text.count('class="pcia-still"') == EXPLORER_CALLS[page], "an explorer is missing its still"
    assert text.count("how to run it live") == EXPLORER_CALLS[page]
    for path in html_files(built_book):
        source = path.read_text(errors="replace")
        assert "widget-state+json" not in source and "widget-view+json" not in source, path
        assert "embed-amd" not in source and "require.js" not in source, f"{path} loads a widget manager"
        assert not re.search(r"<(input|select|button)[^>]*(type=\"range\"|widget)", source), f"{path} has a control"


def test_a_still_lists_the_starting_settings_and_links_to_running_it_live(built_book):
    """The partnership explorer starts at the average practice: its still says so in words, and its link
    to the book's page on running the kit live works from the notebook's folder."""
    from academy.models.gp_partnership import AVERAGE_PRACTICE

    page = built_book / "notebooks" / "law_firm_scale.html"
    text = page_text(page)
    assert f"Registered patients: {AVERAGE_PRACTICE.registered_patients:,.0f}" in text
    links = set(re.findall(r'<a href="([^"]+)">how to run it live', page.read_text()))
    assert links and all((page.parent / link.split("#")[0]).resolve().exists() for link in links), links


def test_every_figure_is_drawn_as_a_picture(built_book):
    for path in html_files(built_book):
        assert "<Figure size" not in page_text(path), f"{path.relative_to(built_book)} shows a figure's name, not the figure"
    # The teaching notebook's sensitivity chart is a picture with its caption and description.
    page = (built_book / "notebooks" / "law_firm_scale.html").read_text()
    assert re.search(r'<figure[^>]*id="fig-sensitivity".*?<img [^>]*alt="(Two t|T)ornado chart', page, re.S)


def test_every_image_has_alt_text(built_book):
    for path in html_files(built_book):
        collector = ResourceCollector()
        collector.feed(path.read_text(errors="replace"))
        for image in collector.images:
            assert (image.get("alt") or "").strip(), f"an image in {path.relative_to(built_book)} has no alt text"
    # The explorers' charts, in their stills, describe what they show in a sentence or more.
    page = (built_book / "notebooks" / "law_firm_scale.html").read_text()
    images = re.findall(r"<img [^>]*>", page[page.index('class="pcia-still"'):])
    assert len(images) >= 5 and all(re.search(r'alt="[^"]{40,}"', image) for image in images)


class VisibleText(HTMLParser):
    """Collects the text a reader sees: everything but scripts (saved widget state included) and styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(path: Path) -> str:
    parser = VisibleText()
    parser.feed(path.read_text(errors="replace"))
    return " ".join(parser.parts)


def test_the_book_is_british_english(built_book):
    text = " ".join(visible_text(p) for p in html_files(built_book) if "genindex" not in p.name)
    assert "Profit per partner" in text  # the reader's text was found
    for american in ("organization", "behavior", "color blind", "analyze", "program "):
        assert american not in text.lower(), american


def test_a_second_build_with_nothing_changed_rebuilds_no_page(built_book):
    """`make book` again with nothing changed releases nothing and reads, executes and writes no page."""
    from conftest import make

    again = make("book", build_dir=built_book.parents[1])
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    log = re.sub(r"\x1b\[[0-9;]*m", "", again.stdout)  # Sphinx colours its log
    assert "generate_assignment" not in log, "the exercises were released again: nbgrader rewrites every page"
    assert "0 added, 0 changed, 0 removed" in log, "Sphinx read pages again"
    assert "no targets are out of date" in log, "Sphinx wrote pages again"


def test_the_book_carries_the_current_style_sheet_and_script(built_book):
    """Sphinx copies book/_vendor/ only when it writes a page; `make book` copies it every time, so a
    changed style sheet reaches the book without a page changing."""
    for name in ("academy.css", "pcia_scroll.js"):
        assert (built_book / "_static" / name).read_bytes() == (ROOT / "book" / "_vendor" / name).read_bytes(), name
