"""The cohort report: how a cohort is getting on, for the programme office.

The programme office is not a team of programmers. It needs to know, for every delegate on the roster
and every assignment, whether the work came in, what it scored, and whether anyone has to do anything
about it (chase a missing piece of work, look at a submission that was flagged, rejected or could not
be graded, or finish marking a written answer). This module puts that together from two sources:

- nbgrader's gradebook: the roster (students), the assignments and their due dates, and every mark,
  including the marks a tutor adds later by hand in formgrader;
- the outcomes that :mod:`academy.course.grading` writes for each submission it was given (graded,
  late, rejected or failed, with the reason and anything flagged for a person).

It writes a CSV file (one row per delegate per assignment, for a spreadsheet) and one self-contained
HTML page (tables and charts, which opens from a shared drive or an e-mail with no network).

Shares of marks are fractions from 0 to 1 in the tables and percentages on the page; scores are marks
as nbgrader counts them; due dates are as the gradebook holds them (UTC).
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from academy.course.grading import Course, Outcome, read_outcomes

COLUMNS = ["delegate", "assignment", "score", "max_score", "status", "reason"]
"""The cohort table's and the CSV's first columns, in this order (``flags`` and ``due`` follow)."""

MARKED = ("graded", "late")
"""Statuses whose score is a finished mark (rejected and failed score 0; "awaiting marking" is partial)."""


# What the gradebook holds --------------------------------------------------------------------------

@dataclass
class _Submission:
    """One delegate's submission of one assignment as the gradebook has it."""

    score: float  # marks, including any added by hand in formgrader
    needs_manual_grade: bool
    seconds_late: float


@dataclass
class _Gradebook:
    """Everything the report needs from nbgrader's gradebook, read in one go."""

    assignments: list[tuple[str, datetime | None, float]] = field(default_factory=list)  # name, due (UTC), max marks
    names: dict[str, str] = field(default_factory=dict)  # delegate id -> "First Last" (or "")
    submissions: dict[tuple[str, str], _Submission] = field(default_factory=dict)  # (assignment, delegate)
    questions: list[tuple[str, str, str, float]] = field(default_factory=list)  # assignment, notebook, cell, max marks
    marks: list[tuple[str, str, str, float]] = field(default_factory=list)  # assignment, notebook, cell, marks given


def _due_order(assignment) -> tuple:
    """Sort key: assignments by due date, those with no due date last, then by name."""
    return (assignment.duedate is None, assignment.duedate or datetime.min, assignment.name)


def _read_gradebook(course: Course) -> _Gradebook:
    """The roster, assignments, submissions and marks in the course's gradebook."""
    from nbgrader.api import Gradebook

    if course.db_url.startswith("sqlite:///") and ":memory:" not in course.db_url:
        path = Path(course.db_url[len("sqlite:///"):].split("?")[0])
        if not path.exists():  # opening it would make an empty one
            raise SystemExit(f"There is no gradebook at {path}: nbgrader makes it when the first assignment "
                             "is released or graded.")
    facts = _Gradebook()
    with Gradebook(course.db_url, course.course_id) as gb:
        for student in gb.students:
            facts.names[student.id] = " ".join(n for n in (student.first_name, student.last_name) if n)
        for assignment in sorted(gb.assignments, key=_due_order):
            facts.assignments.append((assignment.name, assignment.duedate, float(assignment.max_score or 0.0)))
            for notebook in assignment.notebooks:
                for cell in list(notebook.grade_cells) + list(notebook.task_cells):
                    facts.questions.append((assignment.name, notebook.name, cell.name, float(cell.max_score or 0.0)))
            for found in gb.assignment_submissions(assignment.name):
                facts.submissions[(assignment.name, found.student_id)] = _Submission(
                    float(found.score or 0.0), bool(found.needs_manual_grade), float(found.total_seconds_late))
                for notebook in found.notebooks:
                    for grade in notebook.grades:
                        if not grade.needs_manual_grade:
                            facts.marks.append((assignment.name, notebook.name, grade.name, float(grade.score)))
    return facts


# The tables ----------------------------------------------------------------------------------------

def _status(outcome: Outcome | None, found: _Submission | None) -> str:
    """What became of one delegate's work on one assignment, in the words the report uses."""
    if outcome is None and found is None:
        return "not submitted"
    if outcome is not None:
        status = outcome.status
    else:  # graded with nbgrader directly, not through `academy grade`
        status = "late" if found.seconds_late > 0 else "graded"
    needs_person = found.needs_manual_grade if found is not None else outcome.needs_manual_grade
    if status in MARKED and needs_person:
        return "awaiting marking"
    return status


