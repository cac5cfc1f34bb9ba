"""The cohort's JupyterHub on one machine (`make hub`, which runs `python -m academy.hub`).

Who signs in: members of the Unix groups pcia-delegates and pcia-faculty, with their own passwords (PAM);
academy.hub.accounts makes the accounts from the roster. Each user's JupyterLab runs as their own account,
capped in memory and CPU (academy.hub.spawner), with the kit's packages, settings and kernel, and opens on
the kit's notebooks, which nbgitpuller copies into their home at first sign-in and updates after.

Services: the formgrader (nbgrader's, run as the grader account on the course; the faculty group alone may
open it), the cohort board (academy.board; everyone may open it, faculty see the answers) and the idle
culler (stops a server left idle for PCIA_HUB_IDLE_TIMEOUT seconds, an hour unless told otherwise).

academy.hub's launcher sets the PCIA_HUB_* variables this file reads; see README's "The cohort's hub".
"""

import os
import pwd
import sys
from pathlib import Path
from urllib.parse import urlencode

from jupyterhub.utils import random_port

from academy.board.hub import hub_service
from academy.hub import accounts, machine

c = get_config()  # noqa: F821 (JupyterHub provides get_config when it reads this file)

STATE = Path(os.environ.get("PCIA_HUB_STATE", machine.DEFAULT_STATE))
EXCHANGE = Path(os.environ.get("PCIA_EXCHANGE", machine.DEFAULT_EXCHANGE))
IP = os.environ.get("PCIA_HUB_IP", "")  # every address the machine has, unless told
PORT = int(os.environ.get("PCIA_HUB_PORT", "8000"))
PUBLIC_URL = f"http://{IP or '127.0.0.1'}:{PORT}"
USER_ENV = machine.user_environment(STATE, EXCHANGE)
PYTHON = str(machine.python_for_users())

# The hub, its proxy (configurable-http-proxy, installed from npm by make) and what they keep.
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{random_port()}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{random_port()}"
c.ConfigurableHTTPProxy.command = [os.environ.get("PCIA_CHP", str(machine.PROXY))]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")

# Who may sign in: the cohort's two Unix groups, each person with their own password. No one is a hub
# admin (an admin could open a delegate's server); the programme office runs the machine as root.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {accounts.DELEGATES_GROUP, accounts.FACULTY_GROUP}
c.PAMAuthenticator.open_sessions = False  # no login sessions to open for a web sign-in
c.Authenticator.admin_users = set()
FACULTY = accounts.group_members(accounts.FACULTY_GROUP)
c.JupyterHub.load_groups = {"faculty": {"users": FACULTY}}

# Each user's server: their own account, capped, with the kit's environment; idle ones are stopped.
c.JupyterHub.spawner_class = "academy.hub.spawner.CohortSpawner"
c.Spawner.cmd = [PYTHON, "-m", "jupyterhub.singleuser"]
c.Spawner.environment = dict(USER_ENV, PCIA_MY_ASSIGNMENTS=lambda spawner: pwd.getpwnam(spawner.user.name).pw_dir)
c.Spawner.mem_limit = os.environ.get("PCIA_HUB_MEM_LIMIT", "2G")
c.Spawner.cpu_limit = float(os.environ.get("PCIA_HUB_CPU_LIMIT", "1"))
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60

# The kit's notebooks into each home: nbgitpuller clones the kit at first sign-in (into ~/teaching-kit)
# and merges updates after, keeping the delegate's own changes. git reads a repository another account owns
# only if a configuration it trusts says so: the launcher writes one (machine.write_git_config).
REPO, BRANCH = machine.kit_repository()
c.Spawner.environment["GIT_CONFIG_SYSTEM"] = str(STATE / "gitconfig")
PULL = urlencode({"repo": REPO, "branch": BRANCH, "targetpath": "teaching-kit", "urlpath": "lab/tree/teaching-kit/notebooks"})
c.Spawner.default_url = f"/git-pull?{PULL}"

# The formgrader, on the course the grader account owns; only the faculty group may open it.
FORMGRADER_PORT = random_port()
c.JupyterHub.services = [
    {
        "name": "formgrader",
        "display": True,
        "url": f"http://127.0.0.1:{FORMGRADER_PORT}",
        "command": [PYTHON, "-m", "jupyterhub.singleuser", f"--port={FORMGRADER_PORT}", "--ip=127.0.0.1",
                    f"--ServerApp.root_dir={STATE / 'course'}"],
        "user": accounts.GRADER,
        "cwd": str(STATE / "course"),
        "environment": dict(USER_ENV, JUPYTERHUB_DEFAULT_URL="/formgrader", HOME=str(STATE / "course"),
                            PCIA_MY_ASSIGNMENTS=str(STATE / "course")),
        "oauth_no_confirm": True,
    },
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={os.environ.get('PCIA_HUB_IDLE_TIMEOUT', '3600')}",
                    f"--cull-every={os.environ.get('PCIA_HUB_CULL_EVERY', '300')}"],
    },
]
c.JupyterHub.load_roles = [
    {"name": "formgrader-for-faculty", "scopes": ["access:services!service=formgrader"], "groups": ["faculty"]},
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]

# The cohort board, where delegates' answers reach the projector: run as an account of its own, its answers
# in the hub's folder. A notebook's token (JUPYTERHUB_API_TOKEN) may post to it, and nothing more than the
# server's own token could do already.
BOARD_SERVICES, BOARD_ROLES = hub_service(STATE / "board" / "board.sqlite", random_port(), faculty_group="faculty",
                                          python=PYTHON)
for board in BOARD_SERVICES:
    board.update(user=accounts.BOARD, cwd=str(STATE / "board"), environment=dict(USER_ENV, HOME=str(STATE / "board")))
c.JupyterHub.services += BOARD_SERVICES
c.JupyterHub.load_roles += BOARD_ROLES
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", "access:services!service=board"]
c.Spawner.environment["PCIA_BOARD_URL"] = f"{PUBLIC_URL}/services/board/"
