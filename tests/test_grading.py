"""Grading that no notebook can derail: a batch of good and bad submissions, graded together.

The corpus holds the kinds of submission a cohort really hands in, and the kinds a hostile or confused
one might: not a notebook, broken structure, endless loops, bombs, floods, escapes and fakes. One
batch grades them all, two at a time in sandboxed kernels, through nbgrader's real gradebook. Each
must end graded or rejected with a reason a programme office can read, while every other delegate's
grade and files stay as they were.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

import grading_course as gc
from academy.course.grading import grade_assignment, load_course, read_outcomes

FULL = gc.AUTO_POINTS


def corpus(root: Path) -> dict[str, str]:
    """Submit every kind of submission; return what each is, by delegate id."""
    secret_paths = {
        "source": root / "source" / gc.ASSIGNMENT / f"{gc.ASSIGNMENT}.ipynb",
        "gradebook": root / "gradebook.db",
        "other": root / "submitted" / "good" / gc.ASSIGNMENT / f"{gc.ASSIGNMENT}.ipynb",
    }
    kinds = {}

    def add(delegate, what, content, **kw):
        kinds[delegate] = what
        gc.submit(root, delegate, content, **kw)

    add("good", "right answers", gc.answered(root))
    add("blank", "the release, unanswered", gc.released(root))
    add("wrong", "wrong but well-formed answers", gc.answered(root, q1="0.16", q2='"A"'))
    add("notjson", "not JSON", "this is not a notebook {")
    add("empty", "an empty file", "")
    add("notutf8", "text that is not UTF-8", gc.json_text(gc.answered(root)).encode("utf-8").replace(b"Answer", b"\xff\xfe"))
    add("renamed", "the wrong file name", gc.answered(root), name="tiny (1).ipynb")
    nb = gc.answered(root)
    nb.cells.insert(gc.cell_index(nb, "q1-answer") + 1, nbformat.from_dict(json.loads(json.dumps(nb.cells[gc.cell_index(nb, "q1-answer")]))))
    nb.cells[gc.cell_index(nb, "q1-answer")].source = "# YOUR ANSWER HERE\nraise NotImplementedError()"
    add("duplicated", "a copied-and-pasted answer cell (nbgrader issue 1083)", nb)
    nb = gc.answered(root, q1="0.5")
    del nb.cells[gc.cell_index(nb, "q1-checks")]
    add("deletedcheck", "a deleted check cell, with a wrong answer", nb)
    nb = gc.answered(root)
    nb.cells = nb.cells[::-1]
    add("reordered", "every cell in reverse order", nb)
    add("editedtest", "a check cell edited to pass, with a wrong answer",
        gc.with_cell_source(gc.answered(root, q1="0.5"), "q1-checks", "pass  # nothing to see"))
    nb = gc.answered(root)
    for cell in nb.cells:
        cell.metadata = {}
    add("stripped", "every cell's metadata stripped", nb)
    add("loop", "an endless loop in an answer cell",
        gc.with_cell_source(gc.answered(root), "q1-answer", "while True:\n    pass"))
    add("membomb", "a memory bomb", gc.with_cell_source(gc.answered(root), "q1-answer", "q1 = 0.84\nx = bytearray(20 * 2**30)"))
    add("forkbomb", "a fork bomb", gc.with_cell_source(gc.answered(root), "q2-answer",
                                                        "import os\nwhile True:\n    os.fork()"))
    add("flood", "a flood of output (40 MB)", gc.with_cell_source(gc.answered(root), "q1-answer",
                                                                  "q1 = 0.84\nfor i in range(400_000):\n    print('x' * 100)"))
    add("sysexit", "sys.exit in an answer cell", gc.with_cell_source(gc.answered(root), "q2-answer",
                                                                     "import sys\nq2 = 'B'\nsys.exit(3)"))
    add("osexit", "os._exit in an answer cell", gc.with_cell_source(gc.answered(root), "q2-answer",
                                                                    "import os\nos._exit(1)"))
    add("killparent", "killing the parent process", gc.with_cell_source(
        gc.answered(root), "q1-answer", "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n"
                                        "        os.kill(pid, signal.SIGKILL)\n    except OSError as e:\n        print(e)\nq1 = 0.84"))
    nb = gc.answered(root)
    nb.cells.insert(0, nbformat.v4.new_code_cell("raise ValueError('my own error at the top')"))
    add("raisetop", "an exception at the top", nb)
    add("readsecrets", "reading the source notebook, the hidden tests and the gradebook", gc.with_cell_source(
        gc.answered(root), "q1-answer",
        "found = []\nfor path in " + repr([str(p) for p in secret_paths.values()]) + ":\n    try:\n"
        "        found.append(open(path, 'rb').read()[:100])\n    except OSError as e:\n        print(type(e).__name__)\n"
        "print('FOUND', len(found))\nq1 = 0.84"))
    add("writes", "writing the gradebook and another delegate's files", gc.with_cell_source(
        gc.answered(root), "q1-answer",
        "for path in " + repr([str(secret_paths["gradebook"]), str(secret_paths["other"]), "/tmp/../" + str(secret_paths["other"])]) +
        ":\n    try:\n        open(path, 'w').write('overwritten')\n    except OSError as e:\n        print(type(e).__name__)\nq1 = 0.84"))
    add("fakepass", "faking a pass by redefining the checks", gc.with_cell_source(
        gc.answered(root, q2='"A"'), "q2-answer",
        "class checks:\n    def visible_letter(*args):\n        print('Your answer passes the visible checks.')\n"
        "q2 = 'A'"))
    add("fakepatch", "faking a pass by patching the module the checks reload", gc.with_cell_source(
        gc.answered(root, q2='"A"'), "q2-answer",
        "import academy.course.checks as c\nc.hidden_letter = lambda *a, **k: None\nimport importlib\n"
        "importlib.reload = lambda m: m\nq2 = 'A'"))
    nb = gc.answered(root)
    nb.cells.insert(gc.cell_index(nb, "q2-checks") + 1, nbformat.v4.new_code_cell("print('\\n'.join(In))"))
    add("printshistory", "printing the kernel's history, hidden tests and all", nb)
    add("diskfill", "writing 200 MB of files", gc.with_cell_source(
        gc.answered(root), "q1-answer",
        "q1 = 0.84\nfor n in range(20):\n    with open(f'junk{n}.bin', 'wb') as f:\n        f.write(b'x' * 10_000_000)"))
    add("big", "a 10 MB notebook (a large picture in an output)", gc.big_output_notebook(root, 10))
    return kinds


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = gc.make_course(tmp_path_factory.mktemp("course"))
    kinds = corpus(root)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "submitted").rglob("*") if p.is_file()}
    source_before = hashlib.sha256((root / "source" / gc.ASSIGNMENT / "tiny.ipynb").read_bytes()).hexdigest()
    lines = []
    start = time.perf_counter()
    outcomes = grade_assignment(load_course(root), gc.ASSIGNMENT, cell_seconds=5, notebook_seconds=90, progress=lines.append)
    seconds = time.perf_counter() - start
    return {"root": root, "kinds": kinds, "outcomes": outcomes, "before": before, "source_before": source_before,
            "lines": lines, "seconds": seconds}


def auto_score(root: Path, delegate: str, question: str) -> float:
    """A question's autograded score, as nbgrader's gradebook holds it."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "pcia-test") as gb:
        return gb.find_grade(question, gc.ASSIGNMENT, gc.ASSIGNMENT, delegate).auto_score


