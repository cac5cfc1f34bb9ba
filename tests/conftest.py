"""Shared fixtures: the repository root, and one build of the published book for the book and browser tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Release the exercises with nbgrader and build the published book with -W -n into a temporary folder.

    Returns the HTML folder. The build log is kept beside it as build.log.
    """
    out = tmp_path_factory.mktemp("book")
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    shutil.rmtree(ROOT / "exercises" / "release", ignore_errors=True)  # no stale assignment survives
    release = subprocess.run(
        [str(BIN / "nbgrader"), "generate_assignment", "*", "--no-db", "--force"],
        cwd=ROOT / "exercises", capture_output=True, text=True, env=env,
    )
    assert release.returncode == 0, release.stdout + release.stderr
    build = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(out),
         "--warningiserror", "--nitpick", "--keep-going"],
        capture_output=True, text=True, env=env,
    )
    (out / "build.log").write_text(build.stdout + build.stderr)
    assert build.returncode == 0, f"the book did not build cleanly:\n{build.stdout[-4000:]}\n{build.stderr[-4000:]}"
    return out / "_build" / "html"
