"""Each user's JupyterLab on the cohort's one machine: their own Unix account, inside a control group that
caps its memory and CPU.

JupyterHub's LocalProcessSpawner starts a server as the user but leaves ``mem_limit`` and ``cpu_limit``
as advice. This spawner makes them limits: before the server's process becomes the user, it joins a
control group of its own (``pcia-hub/<user>``), so the server, its kernels and anything they start share
one memory cap (the kernel stops the process that goes over it) and one CPU quota (``cpu_limit`` cores).
Both versions of Linux control groups are handled: v2 (one tree) and v1 (a tree per controller). Where
neither can be written (an unprivileged container), the hub logs that the limits are not enforced.
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner

CGROUP_ROOT = Path("/sys/fs/cgroup")
GROUP = "pcia-hub"
CPU_PERIOD_US = 100_000  # the scheduler's accounting period, microseconds


def cgroup_version(root: Path = CGROUP_ROOT) -> int:
    """2 for the unified hierarchy, 1 for separate memory and cpu trees, 0 if neither is there."""
    if (root / "cgroup.controllers").exists():
        return 2
    if (root / "memory").is_dir() and (root / "cpu").is_dir():
        return 1
    return 0


def limit_files(user: str, mem_bytes: int, cpu_cores: float, root: Path = CGROUP_ROOT) -> dict[Path, str]:
    """The control-group files to write, and what to write in each, to cap a user at mem_bytes of memory
    (bytes) and cpu_cores of CPU time (cores, 1.0 = one whole core). Empty if there are no control groups."""
    quota = int(cpu_cores * CPU_PERIOD_US) if cpu_cores else 0
    if cgroup_version(root) == 2:
        group = root / GROUP / user
        files = {}
        if mem_bytes:
            files[group / "memory.max"] = str(mem_bytes)
            files[group / "memory.swap.max"] = "0"
        if quota:
            files[group / "cpu.max"] = f"{quota} {CPU_PERIOD_US}"
        return files
    if cgroup_version(root) == 1:
        files = {}
        if mem_bytes:
            files[root / "memory" / GROUP / user / "memory.limit_in_bytes"] = str(mem_bytes)
        if quota:
            files[root / "cpu" / GROUP / user / "cpu.cfs_period_us"] = str(CPU_PERIOD_US)
            files[root / "cpu" / GROUP / user / "cpu.cfs_quota_us"] = str(quota)
        return files
    return {}


def process_files(user: str, root: Path = CGROUP_ROOT) -> list[Path]:
    """The files a process writes its pid to, to join the user's control groups."""
    if cgroup_version(root) == 2:
        return [root / GROUP / user / "cgroup.procs"]
    if cgroup_version(root) == 1:
        return [root / tree / GROUP / user / "cgroup.procs" for tree in ("memory", "cpu")]
    return []


def make_groups(user: str, mem_bytes: int, cpu_cores: float, root: Path = CGROUP_ROOT) -> list[Path]:
    """Create the user's control groups with their limits; return the files a process joins them by."""
    files = limit_files(user, mem_bytes, cpu_cores, root)
    if cgroup_version(root) == 2:
        # A v2 group's children get a controller only if their parent hands it down.
        for parent in (root, root / GROUP):
            parent.mkdir(exist_ok=True)
            (parent / "cgroup.subtree_control").write_text("+memory +cpu")
    for path, value in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.name == "memory.swap.max" and not path.exists():
            continue  # no swap accounting on this kernel: nothing to cap
        path.write_text(value)
    return process_files(user, root) if files else []


class CohortSpawner(LocalProcessSpawner):
    """A user's server as their own Unix account, capped at ``mem_limit`` and ``cpu_limit``."""

    def make_preexec_fn(self, name):
        become_user = super().make_preexec_fn(name)
        try:
            joins = make_groups(name, int(self.mem_limit or 0), float(self.cpu_limit or 0))
        except OSError as error:
            self.log.warning("Memory and CPU limits for %s are not enforced: %s", name, error)
            joins = []
        if not joins and (self.mem_limit or self.cpu_limit):
            self.log.warning("Memory and CPU limits for %s are not enforced: no control groups here", name)

        def preexec():
            # Runs in the new process before it becomes the user (only root may move it into a group).
            for path in joins:
                fd = os.open(path, os.O_WRONLY)
                try:
                    os.write(fd, str(os.getpid()).encode())
                finally:
                    os.close(fd)
            become_user()

        return preexec

    async def stop(self, now=False):
        await super().stop(now=now)
        for path in process_files(self.user.name):
            try:
                path.parent.rmdir()  # only empty groups can go; a busy one is reused at the next start
            except OSError:
                pass
