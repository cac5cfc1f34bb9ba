"""The cohort's JupyterHub on one machine, end to end, as `make hub` starts it (python -m academy.hub).

The test makes a roster of five delegates and a faculty member, starts the hub on 127.0.0.1 with the
kit's configuration (PAM sign-in, each server as its own Unix account in a capped control group, the
formgrader, the board and the idle culler as hub services, configurable-http-proxy from npm), and then,
over HTTP through the hub's own login page, as each person:
- every delegate and the faculty member signs in with the password the hub's set-up issued and gets a
  server running as their own account, with the kit's notebooks put into their home by nbgitpuller;
- the faculty member releases an assignment through the formgrader; each delegate lists, fetches,
  answers and submits it through their JupyterLab's Assignments API; the faculty member collects and
  autogrades through the formgrader, and each delegate's score is what their answers earn;
- a delegate is refused another delegate's server, the formgrader and another's files;
- the limits hold (a process over the memory cap is killed, CPU is held to the quota), and after a restart
  with a short idle time the culler stops a server left idle.
Unix accounts, groups and control groups made here are removed afterwards.
"""

from __future__ import annotations

import ast
import csv
import grp
import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

import grading_course as gc
from hub_session import Hub, HubUser, remove_accounts

from academy.hub import accounts, spawner

DELEGATES = [f"pcia-e2e-d{i}" for i in range(1, 6)]
FACULTY = "pcia-e2e-fac"
COURSE = "pcia"  # the kit's course id, which every user's exchange settings name
MEM_LIMIT = 600 * 2**20  # bytes (given to the hub as "600M")
CPU_LIMIT = 0.5  # cores
LIMITS = {"PCIA_HUB_MEM_LIMIT": "600M", "PCIA_HUB_CPU_LIMIT": str(CPU_LIMIT)}
# What each delegate answers (q1, q2) and so scores: q1 = 0.84 is 2 points, q2 = "B" is 3 (grading_course).
ANSWERS = {"pcia-e2e-d1": ("0.84", '"B"', 5.0), "pcia-e2e-d2": ("0.16", '"B"', 3.0), "pcia-e2e-d3": ("0.84", '"C"', 2.0),
           "pcia-e2e-d4": ("0.5", '"A"', 0.0), "pcia-e2e-d5": ("0.84", '"B"', 5.0)}

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="a hub that signs in Unix users must run as root")


def course_source(folder: Path) -> Path:
    """A one-assignment course to copy (grading_course's), with settings relative to wherever it is copied."""
    gc.make_course(folder, generate=False, course_id=COURSE)
    (folder / "nbgrader_config.py").write_text(
        "from pathlib import Path\nc = get_config()\nROOT = Path(__file__).resolve().parent\n"
        f"c.CourseDirectory.course_id = '{COURSE}'\nc.CourseDirectory.root = str(ROOT)\n"
        "c.CourseDirectory.db_url = f\"sqlite:///{ROOT / 'gradebook.db'}\"\nc.Execute.timeout = 60\n")
    return folder


SERVICE_ACCOUNTS = [accounts.GRADER, accounts.BOARD]


def remove_cohort() -> None:
    remove_accounts(DELEGATES + [FACULTY] + SERVICE_ACCOUNTS)


@pytest.fixture(scope="module")
def hub():
    real = [m for g in (accounts.DELEGATES_GROUP, accounts.FACULTY_GROUP) for m in accounts.group_members(g)
            if not m.startswith(("pcia-e2e-", "pcia-bench-"))]
    if real:
        pytest.fail(f"this machine runs a cohort's hub ({', '.join(real)}): run the hub tests on another machine")
    remove_cohort()
    base = Path(tempfile.mkdtemp(prefix="pcia-hub-", dir="/tmp"))  # pytest's own folder is root's alone
    base.chmod(0o755)
    course_source(base / "course-source")
    roster = base / "roster.csv"
    roster.write_text("delegate\n" + "".join(f"{d}\n" for d in DELEGATES))
    running = Hub(base, roster, FACULTY, cohort=DELEGATES + [FACULTY] + SERVICE_ACCOUNTS, **LIMITS)
    try:
        yield running
    finally:
        running.stop()
        remove_cohort()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def people(hub):
    """Everyone signed in through the login page, each with their server running."""
    passwords = hub.passwords()
    signed_in = {}
    for name in DELEGATES + [FACULTY]:
        person = HubUser(hub.url, name, passwords[name])
        page = person.log_in()
        assert page.status_code == 200, (name, page.status_code, page.url, hub.log.read_text()[-3000:])
        signed_in[name] = person
    for person in signed_in.values():
        person.wait_for_server()
    return signed_in


