"""A whole cycle of a cohort through the real nbgrader exchange, with delegates who are real Unix users.

The test creates three Unix users (removed afterwards), loads them as the roster, releases an
assignment with a deadline, and has each delegate fetch, answer and submit it as themselves: one
submits twice before the deadline (the second replaces the first), one after it (graded, and flagged
late). Two use the command line; the third uses JupyterLab's Assignments tab, through a Jupyter
server running as her with nbgrader's extension and the kit's settings. The programme office then collects, grades (sandboxed), writes and releases feedback, each
delegate fetches their own feedback, and the report shows the cohort as it stands. Every step is the
`academy` command a programme office types.

Delegates run nbgrader with the machine's own Python (/usr/bin/python3.11) and the kit's packages on
PYTHONPATH: here the kit's virtualenv is built from a Python under /root, which other users cannot enter.
"""

from __future__ import annotations

import csv
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import nbformat
import pytest

import grading_course as gc
import jupyter_api

BIN = Path(sys.executable).parent
SITE = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
COURSE_ID = "pcia-test"
DELEGATES = ["pcia-e2e-anna", "pcia-e2e-ben", "pcia-e2e-cara"]
TOKEN = "delegate-tab-token"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="creating Unix users needs root")


def academy(course: Path, *args: str) -> str:
    done = subprocess.run([str(BIN / "academy"), *args, "--course", str(course)], capture_output=True, text=True,
                          env=dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}"))
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def as_delegate(user: str, *args: str) -> str:
    """Run nbgrader as the delegate, in their home folder, with their own rights."""
    home = pwd.getpwnam(user).pw_dir
    env = {"HOME": home, "PATH": "/usr/bin:/bin", "PYTHONPATH": SITE, "LANG": "C.UTF-8"}
    done = subprocess.run(["/usr/sbin/runuser", "-u", user, "--", "/usr/bin/python3.11", "-m", "nbgrader", *args,
                           f"--course={COURSE_ID}", f"--Exchange.root={exchange_root(user)}"],
                          cwd=home, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


_EXCHANGE: dict[str, Path] = {}


def exchange_root(user: str) -> Path:
    return _EXCHANGE["root"]


class TabAsDelegate:
    """A Jupyter server run as the delegate, with the kit's Jupyter settings (nbgrader's extension, the
    exchange): what her JupyterLab's Assignments tab asks of it, asked over HTTP on 127.0.0.1."""

    def __init__(self, user: str):
        home = pwd.getpwnam(user).pw_dir
        self.url = f"http://127.0.0.1:{jupyter_api.free_port()}"
        env = {"HOME": home, "PATH": "/usr/bin:/bin", "PYTHONPATH": SITE, "LANG": "C.UTF-8",
               "JUPYTER_CONFIG_PATH": str(Path(sys.prefix) / "etc" / "jupyter"),
               "PCIA_EXCHANGE": str(_EXCHANGE["root"]), "PCIA_MY_ASSIGNMENTS": home}
        log = Path(home) / "server.log"
        self.process = subprocess.Popen(
            ["/usr/sbin/runuser", "-u", user, "--", "/usr/bin/python3.11", "-m", "jupyter_server", "--no-browser",
             "--ip=127.0.0.1", f"--port={self.url.rsplit(':', 1)[1]}", f"--IdentityProvider.token={TOKEN}",
             f"--ServerApp.root_dir={home}"], cwd=home, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        jupyter_api.wait_until_up(self.url, TOKEN, log)

    def call(self, path: str, data: dict | None = None) -> dict:
        result = jupyter_api.call(self.url, TOKEN, path, data)
        assert result["success"], result
        return result

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def answer_as(user: str, **answers) -> None:
    """The delegate types their answers into the notebook they fetched (a file they own)."""
    home = Path(pwd.getpwnam(user).pw_dir)
    path = home / gc.ASSIGNMENT / f"{gc.ASSIGNMENT}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        name = (gid or "").split("-")[0]
        if gid in ("q1-answer", "q2-answer"):
            cell.source = f"{name} = {answers[name]}"
        elif gid == "q3-answer" and "q3" in answers:
            cell.source = answers["q3"]
    nbformat.write(notebook, path)
    shutil.chown(path, user, user)


@pytest.fixture(scope="module")
def cohort():
    base = Path(tempfile.mkdtemp(prefix="pcia-cohort-", dir="/tmp"))  # pytest's own folder is root's alone
    base.chmod(0o755)
    exchange = base / "exchange"
    _EXCHANGE["root"] = exchange
    course = gc.make_course(base / "course", exchange=exchange, generate=False)
    homes = base / "home"
    homes.mkdir()
    for user in DELEGATES:
        subprocess.run(["/usr/sbin/userdel", "--remove", user], capture_output=True)
        subprocess.run(["/usr/sbin/useradd", "--create-home", "--home-dir", str(homes / user), "--shell", "/bin/sh",
                        "--user-group", user], check=True)
    try:
        yield course
    finally:
        for user in DELEGATES:
            subprocess.run(["/usr/bin/pkill", "-KILL", "-u", user], capture_output=True)
            subprocess.run(["/usr/sbin/userdel", "--remove", user], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def cycle(cohort, tmp_path_factory):
    course = cohort
    roster = tmp_path_factory.mktemp("roster") / "delegates.csv"
    roster.write_text("delegate,first_name\n" + "".join(f"{d},{d.split('-')[-1].title()}\n" for d in DELEGATES))
    steps = {"roster": academy(course, "roster", str(roster))}
    due = datetime.now(ZoneInfo("Europe/London")) + timedelta(seconds=40)
    steps["release"] = academy(course, "release", gc.ASSIGNMENT, "--due", due.strftime("%Y-%m-%d %H:%M:%S"))
    anna, ben, cara = DELEGATES
    tab = TabAsDelegate(cara)
    for user in (anna, ben):
        as_delegate(user, "fetch_assignment", gc.ASSIGNMENT)
    listed = tab.call(f"/assignments?course_id={COURSE_ID}")["value"]
    assert [(a["assignment_id"], a["status"]) for a in listed] == [(gc.ASSIGNMENT, "released")]
    tab.call("/assignments/fetch", {"course_id": COURSE_ID, "assignment_id": gc.ASSIGNMENT})
    answer_as(anna, q1="0.5", q2='"A"')
    as_delegate(anna, "submit", gc.ASSIGNMENT)
    time.sleep(1.1)
    answer_as(anna, q1="0.84", q2='"B"', q3="Stability counts only those in post at the start.")  # she thinks again, and resubmits before the deadline
    as_delegate(anna, "submit", gc.ASSIGNMENT)
    answer_as(ben, q1="0.16", q2='"B"')
    as_delegate(ben, "submit", gc.ASSIGNMENT)
    while datetime.now(ZoneInfo("Europe/London")) < due + timedelta(seconds=1):
        time.sleep(0.5)
    answer_as(cara, q1="0.84", q2='"C"')
    tab.call("/assignments/submit", {"course_id": COURSE_ID, "assignment_id": gc.ASSIGNMENT})  # after the deadline
    steps["collect"] = academy(course, "collect", gc.ASSIGNMENT)
    steps["grade"] = academy(course, "grade", gc.ASSIGNMENT, "--cell-seconds", "20")
    steps["feedback"] = academy(course, "feedback", gc.ASSIGNMENT)
    for user in (anna, ben):
        steps[f"fetched {user}"] = as_delegate(user, "fetch_feedback", gc.ASSIGNMENT)
    tab.call("/assignments/fetch_feedback", {"course_id": COURSE_ID, "assignment_id": gc.ASSIGNMENT})
    tab.stop()
    table = tmp_path_factory.mktemp("report") / "cohort.csv"
    steps["report"] = academy(course, "report", "--csv", str(table))
    with table.open(encoding="utf-8-sig") as file:
        rows = {row["delegate"]: row for row in csv.DictReader(file)}
    return {"course": course, "steps": steps, "rows": rows}


def test_each_step_reports_each_delegate(cycle):
    steps = cycle["steps"]
    for delegate in DELEGATES:
        for step in ("roster", "collect", "grade", "feedback"):
            assert f"  {delegate}: " in steps[step], step
    assert "Roster: 3 delegate(s), 3 new" in steps["roster"]
    assert "Collected 3 submission(s)" in steps["collect"]


def test_a_resubmission_before_the_deadline_replaces_the_first(cycle):
    row = cycle["rows"][DELEGATES[0]]
    assert (row["status"], float(row["score"])) == ("awaiting marking", 5.0)  # q3 is marked by hand


def test_a_wrong_answer_scores_what_it_earns(cycle):
    row = cycle["rows"][DELEGATES[1]]
    # q1 wrong (the share that left), q2 right; the written answer left blank scores 0 with no marking to do
    assert (row["status"], float(row["score"])) == ("graded", 3.0)


def test_a_late_submission_is_graded_and_flagged(cycle):
    row = cycle["rows"][DELEGATES[2]]
    assert float(row["score"]) == 2.0
    assert "after the deadline" in row["reason"]
    assert "late" in cycle["steps"]["grade"].split(DELEGATES[2] + ":")[1].splitlines()[0]


def test_each_delegate_fetches_only_their_own_feedback_and_no_hidden_test(cycle):
    for user in DELEGATES:
        home = Path(pwd.getpwnam(user).pw_dir)
        pages = list((home / gc.ASSIGNMENT / "feedback").rglob("*.html"))
        assert len(pages) == 1, user
        page = pages[0].read_text()
        assert "hidden_checks" not in page and "BEGIN HIDDEN TESTS" not in page
        assert "Marking guide" not in page  # the written answer's solution
        assert pages[0].stat().st_uid == pwd.getpwnam(user).pw_uid


def test_delegates_cannot_list_each_others_submissions_in_the_exchange(cycle):
    # nbgrader's exchange: the inbound folder takes submissions but cannot be listed, and each submission
    # folder's name ends in a random secret, so no delegate can find another's work.
    anna = DELEGATES[0]
    inbound = _EXCHANGE["root"] / COURSE_ID / "inbound"
    home = pwd.getpwnam(anna).pw_dir
    done = subprocess.run(["/usr/sbin/runuser", "-u", anna, "--", "ls", str(inbound)], cwd=home, capture_output=True, text=True)
    assert done.returncode != 0 and "Permission denied" in done.stderr
    assert len(list(inbound.iterdir())) == 4  # anna twice, ben and cara: all kept in the exchange
