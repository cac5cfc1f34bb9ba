"""JupyterLab's Assignments tab, as `make lab` serves it, lists, fetches and submits through the exchange.

A real Jupyter server (the one `make lab` starts, with nbgrader's server extension) serves the kit's
folder on 127.0.0.1, reading the kit's own nbgrader_config.py; the test releases an assignment to an
exchange with `academy release`, then asks the server what the tab asks: the courses ("Error fetching
courses" is what a failure here shows), the assignments, a fetch and a submit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import grading_course as gc
import jupyter_api

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOKEN = "kit-test-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("lab")
    exchange, mine = base / "exchange", base / "my_assignments"
    course = gc.make_course(base / "course", exchange=exchange, generate=False, course_id="pcia")  # the kit's course id
    env = dict(os.environ, PATH=f"{BIN}:{os.environ['PATH']}", PCIA_EXCHANGE=str(exchange), PCIA_MY_ASSIGNMENTS=str(mine),
               JUPYTER_CONFIG_DIR=str(base / "jupyter-config"), JUPYTER_DATA_DIR=str(base / "jupyter-data"))
    subprocess.run([str(BIN / "academy"), "release", gc.ASSIGNMENT, "--course", str(course)], env=env, check=True,
                   capture_output=True)
    port = jupyter_api.free_port()
    process = subprocess.Popen(
        [str(BIN / "jupyter"), "server", "--no-browser", f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={ROOT}"] + (["--allow-root"] if os.geteuid() == 0 else []),
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(base / "server.log").open("w"))
    url = f"http://127.0.0.1:{port}"
    try:
        jupyter_api.wait_until_up(url, TOKEN, base / "server.log")
    except AssertionError:
        process.kill()
        raise
    yield {"url": url, "mine": mine}
    process.terminate()
    process.wait(timeout=20)


def call(server, path: str, data: dict | None = None) -> dict:
    return jupyter_api.call(server["url"], TOKEN, path, data)


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