def _reason(outcome: Outcome | None, found: _Submission | None) -> str:
    """The outcome's reason, then each repair grading made ("repaired: ...") and each flag ("flagged for a
    person: ..."), joined with "; "."""
    if outcome is None:
        if found is not None and found.seconds_late > 0:
            return f"submitted {found.seconds_late / 3600:.1f} hours after the deadline"
        return ""
    parts = ([outcome.reason] + [f"repaired: {repair}" for repair in outcome.repairs]
             + [f"flagged for a person: {flag}" for flag in outcome.flags])
    return "; ".join(part for part in parts if part)


def _score(outcome: Outcome | None, found: _Submission | None) -> float:
    """Marks: the gradebook's when it has the submission, else the outcome's (0 if rejected or failed),
    else NaN (nothing submitted)."""
    if found is not None:
        return found.score
    if outcome is None:
        return float("nan")
    if outcome.score is not None:
        return float(outcome.score)
    return 0.0 if outcome.status in ("rejected", "failed") else float("nan")


def _cohort(course: Course, facts: _Gradebook) -> pd.DataFrame:
    outcomes = {name: read_outcomes(course, name) for name, _, _ in facts.assignments}
    delegates = set(facts.names)
    for by_delegate in outcomes.values():
        delegates.update(by_delegate)
    rows = []
    for name, due, max_score in facts.assignments:
        for delegate in sorted(delegates):
            outcome = outcomes[name].get(delegate)
            found = facts.submissions.get((name, delegate))
            rows.append({
                "delegate": delegate, "assignment": name, "score": _score(outcome, found), "max_score": max_score,
                "status": _status(outcome, found), "reason": _reason(outcome, found),
                "flags": "; ".join(outcome.flags) if outcome else "", "due": pd.Timestamp(due) if due else pd.NaT,
            })
    return pd.DataFrame(rows, columns=COLUMNS + ["flags", "due"])


def cohort_table(course: Course) -> pd.DataFrame:
    """One row per delegate per assignment, assignments in due-date order, delegates in id order.

    Delegates are the gradebook's roster plus anyone with a grading outcome (a rejected submission never
    reaches the gradebook). Columns:

    - ``delegate``, ``assignment``: ids as the gradebook and the submission folders spell them;
    - ``score``: marks, from the gradebook when it holds the submission (so marks added by hand in
      formgrader count), else from the grading outcome (0 if rejected or failed); empty (NaN) if nothing
      was submitted;
    - ``max_score``: the assignment's maximum marks, from the gradebook;
    - ``status``: "graded", "late", "rejected", "failed", "awaiting marking" (graded or late, but a
      person has still to mark part of it) or "not submitted";
    - ``reason``: why it was late, rejected or failed, then anything flagged for a person, joined by "; ";
    - ``flags``: just the flags, joined by "; "; ``due``: the assignment's due date (UTC; NaT if none).
    """
    return _cohort(course, _read_gradebook(course))


def _questions(facts: _Gradebook) -> pd.DataFrame:
    given: dict[tuple[str, str, str], list[float]] = {}
    for assignment, notebook, cell, marks in facts.marks:
        given.setdefault((assignment, notebook, cell), []).append(marks)
    order = {name: i for i, (name, _, _) in enumerate(facts.assignments)}
    rows = []
    for assignment, notebook, cell, max_score in facts.questions:
        if max_score <= 0:  # a cell worth nothing has no share of marks
            continue
        marks = given.get((assignment, notebook, cell), [])
        rows.append({
            "assignment": assignment, "notebook": notebook, "question": cell, "max_score": max_score,
            "graded": len(marks), "mean_share": sum(marks) / len(marks) / max_score if marks else float("nan"),
            "_order": order[assignment],
        })
    table = pd.DataFrame(rows, columns=["assignment", "notebook", "question", "max_score", "graded", "mean_share",
                                        "_order"])
    table = table.sort_values(["mean_share", "_order", "notebook", "question"], na_position="last", kind="stable")
    return table.drop(columns="_order").reset_index(drop=True)


def question_table(course: Course) -> pd.DataFrame:
    """One row per question (nbgrader grade cell, or task cell) of every assignment, hardest first.

    Columns: ``assignment``, ``notebook``, ``question`` (the grade cell's id, such as "q3-checks"),
    ``max_score`` (marks the question is worth), ``graded`` (how many submissions have a mark for it: a
    written answer not yet marked by a person is not counted), ``mean_share`` (the mean of marks given /
    marks available over those submissions, 0 to 1; NaN if none is marked yet). Sorted by
    ``mean_share``, lowest (hardest) first, unmarked questions last.
    """
    return _questions(_read_gradebook(course))


