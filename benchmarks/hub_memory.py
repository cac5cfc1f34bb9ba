"""Memory per JupyterLab server on the cohort's hub, idle and busy: how many delegates one machine holds.

Starts the hub as `make hub` does (python -m academy.hub, through tests/hub_session.py) with DELEGATES
delegates, signs each in through the login page and waits for their server. Each server's memory is the
proportional set size (PSS, in MiB: a shared library's pages are split between the processes sharing
them) of every process in that user's control group, so servers add up to what the machine spends.
- idle: signed in, JupyterLab served, no notebook open;
- busy: a kernel has run every code cell of one of the three teaching notebooks (data loaded, models
  run, explorers drawn), as a delegate following a session does; the delegates take the notebooks in
  turn, so each is measured, and the largest server sizes the machine.
The hub's own processes (hub, proxy, formgrader, board, culler) are measured once. From these, the
number of delegates with a busy server that machines of 8, 16, 24 and 32 GiB hold, keeping 2 GiB for the
operating system. Results: benchmarks/results/hub_idle_server_memory.json, hub_busy_server_memory.json
and hub_capacity.json. Must run as root (it makes Unix accounts, removed afterwards).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from hub_session import Hub, HubUser, remove_accounts  # noqa: E402 (the hub tests' own launcher and sign-in)

from academy.hub import accounts, spawner  # noqa: E402

DELEGATES = [f"pcia-bench-d{i}" for i in range(1, 6)]
FACULTY = "pcia-bench-fac"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))
OS_RESERVE_GIB = 2
MiB = 2**20


def pss_mib(pids: list[str]) -> float:
    """The processes' proportional set size added up, in MiB (from /proc/<pid>/smaps_rollup)."""
    total_kib = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total_kib / 1024


def server_pids(user: str) -> list[str]:
    """Every process in the user's control group: their server, its kernels and what those started."""
    files = spawner.process_files(user)
    return sorted(set(files[0].read_text().split())) if files else []


def measure(base: Path) -> dict:
    roster = base / "roster.csv"
    roster.write_text("delegate\n" + "".join(f"{d}\n" for d in DELEGATES))
    hub = Hub(base, roster, FACULTY, cohort=DELEGATES + [FACULTY, accounts.GRADER, accounts.BOARD])
    try:
        passwords = hub.passwords()
        people = [HubUser(hub.url, name, passwords[name]) for name in DELEGATES]
        for person in people:
            person.log_in()
        for person in people:
            person.wait_for_server()
            person.open(f"/user/{person.name}/lab")  # JupyterLab's page and settings served, as in a browser
        time.sleep(5)
        idle = [pss_mib(server_pids(p.name)) for p in people]
        service_pids = subprocess.run(["/usr/bin/pgrep", "-f", f"{hub.base}|configurable-http-proxy.*{hub.port}|"
                                       "jupyterhub_idle_culler|academy.board"], capture_output=True, text=True).stdout.split()
        hub_mib = pss_mib(service_pids + [str(hub.process.pid)])
        ran = {}
        for number, person in enumerate(people):  # each kernel is left running, as a delegate's is in a session
            notebook = NOTEBOOKS[number % len(NOTEBOOKS)]
            code = [cell.source for cell in jupytext.read(notebook).cells if cell.cell_type == "code"]
            person.run_in_kernel(code, cwd=str(ROOT / "notebooks"), keep_kernel=True)
            ran[person.name] = notebook.name
        time.sleep(2)
        busy = [pss_mib(server_pids(p.name)) for p in people]
        by_notebook = {}
        for person, mib in zip(people, busy):
            by_notebook[ran[person.name]] = max(by_notebook.get(ran[person.name], 0), round(mib, 1))
    finally:
        hub.stop()
    return {"idle": idle, "busy": busy, "hub": hub_mib, "by_notebook": by_notebook}


def capacity(busy_mib: float, hub_mib: float) -> dict[str, int]:
    """Delegates with a busy server that a machine of each size holds, after the OS reserve and the hub."""
    return {f"{gib} GiB": int((gib * 1024 - OS_RESERVE_GIB * 1024 - hub_mib) // busy_mib) for gib in (8, 16, 24, 32)}


def bench_hub_memory() -> list[dict]:
    from run import RESULTS, machine, record

    if os.geteuid() != 0:
        raise SystemExit("benchmarks/hub_memory.py makes Unix accounts and starts a hub as root: run it as root")
    cohort = DELEGATES + [FACULTY, accounts.GRADER, accounts.BOARD]
    remove_accounts(cohort)
    base = Path(tempfile.mkdtemp(prefix="pcia-hub-bench-", dir="/tmp"))
    base.chmod(0o755)
    shutil.copytree(ROOT / "exercises" / "source", base / "course-source" / "source")
    shutil.copy2(ROOT / "exercises" / "nbgrader_config.py", base / "course-source" / "nbgrader_config.py")
    try:
        found = measure(base)
    finally:
        remove_accounts(cohort)
        shutil.rmtree(base, ignore_errors=True)
    results = [record("hub_idle_server_memory", "MiB", found["idle"], target=512, target_on="median"),
               record("hub_busy_server_memory", "MiB", found["busy"], target=2048)]  # under each server's cap (2G)
    busy = max(found["busy"])
    table = {"busy_server_mib_max": round(busy, 1), "busy_server_mib_by_notebook": found["by_notebook"], "idle_server_mib_median": round(float(np.median(found["idle"])), 1),
             "hub_and_services_mib": round(found["hub"], 1), "os_reserve_gib": OS_RESERVE_GIB,
             "delegates_with_a_busy_server": capacity(busy, found["hub"]), "servers_measured": len(found["busy"]),
             "machine": machine()}
    (RESULTS / "hub_capacity.json").write_text(json.dumps(table, indent=2) + "\n")
    print("hub capacity:", json.dumps(table["delegates_with_a_busy_server"]))
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "benchmarks"))
    bench_hub_memory()
