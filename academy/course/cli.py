"""`academy`: run a cohort's year of assignments, one command per step.

    academy roster delegates.csv          load the cohort's delegate ids (names optional) into the gradebook
    academy release workforce_retention --due "2027-01-29 17:00"
                                          make the delegates' copy and put it in the exchange
    academy collect workforce_retention   fetch what delegates have submitted (the latest of each)
    academy grade workforce_retention     grade every submission, sandboxed, two at a time
    academy feedback workforce_retention  write each delegate's feedback and put it in the exchange
    academy report --csv cohort.csv       the cohort's progress: CSV and an HTML page with charts

Each takes ``--course DIR``, a course directory in nbgrader's standard layout (default: the kit's own,
``exercises/``), prints a line per delegate and a summary, and exits non-zero if any step failed. Every
step is nbgrader's own (its gradebook, exchange and converters); README's "Running a cohort" walks
through a whole cycle.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import academy

KIT_COURSE = Path(academy.__file__).resolve().parents[1] / "exercises"
DELEGATE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")  # usable as a Unix user name and a folder name
ROSTER_COLUMNS = ("delegate", "first_name", "last_name")
UK = ZoneInfo("Europe/London")


class Stop(Exception):
    """A step cannot go on; the message says why, for the programme office."""


@contextmanager
def in_course(course_root: Path):
    """Work inside the course folder, where nbgrader finds its nbgrader_config.py."""
    here = os.getcwd()
    os.chdir(course_root)
    try:
        yield
    finally:
        os.chdir(here)


def nbgrader_api(course_root: Path):
    """nbgrader's API for the course, configured as its nbgrader_config.py says, except that feedback
    never shows hidden tests (academy.course.feedback), whatever the course's own configuration."""
    from nbgrader.apps import NbGrader
    from nbgrader.apps.api import NbGraderAPI
    from traitlets.config import Config

    with in_course(course_root):
        app = NbGrader()
        app.load_config_file()
    config = Config(app.config)
    config.CourseDirectory.root = str(course_root)
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from academy.course.feedback import HideHiddenTests

    config.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
    return NbGraderAPI(config=config)


def _venv_on_path() -> None:
    # nbgrader runs the `alembic` command by name when it first makes a gradebook.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def read_roster(path: Path) -> list[dict[str, str]]:
    """The delegates in a roster CSV: a ``delegate`` column of pseudonymous ids, and optionally
    ``first_name`` and ``last_name``. Anything else (an NHS number, an e-mail, a clinical note) is
    refused: the gradebook holds no more than it needs."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
            columns = [c.strip() for c in (csv.DictReader(path.open(encoding="utf-8-sig")).fieldnames or [])]
    except (OSError, UnicodeDecodeError) as error:
        raise Stop(f"Cannot read the roster {path}: {error}") from None
    if "delegate" not in columns:
        raise Stop(f"The roster {path} needs a column headed 'delegate' (its columns are: {', '.join(columns) or 'none'}).")
    extra = [c for c in columns if c not in ROSTER_COLUMNS]
    if extra:
        raise Stop(f"The roster may hold only {', '.join(ROSTER_COLUMNS)}; remove: {', '.join(extra)}. "
                   "Delegates are known by a pseudonymous id; nothing else about them belongs in the gradebook.")
    delegates, seen = [], set()
    for number, row in enumerate(rows, start=2):
        delegate = (row.get("delegate") or "").strip()
        if not DELEGATE_ID.match(delegate):
            raise Stop(f"Line {number} of the roster: '{delegate}' is not a delegate id. Use lower-case letters, "
                       "digits, - and _, starting with a letter, up to 31 characters (for example d07 or gp-anna).")
        if delegate in seen:
            raise Stop(f"Line {number} of the roster: {delegate} appears twice.")
        seen.add(delegate)
        delegates.append({"delegate": delegate, "first_name": (row.get("first_name") or "").strip(),
                          "last_name": (row.get("last_name") or "").strip()})
    return delegates


def roster(course: Path, path: Path) -> int:
    from nbgrader.api import Gradebook

    from academy.course.grading import load_course

    delegates = read_roster(path)
    info = load_course(course)
    with in_course(course), Gradebook(info.db_url, info.course_id) as gb:
        known = {s.id for s in gb.students}
        for d in delegates:
            gb.update_or_create_student(d["delegate"], first_name=d["first_name"] or None, last_name=d["last_name"] or None)
            print(f"  {d['delegate']}: {'updated' if d['delegate'] in known else 'added'}")
        missing = sorted(known - {d["delegate"] for d in delegates})
    print(f"Roster: {len(delegates)} delegate(s), {sum(d['delegate'] not in known for d in delegates)} new"
          + (f"; in the gradebook but not in this roster (kept): {', '.join(missing)}" if missing else ""))
    return 0


def parse_due(text: str) -> datetime:
    """A deadline typed as '2027-01-29 17:00' (UK time) or in ISO form with an offset, as UTC."""
    try:
        due = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Stop(f"'{text}' is not a date and time: write it as 2027-01-29 17:00 (UK time).") from None
    if due.tzinfo is None:
        due = due.replace(tzinfo=UK)
    return due.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def ensure_exchange(api) -> None:
    """Create the exchange folder if it is missing, writable by everyone as nbgrader's docs ask."""
    from nbgrader.exchange.default.exchange import Exchange

    root = Path(api.config.get("Exchange", {}).get("root", Exchange.class_traits()["root"].default()))
    if not root.exists():
        root.mkdir(parents=True)
        root.chmod(0o777)


