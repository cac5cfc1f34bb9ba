"""Check a built book for anything that belongs only to the instructor edition.

Instructor-only: every line of a model answer (between nbgrader's solution markers) and of a hidden
test, every marking guide, every line of the facilitator notes, and the instructor pages themselves.
The delegate edition must hold none of them in any page, in its search index or in the sources it
offers for download. ``python -m academy.book.leaks _build/html`` exits 1 naming what it found; the
publishing workflow runs it before anything is uploaded.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
MARKERS = (*SOLUTION, *HIDDEN)
# Folders whose pages exist only in the instructor edition.
INSTRUCTOR_FOLDERS = ("book/facilitator/", "exercises/instructor/", "exercises/source/")
# A line shorter than this (a bracket, "pass", "q2 = 'B'") could be anywhere and proves nothing; lines of
# the facilitator notes must be longer still, as their short lines are headings and table rules.
SHORTEST_CODE_LINE = 12
SHORTEST_NOTES_LINE = 60
TEXT_SUFFIXES = {".html", ".js", ".txt", ".md", ".ipynb", ".json", ".py", ".csv", ".xml"}


def lines_between(source: str, begin: str, end: str) -> list[str]:
    """Return the non-blank lines strictly between begin and end markers, stripped."""
    found, inside = [], False
    for line in source.splitlines():
        if line.strip().startswith(begin):
            inside = True
        elif line.strip().startswith(end):
            inside = False
        elif inside and line.strip():
            found.append(line.strip())
    return found


def instructor_only_lines(root: Path = ROOT) -> set[str]:
    """Return every model-answer, hidden-test and marking-guide line of the exercises' sources, and every
    long line of the facilitator notes."""
    lines = set()
    for path in (root / "exercises" / "source").glob("*/*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            lines.update(line for line in lines_between(cell.source, *SOLUTION) + lines_between(cell.source, *HIDDEN)
                         if len(line) >= SHORTEST_CODE_LINE)
    public = public_text(root)
    for path in (root / "book" / "facilitator").glob("*.md"):
        lines.update(line.strip() for line in path.read_text().splitlines()
                     if len(line.strip()) >= SHORTEST_NOTES_LINE and line.strip() not in public)
    return lines


def public_text(root: Path = ROOT) -> str:
    """Return the delegate edition's own Markdown pages, each line stripped: a facilitator note that
    repeats them (a day's learning objectives, say) gives nothing away."""
    pages = [p for p in root.glob("book/**/*.md") if "facilitator" not in p.parts]
    pages += [*root.glob("case_studies/*/index.md"), *root.glob("notebooks/*.md")]
    return "\n".join(line.strip() for page in pages for line in page.read_text().splitlines())


def readable_text(path: Path) -> str:
    """Return a file's text as a reader or a search engine would find it: an HTML page without its tags
    and with its entities decoded; a notebook's cells; anything else as it is."""
    text = path.read_text(errors="replace")
    if path.suffix == ".html":
        return html.unescape(re.sub(r"<[^>]+>", "", text))
    if path.suffix == ".ipynb":
        try:
            return "\n".join(cell.get("source", "") if isinstance(cell.get("source"), str) else "".join(cell.get("source", []))
                             for cell in json.loads(text).get("cells", []))
        except json.JSONDecodeError:
            return text
    return text


def leaks(html_dir: Path, root: Path = ROOT) -> list[str]:
    """Return a sentence for each instructor-only page, marker or line found in the built book at
    html_dir: in its pages, search index and downloadable sources. An empty list means none."""
    found = []
    lines = instructor_only_lines(root)
    for path in sorted(p for p in html_dir.rglob("*") if p.is_file()):
        name = path.relative_to(html_dir).as_posix()
        if any(folder in name for folder in INSTRUCTOR_FOLDERS):
            found.append(f"{name} is an instructor-only page")
            continue
        if path.suffix not in TEXT_SUFFIXES:
            continue
        text = readable_text(path)
        if path.name == "searchindex.js":
            found += [f"the search index lists {doc}" for doc in re.findall(r'"((?:book/facilitator|exercises/(?:instructor|source))/[^"]*)"', text)]
        found += [f"{name} has the marker {marker}" for marker in MARKERS if marker in text]
        found += [f"{name} has the instructor-only line {line[:80]!r}" for line in sorted(lines) if line in text]
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    html_dir = Path(args[0]) if args else ROOT / "_build" / "html"
    if not (html_dir / "index.html").exists():
        print(f"{html_dir} is not a built book (no index.html): run make book first", file=sys.stderr)
        return 1
    found = leaks(html_dir)
    for sentence in found:
        print(sentence, file=sys.stderr)
    print(f"{len(found)} instructor-only items found in {html_dir}" if found else f"Nothing instructor-only in {html_dir}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
