"""Talking to a real Jupyter server as JupyterLab's Assignments tab does: a free port on 127.0.0.1,
waiting for the server to answer, and the tab's requests (nbgrader's assignment-list extension)."""

from __future__ import annotations

import json
import socket
import time
import urllib.parse
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, token: str, log: Path, seconds: float = 30) -> None:
    """Return once the server answers; fail with the end of its log if it does not in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"the Jupyter server at {url} did not start: " + log.read_text()[-2000:])


def call(url: str, token: str, path: str, data: dict | None = None) -> dict:
    """GET (or, with ``data``, POST a form to) one of the server's URLs; return the JSON it answers."""
    body = None if data is None else urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(f"{url}{path}", data=body, headers={"Authorization": f"token {token}"},
                                     method="POST" if body else "GET")
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())
