"""Shared fixtures: the repository root, and one build of the published book for the book, notebook and
browser tests."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def make(*targets: str, build_dir: Path) -> subprocess.CompletedProcess:
    """Run the Makefile's targets (the one spelling of the release and build commands) with this Python's
    virtualenv, building the book into build_dir/_build rather than the working copy's _build."""
    return subprocess.run(
        ["make", "--no-print-directory", *targets, f"BUILD_DIR={build_dir}", "SETUP=", f"BIN={BIN}"],
        cwd=ROOT, capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Release the exercises with nbgrader and build the published book with -W -n into a temporary folder
    (`make book`; the release is remade when its sources have changed).

    Returns the HTML folder, out/_build/html. The build log is kept as out/build.log.
    """
    out = tmp_path_factory.mktemp("book")
    build = make("book", build_dir=out)
    (out / "build.log").write_text(build.stdout + build.stderr)
    warnings = "\n".join(line for line in build.stdout.splitlines() if "WARNING" in line or "ERROR" in line)
    assert build.returncode == 0, f"the book did not build cleanly:\n{warnings}\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}"
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def built_instructor_book(built_book) -> Path:
    """Build the instructor edition (`make instructor-book`) beside the published book, reusing its
    execution cache. Returns its HTML folder, out/_build/instructor/_build/html."""
    out = built_book.parents[1]
    build = make("instructor-book", build_dir=out)
    (out / "instructor-build.log").write_text(build.stdout + build.stderr)
    warnings = "\n".join(line for line in build.stdout.splitlines() if "WARNING" in line or "ERROR" in line)
    assert build.returncode == 0, f"the instructor edition did not build cleanly:\n{warnings}\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}"
    return out / "_build" / "instructor" / "_build" / "html"
