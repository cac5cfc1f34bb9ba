"""The instructor edition: the published book plus, for faculty, each exercise's model answers, checks
and hidden tests, and the facilitator notes for each case and day, as pages of their own.

It is built from the same sources as the delegate edition (``make instructor-book``). This module writes
what that build reads and the delegate edition never sees:

- ``exercises/instructor/<assignment>/<assignment>.ipynb``: the exercise's source notebook as a page,
  with the model answers filled in and run, the visible checks run, the hidden tests in cells of their
  own under a heading saying so (run too, so the edition only builds if every model answer passes its
  hidden tests), and each written answer's marking guide with a link to its rubric;
- ``<folder>/_config.yml``: the book's ``_config.yml`` with the edition's title, footer and banner, the
  facilitator notes no longer excluded, and the delegate edition's execution cache;
- ``<folder>/_toc.yml``: the book's ``_toc.yml`` with each case's facilitator notes and model answers,
  and each day's facilitator notes, beside the pages they go with.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "book" / "facilitator"
TITLE_SUFFIX = ": instructor edition"
FOOTER = "Instructor edition: model answers, hidden tests, rubrics and facilitator notes. For faculty only; never publish it."
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
BOOK_ONLY_TAGS = ("raises-exception", "remove-output")  # the delegates' copy raises: nothing is answered


def without_lines(source: str, markers: tuple[str, ...]) -> str:
    """Return source without the lines that are one of the markers."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in markers)


def split_hidden(source: str) -> tuple[str, str]:
    """Return (visible, hidden): a check cell's lines outside and inside its hidden-test markers."""
    visible, hidden, inside = [], [], False
    for line in source.splitlines():
        if line.strip() == HIDDEN_BEGIN:
            inside = True
        elif line.strip() == HIDDEN_END:
            inside = False
        else:
            (hidden if inside else visible).append(line)
    return "\n".join(visible).strip("\n"), "\n".join(hidden).strip("\n")


def question(grade_id: str) -> str:
    """Return "question 3" for a grade id such as "q3-answer" or "q3-checks"."""
    match = re.match(r"q(\d+)", grade_id)
    return f"question {match[1]}" if match else "this question"


