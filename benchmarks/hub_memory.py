"""Memory per JupyterLab server on the cohort's hub, idle and busy: how many delegates one machine holds.

Starts the hub as `make hub` does (python -m academy.hub, through tests/hub_session.py) with DELEGATES
delegates, signs each in through the login page and waits for their server. Each server's memory is the
proportional set size (PSS, in MiB: a shared library's pages are split between the processes sharing
them) of every process in that user's control group, so servers add up to what the machine spends.
- idle: signed in, JupyterLab served, no notebook open;
- busy: a kernel has run every code cell of the workforce-retention teaching notebook (data loaded,
  models run, explorers drawn), as a delegate following the session does.
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
from hub_session import Hub, HubUser  # noqa: E402 (the hub tests' own launcher and sign-in)

from academy.hub import accounts, spawner  # noqa: E402

DELEGATES = [f"pcia-bench-d{i}" for i in range(1, 6)]
FACULTY = "pcia-bench-fac"
NOTEBOOK = ROOT / "notebooks" / "workforce_retention.md"
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


def remove_accounts() -> None:
    for user in DELEGATES + [FACULTY]:
        subprocess.run(["/usr/bin/pkill", "-KILL", "-u", user], capture_output=True)
        subprocess.run(["/usr/sbin/userdel", "--remove", user], capture_output=True)


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
        code = [cell.source for cell in jupytext.read(NOTEBOOK).cells if cell.cell_type == "code"]
        for person in people:  # the kernel is left running, as a delegate's is during a session
            person.run_in_kernel(code, cwd=str(ROOT / "notebooks"), keep_kernel=True)
        time.sleep(2)
        busy = [pss_mib(server_pids(p.name)) for p in people]
    finally:
        hub.stop()
    return {"idle": idle, "busy": busy, "hub": hub_mib}


def capacity(busy_mib: float, hub_mib: float) -> dict[str, int]:
    """Delegates with a busy server that a machine of each size holds, after the OS reserve and the hub."""
    return {f"{gib} GiB": int((gib * 1024 - OS_RESERVE_GIB * 1024 - hub_mib) // busy_mib) for gib in (8, 16, 24, 32)}


def bench_hub_memory() -> list[dict]:
    from run import RESULTS, machine, record

    if os.geteuid() != 0:
        raise SystemExit("benchmarks/hub_memory.py makes Unix accounts and starts a hub as root: run it as root")
    remove_accounts()
    base = Path(tempfile.mkdtemp(prefix="pcia-hub-bench-", dir="/tmp"))
    base.chmod(0o755)
    shutil.copytree(ROOT / "exercises" / "source", base / "course-source" / "source")
    shutil.copy2(ROOT / "exercises" / "nbgrader_config.py", base / "course-source" / "nbgrader_config.py")
    try:
        found = measure(base)
    finally:
        remove_accounts()
        shutil.rmtree(base, ignore_errors=True)
    results = [record("hub_idle_server_memory", "MiB", found["idle"], target=512, target_on="median"),
               record("hub_busy_server_memory", "MiB", found["busy"], target=2048)]  # under each server's cap (2G)
    busy = float(np.percentile(found["busy"], 95))
    table = {"busy_server_mib_p95": round(busy, 1), "idle_server_mib_median": round(float(np.median(found["idle"])), 1),
             "hub_and_services_mib": round(found["hub"], 1), "os_reserve_gib": OS_RESERVE_GIB,
             "delegates_with_a_busy_server": capacity(busy, found["hub"]), "servers_measured": len(found["busy"]),
             "notebook": NOTEBOOK.name, "machine": machine()}
    (RESULTS / "hub_capacity.json").write_text(json.dumps(table, indent=2) + "\n")
    print("hub capacity:", json.dumps(table["delegates_with_a_busy_server"]))
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "benchmarks"))
    bench_hub_memory()
