"""Run a delegate's notebook code where it can do no harm.

When a submission is graded, its code runs in a Jupyter kernel. nbgrader starts that kernel as the
grader, with the grader's rights: it could read the solutions and the gradebook, change another
delegate's files or stop the batch. Here the grader (root on the course machine) starts each kernel in
a sandbox instead, made of three standard Linux tools:

- **bubblewrap** (Debian's ``bubblewrap``, the sandbox Flatpak uses) gives the kernel its own view of
  the file system, built from nothing: the Python installation, the kit's virtualenv, the ``academy``
  library and the case data, all read-only, and a small empty scratch folder. The course folder (source
  notebooks with their solutions, the gradebook, everyone's submissions) is simply not there. It also
  gives the kernel no network, its own process tree (it cannot see or signal the grader) and dies with
  the grader.
- **setpriv** (util-linux) then drops to an unprivileged Unix user, one per grading slot
  (``pcia-grader1``, ``pcia-grader2``, ...), with no supplementary groups and no way to regain
  privileges: even a file the sandbox shows cannot be changed.
- **prlimit** (util-linux) caps memory, processes, CPU time, file size and open files, so a memory
  bomb, a fork bomb or an endless loop ends in an error for that delegate alone.

Why these rather than others: bubblewrap builds an allow-list view (only what is named is visible)
where ``unshare`` alone would need every secret path hidden by hand; it is one small Debian package,
needs no daemon and no container image. ``runuser`` would open a PAM session for each kernel;
``setpriv`` only changes the ids. A per-slot user keeps two kernels' process limits apart (Linux counts
processes per user), so one delegate's fork bomb cannot starve the kernel grading the next.

The kernel talks to the grader through Unix sockets in a folder only it and the grader can use (the
``ipc`` transport of Jupyter's protocol): with no network in the sandbox there is no TCP port to open.

Only root can start kernels as another user. Elsewhere (a faculty laptop trying the kit) grading
refuses to run delegates' code unless asked to with ``--no-sandbox``.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Int, Unicode

import academy

# What the kernel may read: the library and the data its notebooks load, and the Python that runs them.
LIBRARY = Path(academy.__file__).resolve().parent
CASE_DATA = LIBRARY.parent / "case_studies"
USER_PREFIX = "pcia-grader"
SCRATCH_ROOT = Path("/tmp/academy-grading")
# The files of /etc a Python kernel reads: users and groups (for names), time zone, fonts, libraries.
ETC = ("passwd", "group", "localtime", "timezone", "ld.so.cache", "fonts", "mime.types", "ssl", "matplotlibrc")


@dataclass(frozen=True)
class Limits:
    """What one delegate's kernel may use. The defaults suit the kit's exercises with room to spare."""

    memory_bytes: int = 3 * 2**30  # address space of each process in the sandbox
    processes: int = 96  # threads count too (numpy's and the kernel's own)
    cpu_seconds: int = 600
    file_bytes: int = 16 * 2**20  # largest file the kernel may write
    open_files: int = 256
    scratch_bytes: int = 64 * 2**20  # the scratch folder and /tmp together hold at most this much


class SandboxUnavailable(RuntimeError):
    """The machine cannot sandbox a kernel (not root, or bubblewrap missing): the message says which."""


def check_available() -> None:
    """Raise ``SandboxUnavailable`` with a plain reason if kernels cannot be sandboxed here."""
    if os.geteuid() != 0:
        raise SandboxUnavailable(
            "Grading runs each delegate's code as an unprivileged user, which only root can arrange: run "
            "`sudo academy grade ...` on the course machine (or, for notebooks you trust, --no-sandbox).")
    missing = [tool for tool in ("bwrap", "setpriv", "prlimit", "useradd") if tool_path(tool) is None]
    if missing:
        raise SandboxUnavailable(f"Grading needs {', '.join(missing)}: install Debian's bubblewrap and util-linux "
                                 "(sudo apt-get install bubblewrap), or run `make test` once, which installs them.")


def tool_path(name: str) -> str | None:
    """Where a system tool is, looking in the system folders too (useradd is in /usr/sbin, often not on PATH)."""
    return shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin", "/sbin", "/bin"]))


def grader_user(slot: int) -> pwd.struct_passwd:
    """The unprivileged user that runs kernels in grading slot ``slot`` (1, 2, ...), created if missing:
    a system user with no home, no password and no login shell."""
    name = f"{USER_PREFIX}{slot}"
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run([tool_path("useradd") or "useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                        "--shell", "/usr/sbin/nologin", "--user-group", name], check=True, capture_output=True)
        return pwd.getpwnam(name)


def sandbox_command(argv: list[str], user: pwd.struct_passwd, sockets: Path, work_files: list[Path],
                    limits: Limits) -> list[str]:
    """The command that runs ``argv`` (a kernel) in the sandbox as ``user``: ``sockets`` is the folder it
    shares with the grader; ``work_files`` are the delegate's own files, shown read-only in its working
    folder, /home/delegate/work."""
    python = Path(sys.base_prefix).resolve()
    venv = Path(sys.prefix).resolve()
    read_only = sorted({python, venv, LIBRARY, CASE_DATA})
    command = ["bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session", "--clearenv",
               "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
               "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/sbin", "/sbin",
               "--proc", "/proc", "--dev", "/dev",
               "--perms", "1777", "--size", str(limits.scratch_bytes // 2), "--tmpfs", "/tmp",
               "--perms", "0777", "--size", str(limits.scratch_bytes // 2), "--tmpfs", "/home/delegate"]
    for name in ETC:
        if Path("/etc", name).exists():
            command += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    # bubblewrap makes the folders above a mount point private to root: open them (mode 755) first, so
    # the unprivileged user can reach what is mounted below.
    parents = sorted({parent for path in [*read_only, sockets] for parent in path.parents if parent != Path("/")},
                     key=lambda p: len(p.parts))
    for parent in parents:
        if str(parent) not in ("/usr", "/tmp"):
            command += ["--perms", "0755", "--dir", str(parent)]
    for path in read_only:
        if path.exists():
            command += ["--ro-bind", str(path), str(path)]
    command += ["--bind", str(sockets), str(sockets)]
    for path in work_files:
        command += ["--ro-bind", str(path), f"/home/delegate/work/{path.name}"]
    command += ["--perms", "0777", "--dir", "/home/delegate/work", "--chdir", "/home/delegate/work"]
    environment = {"HOME": "/home/delegate", "PATH": f"{venv}/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                   "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/matplotlib", "PYTHONHASHSEED": "0",
                   "NUMBA_CACHE_DIR": "/tmp/numba", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                   "PYDEVD_DISABLE_FILE_VALIDATION": "1", "NBGRADER_EXECUTION": "autograde"}
    for key, value in environment.items():
        command += ["--setenv", key, value]
    command += ["--", "prlimit", f"--as={limits.memory_bytes}", f"--nproc={limits.processes}",
                f"--cpu={limits.cpu_seconds}", f"--fsize={limits.file_bytes}", f"--nofile={limits.open_files}",
                "--core=0", "--",
                "setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--no-new-privs",
                "--inh-caps=-all", "--bounding-set=-all", "--"]
    return command + argv


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts its kernel in the sandbox (see the module's docstring). nbgrader's
    Execute preprocessor uses it when ``Execute.kernel_manager_class`` names it."""

    slot = Int(1, help="The grading slot, which picks the unprivileged user (pcia-grader<slot>).").tag(config=True)
    work_folder = Unicode("", help="The delegate's own files, shown read-only in the kernel's working folder.").tag(config=True)

    _sockets: Path | None = None

    async def _async_pre_start_kernel(self, **kw):
        self._user = grader_user(self.slot)
        SCRATCH_ROOT.mkdir(mode=0o711, exist_ok=True)
        self._sockets = Path(tempfile.mkdtemp(prefix="kernel-", dir=SCRATCH_ROOT))
        os.chown(self._sockets, self._user.pw_uid, self._user.pw_gid)
        self.transport = "ipc"
        self.connection_file = str(self._sockets / "connection.json")
        self.ip = str(self._sockets / "kernel")
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        # A signal to bubblewrap would not reach the kernel inside: interrupt it with a message instead.
        self.kernel_spec.interrupt_mode = "message"
        os.chown(self.connection_file, self._user.pw_uid, self._user.pw_gid)
        return kernel_cmd, kw

    def format_kernel_cmd(self, extra_arguments=None):
        argv = super().format_kernel_cmd(extra_arguments)
        folder = Path(self.work_folder) if self.work_folder else None
        files = sorted(p for p in folder.iterdir() if p.is_file()) if folder and folder.is_dir() else []
        return sandbox_command(argv, self._user, self._sockets, files, Limits())

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if self._sockets is not None and not restart:
            shutil.rmtree(self._sockets, ignore_errors=True)


