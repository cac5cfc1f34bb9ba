"""Grade every submission of an assignment so that no notebook can derail the batch.

nbgrader does the grading (its gradebook, its preprocessors, its autograded and feedback folders); this
module decides what it is given and how it runs:

1. Each submission in ``submitted/<delegate>/<assignment>/`` is read as data first
   (:mod:`academy.course.submission`): a file that is not a notebook is rejected with the reason, and
   the delegate's answers are put back into the released notebook, so duplicated, deleted, moved or
   edited cells and stripped metadata cannot break grading. The rebuilt copy goes to a staging folder,
   ``.academy/staging/`` in the course; the delegate's own files are never changed.
2. Each staged submission is autograded by nbgrader in its own process (so one crash stops one
   grade), two at a time on a 2-core machine, with the delegate's code in a sandboxed kernel
   (:mod:`academy.course.sandbox`): an unprivileged user, limits on time, memory, processes, files
   and output.
3. The outcome of each (graded, late, rejected or failed, with the reason, the repairs made and anything
   flagged for a person) is written to ``.academy/outcomes/<assignment>.json`` as soon as it is known.
   A run that is killed half-way loses nothing: run it again and it grades only the submissions
   without an outcome, or whose files have changed since theirs; nbgrader replaces a grade rather
   than adding a second one.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import nbformat

from academy.course import submission as subs

STATE = ".academy"  # the kit's own folder in a course directory: staging copies, outcomes, the lock


@dataclass
class Outcome:
    """What became of one delegate's submission of one assignment."""

    delegate: str
    assignment: str
    status: str  # "graded", "late", "rejected" or "failed"
    score: float | None = None
    max_score: float | None = None
    reason: str = ""
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    seconds_late: float = 0.0
    needs_manual_grade: bool = False
    fingerprint: str = ""
    seconds: float = 0.0
    graded_at: str = ""


@dataclass(frozen=True)
class Course:
    """A course directory in nbgrader's standard layout, with the settings its nbgrader_config.py gives."""

    root: Path
    db_url: str
    course_id: str
    source: str = "source"
    release: str = "release"
    submitted: str = "submitted"
    autograded: str = "autograded"
    feedback: str = "feedback"

    @property
    def state(self) -> Path:
        return self.root / STATE


def load_course(root: Path) -> Course:
    """The course at ``root``, read through nbgrader's own configuration loading (its nbgrader_config.py)."""
    from nbgrader.apps import NbGrader

    root = root.resolve()
    if not (root / "source").is_dir() and not (root / "nbgrader_config.py").exists():
        raise SystemExit(f"{root} is not a course directory: it has neither a source/ folder nor an nbgrader_config.py.")
    here = os.getcwd()
    os.chdir(root)
    try:
        app = NbGrader()
        app.load_config_file()
        cd = app.config.get("CourseDirectory", {})
    finally:
        os.chdir(here)
    return Course(root=root, db_url=cd.get("db_url", f"sqlite:///{root / 'gradebook.db'}"),
                  course_id=cd.get("course_id", "course"), source=cd.get("source_directory", "source"),
                  release=cd.get("release_directory", "release"), submitted=cd.get("submitted_directory", "submitted"),
                  autograded=cd.get("autograded_directory", "autograded"), feedback=cd.get("feedback_directory", "feedback"))


