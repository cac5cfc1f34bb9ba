"""The published book: builds with no warning, leaks nothing, loads nothing from another host, describes its images."""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def lines_between(source: str, begin: str, end: str) -> list[str]:
    """Return the lines strictly between begin and end markers in a cell's source."""
    found, inside = [], False
    for line in source.splitlines():
        if line.strip().startswith(begin):
            inside = True
        elif line.strip().startswith(end):
            inside = False
        elif inside and line.strip():
            found.append(line.strip())
    return found


def secret_lines() -> set[str]:
    """Every solution and hidden-test line of every assignment, and every facilitator-notes sentence."""
    secrets = set()
    for path in (ROOT / "exercises" / "source").glob("*/*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            secrets.update(lines_between(cell.source, *SOLUTION))
            secrets.update(lines_between(cell.source, *HIDDEN))
    for path in (ROOT / "book" / "facilitator").glob("*.md"):
        secrets.update(line.strip() for line in path.read_text().splitlines() if len(line.strip()) > 60)
    # Very short lines (a lone bracket, "pass") could appear anywhere and prove nothing.
    return {line for line in secrets if len(line) >= 12}


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


def test_no_solution_hidden_test_or_facilitator_line_reaches_the_book(built_book):
    secrets = secret_lines()
    assert secrets, "found no solution lines to look for: the assignments' markers have changed"
    for path in html_files(built_book):
        text = page_text(path)
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{path.relative_to(built_book)} shows {leaked[:3]}"
    for marker in SOLUTION + HIDDEN:
        assert not any(marker in page_text(p) for p in html_files(built_book)), marker


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


def test_widget_pages_use_the_vendored_widget_manager(built_book):
    page = (built_book / "notebooks" / "law_firm_scale.html").read_text()
    assert "application/vnd.jupyter.widget-state+json" in page, "the explorers' state was not saved"
    # Sphinx adds a cache-busting query (?v=...) to the scripts it links.
    assert re.search(r'src="(\.\./)?_static/widgets/require\.js(\?[^"]*)?"', page)
    assert re.search(r'src="(\.\./)?_static/widgets/html-manager/embed-amd\.js(\?[^"]*)?"', page)
    assert (built_book / "_static" / "widgets" / "html-manager" / "embed-amd.js").exists()
    for other in ("book/preface.html", "case_studies/law_firm_scale/index.html"):  # loaded once, where needed
        assert (built_book / other).read_text().count("embed-amd.js") <= 1


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
    state = json.loads(re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
        (built_book / "notebooks" / "law_firm_scale.html").read_text(), re.S).group(1))
    images = [m["state"]["value"] for m in state["state"].values()
              if m["model_name"] == "HTMLModel" and "<img" in m["state"].get("value", "")]
    assert images and all(re.search(r'alt="[^"]{20,}"', v) for v in images)


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