def test_the_corpus_has_twenty_kinds_of_bad_submission(graded):
    bad = [d for d in graded["kinds"] if d not in ("good", "blank", "wrong")]
    assert len(bad) >= 20


def test_every_submission_ends_graded_or_rejected_with_a_reason(graded):
    outcomes = graded["outcomes"]
    assert set(outcomes) == set(graded["kinds"])
    for delegate, outcome in outcomes.items():
        assert outcome.status in ("graded", "rejected"), (delegate, outcome)
        if outcome.status == "rejected":
            assert len(outcome.reason) > 30, (delegate, outcome.reason)
    # The batch's progress names every delegate once, and ends with a summary.
    for delegate in graded["kinds"]:
        assert sum(line.strip().startswith(f"{delegate}:") for line in graded["lines"]) == 1
    assert re.search(r"tiny: .*graded.*rejected", graded["lines"][-1])


def test_good_blank_and_wrong_submissions_score_as_the_answers_deserve(graded):
    o = graded["outcomes"]
    assert (o["good"].score, o["good"].max_score) == (FULL, FULL + gc.MANUAL_POINTS)
    assert o["good"].needs_manual_grade  # the written answer waits for a person
    assert o["blank"].score == 0
    assert o["wrong"].score == 0


@pytest.mark.parametrize("delegate, phrase", [
    ("notjson", "not valid JSON"),
    ("empty", "empty"),
    ("notutf8", "not UTF-8"),
])
def test_what_is_not_a_notebook_is_rejected_saying_why(graded, delegate, phrase):
    outcome = graded["outcomes"][delegate]
    assert outcome.status == "rejected" and phrase in outcome.reason
    assert not (graded["root"] / "autograded" / delegate).exists()


