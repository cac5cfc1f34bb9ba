"""Signing in to the cohort's hub as a person does, over HTTP on 127.0.0.1: the login page, the server's
OAuth hand-shake, and the Jupyter APIs a user's JupyterLab calls (with its XSRF cookie)."""

from __future__ import annotations

import time

import requests


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

    def api(self, method: str, prefix: str, path: str, **kwargs) -> requests.Response:
        """Call a Jupyter server's API under ``prefix`` (/user/<name>/ or /services/formgrader/)."""
        return self.session.request(method, f"{self.base}{prefix}{path}", headers=self.xsrf(prefix), timeout=300,
                                    allow_redirects=False, **kwargs)
