"""A real JupyterHub on 127.0.0.1 with the cohort board registered, for the board's tests and benchmark.

The hub runs from this virtualenv (``jupyterhub -f <config>``) with its state in a temporary folder, the
dummy authenticator (one shared password) and configurable-http-proxy from ``$PCIA_CHP`` (or the kit's
own install, ``deploy/hub/node_modules/.bin/configurable-http-proxy``). The board's ``services`` and
``load_roles`` entries come from ``academy.board.hub.hub_service``; the board's command from that entry
is run here rather than by the hub (an external service, with its own API token and the environment a
managed service gets), so a test can kill -9 it and start it again at once: the hub would restart a
managed service too, but only when its 30-second poll notices.

Every user gets a hub API token holding what a notebook kernel's token holds on the cohort's hub
(``users:activity!user`` and ``access:services!service=board``), made through the hub's REST API with an
admin service's token. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from jupyter_api import free_port

from academy.board.hub import SERVICE_NAME, hub_service
from academy.hub import machine

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "board-test-password"
NOTEBOOK_TOKEN_SCOPES = ["users:activity!user", f"access:services!service={SERVICE_NAME}"]


def chp_command() -> str:
    """configurable-http-proxy: ``$PCIA_CHP``, else the kit's own install (make's npm ci in deploy/hub/)."""
    chp = os.environ.get("PCIA_CHP") or str(machine.PROXY)
    assert Path(chp).exists(), f"configurable-http-proxy is not at {chp}: run make test, which installs it"
    return chp


@dataclass
class Hub:
    """A running hub and board. ``url``: the hub's public address (the proxy), ``board_url``: the board
    through it (ending in /), ``tokens``: each user's notebook-like hub token, ``db``: the board's SQLite."""

    folder: Path
    url: str
    api_url: str
    board_url: str
    board_service_url: str
    board_token: str
    admin_token: str
    db: Path
    board_command: list[str]
    faculty: list[str]
    delegates: list[str]
    tokens: dict[str, str] = field(default_factory=dict)
    board_process: subprocess.Popen | None = None

    def board_environment(self) -> dict[str, str]:
        """The environment a managed service gets from the hub (JupyterHub's _ServiceSpawner)."""
        prefix = f"/services/{SERVICE_NAME}/"
        return {**{k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")},
                "JUPYTERHUB_SERVICE_NAME": SERVICE_NAME, "JUPYTERHUB_SERVICE_URL": self.board_service_url,
                "JUPYTERHUB_SERVICE_PREFIX": prefix, "JUPYTERHUB_API_TOKEN": self.board_token,
                "JUPYTERHUB_API_URL": self.api_url, "JUPYTERHUB_BASE_URL": "/",
                "JUPYTERHUB_CLIENT_ID": f"service-{SERVICE_NAME}",
                "JUPYTERHUB_OAUTH_CALLBACK_URL": prefix + "oauth_callback",
                "JUPYTERHUB_OAUTH_ACCESS_SCOPES": json.dumps([f"access:services!service={SERVICE_NAME}"])}

    def start_board(self, seconds: float = 30) -> None:
        """Start the board (the command hub_service gave) and wait until it answers (on its own port: the
        hub may not be up yet; it waits 30 s for an external service it cannot reach, so the board goes
        first)."""
        log = open(self.folder / "board.log", "ab")
        self.board_process = subprocess.Popen(self.board_command, env=self.board_environment(), cwd=self.folder,
                                              stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.board_process.poll() is None, "the board stopped: " + (self.folder / "board.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(f"{self.board_service_url}/services/{SERVICE_NAME}/api/me", timeout=2)
            except urllib.error.HTTPError as error:
                if error.code == 401:  # the board itself, refusing a request with no token
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("the board did not start: " + (self.folder / "board.log").read_text()[-3000:])

    def kill_board(self) -> None:
        """kill -9 the board (no chance to tidy up), and reap it."""
        if self.board_process and self.board_process.poll() is None:
            os.kill(self.board_process.pid, signal.SIGKILL)
            self.board_process.wait(timeout=10)

    def stop_board(self) -> None:
        if self.board_process and self.board_process.poll() is None:
            self.board_process.terminate()
            try:
                self.board_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill_board()

    def hub_api(self, method: str, path: str, data: dict | None = None) -> dict | None:
        """Call the hub's REST API with the admin service's token."""
        response = requests.request(method, self.api_url + path, json=data, timeout=30,
                                    headers={"Authorization": f"token {self.admin_token}"})
        response.raise_for_status()
        return response.json() if response.content else None

    def browser_session(self, name: str) -> requests.Session:
        """A requests session signed in through the hub's login page, then into the board (OAuth): it
        holds the cookies a browser would, and the board page's XSRF token as ``session.xsrf``."""
        session = requests.Session()
        next_url = f"?next=/services/{SERVICE_NAME}/"  # not the hub's default, which starts a notebook server
        login = session.get(f"{self.url}/hub/login{next_url}", timeout=30)
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', login.text).group(1)
        done = session.post(f"{self.url}/hub/login{next_url}",
                            data={"username": name, "password": PASSWORD, "_xsrf": xsrf}, timeout=30)
        assert done.ok, f"{name} could not sign in to the hub: {done.status_code}"
        page = session.get(self.board_url, timeout=30)
        assert page.status_code == 200 and "Cohort board" in page.text, f"{name} did not reach the board: {page.status_code}"
        session.xsrf = re.search(r'data-xsrf="([^"]+)"', page.text).group(1)
        return session


CONFIG = """
c = get_config()  # noqa: F821
import json
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {proxy_port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.auth_token = {proxy_token!r}
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{folder}/jupyterhub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.services = json.loads({services!r})
c.JupyterHub.load_roles = json.loads({roles!r})
c.JupyterHub.load_groups = json.loads({groups!r})
c.JupyterHub.log_level = "WARN"
"""


def _wait_for_hub(url: str, board_url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Wait until the hub answers through its proxy, and the proxy has its route to the board."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the hub stopped: " + log.read_text()[-3000:]
        try:
            urllib.request.urlopen(f"{url}/hub/api/", timeout=2)
            urllib.request.urlopen(f"{board_url}api/me", timeout=2)
        except urllib.error.HTTPError as error:
            if error.code == 401 and error.url.startswith(board_url):  # the board refusing: it is routed
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("the hub did not start: " + log.read_text()[-3000:])


@contextmanager
def running_hub(folder: Path, delegates: list[str], faculty: list[str], faculty_group: str = "faculty"):
    """Start a hub with the board (see the module's docstring) for the duration; yields a ``Hub``.

    ``faculty`` are put in the hub group ``faculty_group``; every user in both lists gets a token."""
    folder = Path(folder)
    proxy_port, proxy_api_port, hub_port, board_port = free_port(), free_port(), free_port(), free_port()
    db = folder / "board.sqlite"
    services, roles = hub_service(str(db), board_port, faculty_group=faculty_group)
    board = services[0]
    command = board.pop("command")  # run here, as an external service (see the module's docstring)
    board["api_token"] = board_token = secrets.token_hex(32)
    admin_token = secrets.token_hex(32)
    services.append({"name": "test-admin", "api_token": admin_token})
    roles.append({"name": "test-admin", "scopes": ["admin:users", "admin:groups", "tokens", "read:users", "access:services"],
                  "services": ["test-admin"]})
    config = folder / "jupyterhub_config.py"
    config.write_text(CONFIG.format(
        proxy_port=proxy_port, hub_port=hub_port, proxy_api_port=proxy_api_port, chp=chp_command(),
        proxy_token=secrets.token_hex(32), folder=folder, password=PASSWORD, services=json.dumps(services),
        roles=json.dumps(roles), groups=json.dumps({faculty_group: {"users": faculty}})))
    url = f"http://127.0.0.1:{proxy_port}"
    hub = Hub(folder=folder, url=url, api_url=f"http://127.0.0.1:{hub_port}/hub/api",
              board_url=f"{url}/services/{SERVICE_NAME}/", board_service_url=f"http://127.0.0.1:{board_port}",
              board_token=board_token, admin_token=admin_token, db=db, board_command=command,
              faculty=list(faculty), delegates=list(delegates))
    hub_process = None
    try:
        hub.start_board()
        log = open(folder / "jupyterhub.log", "ab")
        hub_process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=folder, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True,
                                       env={k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")})
        log.close()
        _wait_for_hub(url, hub.board_url, hub_process, folder / "jupyterhub.log")
        hub.hub_api("POST", "/users", {"usernames": list(delegates)})
        for name in [*faculty, *delegates]:
            hub.tokens[name] = hub.hub_api("POST", f"/users/{name}/tokens",
                                           {"scopes": NOTEBOOK_TOKEN_SCOPES, "note": "as a notebook's token",
                                            "expires_in": 3600})["token"]
        yield hub
    finally:
        hub.stop_board()
        if hub_process is None:
            return
        hub_process.terminate()  # the hub stops the proxy it started
        try:
            hub_process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(hub_process.pid, signal.SIGKILL)  # the hub's own process group (it and its proxy)
            hub_process.wait(timeout=10)
