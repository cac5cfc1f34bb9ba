"""Mutation testing: `make mutate` plants small bugs in academy's models, data and widgets and counts
how many the fast unit tests catch: a surviving mutant is a missing test.

mutmut (configured in pyproject.toml, [tool.mutmut]) copies academy/ and what the tests read into
mutants/, makes every mutant, and runs the tests that reach each mutated function. This module runs it
from a clean mutants/ folder (mutmut's cache would keep a survivor's verdict after a test is added),
then writes the score of each package to benchmarks/results/mutation_score.json and every surviving
mutant, with the line it changes, to benchmarks/results/mutation_survivors.txt. It exits non-zero when
a package misses its target.

Usage: python benchmarks/mutation.py [--report-only]   (--report-only re-reads the last run in mutants/)

After adding tests for some survivors, re-check just those mutants (mutmut re-runs the ones named) and
report again: .venv/bin/mutmut run "academy.models.practice_merger.*" && python benchmarks/mutation.py
--report-only. The targets are judged on a full run, `make mutate`.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from run import BIN, RESULTS, ROOT, machine

MUTANTS = ROOT / "mutants"
LOG = MUTANTS / "mutmut-run.log"
SOURCES = MUTANTS / "sources-as-mutated.json"  # the code as mutmut copied it, for the survivors' line numbers
SCORE_FILE = RESULTS / "mutation_score.json"
SURVIVORS_FILE = RESULTS / "mutation_survivors.txt"

# Share of mutants the tests must catch, per package (academy/course is not mutated).
TARGETS = {"academy/models": 0.85, "academy/data": 0.85, "academy/widgets": 0.70}

# mutmut's exit codes for a mutant's test run (mutmut/stats.py, status_by_exit_code), grouped as reported.
STATUS = {1: "killed", 3: "killed", 37: "killed",  # a failing test, a pytest internal error, the type checker
          0: "survived", 5: "no_tests", 33: "no_tests", 34: "skipped",
          36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout"}


def run_mutmut() -> float:
    """Run mutmut from a clean copy; return the wall time in seconds. Exits if mutmut fails."""
    shutil.rmtree(MUTANTS, ignore_errors=True)
    MUTANTS.mkdir()
    SOURCES.write_text(json.dumps({str(p.relative_to(ROOT)): p.read_text() for p in sorted(ROOT.glob("academy/**/*.py"))}))
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    print("Running mutmut over academy/models, academy/data and academy/widgets (tens of minutes on 2 cores);"
          f" its log is {LOG.relative_to(ROOT)}", flush=True)
    start = time.perf_counter()
    with LOG.open("w") as log:
        done = subprocess.run([str(BIN / "mutmut"), "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = LOG.read_text(errors="replace").replace("\r", "\n").strip().splitlines()[-30:]
        sys.exit("mutmut failed (are the fast tests passing?):\n" + "\n".join(tail))
    return seconds


def mutants_by_file() -> dict[Path, dict[str, int | None]]:
    """Each mutated source file (relative to the repository) and its mutants' exit codes."""
    found = {}
    for meta in sorted(MUTANTS.joinpath("academy").rglob("*.py.meta")):
        source = meta.relative_to(MUTANTS).with_suffix("")
        found[source] = json.loads(meta.read_text())["exit_code_by_key"]
    if not found:
        sys.exit("no mutmut results in mutants/: run `make mutate`")
    return found


def package_of(source: Path) -> str:
    return "/".join(source.parts[:2])


def status(exit_code: int | None) -> str:
    if exit_code is None:
        sys.exit("mutmut did not check every mutant (was it interrupted?): run `make mutate` again")
    return STATUS.get(exit_code, "other")  # suspicious, a crash (segfault), interrupted


def scores(found: dict[Path, dict[str, int | None]]) -> dict[str, dict]:
    """Counts and score per package. Score = (killed + timeout) / (all mutants but skipped), as mutmut's
    own badge counts it: a mutant no test reaches counts against the score, since it is a missing test."""
    counts = {package: Counter() for package in TARGETS}
    for source, codes in found.items():
        counts.setdefault(package_of(source), Counter()).update(status(code) for code in codes.values())
    result = {}
    for package, c in counts.items():
        total = sum(c.values()) - c["skipped"]
        score = (c["killed"] + c["timeout"]) / total if total else None
        target = TARGETS.get(package)
        result[package] = {
            "killed": c["killed"], "survived": c["survived"], "timeout": c["timeout"], "no_tests": c["no_tests"],
            "skipped": c["skipped"], "other": c["other"], "total": total,
            "score": None if score is None else round(score, 3),
            "target": target,
            "met_target": None if target is None else bool(score is not None and score >= target),
        }
    return result


def function_of(name: str) -> str:
    """The function a mutant changes, as a reader writes it: `practice_accounts`, `MergerExplorer.refresh`."""
    from mutmut.utils.format_utils import orig_function_and_class_names_from_key

    function, cls = orig_function_and_class_names_from_key(name)
    return f"{cls}.{function}" if cls else function