@pytest.mark.parametrize("delegate, score, repair", [
    ("renamed", FULL, "submitted as tiny (1).ipynb"),
    ("duplicated", FULL, "appeared more than once"),
    ("reordered", FULL, "moved"),
    ("stripped", FULL, "lost its grading information"),
    ("deletedcheck", 3, "deleted were put back"),  # q1 is wrong: its restored check gives no marks
    ("editedtest", 3, "edited cells were graded as released"),  # nor does the edited check
])
def test_broken_structure_is_repaired_and_graded_on_its_answers(graded, delegate, score, repair):
    outcome = graded["outcomes"][delegate]
    assert outcome.status == "graded"
    assert outcome.score == score
    assert any(repair in r for r in outcome.repairs), outcome.repairs


def test_a_deleted_check_does_not_pass_silently(graded):
    assert auto_score(graded["root"], "deletedcheck", "q1-checks") == 0
    assert auto_score(graded["root"], "deletedcheck", "q2-checks") == 3


@pytest.mark.parametrize("delegate, lost", [
    ("loop", "q1-checks"),  # stopped after the cell's time; the rest still ran
    ("membomb", None),  # the allocation fails; q1 is still set
    ("forkbomb", "q2-checks"),
    ("flood", None),
    ("sysexit", None),
    ("killparent", None),
    ("raisetop", None),
    ("readsecrets", None),
    ("writes", None),
    ("diskfill", None),
    ("big", None),
])
def test_hostile_code_costs_only_the_question_it_is_in(graded, delegate, lost):
    outcome = graded["outcomes"][delegate]
    assert outcome.status == "graded", outcome
    expected = {"q1-checks": 2, "q2-checks": 3}
    if lost:
        expected[lost] = 0
    for question, points in expected.items():
        assert auto_score(graded["root"], delegate, question) == points, question


def test_a_kernel_that_exits_is_graded_on_what_ran_before(graded):
    outcome = graded["outcomes"]["osexit"]
    assert outcome.status == "graded", outcome
    assert "kernel stopped" in outcome.reason
    assert auto_score(graded["root"], "osexit", "q1-checks") == 2
    assert auto_score(graded["root"], "osexit", "q2-checks") == 0


def test_a_flood_of_output_is_cut_short_in_the_autograded_notebook(graded):
    path = graded["root"] / "autograded" / "flood" / gc.ASSIGNMENT / f"{gc.ASSIGNMENT}.ipynb"
    assert path.stat().st_size < 200_000
    assert "was not kept" in path.read_text()