class SandboxedExecute(Execute):
    """nbgrader's Execute step with the kernel in the sandbox, and a cap on what a cell may print: a
    cell that floods its output keeps the first ``max_output_chars`` and a note, so a 400 MB output
    never reaches the gradebook or the feedback page. Errors are always kept (nbgrader reads a failed
    check from them), shortened."""

    max_output_chars = Int(20_000, help="Most characters of output kept from one cell.").tag(config=True)

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxedKernelManager
        super().__init__(*args, **kwargs)
        self._kept: dict[int, int] = {}

    _stopped = ""

    def preprocess_cell(self, cell, resources, index):
        """Run one cell. If the kernel has died (``os._exit``, a crash) or cannot be interrupted, the
        cell gets an error saying so, and every later code cell an error saying it did not run, so
        the checks after it score nothing and the notebook is still graded on what ran before."""
        if self._stopped and cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("error", ename="NotRun", evalue=self._stopped, traceback=[
                f"NotRun: {self._stopped}"])]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError) as error:
            stopped = ("the kernel stopped while running this cell (os._exit, or it ran out of memory)"
                       if isinstance(error, DeadKernelError) else
                       f"this cell was still running after {self.timeout} seconds and could not be interrupted")
            self._stopped = f"not run, because {stopped}"
            cell.outputs.append(nbformat.v4.new_output("error", ename="KernelStopped", evalue=stopped,
                                                       traceback=[f"KernelStopped: {stopped}"]))
            return cell, resources

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), default=str))
        used = self._kept.get(cell_index, 0)
        if msg["msg_type"] == "error":
            content = msg["content"]
            content["evalue"] = str(content.get("evalue", ""))[:2000]
            content["traceback"] = [line[:2000] for line in content.get("traceback", [])[-20:]]
        elif used + size > self.max_output_chars:
            if used <= self.max_output_chars:
                self._kept[cell_index] = self.max_output_chars + 1
                outs.append(nbformat.v4.new_output(
                    "stream", name="stderr",
                    text=f"[The rest of this cell's output was not kept: a cell may show {self.max_output_chars:,} "
                         "characters at most.]\n"))
            return None
        self._kept[cell_index] = used + size
        return super().output(outs, msg, display_id, cell_index)
