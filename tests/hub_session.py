"""The cohort's hub started as `make hub` starts it (python -m academy.hub), and signing in to it as a
person does, over HTTP on 127.0.0.1: the login page, the server's OAuth hand-shake, and the Jupyter APIs a
user's JupyterLab calls (with its XSRF cookie). Used by tests/test_hub.py and benchmarks/hub_memory.py."""

from __future__ import annotations

import csv
import os
import pwd
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

import jupyter_api

BIN = Path(sys.executable).parent


class HubUser:
    """One person's browser session with the hub."""

    def __init__(self, base: str, name: str, password: str):
        self.base, self.name, self.password = base, name, password
        self.session = requests.Session()

    def log_in(self) -> requests.Response:
        """Fill in and send the hub's login form; return the page it lands on."""
        self.session.get(f"{self.base}/hub/login", timeout=30)
        form = {"username": self.name, "password": self.password, "_xsrf": self.session.cookies.get("_xsrf", path="/hub/")}
        return self.session.post(f"{self.base}/hub/login?next=", data=form, timeout=180)

    def open(self, path: str, **kwargs) -> requests.Response:
        """GET a page as the browser would, following redirects (the OAuth hand-shake included)."""
        return self.session.get(f"{self.base}{path}", timeout=kwargs.pop("timeout", 120), **kwargs)

    def wait_for_server(self, seconds: float = 120) -> None:
        """Wait until the user's own server answers them (it is spawned when they log in)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            page = self.open(f"/user/{self.name}/api/status", allow_redirects=False)
            if page.status_code == 200:
                return
            if page.status_code in (302, 403):  # not yet through the OAuth hand-shake: visit the server once
                self.open(f"/user/{self.name}/tree")
            time.sleep(0.5)
        raise AssertionError(f"{self.name}'s server did not answer within {seconds} s")

    def xsrf(self, prefix: str) -> dict[str, str]:
        """The XSRF header a Jupyter server under ``prefix`` expects with a cookie-signed POST (its own cookie)."""
        token = next((c.value for c in self.session.cookies if c.name == "_xsrf" and c.path == prefix), "")
        return {"X-XSRFToken": token, "Referer": f"{self.base}{prefix}"}

    def run_in_kernel(self, cells: list[str], cwd: str | None = None, keep_kernel: bool = False) -> str:
        """Start a kernel in the person's own server (as JupyterLab does) and run each piece of code in it, in
        turn; return what they printed. Fails, naming the error, if a piece of code raises. The kernel is shut
        down afterwards unless ``keep_kernel``."""
        from jupyter_client import BlockingKernelClient

        prefix = f"/user/{self.name}/"
        kernel = self.api("POST", prefix, "api/kernels", json={"name": "python3"}).json()
        runtime = Path(pwd.getpwnam(self.name).pw_dir) / ".local" / "share" / "jupyter" / "runtime"
        connection = runtime / f"kernel-{kernel['id']}.json"
        deadline = time.monotonic() + 60
        while not connection.exists():
            assert time.monotonic() < deadline, f"no connection file for {self.name}'s kernel"
            time.sleep(0.2)
        client = BlockingKernelClient()
        client.load_connection_file(str(connection))
        client.start_channels()
        printed: list[str] = []

        def keep(message: dict) -> None:
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])

        try:
            client.wait_for_ready(timeout=60)
            for code in ([f"import os; os.chdir({cwd!r})"] if cwd else []) + cells:
                reply = client.execute_interactive(code, timeout=600, output_hook=keep)
                content = reply["content"]
                assert content["status"] == "ok", f"{self.name}'s kernel: {content.get('ename')}: {content.get('evalue')}"
        finally:
            client.stop_channels()
            if not keep_kernel:
                self.api("DELETE", prefix, f"api/kernels/{kernel['id']}")
        return "".join(printed)

    def api(self, method: str, prefix: str, path: str, **kwargs) -> requests.Response:
        """Call a Jupyter server's API under ``prefix`` (/user/<name>/ or /services/formgrader/)."""
        return self.session.request(method, f"{self.base}{prefix}{path}", headers=self.xsrf(prefix), timeout=300,
                                    allow_redirects=False, **kwargs)


class Hub:
    """The hub process, started by the kit's launcher with this test's folders and port."""

    def __init__(self, base: Path, roster: Path, faculty: str, cohort: list[str], **env: str):
        """Start the hub with its folders under ``base`` (state/, exchange/, home/, and course-source/, which
        must hold the course to copy); ``cohort`` names the accounts whose processes stop() ends."""
        self.base, self.port, self.cohort = base, jupyter_api.free_port(), cohort
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = base / f"hub-{self.port}.log"
        command = [str(BIN / "python"), "-m", "academy.hub", "--roster", str(roster), "--faculty", faculty,
                   "--state", str(base / "state"), "--exchange", str(base / "exchange"), "--homes", str(base / "home"),
                   "--course", str(base / "course-source"), "--ip", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(command, env=dict(os.environ, **env),
                                        stdin=subprocess.DEVNULL, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if HubUser(self.url, "", "").open("/services/formgrader/", allow_redirects=False).status_code in (302, 403):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise AssertionError("the hub did not start:\n" + self.log.read_text()[-4000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for user in self.cohort:
            subprocess.run(["/usr/bin/pkill", "-KILL", "-u", user], capture_output=True)
        subprocess.run(["/usr/bin/pkill", "-KILL", "-f", f"--port {self.port} "], capture_output=True)

    def passwords(self) -> dict[str, str]:
        sheets = sorted((self.base / "state").glob("passwords-*.csv"))
        with sheets[-1].open(newline="") as file:
            return {row["account"]: row["password"] for row in csv.DictReader(file)}


def remove_accounts(names: list[str]) -> None:
    """End every process of these accounts and remove them, their homes and control groups, and the cohort's
    two groups: what a hub test or benchmark made (see tests/test_hub.py for the check before it runs)."""
    from academy.hub import accounts, spawner

    for user in names:
        subprocess.run(["/usr/bin/pkill", "-KILL", "-u", user], capture_output=True)
    time.sleep(0.2)
    for user in names:
        subprocess.run(["/usr/sbin/userdel", "--remove", user], capture_output=True)
        for path in spawner.process_files(user):
            try:
                path.parent.rmdir()
            except OSError:
                pass
    for group in (accounts.DELEGATES_GROUP, accounts.FACULTY_GROUP):
        subprocess.run(["/usr/sbin/groupdel", group], capture_output=True)