def source_text(source: Path, _cache: dict = {}) -> str:
    """The file as mutmut mutated it (the working copy may have changed since), else as it is now."""
    if not _cache:
        _cache.update(json.loads(SOURCES.read_text()) if SOURCES.exists() else {"": ""})
    return _cache.get(str(source)) or (ROOT / source).read_text()


def changed_lines(name: str, source: Path) -> list[tuple[int | None, str, str]]:
    """(line number in the source file, original line, mutated line) for each line the mutant changes."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant  # reads mutants/, so run from ROOT

    try:
        diff = get_diff_for_mutant(name, path=source).splitlines()
    except Exception as error:  # a mutmut internal changed: still list the survivor
        return [(None, f"(no diff: {error})", "")]
    removed = [line[1:].strip() for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")]
    text = source_text(source)
    cls, _, function = function_of(name).rpartition(".")
    scope = ast.parse(text)
    if cls:  # a method: look inside its class, as other classes may have a method of the same name
        scope = next((node for node in ast.walk(scope) if isinstance(node, ast.ClassDef) and node.name == cls), scope)
    start = next((node.lineno for node in ast.walk(scope)
                  if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function), 1)
    lines = [line.strip() for line in text.splitlines()]
    out = []
    for k in range(max(len(removed), len(added))):
        old = removed[k] if k < len(removed) else ""
        new = added[k] if k < len(added) else ""
        number = next((n for n in range(start, len(lines) + 1) if old and lines[n - 1] == old), None)
        out.append((number, old, new))
    return out


def write_survivors(found: dict[Path, dict[str, int | None]], result: dict[str, dict]) -> None:
    """The mutants the tests did not catch, by package, file and function: each is a test to add (or an
    equivalent mutant, one that cannot change what the code does)."""
    os.chdir(ROOT)  # mutmut's helpers read mutants/ relative to the working folder
    out = ["Surviving mutants: each is a change to the code that no fast unit test noticed.",
           "Add a test that fails for it (or, if it cannot change what the code does, leave it).",
           "Full diff: .venv/bin/mutmut show <name>; browse them all: .venv/bin/mutmut browse (from the",
           "repository root, after `make mutate`). [no tests] = no selected test calls the function at all.",
           "Line numbers are those of the code as it was mutated. To re-check survivors after adding tests:",
           '.venv/bin/mutmut run "academy.models.practice_merger.*" && .venv/bin/python benchmarks/mutation.py --report-only',
           ""]
    for package, r in result.items():
        out.append(f"== {package}: score {r['score']} (target {r['target']}), "
                   f"{r['survived']} survived, {r['no_tests']} not reached by any test")
        for source, codes in found.items():
            if package_of(source) != package:
                continue
            missed = [(name, status(code)) for name, code in codes.items() if status(code) in ("survived", "no_tests")]
            if missed:
                out.append(f"  {source}")
            by_function: dict[str, list] = {}
            for name, kind in missed:
                by_function.setdefault(function_of(name), []).append((name, kind))
            for function, mutants in by_function.items():
                out.append(f"    {function}: {len(mutants)}")
                for name, kind in mutants:
                    tag = "" if kind == "survived" else " [no tests]"
                    out.append(f"      {name.rpartition('.')[2]}{tag}")
                    for number, old, new in changed_lines(name, source):
                        out.append(f"        line {number or '?'}: - {old}")
                        out.append(f"        {' ' * len(str(number or '?'))}       + {new}")
        out.append("")
    SURVIVORS_FILE.write_text("\n".join(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report-only", action="store_true", help="report the last run in mutants/ without running mutmut")
    args = parser.parse_args()
    seconds = None if args.report_only else run_mutmut()
    found = mutants_by_file()
    result = scores(found)
    missed = [p for p, r in result.items() if r["met_target"] is False]
    report = {
        "name": "mutation_score",
        "unit": "share of mutants killed",
        "packages": result,
        "met_target": not missed,
        "tests": _test_selection(),
        "tool": f"mutmut {version('mutmut')}",
        "wall_seconds": None if seconds is None else round(seconds, 1),
        "survivors": str(SURVIVORS_FILE.relative_to(ROOT)),
        "machine": machine(),
        "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    SCORE_FILE.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_survivors(found, result)
    for package, r in result.items():
        print(f"{package}: score {r['score']} (target >= {r['target']}): {r['killed']} killed, {r['timeout']} timed out, "
              f"{r['survived']} survived, {r['no_tests']} no tests, of {r['total']}")
    if seconds is not None:
        print(f"mutmut took {seconds:.0f} s; surviving mutants are listed in {SURVIVORS_FILE.relative_to(ROOT)}")
    if missed:
        print("MUTATION TARGETS MISSED: " + ", ".join(f"{p} {result[p]['score']} < {result[p]['target']}" for p in missed))
        return 1
    print("All mutation targets met.")
    return 0


def _test_selection() -> list[str]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]["pytest_add_cli_args_test_selection"]


if __name__ == "__main__":
    sys.exit(main())
