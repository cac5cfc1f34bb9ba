"""Where the cohort's hub keeps things on its one machine, and what each user's server runs with.

The hub's folder (``/srv/pcia-hub`` unless told otherwise) holds its database, cookie secret, password
sheets, the cohort board's answers, the course (owned by the grader account) and the kernel spec every
user's notebooks run with. The nbgrader exchange is ``/srv/nbgrader/exchange``, nbgrader's usual place,
writable by everyone as nbgrader's documentation asks (nbgrader itself makes each course's ``inbound``
folder one that takes submissions but cannot be listed, so no delegate can read another's work).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import academy

KIT = Path(academy.__file__).resolve().parents[1]
DEFAULT_STATE = Path("/srv/pcia-hub")
DEFAULT_EXCHANGE = Path("/srv/nbgrader/exchange")
PROXY = KIT / "deploy" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"


def site_packages() -> Path:
    """The kit's installed packages (the virtualenv's site-packages)."""
    return Path(sysconfig.get_paths()["purelib"])


def everyone_can_run(path: Path) -> bool:
    """Whether any user can run this program: it and every folder above it are open to others."""
    path = path.resolve()
    if not path.exists() or not path.stat().st_mode & stat.S_IXOTH:
        return False
    return all(folder.stat().st_mode & stat.S_IXOTH for folder in path.parents)


def python_for_users() -> Path:
    """A Python 3.11 every user can run, with the kit's packages on PYTHONPATH (see user_environment).

    The virtualenv's own Python if everyone can run it; otherwise (a virtualenv made from a Python under
    /root, say) the machine's /usr/bin/python3.11.
    """
    own = Path(sys.executable)
    if everyone_can_run(own):
        return own
    machine = Path(shutil.which("python3.11", path="/usr/local/bin:/usr/bin:/bin") or "/usr/bin/python3.11")
    if not everyone_can_run(machine):
        raise SystemExit(f"Users cannot run {own.resolve()}, and there is no Python 3.11 they can: install one "
                         "(apt-get install python3.11) or make the kit's virtualenv from a Python outside /root.")
    return machine


def user_environment(state: Path, exchange: Path) -> dict[str, str]:
    """What every user's server (and the formgrader) runs with: the kit's packages, its JupyterLab settings
    and extensions, the kernel spec below, and the shared exchange."""
    venv = Path(sys.prefix)
    return {
        "PYTHONPATH": f"{site_packages()}:{KIT}",  # the kit is installed editable: .pth files are not read here
        "PATH": f"{state / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_PATH": f"{state / 'jupyter'}:{venv / 'share' / 'jupyter'}",
        "JUPYTER_CONFIG_PATH": str(venv / "etc" / "jupyter"),
        "JUPYTERLAB_DIR": str(venv / "share" / "jupyter" / "lab"),
        "PCIA_EXCHANGE": str(exchange),
        "LANG": "C.UTF-8",
    }


def write_kernel_spec(state: Path) -> Path:
    """The "Python 3 (academy)" kernel, run with the Python every user can run."""
    folder = state / "jupyter" / "kernels" / "python3"
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [str(python_for_users()), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (academy)", "language": "python", "metadata": {"debugger": True}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    for path in (state, state / "jupyter", folder.parent, folder):
        path.chmod(0o755)
    return folder


# Commands users' servers run by name (nbgrader runs `alembic` when it makes a gradebook), and a user may
# type in a terminal: the virtualenv's own scripts name a Python they may not be able to run.
COMMANDS = {"alembic": "alembic.config", "jupyter": "jupyter_core.command", "nbgrader": "nbgrader.apps.nbgraderapp"}


def write_commands(state: Path) -> Path:
    """Scripts for COMMANDS that run with the Python every user can run; return their folder."""
    folder = state / "bin"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    for name, module in COMMANDS.items():
        script = folder / name
        script.write_text(f"#!{python_for_users()}\nimport sys\nfrom {module} import main\nsys.exit(main())\n")
        script.chmod(0o755)
    return folder


def make_exchange(exchange: Path) -> None:
    """nbgrader's exchange: a folder everyone can write to (nbgrader sets each course's folders inside)."""
    exchange.mkdir(parents=True, exist_ok=True)
    exchange.chmod(0o777)
    for folder in exchange.parents:
        if folder == Path("/"):
            break
        if not folder.stat().st_mode & stat.S_IXOTH:
            raise SystemExit(f"Users cannot reach the exchange {exchange}: {folder} is closed to them.")


def prepare_course(state: Path, source: Path, grader: str, delegates: list[str], env: dict[str, str]) -> Path:
    """The course the formgrader grades: a copy of the kit's exercises (source and nbgrader settings), owned
    by the grader account, with the roster in its gradebook. An existing course is kept as it is, apart
    from the roster."""
    course = state / "course"
    if not course.exists():
        course.mkdir()
        shutil.copytree(source / "source", course / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        shutil.copy2(source / "nbgrader_config.py", course / "nbgrader_config.py")
        subprocess.run(["chown", "-R", f"{grader}:{grader}", str(course)], check=True)
    roster = state / "roster.csv"
    roster.write_text("delegate\n" + "".join(f"{d}\n" for d in delegates))
    roster.chmod(0o644)
    done = subprocess.run(["/usr/sbin/runuser", "-u", grader, "--", str(python_for_users()), "-m", "academy.course.cli",
                           "roster", str(roster), "--course", str(course)],
                          cwd=course, env=dict(env, HOME=str(course)), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"Loading the roster into the course's gradebook failed:\n{done.stdout}{done.stderr}")
    return course


def write_git_config(state: Path) -> Path:
    """The git settings users' servers read (GIT_CONFIG_SYSTEM): the kit's repository, owned by another
    account, is safe to read. Users' own ~/.gitconfig still applies."""
    repo, _ = kit_repository()
    path = state / "gitconfig"
    lines = [f"\tdirectory = {repo}\n"] + ([f"\tdirectory = {repo}/.git\n"] if Path(repo).is_dir() else [])
    path.write_text("[safe]\n" + "".join(lines))
    path.chmod(0o644)
    return path


def kit_repository() -> tuple[str, str]:
    """The git repository and branch nbgitpuller copies into each home: PCIA_KIT_REPO and PCIA_KIT_BRANCH,
    else this kit's own folder and the branch it is on."""
    repo = os.environ.get("PCIA_KIT_REPO") or str(KIT)
    branch = os.environ.get("PCIA_KIT_BRANCH")
    if not branch:
        done = subprocess.run(["git", "-C", str(KIT), "rev-parse", "--abbrev-ref", "HEAD"], capture_output=True, text=True)
        branch = done.stdout.strip() if done.returncode == 0 and done.stdout.strip() != "HEAD" else "main"
    return repo, branch