def formgrader(person: HubUser, method: str, path: str):
    return person.api(method, "/services/formgrader/", f"formgrader/api/{path}")


@pytest.fixture(scope="module")
def graded(hub, people):
    """The assignment's year in small: released, fetched, answered, submitted, collected and autograded."""
    faculty = people[FACULTY]
    faculty.open("/services/formgrader/formgrader")
    assert formgrader(faculty, "POST", f"assignment/{gc.ASSIGNMENT}/assign").json()["success"]
    assert formgrader(faculty, "POST", f"assignment/{gc.ASSIGNMENT}/release").json()["success"]
    listed = {}
    for name in DELEGATES:
        me, prefix = people[name], f"/user/{name}/"
        listed[name] = me.api("GET", prefix, f"assignments?course_id={COURSE}").json()
        fetched = me.api("POST", prefix, "assignments/fetch", data={"course_id": COURSE, "assignment_id": gc.ASSIGNMENT})
        assert fetched.json()["success"], fetched.text
        path = f"api/contents/{gc.ASSIGNMENT}/{gc.ASSIGNMENT}.ipynb"
        model = me.api("GET", prefix, path).json()
        notebook = nbformat.from_dict(model["content"])
        q1, q2, _ = ANSWERS[name]
        for cell in notebook.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in ("q1-answer", "q2-answer"):
                cell.source = f"{gid[:2]} = {q1 if gid == 'q1-answer' else q2}"
        saved = me.api("PUT", prefix, path, json={"type": "notebook", "format": "json", "content": notebook})
        assert saved.status_code == 200, saved.text
        submitted = me.api("POST", prefix, "assignments/submit", data={"course_id": COURSE, "assignment_id": gc.ASSIGNMENT})
        assert submitted.json()["success"], submitted.text
    collected = formgrader(faculty, "POST", f"assignment/{gc.ASSIGNMENT}/collect").json()
    assert collected["success"], collected
    for name in DELEGATES:
        done = formgrader(faculty, "POST", f"submission/{gc.ASSIGNMENT}/{name}/autograde").json()
        assert done["success"], done
    submissions = formgrader(faculty, "GET", f"submissions/{gc.ASSIGNMENT}").json()
    return {"listed": listed, "scores": {s["student"]: s["score"] for s in submissions}, "submissions": submissions}


def test_each_person_has_an_account_of_their_own_with_a_password(hub):
    sheet = sorted((hub.base / "state").glob("passwords-*.csv"))[-1]
    assert sheet.stat().st_mode & 0o777 == 0o600 and sheet.stat().st_uid == 0
    passwords = hub.passwords()
    assert sorted(passwords) == sorted(DELEGATES + [FACULTY])
    assert len(set(passwords.values())) == len(passwords)  # each their own
    for name in DELEGATES + [FACULTY]:
        assert accounts.has_password(name), name  # `passwd --status`: a usable password, not none, not locked
        home = Path(pwd.getpwnam(name).pw_dir)
        assert home.stat().st_mode & 0o777 == 0o700 and home.stat().st_uid == pwd.getpwnam(name).pw_uid
    assert sorted(grp.getgrnam(accounts.DELEGATES_GROUP).gr_mem) == DELEGATES
    assert grp.getgrnam(accounts.FACULTY_GROUP).gr_mem == [FACULTY]


