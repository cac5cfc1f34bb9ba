"""A small nbgrader course for the grading tests: one assignment, ``tiny``, asked as the kit's exercises
ask (a number, a letter, a sentence), checked with hashed answers, quick to run; and the submissions a
cohort might hand in, good and bad.

The assignment is written here rather than taken from a case, so the grading tests stay fast (a few
seconds a notebook) and do not change when a case's exercise does. Its answers: q1 = 0.84 (2 points),
q2 = "B" (3 points), q3 a sentence (2 points, marked by hand).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from academy.course.checks import digest, number_key

ASSIGNMENT = "tiny"
AUTO_POINTS = 5  # q1 and q2
MANUAL_POINTS = 2  # q3
BIN = Path(sys.executable).parent


def _cell(kind: str, source: str, grade_id: str, *, solution=False, grade=False, locked=False, points=None):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked,
                                 "schema_version": 3, **({"points": points} if points is not None else {})}
    return cell


def source_notebook() -> nbformat.NotebookNode:
    q1 = digest("q1", number_key(0.84, 2))
    q1_near = digest("q1", number_key(0.16, 2))
    q2 = digest("q2", "B")
    cells = [
        _cell("markdown", "# A small exercise\n\nAnswer each question with a number, a letter or a sentence.",
              "intro", locked=True),
        _cell("code", "%xmode Minimal\nfrom academy.course import checks", "setup", locked=True),
        _cell("markdown", "### Question 1 (2 points)\n\nWhat share of the staff stayed, to two decimal places?",
              "q1-question", locked=True),
        _cell("code", "### BEGIN SOLUTION\nq1 = 0.84\n### END SOLUTION", "q1-answer", solution=True),
        _cell("code", "# Checks for q1\nchecks.visible_number(globals(), 'q1', 0, 1, 'q1 is a share, between 0 and 1.')\n"
                      "### BEGIN HIDDEN TESTS\nimport importlib, academy.course.checks as hidden_checks\n"
                      "hidden_checks = importlib.reload(hidden_checks)\n"
                      f"hidden_checks.hidden_number(globals(), 'q1', 2, '{q1}', 'q1 is not the share that stayed.',\n"
                      f"    near_misses={{'{q1_near}': 'That is the share that left.'}})\n### END HIDDEN TESTS",
              "q1-checks", grade=True, locked=True, points=2),
        _cell("markdown", "### Question 2 (3 points)\n\nWhich option, A, B or C?", "q2-question", locked=True),
        _cell("code", '### BEGIN SOLUTION\nq2 = "B"\n### END SOLUTION', "q2-answer", solution=True),
        _cell("code", "# Checks for q2\nchecks.visible_letter(globals(), 'q2', 'ABC')\n"
                      "### BEGIN HIDDEN TESTS\nimport importlib, academy.course.checks as hidden_checks\n"
                      "hidden_checks = importlib.reload(hidden_checks)\n"
                      f"hidden_checks.hidden_letter(globals(), 'q2', '{q2}', {{}}, 'ABC')\n### END HIDDEN TESTS",
              "q2-checks", grade=True, locked=True, points=3),
        _cell("markdown", "### Question 3 (2 points, marked by hand)\n\nIn a sentence or two, why?", "q3-question",
              locked=True),
        _cell("markdown", "### BEGIN SOLUTION\nMarking guide: the stability follows the people in post at the start.\n"
                          "### END SOLUTION", "q3-answer", solution=True, grade=True, points=2),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return notebook


def make_course(root: Path, exchange: Path | None = None, generate: bool = True, course_id: str = "pcia-test") -> Path:
    """A course folder at ``root`` with the assignment generated (and recorded in its gradebook), and
    its exchange at ``exchange`` if given."""
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = '{course_id}'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{root / 'gradebook.db'}'\n"
        "c.Execute.timeout = 60\n"
        + (f"c.Exchange.root = '{exchange}'\n" if exchange else ""))
    if not generate:
        return root
    env = dict(os.environ, PATH=f"{BIN}:{os.environ.get('PATH', '')}")
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--log-level=ERROR"],
                   cwd=root, env=env, check=True, capture_output=True)
    return root


def released(root: Path) -> nbformat.NotebookNode:
    return nbformat.read(root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)


def answered(root: Path, q1="0.84", q2='"B"', q3="Stability follows the people in post at the start.") -> nbformat.NotebookNode:
    """The released notebook with answers typed in as a delegate would."""
    notebook = released(root)
    for cell in notebook.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "q1-answer":
            cell.source = f"q1 = {q1}"
        elif gid == "q2-answer":
            cell.source = f"q2 = {q2}"
        elif gid == "q3-answer":
            cell.source = q3
    return notebook


def submit(root: Path, delegate: str, content, name: str = f"{ASSIGNMENT}.ipynb",
           timestamp: str = "2026-12-01 10:00:00.000000 UTC") -> Path:
    """Put a submission where nbgrader's collect would: submitted/<delegate>/tiny/. ``content`` is a
    notebook, text or bytes."""
    folder = root / "submitted" / delegate / ASSIGNMENT
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = folder / name
    if isinstance(content, nbformat.NotebookNode):
        nbformat.write(content, path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    (folder / "timestamp.txt").write_text(timestamp)
    return path


def cell_index(notebook, grade_id: str) -> int:
    return next(i for i, c in enumerate(notebook.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def with_cell_source(notebook, grade_id: str, source: str):
    notebook.cells[cell_index(notebook, grade_id)].source = source
    return notebook


def big_output_notebook(root: Path, megabytes: int) -> nbformat.NotebookNode:
    """A right answer, with a large picture left in an output (as a delegate who plotted a lot might)."""
    notebook = answered(root)
    payload = ("iVBORw0KGgo" + "A" * (megabytes * 2**20))
    notebook.cells[cell_index(notebook, "q1-answer")].outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": payload})]
    notebook.cells[cell_index(notebook, "q1-answer")].execution_count = 1
    return notebook


def json_text(notebook) -> str:
    return json.dumps(notebook)