def fingerprint(folder: Path) -> str:
    """A hash of every file in a submission folder (names and contents): a resubmission changes it."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def outcomes_path(course: Course, assignment: str) -> Path:
    return course.state / "outcomes" / f"{assignment}.json"


def read_outcomes(course: Course, assignment: str) -> dict[str, Outcome]:
    path = outcomes_path(course, assignment)
    if not path.exists():
        return {}
    return {d: Outcome(**o) for d, o in json.loads(path.read_text()).items()}


def write_outcomes(course: Course, assignment: str, outcomes: dict[str, Outcome]) -> None:
    """Write all outcomes at once (to a new file, then renamed): a kill mid-write leaves the old file."""
    path = outcomes_path(course, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = path.with_suffix(".tmp")
    new.write_text(json.dumps({d: asdict(o) for d, o in sorted(outcomes.items())}, indent=1))
    os.replace(new, path)


def stage(course: Course, assignment: str, delegate: str) -> subs.Repaired | str:
    """Rebuild one delegate's submission into the staging folder; return the repairs, or the reason it
    is rejected."""
    submitted = course.root / course.submitted / delegate / assignment
    released = sorted((course.root / course.release / assignment).glob("*.ipynb"))
    if not released:
        raise SystemExit(f"{assignment} has not been released ({course.release}/{assignment}/ has no notebook): "
                         f"run `academy release {assignment}` first.")
    staged = course.state / "staging" / delegate / assignment
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    found = sorted(submitted.glob("*.ipynb"))
    result = subs.Repaired(nbformat.v4.new_notebook())
    for release in released:
        path = submitted / release.name
        if not path.exists():
            if len(released) == 1 and len(found) == 1:
                path = found[0]
                result.repairs.append(f"the notebook was submitted as {path.name}, not {release.name}: it was graded as {release.name}")
            elif not found:
                return f"no notebook was submitted: {release.name} is missing (the folder holds " \
                       f"{', '.join(p.name for p in submitted.iterdir()) or 'nothing'})"
            else:
                return f"{release.name} is missing: the folder holds {', '.join(p.name for p in found)}"
        try:
            notebook = subs.read_notebook(path)
        except subs.Rejected as rejected:
            return str(rejected)
        source = nbformat.read(course.root / course.source / assignment / release.name, as_version=4)
        repaired = subs.rebuild(notebook, nbformat.read(release, as_version=4), subs.solution_names(source))
        nbformat.write(repaired.notebook, staged / release.name)
        result.repairs += repaired.repairs
        result.flags += repaired.flags
    for path in submitted.iterdir():  # timestamp.txt, nbgrader's submission secret, the delegate's other files
        if path.is_file() and path.suffix != ".ipynb" and path.stat().st_size <= subs.MAX_NOTEBOOK_BYTES:
            shutil.copy2(path, staged / path.name)
    return result


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def read_grade(course: Course, assignment: str, delegate: str) -> dict:
    """The delegate's score, maximum, lateness and whether a person must still mark it, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, course.course_id) as gb:
        found = gb.find_submission(assignment, delegate)
        return {"score": float(found.score), "max_score": float(found.max_score),
                "seconds_late": float(found.total_seconds_late), "needs_manual_grade": bool(found.needs_manual_grade)}