def test_only_the_cohort_signs_in_and_only_with_the_right_password(hub):
    passwords = hub.passwords()
    wrong = HubUser(hub.url, DELEGATES[0], passwords[DELEGATES[1]]).log_in()
    assert "Invalid username or password" in wrong.text
    # An account on the machine outside the cohort's groups is refused even with its right password.
    outsider = "pcia-e2e-outsider"
    subprocess.run(["/usr/sbin/useradd", "--no-create-home", outsider], check=True)
    try:
        subprocess.run(["/usr/sbin/chpasswd"], input=f"{outsider}:right-password-42\n", text=True, check=True)
        outside = HubUser(hub.url, outsider, "right-password-42")
        refused = outside.log_in()
        assert refused.status_code == 403 or "Invalid username or password" in refused.text, (refused.status_code, refused.url)
        assert outside.open(f"/user/{outsider}/api/status", allow_redirects=False).status_code != 200
        assert subprocess.run(["/usr/bin/pgrep", "-u", outsider], capture_output=True).returncode == 1  # nothing started as them
    finally:
        subprocess.run(["/usr/sbin/userdel", outsider], capture_output=True)


def test_each_server_runs_as_its_owner_in_a_capped_control_group(hub, people):
    for name in DELEGATES + [FACULTY]:
        uid = pwd.getpwnam(name).pw_uid
        found = subprocess.run(["/usr/bin/pgrep", "-u", str(uid), "-f", "jupyterhub.singleuser"], capture_output=True, text=True)
        pids = found.stdout.split()
        assert len(pids) == 1, (name, found.stdout)
        joined = [Path(p).parent for p in spawner.process_files(name)]
        assert joined, "no control groups on this machine"
        for group in joined:
            assert pids[0] in (group / "cgroup.procs").read_text().split(), (name, group)
        for path, value in spawner.limit_files(name, MEM_LIMIT, CPU_LIMIT).items():
            assert path.read_text().split() == value.split() or int(path.read_text()) == int(value), path