def runnable(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return the code cell without the tags that let the delegates' blank copy raise and hide output."""
    cell = copy.deepcopy(cell)
    tags = [t for t in cell.metadata.get("tags", []) if t not in BOOK_ONLY_TAGS]
    cell.metadata["tags"] = tags
    if not tags:
        del cell.metadata["tags"]
    return cell


def instructor_notebook(source: Path) -> nbformat.NotebookNode:
    """Return an assignment's source notebook as the instructor edition's page of model answers."""
    nb = nbformat.read(source, as_version=4)
    case = source.stem
    rubrics = f"../../../book/facilitator/{case}.md"
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if not cells and cell.cell_type == "markdown":
            cell = copy.deepcopy(cell)
            cell.source = re.sub(r"^# (.*?)(: the graded exercise)?$", r"# \1: model answers and hidden tests",
                                 cell.source, count=1, flags=re.M)
            cell.source += (
                "\n\n:::{admonition} For faculty\n:class: warning\n"
                "This page is the exercise with its model answers filled in and run. Under each check, the hidden "
                "tests that grading adds are shown in a cell of their own: they are not in the delegates' copy. "
                f"Written answers show their marking guide; the full rubrics are in the [facilitator notes]({rubrics}).\n:::"
            )
            cells.append(cell)
        elif cell.cell_type == "markdown" and meta.get("solution"):
            points = meta.get("points", 0)
            guide = without_lines(cell.source, SOLUTION_MARKERS).strip()
            cells.append(nbformat.v4.new_markdown_cell(
                f":::{{admonition}} Marking guide for {question(grade_id)} ({points:g} points, marked by faculty)\n"
                f":class: tip\n{guide}\n\nThe rubric is in the [facilitator notes]({rubrics}).\n:::"))
        elif cell.cell_type == "code" and meta.get("solution"):
            cells.append(nbformat.v4.new_markdown_cell(
                f"**Model answer to {question(grade_id)}.** The delegates' copy has "
                "`raise NotImplementedError()` here."))
            answer = runnable(cell)
            answer.source = without_lines(cell.source, SOLUTION_MARKERS)
            cells.append(answer)
        elif cell.cell_type == "code" and meta.get("grade"):
            visible, hidden = split_hidden(cell.source)
            check = runnable(cell)
            check.source = visible
            cells.append(check)
            if hidden:
                cells.append(nbformat.v4.new_markdown_cell(
                    f"**Hidden tests for {question(grade_id)}**, not in the delegates' copy: grading runs them after "
                    "the check above, and their messages are what a delegate reads in feedback."))
                cells.append(nbformat.v4.new_code_cell(hidden, metadata={"tags": ["pcia-hidden-tests"]}))
        else:
            cells.append(runnable(cell) if cell.cell_type == "code" else cell)
    nb.cells = cells
    return nb


def facilitator_page(file: str) -> str | None:
    """Return the facilitator notes that go with a page of the book's table of contents, if there are any."""
    if match := re.fullmatch(r"case_studies/(\w+)/index", file):
        name = match[1]
    elif match := re.fullmatch(r"book/sessions/(session_\d+)", file):
        name = match[1]
    elif match := re.fullmatch(r"book/induction/(\w+)", file):
        name = f"induction_{match[1]}"
    else:
        return None
    return f"book/facilitator/{name}" if (NOTES / f"{name}.md").exists() else None


def with_instructor_pages(entries: list[dict]) -> list[dict]:
    """Return a list of table-of-contents entries with the instructor pages added: facilitator notes as
    the first section of the page they go with, model answers straight after the released exercise."""
    result = []
    for entry in entries:
        entry = dict(entry)
        if "sections" in entry:
            entry["sections"] = with_instructor_pages(entry["sections"])
        notes = facilitator_page(entry.get("file", ""))
        if notes:
            entry["sections"] = [{"file": notes}, *entry.get("sections", [])]
        result.append(entry)
        if match := re.fullmatch(r"exercises/release/(\w+)/(\w+)", entry.get("file", "")):
            result.append({"file": f"exercises/instructor/{match[1]}/{match[2]}"})
    return result


def instructor_toc(toc: dict) -> dict:
    """Return the instructor edition's table of contents from the book's."""
    toc = copy.deepcopy(toc)
    for part in toc["parts"]:
        part["chapters"] = with_instructor_pages(part["chapters"])
    listed = set(re.findall(r"book/facilitator/\w+", yaml.safe_dump(toc)))
    missing = sorted(f"book/facilitator/{p.stem}" for p in NOTES.glob("*.md"))
    missing = [page for page in missing if page not in listed]
    if missing:
        raise ValueError(f"these facilitator notes go with no page of _toc.yml: {', '.join(missing)}")
    return toc


def instructor_config(config: dict, cache: Path) -> dict:
    """Return the instructor edition's configuration from the book's ``_config.yml``."""
    config = copy.deepcopy(config)
    config["title"] += TITLE_SUFFIX
    config["exclude_patterns"] = [p for p in config["exclude_patterns"] if p != "book/facilitator"]
    config["html"]["extra_footer"] = FOOTER
    config["execute"]["cache"] = str(cache.resolve())
    sphinx = config["sphinx"]
    sphinx["local_extensions"] = {name: str((ROOT / path).resolve()) for name, path in sphinx["local_extensions"].items()}
    sphinx["config"]["pcia_edition"] = "instructor"
    return config


def write_edition(folder: Path, cache: Path) -> None:
    """Write the model-answer notebooks into exercises/instructor/, and the edition's configuration and
    table of contents into folder."""
    for source in sorted((ROOT / "exercises" / "source").glob("*/*.ipynb")):
        target = ROOT / "exercises" / "instructor" / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        text = nbformat.writes(instructor_notebook(source)) + "\n"
        if not target.exists() or target.read_text() != text:  # unchanged pages are not rebuilt
            target.write_text(text)
    folder.mkdir(parents=True, exist_ok=True)
    config = instructor_config(yaml.safe_load((ROOT / "_config.yml").read_text()), cache)
    toc = instructor_toc(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    for name, data in (("_config.yml", config), ("_toc.yml", toc)):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        if not (folder / name).exists() or (folder / name).read_text() != text:
            (folder / name).write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write what the instructor edition of the book is built from.")
    parser.add_argument("folder", type=Path, help="where to write the edition's _config.yml and _toc.yml")
    parser.add_argument("--cache", type=Path, required=True, help="the delegate edition's execution cache")
    args = parser.parse_args(argv)
    try:
        write_edition(args.folder, args.cache)
    except (OSError, ValueError, KeyError) as error:
        print(f"Could not prepare the instructor edition: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