def test_delegates_code_cannot_read_or_change_what_is_not_theirs(graded):
    root = graded["root"]
    autograded = (root / "autograded" / "readsecrets" / gc.ASSIGNMENT / "tiny.ipynb").read_text()
    assert "FOUND 0" in autograded
    assert "0.84" not in nbformat.reads(autograded, as_version=4).cells[0].source
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "submitted").rglob("*") if p.is_file()}
    assert after == graded["before"]
    assert hashlib.sha256((root / "source" / gc.ASSIGNMENT / "tiny.ipynb").read_bytes()).hexdigest() == graded["source_before"]
    assert not list(root.rglob("junk*.bin"))  # what a kernel writes stays in its sandbox, and goes with it
    with sqlite3.connect(root / "gradebook.db") as db:  # the gradebook is still a sound SQLite file
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_redefining_the_checks_does_not_fake_a_pass_and_is_flagged(graded):
    outcome = graded["outcomes"]["fakepass"]
    assert outcome.flags == ["the answer cell q2-answer defines a function or class"]
    assert auto_score(graded["root"], "fakepass", "q2-checks") == 0  # the hidden check has its own copy


def test_patching_modules_is_flagged_for_a_person(graded):
    # Code in the kernel can reach anything in the kernel: a determined patch of importlib could make the
    # hidden check pass. It cannot pass unnoticed: the outcome names it for a person to read.
    outcome = graded["outcomes"]["fakepatch"]
    assert outcome.flags == ["the answer cell q2-answer imports academy.course.checks"]
    assert not graded["outcomes"]["good"].flags and not graded["outcomes"]["wrong"].flags


def test_the_outcomes_are_kept_for_the_report(graded):
    kept = read_outcomes(load_course(graded["root"]), gc.ASSIGNMENT)
    assert {d: o.status for d, o in kept.items()} == {d: o.status for d, o in graded["outcomes"].items()}


def test_a_second_run_grades_only_what_changed(graded):
    root = graded["root"]
    gc.submit(root, "wrong", gc.answered(root), timestamp="2026-12-02 09:00:00.000000 UTC")  # a resubmission
    lines = []
    outcomes = grade_assignment(load_course(root), gc.ASSIGNMENT, cell_seconds=5, notebook_seconds=90, progress=lines.append)
    assert outcomes["wrong"].score == FULL
    assert sum(line.endswith("already graded (graded), unchanged since") or line.endswith("already graded (rejected), unchanged since")
               for line in lines) == len(graded["kinds"]) - 1


def test_feedback_shows_no_hidden_test_or_solution_whatever_was_printed(graded):
    from academy.course.cli import nbgrader_api, in_course

    root = graded["root"]
    with in_course(root):
        assert nbgrader_api(root).generate_feedback(gc.ASSIGNMENT)["success"]
    source = nbformat.read(root / "source" / gc.ASSIGNMENT / "tiny.ipynb", as_version=4)
    secrets = [line.strip() for cell in source.cells for line in cell.source.split("### BEGIN HIDDEN TESTS")[-1]
               .split("### END HIDDEN TESTS")[0].splitlines() if "BEGIN HIDDEN TESTS" in cell.source and len(line.strip()) > 12]
    secrets.append("Marking guide")
    assert len(secrets) >= 6
    pages = {p.parent.parent.name: p.read_text() for p in (root / "feedback").glob("*/tiny/tiny.html")}
    assert set(pages) == {d for d, o in graded["outcomes"].items() if o.status == "graded"}
    history = pages["printshistory"]
    assert "checks.visible_letter" in history  # the visible checks it printed stay: the delegate can see those
    for delegate, page in pages.items():
        import html as html_module
        text = html_module.unescape(re.sub(r"<[^>]+>", "", page))
        for secret in secrets:
            assert secret not in text, (delegate, secret)