def test_a_process_over_the_memory_cap_is_stopped_and_cpu_is_held_to_the_quota(hub, people):
    name = DELEGATES[0]
    joins = " ".join(str(p) for p in spawner.process_files(name))
    hungry = f"b = b'x' * {int(MEM_LIMIT * 1.5)}; print('survived')"
    done = subprocess.run(["/bin/sh", "-c", f'for f in {joins}; do echo $$ > $f; done; exec /usr/sbin/runuser -u {name} -- '
                           f'/usr/bin/python3.11 -c "{hungry}"'], capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL or done.returncode == 128 + signal.SIGKILL, (done.returncode, done.stdout)
    assert "survived" not in done.stdout
    busy = "import os, time\nend = time.monotonic() + 2\nwhile time.monotonic() < end: pass\nprint(sum(os.times()[:2]))"
    done = subprocess.run(["/bin/sh", "-c", f'for f in {joins}; do echo $$ > $f; done; exec /usr/sbin/runuser -u {name} -- '
                           f'/usr/bin/python3.11 -c "{busy}"'], capture_output=True, text=True, timeout=60)
    cpu_seconds = float(done.stdout.split()[-1])
    assert cpu_seconds < 2 * CPU_LIMIT * 1.3, cpu_seconds  # two seconds at half a core is one CPU-second


def test_the_kit_is_put_into_each_home_by_nbgitpuller(hub, people):
    repo = Path(__file__).resolve().parents[1]
    for name in (DELEGATES[0], FACULTY):
        me = people[name]
        landing = me.open(f"/user/{name}/")
        assert "/git-pull?" in landing.url and "targetpath=teaching-kit" in landing.url
        query = landing.url.split("?", 1)[1]
        with me.session.get(f"{hub.url}/user/{name}/git-pull/api?{query}", stream=True, timeout=180) as stream:
            events = [line for line in stream.iter_lines() if line]
        assert any(b'"phase": "finished"' in e for e in events), events[-3:]
        notebooks = me.api("GET", f"/user/{name}/", "api/contents/teaching-kit/notebooks").json()
        names = sorted(item["name"] for item in notebooks["content"])
        assert names == sorted(p.name for p in (repo / "notebooks").glob("*.md"))
        home = Path(pwd.getpwnam(name).pw_dir)
        assert (home / "teaching-kit" / "notebooks").stat().st_uid == pwd.getpwnam(name).pw_uid


def test_each_server_has_the_kits_jupyterlab_settings_and_extensions(hub, people):
    """What `make lab` gives a laptop, each user's server gives them: teaching notebooks open as notebooks,
    no news question, MyST rendered, the Assignments tab."""
    overrides = json.loads((Path(__file__).resolve().parents[1] / "deploy" / "lab" / "overrides.json").read_text())
    me, prefix = people[DELEGATES[0]], f"/user/{DELEGATES[0]}/"
    for plugin, values in overrides.items():
        schema = me.api("GET", prefix, f"lab/api/settings/{plugin}").json()["schema"]
        for name, value in values.items():
            assert schema["properties"][name]["default"] == value, (plugin, name)
    page = me.open(f"{prefix}lab").text  # the page lists the federated extensions it will load
    for extension in ("jupyterlab-myst", "jupyterlab-jupytext", "@jupyter/nbgrader"):
        assert f'"name": "{extension}"' in page, extension


def test_delegates_list_fetch_and_submit_and_faculty_collect_and_grade(graded):
    for name in DELEGATES:
        listed = graded["listed"][name]
        assert listed["success"] and [(a["assignment_id"], a["status"]) for a in listed["value"]] == [(gc.ASSIGNMENT, "released")]
    assert graded["scores"] == {name: expected for name, (_, _, expected) in ANSWERS.items()}
    assert all(s["autograded"] for s in graded["submissions"])


def test_a_delegate_cannot_open_another_delegates_server(hub, people):
    me, other = people[DELEGATES[0]], DELEGATES[1]
    for path in (f"/user/{other}/api/status", f"/user/{other}/api/contents/{gc.ASSIGNMENT}", f"/user/{other}/lab"):
        page = me.open(path)
        assert page.status_code == 403, (path, page.status_code, page.url)
    attempt = me.api("POST", f"/user/{other}/", "api/kernels", json={})
    assert attempt.status_code in (302, 403)


def test_a_delegate_cannot_open_the_formgrader_but_faculty_can(hub, people, graded):
    me = people[DELEGATES[0]]
    assert me.open("/services/formgrader/formgrader").status_code == 403
    assert formgrader(me, "GET", "assignments").status_code in (302, 403)
    assert formgrader(me, "POST", f"assignment/{gc.ASSIGNMENT}/collect").status_code in (302, 403)
    assert formgrader(people[FACULTY], "GET", "assignments").status_code == 200


def test_a_delegate_cannot_read_anothers_files(hub, people, graded):
    me, other = DELEGATES[0], DELEGATES[1]
    theirs = Path(pwd.getpwnam(other).pw_dir) / gc.ASSIGNMENT / f"{gc.ASSIGNMENT}.ipynb"
    assert theirs.exists()
    tried = subprocess.run(["/usr/sbin/runuser", "-u", me, "--", "cat", str(theirs)], capture_output=True, text=True)
    assert tried.returncode != 0 and "Permission denied" in tried.stderr
    inbound = hub.base / "exchange" / COURSE / "inbound"
    tried = subprocess.run(["/usr/sbin/runuser", "-u", me, "--", "ls", str(inbound)], capture_output=True, text=True)
    assert tried.returncode != 0 and "Permission denied" in tried.stderr
    # and through their own server, which serves only their home
    escape = people[me].api("GET", f"/user/{me}/", f"api/contents/../{other}/{gc.ASSIGNMENT}")
    assert escape.status_code in (400, 403, 404)


def test_delegates_answer_on_the_board_from_their_notebooks_and_only_faculty_see_every_answer(hub, people):
    faculty, board = people[FACULTY], "/services/board/"
    assert faculty.open(f"{board}faculty").status_code == 200  # signed in to the board through the hub
    made = faculty.api("POST", board, "api/questions", json={"prompt": "How many GPs will your PCN lose this year?",
                                                               "kind": "number", "minimum": 0, "maximum": 50})
    assert made.status_code in (200, 201), made.text
    question = made.json()["id"]
    # Each delegate answers from a kernel in their own server: the widget, with the hub's token and the
    # board's address from the environment the hub gave the server. The body's claim to be someone else
    # counts for nothing.
    sent = {}
    for number, name in enumerate(DELEGATES[:3], start=2):
        printed = people[name].run_in_kernel([
            "from academy.board.widget import AnswerBox",
            f"box = AnswerBox({question})",
            f"box.answer.value = '{number}'",  # typed into the box
            "box.send.click()",
            "print(box.message.value)",
            f"from academy.board.client import board_call\nprint(board_call('api/questions/{question}/answer'))",
        ])
        assert f"'user': '{name}'" in printed or f'"user": "{name}"' in printed, printed
        sent[name] = number
    spoofed = people[DELEGATES[3]].run_in_kernel([
        f"from academy.board.client import board_call\nprint(board_call('api/questions/{question}/answer', "
        f"{{'value': 9, 'user': '{DELEGATES[0]}'}}))"])
    assert DELEGATES[3] in spoofed
    sent[DELEGATES[3]] = 9
    rows = faculty.api("GET", board, f"api/questions/{question}/answers.csv")
    assert rows.status_code == 200
    table = list(csv.DictReader(rows.text.lstrip("\ufeff").splitlines()))
    assert {row["user"]: float(row["value"]) for row in table} == {name: float(v) for name, v in sent.items()}
    assert people[DELEGATES[0]].open(board).status_code == 200  # the projected page, signed in through the hub
    for path in (f"api/questions/{question}/answers.csv", f"api/questions/{question}/answers"):
        assert people[DELEGATES[0]].api("GET", board, path).status_code == 403
    assert people[DELEGATES[0]].open(f"{board}faculty").status_code == 403
    # Faculty take the round into pandas from a notebook for the debrief.
    printed = people[FACULTY].run_in_kernel([f"from academy.board import answers_frame\n"
                                             f"print(answers_frame({question}).set_index('user')['value'].to_dict())"])
    assert ast.literal_eval(printed.strip()) == {name: float(v) for name, v in sent.items()}


def test_after_a_restart_an_idle_server_is_culled(hub, people, graded):
    hub.stop()
    again = Hub(hub.base, hub.base / "roster.csv", FACULTY, cohort=hub.cohort, PCIA_HUB_IDLE_TIMEOUT="10",
                PCIA_HUB_CULL_EVERY="3", **LIMITS)
    try:
        assert not list((hub.base / "state").glob("passwords-*.csv"))[1:]  # existing passwords kept
        name = DELEGATES[2]
        me = HubUser(again.url, name, hub.passwords()[name])
        assert me.log_in().status_code == 200
        me.wait_for_server()
        uid = str(pwd.getpwnam(name).pw_uid)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if subprocess.run(["/usr/bin/pgrep", "-u", uid, "-f", "jupyterhub.singleuser"], capture_output=True).returncode:
                break
            time.sleep(1)
        else:
            raise AssertionError("the idle server was not culled within a minute")
        assert "Culling server" in again.log.read_text() or "culling" in again.log.read_text().lower()
    finally:
        again.stop()


def test_the_readme_gives_the_hubs_measured_memory_and_capacity():
    """README's "When to move to Kubernetes" quotes benchmarks/results/hub_capacity.json (make bench)."""
    root = Path(__file__).resolve().parents[1]
    measured = json.loads((root / "benchmarks" / "results" / "hub_capacity.json").read_text())
    readme = (root / "README.md").read_text()
    section = readme[readme.index("### When to move to Kubernetes"):readme.index("## Running a cohort")]
    for size, delegates in measured["delegates_with_a_busy_server"].items():
        assert f"{delegates} with {size}" in section or f"{delegates} delegates at once with {size}" in section, size
    assert f"{round(measured['idle_server_mib_median'])} MiB" in section
    assert f"{round(measured['busy_server_mib_max'])} MiB" in section
    assert f"{round(measured['hub_and_services_mib'], -1):.0f} MiB" in section
    by_notebook = measured["busy_server_mib_by_notebook"]
    quoted = " / ".join(str(round(by_notebook[f"{n}.md"])) for n in ("law_firm_scale", "workforce_retention", "delayed_discharges"))
    assert quoted + " MiB" in section
