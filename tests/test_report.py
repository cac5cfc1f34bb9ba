"""The cohort report: a small cohort built in a real nbgrader gradebook, with grading outcomes beside it.

Every expected value below is worked out by hand from the marks the fixture gives, not read back from
the report. The cohort (assignment "week1", worth 10 marks: q1 2 marks, q2 4, q3 4 marked by a person;
"week2", worth 5, which nobody has submitted):

=========  =========================  ===========  ==========  ==========  ==============================
delegate   on the roster (gradebook)  q1 / 2       q2 / 4      q3 / 4      outcome
=========  =========================  ===========  ==========  ==========  ==============================
alice      yes                        2            1           3           graded, one flag
bob        yes                        2            0           4           late (2 hours)
carol      yes                        1            2           not marked  graded, needs a person to mark
dan        no (rejected work only)    –            –           –           rejected
<script>   yes                        –            –           –           failed
frank      yes                        –            –           –           none: not submitted
gina       yes                        0            0           0           none: autograded by nbgrader
=========  =========================  ===========  ==========  ==========  ==============================

q2 is the hardest: shares 1/4, 0/4, 2/4, 0/4, mean 3/16 = 0.1875 (q1: 1, 1, 0.5, 0 -> 0.625;
q3: 0.75, 1, 0 -> 0.583).
"""

from __future__ import annotations

import csv
import math
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import nbgrader.api
import pytest
from nbgrader.api import Gradebook

from academy.course.grading import Course, Outcome, write_outcomes
from academy.course.report import cohort_table, question_table, write_csv, write_html

SCRIPT = "<script>alert('x')</script>"
DUE = datetime(2025, 3, 7, 17, 0)  # UTC, as nbgrader stores it
FLAG = "the cell for q2 was deleted and put back <b>by hand</b>"
REJECTED = "no notebook was submitted: week1.ipynb is missing (the folder holds week1.pdf)"
FAILED = "grading stopped after 10 minutes: the notebook never finished running (an endless loop?)"
LATE = "submitted 2.0 hours after the deadline"

# nbgrader's own add_submission sets off this SQLAlchemy warning (it does in nbgrader's tests too).
pytestmark = pytest.mark.filterwarnings("ignore:Object of type:sqlalchemy.exc.SAWarning")


def alembic_head() -> str:
    """The gradebook schema's version, as nbgrader's get_alembic_version finds it, but read in this process:
    nbgrader runs the ``alembic`` command for it, which takes seconds on a busy 2-core machine."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic")).get_current_head()


def new_gradebook(course: Course) -> Gradebook:
    """A new, empty nbgrader gradebook for ``course``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(nbgrader.api, "get_alembic_version", alembic_head)
        return Gradebook(course.db_url, course.course_id)


def give(gb: Gradebook, student: str, marks: dict[str, float | None], **submission) -> None:
    """Submit week1 for ``student`` with these marks per grade cell (None: still to be marked by a person)."""
    gb.add_submission("week1", student, **submission)
    for cell, score in marks.items():
        grade = gb.find_grade(cell, "week1", "week1", student)
        if score is None:
            grade.needs_manual_grade = True
        elif cell == "q3":  # the written answer: marked by a person in formgrader
            grade.manual_score, grade.needs_manual_grade = score, False
        else:
            grade.auto_score, grade.needs_manual_grade = score, False
    gb.db.commit()


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Course:
    root = tmp_path_factory.mktemp("course")
    course = Course(root=root, db_url=f"sqlite:///{root / 'gradebook.db'}", course_id="pcia-2025")
    with new_gradebook(course) as gb:
        for student in ["alice", "bob", "carol", SCRIPT, "frank", "gina"]:
            gb.add_student(student, first_name=student.title(), last_name="Smith")
        gb.add_assignment("week2", duedate=DUE + timedelta(days=28))  # added first, due second
        gb.add_notebook("week2", "week2")
        gb.add_grade_cell("q1", "week2", "week2", max_score=5, cell_type="code")
        gb.add_assignment("week1", duedate=DUE)
        gb.add_notebook("week1", "week1")
        gb.add_grade_cell("q1", "week1", "week1", max_score=2, cell_type="code")
        gb.add_grade_cell("q2", "week1", "week1", max_score=4, cell_type="code")
        gb.add_grade_cell("q3", "week1", "week1", max_score=4, cell_type="markdown")
        give(gb, "alice", {"q1": 2, "q2": 1, "q3": 3}, timestamp=DUE - timedelta(days=1))
        give(gb, "bob", {"q1": 2, "q2": 0, "q3": 4}, timestamp=DUE + timedelta(hours=2))
        give(gb, "carol", {"q1": 1, "q2": 2, "q3": None}, timestamp=DUE - timedelta(hours=1))
        give(gb, "gina", {"q1": 0, "q2": 0, "q3": 0}, timestamp=DUE - timedelta(hours=3))
    write_outcomes(course, "week1", {
        # The outcome was written before a person marked q3 (3 marks): the gradebook's 6 must win.
        "alice": Outcome("alice", "week1", "graded", 3.0, 10.0, flags=[FLAG], needs_manual_grade=True),
        "bob": Outcome("bob", "week1", "late", 6.0, 10.0, reason=LATE, seconds_late=7200.0),
        "carol": Outcome("carol", "week1", "graded", 3.0, 10.0, needs_manual_grade=True),
        "dan": Outcome("dan", "week1", "rejected", 0.0, None, reason=REJECTED),
        SCRIPT: Outcome(SCRIPT, "week1", "failed", 0.0, reason=FAILED),
    })
    return course


