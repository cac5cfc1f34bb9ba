"""JupyterLab's Assignments tab, as `make lab` serves it, lists, fetches and submits through the exchange.

A real Jupyter server (the one `make lab` starts, with nbgrader's server extension) serves the kit's
folder on 127.0.0.1, reading the kit's own nbgrader_config.py; the test releases an assignment to an
exchange with `academy release`, then asks the server what the tab asks: the courses ("Error fetching
courses" is what a failure here shows), the assignments, a fetch and a submit.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import grading_course as gc

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOKEN = "kit-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("lab")
    exchange, mine = base / "exchange", base / "my_assignments"
    course = gc.make_course(base / "course", exchange=exchange, generate=False, course_id="pcia")  # the kit's course id
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}", PCIA_EXCHANGE=str(exchange), PCIA_MY_ASSIGNMENTS=str(mine),
               JUPYTER_CONFIG_DIR=str(base / "jupyter-config"), JUPYTER_DATA_DIR=str(base / "jupyter-data"))
    subprocess.run([str(BIN / "academy"), "release", gc.ASSIGNMENT, "--course", str(course)], env=env, check=True,
                   capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "jupyter"), "server", "--no-browser", f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={ROOT}"] + (["--allow-root"] if os.geteuid() == 0 else []),
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(base / "server.log", "w"), text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("the Jupyter server did not start: " + (base / "server.log").read_text()[-2000:])
    yield {"url": url, "mine": mine}
    process.terminate()
    process.wait(timeout=20)


def call(server, path: str, data: dict | None = None) -> dict:
    body = None if data is None else urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(f"{server['url']}{path}", data=body,
                                     headers={"Authorization": f"token {TOKEN}"}, method="POST" if body else "GET")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_the_tab_finds_the_course(server):
    assert call(server, "/courses") == {"success": True, "value": ["pcia"]}


def test_the_tab_lists_fetches_and_submits_the_assignment(server):
    listed = call(server, "/assignments?course_id=pcia")
    assert listed["success"], listed
    assert [(a["assignment_id"], a["status"]) for a in listed["value"]] == [(gc.ASSIGNMENT, "released")]
    fetched = call(server, "/assignments/fetch", {"course_id": "pcia", "assignment_id": gc.ASSIGNMENT})
    assert fetched["success"], fetched
    assert (server["mine"] / gc.ASSIGNMENT / f"{gc.ASSIGNMENT}.ipynb").exists()
    submitted = call(server, "/assignments/submit", {"course_id": "pcia", "assignment_id": gc.ASSIGNMENT})
    assert submitted["success"], submitted
    listed = call(server, "/assignments?course_id=pcia")["value"]
    assert {a["status"] for a in listed} >= {"submitted"}