def test_a_batch_killed_half_way_loses_nothing_and_counts_nothing_twice(tmp_path):
    root = gc.make_course(tmp_path / "course")
    answers = {"d1": ("0.84", '"B"'), "d2": ("0.16", '"B"'), "d3": ("0.84", '"A"'), "d4": ("0.5", '"C"'),
               "d5": ("0.84", '"B"')}
    for delegate, (q1, q2) in answers.items():
        gc.submit(root, delegate, gc.answered(root, q1=q1, q2=q2))
    expected = {"d1": 5, "d2": 3, "d3": 2, "d4": 0, "d5": 5}
    command = [str(gc.BIN / "academy"), "grade", gc.ASSIGNMENT, "--course", str(root)]
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    outcomes = root / ".academy" / "outcomes" / f"{gc.ASSIGNMENT}.json"
    deadline = time.monotonic() + 120
    while not (outcomes.exists() and len(json.loads(outcomes.read_text())) >= 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    batch.kill()  # as a power cut or a Ctrl-C would, mid-batch
    batch.wait()
    first = json.loads(outcomes.read_text())
    assert 2 <= len(first) < len(answers)
    time.sleep(0.5)
    leftover = subprocess.run(["pgrep", "-f", f"academy.course.grading --course {root}"], capture_output=True, text=True)
    assert leftover.stdout == "", "a worker kept grading after the batch was killed"

    again = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert again.count(": already graded") == len(first)
    final = read_outcomes(load_course(root), gc.ASSIGNMENT)
    assert {d: o.score for d, o in final.items()} == expected
    with sqlite3.connect(root / "gradebook.db") as db:
        counted = db.execute("SELECT student_id, COUNT(*) FROM submitted_assignment GROUP BY student_id").fetchall()
    assert sorted(counted) == [(d, 1) for d in sorted(answers)]


def test_the_marker_reads_the_marking_guide_beside_each_written_answer(graded):
    path = graded["root"] / "autograded" / "good" / gc.ASSIGNMENT / "tiny.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    answer = next(i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "q3-answer")
    assert cells[answer].source.startswith("Stability follows")  # the delegate's answer
    guide = cells[answer + 1]
    assert guide.cell_type == "markdown" and "the stability follows the people in post at the start" in guide.source
    assert "BEGIN SOLUTION" not in guide.source
    assert sum("marking guide" in c.source for c in cells) == 1  # only the written answer has one


def test_code_that_will_not_stop_is_ended_and_the_next_submission_graded(tmp_path):
    root = gc.make_course(tmp_path / "course")
    stubborn = "import time\nwhile True:\n    try:\n        time.sleep(1)\n    except KeyboardInterrupt:\n        pass"
    gc.submit(root, "a-stubborn", gc.with_cell_source(gc.answered(root), "q1-answer", stubborn))
    slow = gc.answered(root)
    for _ in range(12):  # each cell within its time, the notebook not
        slow.cells.insert(gc.cell_index(slow, "q1-checks") + 1, nbformat.v4.new_code_cell("import time\ntime.sleep(2)"))
    gc.submit(root, "b-slow", slow)
    gc.submit(root, "c-good", gc.answered(root))
    start = time.perf_counter()
    outcomes = grade_assignment(load_course(root), gc.ASSIGNMENT, workers=1, cell_seconds=3, notebook_seconds=20,
                                progress=lambda line: None)
    assert time.perf_counter() - start < 120
    # A cell that ignores the interrupt: the kernel is abandoned, and the checks after that cell score nothing.
    stubborn = outcomes["a-stubborn"]
    assert (stubborn.status, stubborn.score) == ("graded", 0.0)
    assert stubborn.reason == ("q1-answer: this cell was still running after 3 seconds and could not be interrupted; "
                               "the checks after it score nothing")
    # A notebook past its time: the worker and its sandbox are stopped, and a new worker takes the slot.
    slow = outcomes["b-slow"]
    assert (slow.status, slow.score) == ("failed", 0.0)
    assert "grading stopped after 0.333 minutes: the notebook never finished running" in slow.reason
    assert (outcomes["c-good"].status, outcomes["c-good"].score) == ("graded", FULL)
    leftover = subprocess.run(["pgrep", "-u", "pcia-grader1"], capture_output=True, text=True)
    assert leftover.stdout == "", "a stopped sandbox left processes behind"