def release(course: Path, assignments: list[str], due: str | None) -> int:
    from nbgrader.api import Gradebook

    api = nbgrader_api(course)
    ensure_exchange(api)
    names = assignments or sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    failed = []
    for name in names:
        if not (course / "source" / name).is_dir():
            print(f"  {name}: no such assignment in {course / 'source'}")
            failed.append(name)
            continue
        with in_course(course):
            made = api.generate_assignment(name, force=True, create=True)
            if made["success"] and due:
                with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
                    gb.update_or_create_assignment(name, duedate=parse_due(due))
            sent = api.release_assignment(name) if made["success"] else made
        if sent["success"]:
            print(f"  {name}: released" + (f", due {due} (UK time)" if due else ""))
        else:
            print(f"  {name}: not released: {_last_error(sent)}")
            failed.append(name)
    print(f"Released {len(names) - len(failed)} of {len(names)} assignment(s)")
    return 1 if failed else 0


def _last_error(result: dict) -> str:
    text = (result.get("error") or result.get("log") or "").strip().splitlines()
    return text[-1] if text else "nbgrader gave no reason"


def collect(course: Path, assignment: str) -> int:
    api = nbgrader_api(course)
    with in_course(course):
        result = api.collect(assignment)
    log = result.get("log", "")
    found = sorted(set(re.findall(r"Collecting submission: (\S+) " + re.escape(assignment), log)))
    for delegate in found:
        print(f"  {delegate}: collected")
    if not result["success"]:
        print(f"Collecting {assignment} failed: {_last_error(result)}")
        return 1
    print(f"Collected {len(found)} submission(s) of {assignment}")
    return 0


def grade(course: Path, assignment: str, workers: int, sandbox: bool, cell_seconds: int, notebook_seconds: int,
          force: bool) -> int:
    from academy.course.grading import grade_assignment, load_course
    from academy.course.sandbox import SandboxUnavailable

    try:
        outcomes = grade_assignment(load_course(course), assignment, workers=workers, sandbox=sandbox,
                                    cell_seconds=cell_seconds, notebook_seconds=notebook_seconds, force=force)
    except SandboxUnavailable as error:
        raise Stop(str(error)) from None
    return 1 if any(o.status == "failed" for o in outcomes.values()) else 0