def _excel_safe(text: str) -> str:
    """Text a spreadsheet will show as text: a leading =, +, - or @ would make it a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_csv(course: Course, path: Path) -> Path:
    """Write the cohort table to ``path`` as CSV (UTF-8 with a byte-order mark, so that Excel reads names
    with accents correctly): ``delegate, assignment, score, max_score, status, reason, flags, due``, one
    row per delegate per assignment; an empty score means nothing was submitted; ``due`` is
    ``YYYY-MM-DD HH:MM`` UTC. Returns ``path``."""
    table = cohort_table(course)
    for column in ("delegate", "assignment", "status", "reason", "flags"):
        table[column] = table[column].map(_excel_safe)
    table["due"] = table["due"].map(lambda due: "" if pd.isna(due) else due.strftime("%Y-%m-%d %H:%M"))
    path = Path(path)
    table.to_csv(path, index=False, encoding="utf-8-sig")
    return path


# The summaries the page shows ----------------------------------------------------------------------

def completion_table(cohort: pd.DataFrame) -> pd.DataFrame:
    """Per assignment (due-date order): ``delegates`` on the roster, how many ``submitted`` anything
    (including work that was rejected or failed), the ``share_submitted`` (0 to 1), and how many are
    ``marked`` (graded or late), ``awaiting_marking``, and ``rejected_or_failed``."""
    rows = []
    for name, rows_for in cohort.groupby("assignment", sort=False):
        status = rows_for["status"]
        submitted = int((status != "not submitted").sum())
        rows.append({"assignment": name, "due": rows_for["due"].iloc[0], "delegates": len(rows_for),
                     "submitted": submitted, "share_submitted": submitted / len(rows_for) if len(rows_for) else 0.0,
                     "marked": int(status.isin(MARKED).sum()), "awaiting_marking": int((status == "awaiting marking").sum()),
                     "rejected_or_failed": int(status.isin(("rejected", "failed")).sum())})
    return pd.DataFrame(rows, columns=["assignment", "due", "delegates", "submitted", "share_submitted", "marked",
                                       "awaiting_marking", "rejected_or_failed"])


def progress_table(cohort: pd.DataFrame) -> pd.DataFrame:
    """Per assignment (due-date order): how many submissions are ``marked`` (graded or late) and their
    ``mean_share`` of marks (0 to 1; NaN if none is marked yet), plus ``median_share``, ``lowest_share``
    and ``highest_share``. Rejected, failed and part-marked work is left out: it says nothing yet about
    how well the cohort understood the assignment."""
    rows = []
    for name, rows_for in cohort.groupby("assignment", sort=False):
        marked = rows_for[rows_for["status"].isin(MARKED)]
        shares = (marked["score"] / marked["max_score"]).where(marked["max_score"] > 0).dropna()
        rows.append({"assignment": name, "due": rows_for["due"].iloc[0], "marked": len(shares),
                     "mean_share": shares.mean() if len(shares) else float("nan"),
                     "median_share": shares.median() if len(shares) else float("nan"),
                     "lowest_share": shares.min() if len(shares) else float("nan"),
                     "highest_share": shares.max() if len(shares) else float("nan")})
    return pd.DataFrame(rows, columns=["assignment", "due", "marked", "mean_share", "median_share", "lowest_share",
                                       "highest_share"])


def not_submitted_table(cohort: pd.DataFrame) -> pd.DataFrame:
    """One row per delegate with anything not submitted: ``delegate``, ``missing`` (the assignments, in
    due-date order, as a list) and ``count``; most missing first."""
    missing = cohort[cohort["status"] == "not submitted"]
    rows = [{"delegate": delegate, "missing": list(rows_for["assignment"]), "count": len(rows_for)}
            for delegate, rows_for in missing.groupby("delegate", sort=True)]
    table = pd.DataFrame(rows, columns=["delegate", "missing", "count"])
    return table.sort_values(["count", "delegate"], ascending=[False, True], kind="stable").reset_index(drop=True)


def for_a_person_table(cohort: pd.DataFrame) -> pd.DataFrame:
    """The submissions a person should look at: every one with a flag, and every one rejected or failed
    (the delegate has no mark until someone acts). Columns ``delegate``, ``assignment``, ``status``,
    ``reason``; in due-date order, then by delegate."""
    wanted = (cohort["flags"] != "") | cohort["status"].isin(("rejected", "failed"))
    return cohort.loc[wanted, ["delegate", "assignment", "status", "reason"]].reset_index(drop=True)


# The HTML page -------------------------------------------------------------------------------------

def _percent(share: float) -> str:
    return "–" if pd.isna(share) else f"{share:.0%}"


def _date(due) -> str:
    """A due date the en-GB way, such as "7 March 2025"; "no due date" if none."""
    return "no due date" if due is None or pd.isna(due) else f"{due.day} {due:%B %Y}"


def _table(caption: str, headers: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    """A plain HTML table; every caption, heading and cell is escaped. ``numeric``: columns to right-align."""
    out = [f"<table>\n<caption>{html.escape(caption)}</caption>\n<thead><tr>"]
    out += [f'<th scope="col">{html.escape(h)}</th>' for h in headers]
    out.append("</tr></thead>\n<tbody>\n")
    for row in rows:
        cells = [("<td class=\"num\">" if i in numeric else "<td>") + html.escape(str(v)) + "</td>"
                 for i, v in enumerate(row)]
        out.append("<tr>" + "".join(cells) + "</tr>\n")
    out.append("</tbody>\n</table>\n")
    return "".join(out)


def _image(figure: Figure, alt: str) -> str:
    """A matplotlib figure as an <img> with the PNG inside the page (base64), so the page asks no server
    for anything."""
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}">\n'


def _completion_chart(completion: pd.DataFrame) -> str:
    figure = Figure(figsize=(7, 0.5 + 0.4 * len(completion)))
    axes = figure.add_subplot()
    labels = list(completion["assignment"])[::-1]
    axes.barh(labels, list(completion["share_submitted"] * 100)[::-1], color="#005eb8")
    axes.set_xlim(0, 100)
    axes.set_xlabel("delegates who submitted (%)")
    summary = ", ".join(f"{a} {_percent(s)}" for a, s in zip(completion["assignment"], completion["share_submitted"]))
    return _image(figure, f"Bar chart of the share of delegates who submitted each assignment: {summary}.")


def _progress_chart(progress: pd.DataFrame) -> str:
    figure = Figure(figsize=(7, 3))
    axes = figure.add_subplot()
    places = list(range(len(progress)))  # every assignment gets a place, marked or not (a gap if not)
    axes.plot(places, list(progress["mean_share"] * 100), marker="o", color="#005eb8")
    axes.set_xticks(places, list(progress["assignment"]), rotation=30, ha="right")
    axes.set_xlim(-0.5, len(progress) - 0.5)
    axes.set_ylim(0, 100)
    axes.set_ylabel("mean share of marks (%)")
    axes.set_xlabel("assignments in due-date order")
    summary = ", ".join(f"{a} {'not marked yet' if pd.isna(s) else _percent(s)}"
                        for a, s in zip(progress["assignment"], progress["mean_share"]))
    return _image(figure, f"Line chart of the mean share of marks for each assignment in due-date order: {summary}.")


def _distribution_chart(name: str, shares: pd.Series) -> str:
    figure = Figure(figsize=(5, 2.2))
    axes = figure.add_subplot()
    axes.hist(list(shares * 100), bins=list(range(0, 101, 10)), color="#005eb8", edgecolor="white")
    axes.set_xlim(0, 100)
    axes.set_xlabel("share of marks (%)")
    axes.set_ylabel("delegates")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(name)
    alt = (f"Histogram of marks for {name}: {len(shares)} marked submission(s), median {_percent(shares.median())}, "
           f"lowest {_percent(shares.min())}, highest {_percent(shares.max())}.")
    return _image(figure, alt)


_STYLE = """
body { font-family: Arial, Helvetica, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem;
       color: #212b32; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid #aeb7bd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
td.num { text-align: right; }
img { max-width: 100%; height: auto; display: block; margin: 0.5rem 0; }
"""


def html_page(course: Course) -> str:
    """The whole cohort report as one HTML page (a string): self-contained, no request to any server."""
    facts = _read_gradebook(course)
    cohort = _cohort(course, facts)
    questions = _questions(facts)
    names = facts.names
    completion = completion_table(cohort)
    progress = progress_table(cohort)
    missing = not_submitted_table(cohort)
    for_a_person = for_a_person_table(cohort)
    delegates = cohort["delegate"].nunique()
    made = datetime.now(timezone.utc)
    title = f"Cohort report: {course.course_id}"

    parts = [f"<h1>{html.escape(title)}</h1>\n",
             f"<p>Made on {_date(made)} at {made:%H:%M} UTC from the gradebook and the grading outcomes. "
             f"{delegates} delegate(s), {len(facts.assignments)} assignment(s). Shares of marks are the marks given "
             "as a percentage of the marks available.</p>\n"]

    parts.append("<h2>Who has submitted</h2>\n")
    if completion.empty:
        parts.append("<p>There are no assignments in the gradebook yet.</p>\n")
    else:
        parts.append(_completion_chart(completion))
        parts.append(_table(
            "Submissions per assignment (submitted includes work that was rejected or could not be graded)",
            ["Assignment", "Due", "Submitted", "Delegates", "Share submitted", "Marked", "Awaiting marking",
             "Rejected or failed"],
            [[r.assignment, _date(r.due), r.submitted, r.delegates, _percent(r.share_submitted), r.marked,
              r.awaiting_marking, r.rejected_or_failed] for r in completion.itertuples()],
            numeric={2, 3, 4, 5, 6, 7}))

    parts.append("<h2>Progress over the year</h2>\n")
    if progress["marked"].sum() == 0:
        parts.append("<p>No work has been marked yet.</p>\n")
    else:
        parts.append(_progress_chart(progress))
    if not progress.empty:
        parts.append(_table(
            "Mean share of marks per assignment, in due-date order (marked work only: rejected, failed and "
            "part-marked work is left out)",
            ["Assignment", "Due", "Marked", "Mean share of marks"],
            [[r.assignment, _date(r.due), r.marked, _percent(r.mean_share)] for r in progress.itertuples()],
            numeric={2, 3}))

    parts.append("<h2>How the marks are spread</h2>\n")
    if progress["marked"].sum() == 0:
        parts.append("<p>No work has been marked yet.</p>\n")
    for name in completion["assignment"]:
        marked = cohort[(cohort["assignment"] == name) & cohort["status"].isin(MARKED) & (cohort["max_score"] > 0)]
        if len(marked):
            parts.append(_distribution_chart(name, marked["score"] / marked["max_score"]))
    if not progress.empty:
        parts.append(_table(
            "Spread of marks per assignment (marked work only)",
            ["Assignment", "Marked", "Lowest", "Median", "Highest"],
            [[r.assignment, r.marked, _percent(r.lowest_share), _percent(r.median_share), _percent(r.highest_share)]
             for r in progress.itertuples()],
            numeric={1, 2, 3, 4}))

    parts.append("<h2>The hardest questions</h2>\n")
    hardest = questions.dropna(subset=["mean_share"]).head(5)
    if hardest.empty:
        parts.append("<p>No question has been marked yet.</p>\n")
    else:
        parts.append(_table(
            "The five questions with the lowest mean share of marks, hardest first",
            ["Assignment", "Question", "Marks available", "Marked", "Mean share of marks"],
            [[r.assignment, r.question, f"{r.max_score:g}", r.graded, _percent(r.mean_share)]
             for r in hardest.itertuples()],
            numeric={2, 3, 4}))

    parts.append("<h2>Who has not submitted what</h2>\n")
    if cohort.empty:
        parts.append("<p>There are no delegates or no assignments in the gradebook yet.</p>\n")
    elif missing.empty:
        parts.append("<p>Every delegate has submitted every assignment.</p>\n")
    else:
        parts.append(_table(
            "Delegates with work not submitted, most missing first",
            ["Delegate", "Name", "Not submitted", "How many"],
            [[r.delegate, names.get(r.delegate, ""), ", ".join(r.missing), r.count] for r in missing.itertuples()],
            numeric={3}))

    parts.append("<h2>For a person to look at</h2>\n")
    if for_a_person.empty:
        parts.append("<p>Nothing has been flagged, rejected or failed.</p>\n")
    else:
        parts.append(_table(
            "Submissions flagged for a person, rejected, or that could not be graded",
            ["Delegate", "Name", "Assignment", "Status", "What happened"],
            [[r.delegate, names.get(r.delegate, ""), r.assignment, r.status, r.reason]
             for r in for_a_person.itertuples()]))

    return ('<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            + "".join(parts) + "</body>\n</html>\n")


def write_html(course: Course, path: Path) -> Path:
    """Write the cohort report to ``path`` as one self-contained HTML page (UTF-8). Returns ``path``."""
    path = Path(path)
    path.write_text(html_page(course), encoding="utf-8")
    return path