def csv_rows(path: Path) -> tuple[list[str], dict[tuple[str, str], dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    return reader.fieldnames, {(r["delegate"], r["assignment"]): r for r in rows}


def test_csv_has_one_row_per_delegate_per_assignment_with_the_right_status(course, tmp_path):
    header, rows = csv_rows(write_csv(course, tmp_path / "cohort.csv"))
    assert header[:6] == ["delegate", "assignment", "score", "max_score", "status", "reason"]
    delegates = {"alice", "bob", "carol", "dan", SCRIPT, "frank", "gina"}  # the roster, plus dan's outcome
    assert set(rows) == {(d, a) for d in delegates for a in ("week1", "week2")}

    expected_week1 = {  # delegate: (score, status, reason)
        "alice": (6.0, "graded", f"flagged for a person: {FLAG}"),  # 2 + 1 + 3 (q3 marked by a person)
        "bob": (6.0, "late", LATE),  # 2 + 0 + 4
        "carol": (3.0, "awaiting marking", ""),  # 1 + 2, q3 still to be marked
        "dan": (0.0, "rejected", REJECTED),
        SCRIPT: (0.0, "failed", FAILED),
        "frank": (None, "not submitted", ""),
        "gina": (0.0, "graded", ""),  # in the gradebook, graded by nbgrader without an outcome
    }
    for delegate, (score, status, reason) in expected_week1.items():
        row = rows[(delegate, "week1")]
        assert (row["status"], row["reason"]) == (status, reason), delegate
        assert (None if row["score"] == "" else float(row["score"])) == score, delegate
        assert float(row["max_score"]) == 10.0
        assert row["due"] == "2025-03-07 17:00"
    for delegate in delegates:
        row = rows[(delegate, "week2")]
        assert (row["status"], row["score"], row["reason"], float(row["max_score"])) == ("not submitted", "", "", 5.0)
    assert rows[("alice", "week1")]["flags"] == FLAG


def test_cohort_table_lists_assignments_in_due_date_order(course):
    table = cohort_table(course)
    assert list(table.columns[:6]) == ["delegate", "assignment", "score", "max_score", "status", "reason"]
    assert list(dict.fromkeys(table["assignment"])) == ["week1", "week2"]  # week2 was added to the gradebook first
    assert len(table) == 14
    assert math.isnan(table[(table["delegate"] == "frank") & (table["assignment"] == "week1")]["score"].iloc[0])


def test_the_hardest_question_comes_first(course):
    table = question_table(course)
    assert list(table[["assignment", "question"]].itertuples(index=False, name=None)) == [
        ("week1", "q2"), ("week1", "q3"), ("week1", "q1"), ("week2", "q1")]
    assert table["mean_share"].iloc[0] == pytest.approx(3 / 16)
    assert table["mean_share"].iloc[1] == pytest.approx((0.75 + 1 + 0) / 3)
    assert table["mean_share"].iloc[2] == pytest.approx((1 + 1 + 0.5 + 0) / 4)
    assert list(table["graded"]) == [4, 3, 4, 0]  # carol's q3 is not marked yet; nobody did week2
    assert math.isnan(table["mean_share"].iloc[3])


def test_a_formula_in_a_reason_stays_text_in_a_spreadsheet(tmp_path):
    course = Course(root=tmp_path, db_url=f"sqlite:///{tmp_path / 'gradebook.db'}", course_id="c")
    with new_gradebook(course) as gb:
        gb.add_assignment("week1")
    write_outcomes(course, "week1", {"=eve": Outcome("=eve", "week1", "rejected", 0.0, reason="=HYPERLINK(1)")})
    _, rows = csv_rows(write_csv(course, tmp_path / "cohort.csv"))
    assert rows[("'=eve", "week1")]["reason"] == "'=HYPERLINK(1)"


def test_a_course_with_no_gradebook_is_explained_not_created(tmp_path):
    course = Course(root=tmp_path, db_url=f"sqlite:///{tmp_path / 'gradebook.db'}", course_id="c")
    with pytest.raises(SystemExit, match="There is no gradebook"):
        cohort_table(course)
    assert not (tmp_path / "gradebook.db").exists()


class Tables(HTMLParser):
    """The page's tables as {caption: [rows of cell text]}, and every tag's attributes."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.tags: list[tuple[str, dict]] = []
        self.caption = self.text = None
        self.row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("caption", "td", "th"):
            self.text = ""
        elif tag == "tr":
            self.row = []

    def handle_data(self, data):
        if self.text is not None:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self.caption = self.text
            self.tables[self.caption] = []
        elif tag in ("td", "th"):
            self.row.append(self.text)
        elif tag == "tr":
            self.tables[self.caption].append(self.row)
        if tag in ("caption", "td", "th"):
            self.text = None


@pytest.fixture(scope="module")
def page(course, tmp_path_factory) -> str:
    return write_html(course, tmp_path_factory.mktemp("report") / "report.html").read_text(encoding="utf-8")


def parse(page: str) -> Tables:
    tables = Tables()
    tables.feed(page)
    return tables


def table(tables: Tables, starts: str) -> list[list[str]]:
    [found] = [rows for caption, rows in tables.tables.items() if caption.startswith(starts)]
    return found


def test_page_is_self_contained_and_accessible(page):
    assert not re.search(r"https?:", page, re.IGNORECASE)
    tables = parse(page)
    sources = [attrs.get("src") for tag, attrs in tables.tags if "src" in attrs]
    links = [attrs.get("href") for tag, attrs in tables.tags if "href" in attrs]
    images = [attrs for tag, attrs in tables.tags if tag == "img"]
    assert len(images) >= 3  # completion, progress, week1's spread
    assert all(src.startswith("data:image/png;base64,") for src in sources)
    assert not [tag for tag, _ in tables.tags if tag in ("script", "link", "iframe", "object", "embed")]
    assert all(not href or href.startswith("#") for href in links)
    assert all(img.get("alt", "").strip() for img in images)
    assert '<html lang="en-GB">' in page
    assert "<title>Cohort report: pcia-2025</title>" in page
    assert tables.tables and all(caption.strip() for caption in tables.tables)


def test_page_escapes_what_delegates_provide(page):
    assert SCRIPT not in page and "<b>by hand</b>" not in page
    assert html_escaped(SCRIPT) in page
    # The escaped id reads back as the delegate's id in the table of work for a person to look at.
    flagged = table(parse(page), "Submissions flagged")
    assert [SCRIPT, "<Script>Alert('X')</Script> Smith", "week1", "failed", FAILED] in flagged


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;")


def test_page_tables_say_who_submitted_what(page):
    tables = parse(page)
    completion = table(tables, "Submissions per assignment")
    # week1: everyone but frank handed something in (dan's and the <script> delegate's did not grade):
    # 6 of 7; marked: alice, bob, gina; awaiting: carol; rejected or failed: dan, <script>.
    assert completion[1:] == [["week1", "7 March 2025", "6", "7", "86%", "3", "1", "2"],
                              ["week2", "4 April 2025", "0", "7", "0%", "0", "0", "0"]]
    progress = table(tables, "Mean share of marks per assignment")
    assert progress[1:] == [["week1", "7 March 2025", "3", "40%"],  # (6 + 6 + 0) / 3 / 10
                            ["week2", "4 April 2025", "0", "–"]]
    hardest = table(tables, "The five questions")
    assert hardest[1] == ["week1", "q2", "4", "4", "19%"]  # 3/16
    assert len(hardest) == 1 + 3  # week2's q1 has no marks, so it cannot be among the hardest
    missing = table(tables, "Delegates with work not submitted")
    assert missing[1] == ["frank", "Frank Smith", "week1, week2", "2"]
    assert sorted(row[0] for row in missing[2:]) == sorted(["alice", "bob", "carol", "dan", SCRIPT, "gina"])
    assert all(row[2:] == ["week2", "1"] for row in missing[2:])
    flagged = table(tables, "Submissions flagged")
    assert flagged[1:] == [[SCRIPT, "<Script>Alert('X')</Script> Smith", "week1", "failed", FAILED],  # "<" sorts first
                           ["alice", "Alice Smith", "week1", "graded", f"flagged for a person: {FLAG}"],
                           ["dan", "", "week1", "rejected", REJECTED]]