def feedback(course: Path, assignment: str) -> int:
    api = nbgrader_api(course)
    with in_course(course):
        made = api.generate_feedback(assignment)
        if not made["success"]:
            print(f"Writing feedback for {assignment} failed: {_last_error(made)}")
            return 1
        sent = api.release_feedback(assignment)
    written = sorted(p.parent.parent.name for p in (course / "feedback").glob(f"*/{assignment}/*.html"))
    for delegate in written:
        print(f"  {delegate}: feedback written" + (" and released" if sent["success"] else ""))
    if not sent["success"]:
        print(f"Releasing feedback for {assignment} failed: {_last_error(sent)}")
        return 1
    print(f"Feedback for {assignment}: {len(written)} delegate(s)")
    return 0


def report(course: Path, csv_path: Path | None, html_path: Path | None) -> int:
    from academy.course import report as cohort_report
    from academy.course.grading import load_course

    info = load_course(course)
    html_path = html_path or course / "reports" / "cohort.html"
    html_path.parent.mkdir(parents=True, exist_ok=True)
    cohort_report.write_html(info, html_path)
    print(f"  the report: {html_path}")
    if csv_path:
        cohort_report.write_csv(info, csv_path)
        print(f"  the table: {csv_path}")
    table = cohort_report.cohort_table(info)
    counts = table["status"].value_counts()
    print("Cohort: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="academy", description=__doc__.splitlines()[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter,
                                  epilog="Run `academy STEP --help` for a step's options.")
    steps = top.add_subparsers(dest="step", required=True, metavar="STEP")

    def step(name: str, text: str) -> argparse.ArgumentParser:
        sub = steps.add_parser(name, help=text, description=text)
        sub.add_argument("--course", type=Path, default=KIT_COURSE,
                         help="the course directory (nbgrader's layout; default: the kit's exercises/)")
        return sub

    step("roster", "load the cohort's delegate ids (and names, optional) from a CSV into the gradebook").add_argument(
        "csv", type=Path, help="a CSV with a 'delegate' column, and optionally 'first_name' and 'last_name'")
    sub = step("release", "make the delegates' copy of assignments and put it in the exchange")
    sub.add_argument("assignments", nargs="*", help="assignments to release (default: all)")
    sub.add_argument("--due", help="the deadline, UK time, for example '2027-01-29 17:00'")
    step("collect", "collect the latest submission of each delegate from the exchange").add_argument("assignment")
    sub = step("grade", "grade every submission of an assignment, each in a sandbox")
    sub.add_argument("assignment")
    sub.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="submissions graded at once")
    sub.add_argument("--cell-seconds", type=int, default=60, help="longest a cell may run")
    sub.add_argument("--notebook-seconds", type=int, default=600, help="longest a submission may take")
    sub.add_argument("--force", action="store_true", help="grade again even what is already graded")
    sub.add_argument("--no-sandbox", action="store_true",
                     help="run delegates' code as yourself, unconfined (only for notebooks you trust)")
    step("feedback", "write each delegate's feedback and release it to the exchange").add_argument("assignment")
    sub = step("report", "the cohort's progress: an HTML page with charts, and a CSV if asked")
    sub.add_argument("--csv", type=Path, help="also write one row per delegate per assignment to this CSV file")
    sub.add_argument("--html", type=Path, help="where to write the HTML report (default: <course>/reports/cohort.html)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    course = args.course.resolve()
    _venv_on_path()
    try:
        if not course.is_dir():
            raise Stop(f"There is no course directory at {course}.")
        if args.step == "roster":
            return roster(course, args.csv)
        if args.step == "release":
            return release(course, args.assignments, args.due)
        if args.step == "collect":
            return collect(course, args.assignment)
        if args.step == "grade":
            return grade(course, args.assignment, args.workers, not args.no_sandbox, args.cell_seconds,
                         args.notebook_seconds, args.force)
        if args.step == "feedback":
            return feedback(course, args.assignment)
        return report(course, args.csv, args.html)
    except (Stop, SystemExit) as stop:
        if isinstance(stop, SystemExit) and not isinstance(stop.code, str):
            raise
        print(f"academy {args.step}: {stop.code if isinstance(stop, SystemExit) else stop}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
