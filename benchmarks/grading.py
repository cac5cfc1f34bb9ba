"""Grading a cohort: `academy grade` (sandboxed, two at a time) against nbgrader's own sequential
`nbgrader autograde`, side by side in one run, on the same 33 submissions of one of the kit's real
assignments, with the same scores. Run by `make bench` (or `python benchmarks/run.py --only grading`).

The submissions are a cohort's mix: a third the solution, a third the release left blank, a third
half-answered (every other answer cell blank). Each grader gets its own copy of the course and its own
gradebook. Peak memory is the largest total resident memory of the grader and everything it started
(workers, sandboxes, kernels), sampled every 0.1 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

from run import BIN, RESULTS, ROOT

ASSIGNMENT = "workforce_retention"
COHORT = 33


def cohort_course(folder: Path) -> Path:
    """A copy of the kit's course holding ASSIGNMENT, released, with COHORT submissions."""
    course = folder / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(ROOT / "exercises" / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
        f"c.CourseDirectory.db_url = 'sqlite:///{course / 'gradebook.db'}'\nc.Execute.timeout = 120\n")
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--log-level=ERROR"], cwd=course,
                   check=True, capture_output=True, env=dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}"))
    solution = nbformat.read(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    blank = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    half = nbformat.from_dict(json.loads(json.dumps(solution)))
    answers = [i for i, c in enumerate(half.cells) if c.metadata.get("nbgrader", {}).get("solution")]
    for i in answers[::2]:
        half.cells[i] = blank.cells[i]
    for n in range(COHORT):
        folder = course / "submitted" / f"d{n + 1:02d}" / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write([solution, blank, half][n % 3], folder / f"{ASSIGNMENT}.ipynb")
        (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    return course


def run_measured(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run a command; return its wall time (s) and the peak total memory of it and its descendants (MB)."""
    peak = 0.0
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}"))
    watched = psutil.Process(process.pid)

    def sample():
        nonlocal peak
        while process.poll() is None:
            try:
                tree = [watched, *watched.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    sampler.join()
    if code != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {code}")
    return seconds, peak


def scores(course: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "bench") as gb:
        return {s.student_id: round(s.score, 3) for s in gb.assignment_submissions(ASSIGNMENT)}


def bench_grading(record) -> None:
    """``record`` is run.py's: it writes the result and counts it in the run's summary."""
    folder = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        plain = cohort_course(folder / "nbgrader")
        ours = cohort_course(folder / "academy")
        plain_seconds, plain_peak = run_measured([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--log-level=ERROR"], plain)
        ours_seconds, ours_peak = run_measured([str(BIN / "academy"), "grade", ASSIGNMENT, "--course", str(ours)], ours)
        same = scores(plain) == scores(ours)
        if not same or len(scores(ours)) != COHORT:
            raise SystemExit(f"the two graders disagree: nbgrader {scores(plain)}, academy {scores(ours)}")
        outcomes = json.loads((ours / ".academy" / "outcomes" / f"{ASSIGNMENT}.json").read_text())
        result = record("grading_speedup_over_nbgrader", "x", [plain_seconds / ours_seconds], target=1.7,
                        target_on="median", at_least=True)
        result.update({
            "assignment": ASSIGNMENT, "submissions": COHORT, "same_scores": same,
            "nbgrader_autograde_seconds": round(plain_seconds, 1), "academy_grade_seconds": round(ours_seconds, 1),
            "seconds_per_submission": {"nbgrader_autograde": round(plain_seconds / COHORT, 2),
                                       "academy_grade": round(ours_seconds / COHORT, 2),
                                       "academy_grade_each_median": sorted(o["seconds"] for o in outcomes.values())[COHORT // 2]},
            "peak_memory_mb": {"nbgrader_autograde": round(plain_peak), "academy_grade": round(ours_peak)},
            "isolation": "academy grade: each kernel sandboxed (bubblewrap, setpriv, prlimit); nbgrader: none",
        })
        (RESULTS / "grading_speedup_over_nbgrader.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"  nbgrader autograde {plain_seconds:.0f} s ({plain_peak:.0f} MB peak), academy grade "
              f"{ours_seconds:.0f} s ({ours_peak:.0f} MB peak), same scores")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