def what_stopped(folder: Path, cell_seconds: int) -> list[str]:
    """Plain notes on the cells of the autograded notebooks that were stopped: a cell that ran past its
    time, or a kernel that died (the checks after it score nothing)."""
    notes = []
    for path in sorted(folder.glob("*.ipynb")):
        for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1):
            names = {o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"}
            gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {number}"
            if "KernelStopped" in names:
                stopped = next(o["evalue"] for o in cell.outputs if o.get("ename") == "KernelStopped")
                notes.append(f"{gid}: {stopped}; the checks after it score nothing")
            elif "CellTimeoutError" in names:
                notes.append(f"{gid} was stopped after {cell_seconds} seconds (an endless loop?)")
    return notes


def _die_with_parent() -> None:
    """In a worker, before it starts: ask Linux to kill it if the grader dies (a killed batch leaves no
    worker grading on its own; its sandboxed kernel dies with it)."""
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def grade_assignment(course: Course, assignment: str, *, workers: int = 2, sandbox: bool = True,
                     cell_seconds: int = 60, notebook_seconds: int = 600, force: bool = False,
                     progress: Callable[[str], None] = print) -> dict[str, Outcome]:
    """Grade every submission of ``assignment``; return each delegate's outcome (also written to
    ``.academy/outcomes/<assignment>.json``). Submissions already graded as they now stand are kept
    unless ``force``."""
    if sandbox:
        from academy.course.sandbox import check_available
        check_available()
    course.state.mkdir(exist_ok=True)
    lock = (course.state / "grading.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit("Another `academy grade` is running on this course: wait for it to finish.") from None
    folders = sorted(p.parent for p in (course.root / course.submitted).glob(f"*/{assignment}") if p.is_dir())
    delegates = [p.name for p in folders]
    outcomes = read_outcomes(course, assignment)
    todo = []
    for delegate in delegates:
        mark = fingerprint(course.root / course.submitted / delegate / assignment)
        old = outcomes.get(delegate)
        if old and old.fingerprint == mark and not force:
            progress(f"  {delegate}: already graded ({old.status}), unchanged since")
            continue
        todo.append((delegate, mark))
    progress(f"Grading {assignment}: {len(todo)} submission(s) to grade, {len(delegates) - len(todo)} already graded")

    def finish(outcome: Outcome) -> None:
        outcomes[outcome.delegate] = outcome
        write_outcomes(course, assignment, outcomes)
        score = "" if outcome.max_score is None else f" {outcome.score:g}/{outcome.max_score:g}"
        extra = "".join(f"; {x}" for x in [outcome.reason] + outcome.flags if x)
        progress(f"  {outcome.delegate}: {outcome.status}{score}{extra}")

    queue = list(todo)
    workers_by_slot: dict[int, Worker] = {}
    jobs: dict[int, tuple[Outcome, float]] = {}  # slot -> (the outcome being graded, when it started)
    try:
        while queue or jobs:
            for slot in range(1, workers + 1):
                while queue and slot not in jobs:
                    delegate, mark = queue.pop(0)
                    started = time.perf_counter()
                    staged = stage(course, assignment, delegate)
                    if isinstance(staged, str):
                        finish(Outcome(delegate, assignment, "rejected", 0.0, None, staged, fingerprint=mark,
                                       seconds=round(time.perf_counter() - started, 2), graded_at=_now()))
                        shutil.rmtree(course.root / course.autograded / delegate / assignment, ignore_errors=True)
                        continue
                    if slot not in workers_by_slot:
                        workers_by_slot[slot] = Worker(course, assignment, slot, cell_seconds, sandbox)
                    workers_by_slot[slot].send(delegate)
                    jobs[slot] = (Outcome(delegate, assignment, "graded", repairs=staged.repairs, flags=staged.flags,
                                          fingerprint=mark), started)
            time.sleep(0.02)
            for slot, (outcome, started) in list(jobs.items()):
                worker = workers_by_slot[slot]
                elapsed = time.perf_counter() - started
                reply = worker.reply()
                if reply is None and elapsed < notebook_seconds and worker.alive():
                    continue
                if reply is None:  # stopped for taking too long, or the worker died: a new one takes the slot
                    worker.stop()
                    del workers_by_slot[slot]
                    outcome.status, outcome.score = "failed", 0.0
                    outcome.reason = (f"grading stopped after {notebook_seconds / 60:.3g} minutes: the notebook never "
                                      "finished running (an endless loop?)" if elapsed >= notebook_seconds else
                                      "the grading process stopped: " + worker.last_words())
                elif not reply["ok"]:
                    outcome.status, outcome.score = "failed", 0.0
                    outcome.reason = "nbgrader could not grade it: " + reply["error"][:300]
                else:
                    outcome.__dict__.update(reply["grade"])
                    outcome.status = "late" if outcome.seconds_late > 0 else "graded"
                    notes = [f"submitted {outcome.seconds_late / 3600:.1f} hours after the deadline"] if outcome.status == "late" else []
                    notes += what_stopped(course.root / course.autograded / outcome.delegate / assignment, cell_seconds)
                    outcome.reason = "; ".join(notes)
                outcome.seconds = round(elapsed, 2)
                outcome.graded_at = _now()
                del jobs[slot]
                finish(outcome)
    finally:
        for worker in workers_by_slot.values():
            worker.stop()
    counts = {}
    for delegate in delegates:
        counts[outcomes[delegate].status] = counts.get(outcomes[delegate].status, 0) + 1
    flagged = sum(bool(outcomes[d].flags) for d in delegates)
    progress(f"{assignment}: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
             + (f"; {flagged} flagged for a person to look at" if flagged else ""))
    return {d: outcomes[d] for d in delegates}


# The workers: a process per grading slot, grading one submission after another ------------------------

class Worker:
    """A grading process for one slot (``python -m academy.course.grading --serve``): it is sent a
    delegate id per line and answers a line of JSON per submission. Starting nbgrader takes seconds,
    so a worker grades one submission after another; the delegate's code runs in a new sandboxed kernel
    each time, never in the worker. If the grader dies, Linux stops the worker too."""

    def __init__(self, course: Course, assignment: str, slot: int, cell_seconds: int, sandbox: bool):
        self.log = course.state / "logs" / assignment / f"worker-{slot}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "academy.course.grading", "--course", str(course.root),
                   "--assignment", assignment, "--slot", str(slot), "--cell-seconds", str(cell_seconds), "--serve"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command + ([] if sandbox else ["--no-sandbox"]), stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1,
                                            start_new_session=True, preexec_fn=_die_with_parent)
        os.set_blocking(self.process.stdout.fileno(), False)
        self._pending = ""

    def send(self, delegate: str) -> None:
        self.process.stdin.write(delegate + "\n")
        self.process.stdin.flush()

    def reply(self) -> dict | None:
        """The answer for the submission sent, once the worker has given it."""
        try:
            self._pending += self.process.stdout.read() or ""
        except (BlockingIOError, TypeError):
            pass
        if "\n" not in self._pending:
            return None
        line, self._pending = self._pending.split("\n", 1)
        return json.loads(line)

    def alive(self) -> bool:
        return self.process.poll() is None

    def last_words(self) -> str:
        lines = [line for line in self.log.read_text(errors="replace").splitlines() if line.strip()]
        return lines[-1][:300] if lines else f"exit code {self.process.returncode}"

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def serve(course_root: Path, assignment: str, slot: int, cell_seconds: int, sandbox: bool) -> int:
    """The worker's loop: grade each delegate id read from stdin, answer each with a line of JSON."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever else prints (nbgrader, a kernel starting) goes to the log, not the answers
    course = load_course(course_root)
    for line in sys.stdin:
        delegate = line.strip()
        try:
            ok, error = grade_one(course_root, assignment, delegate, slot, cell_seconds, sandbox)
            reply = {"delegate": delegate, "ok": ok, "error": error,
                     "grade": read_grade(course, assignment, delegate) if ok else {}}
        except Exception as crash:  # noqa: BLE001 (one submission's failure must not stop the slot)
            reply = {"delegate": delegate, "ok": False, "error": f"{type(crash).__name__}: {crash}", "grade": {}}
        answers.write(json.dumps(reply) + "\n")
    return 0


def grade_one(course_root: Path, assignment: str, delegate: str, slot: int, cell_seconds: int,
              sandbox: bool) -> tuple[bool, str]:
    """Autograde one staged submission with nbgrader; return whether it worked, and if not, why."""
    from nbgrader.apps import NbGrader
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.converters import Autograde
    from traitlets.config import Config

    from academy.course.sandbox import SandboxedExecute

    os.chdir(course_root)
    app = NbGrader()
    app.load_config_file()
    config = Config(app.config)
    course = load_course(course_root)
    config.CourseDirectory.root = str(course.root)
    config.CourseDirectory.submitted_directory = f"{STATE}/staging"
    db_url = course.db_url
    if db_url.startswith("sqlite") and "timeout=" not in db_url:  # wait for the other slot's writes
        db_url += ("&" if "?" in db_url else "?") + "timeout=60"
    config.CourseDirectory.db_url = db_url
    config.Execute.timeout = cell_seconds
    if sandbox:
        steps = [SandboxedExecute if step.__name__ == "Execute" else step
                 for step in Autograde.class_traits()["autograde_preprocessors"].default()]
        config.Autograde.autograde_preprocessors = steps
        config.SandboxedKernelManager.slot = slot
        config.SandboxedKernelManager.work_folder = str(course.state / "staging" / delegate / assignment)
    api = NbGraderAPI(config=config)
    result = api.autograde(assignment, delegate, force=True, create=True)
    log = course.state / "logs" / assignment / f"{delegate}.log"
    log.write_text(result.get("log", "") + (result.get("error") or ""))
    if not result.get("success"):
        lines = (result.get("error") or result.get("log") or "nbgrader failed").strip().splitlines()
        return False, lines[-1] if lines else "nbgrader failed"
    for path in sorted((course.root / course.autograded / delegate / assignment).glob("*.ipynb")):
        add_marking_guides(path, course.root / course.source / assignment / path.name)
    return True, ""


RUBRIC = {"academy": {"rubric": True}}  # the mark of a marking-guide cell: feedback drops it (feedback.py)


def add_marking_guides(autograded: Path, source: Path) -> None:
    """Put each written answer's marking guide (its solution in the source notebook) in a cell just after
    the delegate's answer, so a marker in formgrader reads the two side by side. Feedback leaves them out."""
    if not source.exists():
        return
    guides = {}
    for cell in nbformat.read(source, as_version=4).cells:
        info = cell.metadata.get("nbgrader", {})
        if info.get("solution") and info.get("grade") and info.get("grade_id"):
            text = "\n".join(line for line in cell.source.splitlines() if "BEGIN SOLUTION" not in line
                             and "END SOLUTION" not in line).strip()
            guides[info["grade_id"]] = text
    notebook = nbformat.read(autograded, as_version=4)
    cells = []
    for cell in notebook.cells:
        if cell.metadata.get("academy", {}).get("rubric"):
            continue  # an earlier run's guide
        cells.append(cell)
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in guides:
            cells.append(nbformat.v4.new_markdown_cell(
                f"**For the marker: the marking guide for {gid}** (not shown to the delegate)\n\n{guides[gid]}",
                metadata=dict(RUBRIC)))
    notebook.cells = cells
    autograded.chmod(0o644)
    nbformat.write(notebook, autograded)
    autograded.chmod(0o444)  # as nbgrader leaves it


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A grading worker (started by `academy grade`): grades the "
                                                 "staged submission of each delegate id it reads.")
    parser.add_argument("--course", type=Path, required=True)
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--slot", type=int, default=1)
    parser.add_argument("--cell-seconds", type=int, default=60)
    parser.add_argument("--no-sandbox", action="store_true")
    parser.add_argument("--serve", action="store_true", help="read delegate ids from stdin (the only mode)")
    args = parser.parse_args(argv)
    return serve(args.course, args.assignment, args.slot, args.cell_seconds, not args.no_sandbox)


if __name__ == "__main__":
    sys.exit(main())
