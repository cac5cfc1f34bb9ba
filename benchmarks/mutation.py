"""Mutation testing: `make mutate` plants small bugs in academy's models, data and widgets and counts
how many the fast unit tests catch: a surviving mutant is a missing test.

mutmut (configured in pyproject.toml, [tool.mutmut]) makes every mutant of a file and runs the tests
that reach each mutated function. All of academy is over 10,000 mutants, hours on 2 cores, so results
are kept per file, with a hash of the file's text, in benchmarks/results/mutation_score.json: a run
mutates only the files that changed since their last result (or that never had one), in a copy of the
working tree (so mutmut's own configuration can name just those files), and merges what it finds.
Each package's score adds up the results of its files; the survivors of every file, with the lines they
change, go to benchmarks/results/mutation_survivors.txt. It exits non-zero when a package misses its
target or a file has no up-to-date result.

Usage: python benchmarks/mutation.py [--all] [--report-only] [FILE ...]
  (no argument: every file whose result is missing or out of date; FILE ...: just those files;
   --all: every file; --report-only: re-read the committed results without running mutmut)

A file's result stands while the file is unchanged: tests added later can only catch more mutants, so
re-run a file (name it) after adding tests for its survivors.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

from run import BIN, RESULTS, ROOT, machine

SCORE_FILE = RESULTS / "mutation_score.json"
SURVIVORS_FILE = RESULTS / "mutation_survivors.txt"

# Share of mutants the tests must catch, per package (academy/course is not mutated).
TARGETS = {"academy/models": 0.85, "academy/data": 0.85, "academy/widgets": 0.70}

# mutmut's exit codes for a mutant's test run (mutmut/stats.py, status_by_exit_code), grouped as reported.
STATUS = {1: "killed", 3: "killed", 37: "killed",  # a failing test, a pytest internal error, the type checker
          0: "survived", 5: "no_tests", 33: "no_tests", 34: "skipped",
          36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout", 255: "timeout"}
KINDS = ("killed", "survived", "timeout", "no_tests", "skipped", "other")


def config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]


def mutated_files() -> list[str]:
    """The files mutmut mutates, as the configuration names them (relative to the repository)."""
    cfg = config()
    files = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("academy/**/*.py"))
    return [f for f in files
            if any(fnmatch.fnmatch(f, pattern) for pattern in cfg["only_mutate"])
            and not any(fnmatch.fnmatch(f, pattern) for pattern in cfg.get("do_not_mutate", []))]


def text_hash(path: str) -> str:
    return hashlib.sha256((ROOT / path).read_bytes()).hexdigest()[:16]


def load_results() -> dict:
    if SCORE_FILE.exists():
        return json.loads(SCORE_FILE.read_text()).get("files", {})
    return {}


def status(exit_code: int | None) -> str:
    if exit_code is None:
        sys.exit("mutmut did not check every mutant (was it interrupted?): run `make mutate` again")
    return STATUS.get(exit_code, "other")  # suspicious, a crash (segfault), interrupted


def copy_of_tree(files: list[str]) -> Path:
    """A copy of the working tree (tracked and new files, none ignored) whose mutmut configuration
    mutates only ``files``."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    copy = Path(tempfile.mkdtemp(prefix="mutation-", dir=ROOT.parent if os.access(ROOT.parent, os.W_OK) else None))
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    # The repository tests read git's list of files: give the copy its own, of the same files.
    subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
    subprocess.run(["git", "add", "-A"], cwd=copy, check=True)
    pyproject = (copy / "pyproject.toml").read_text()
    only = "only_mutate = [" + ", ".join(json.dumps(f) for f in files) + "]"
    (copy / "pyproject.toml").write_text(re.sub(r"^only_mutate = \[.*?\]$", only, pyproject, count=1, flags=re.M))
    return copy


def run_mutmut(copy: Path) -> float:
    """Run mutmut in the copy; return the wall time in seconds. Exits if mutmut fails."""
    log = copy / "mutmut-run.log"
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0")
    start = time.perf_counter()
    with log.open("w") as out:
        done = subprocess.run([str(BIN / "mutmut"), "run"], cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = log.read_text(errors="replace").replace("\r", "\n").strip().splitlines()[-30:]
        sys.exit("mutmut failed (are the fast tests passing?):\n" + "\n".join(tail))
    return seconds


def function_of(name: str) -> str:
    """The function a mutant changes, as a reader writes it: `practice_accounts`, `MergerExplorer.refresh`."""
    from mutmut.utils.format_utils import orig_function_and_class_names_from_key

    function, cls = orig_function_and_class_names_from_key(name)
    return f"{cls}.{function}" if cls else function


def changed_lines(name: str, source: str, text: str) -> list[list]:
    """[line number in the source file, original line, mutated line] for each line the mutant changes
    (run from the folder mutmut ran in: its helpers read mutants/ there)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    try:
        diff = get_diff_for_mutant(name, path=source).splitlines()
    except Exception as error:  # a mutmut internal changed: still list the survivor
        return [[None, f"(no diff: {error})", ""]]
    removed = [line[1:].strip() for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in diff if line.startswith("+") and not line.startswith("+++")]
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
        out.append([number, old, new])
    return out


def results_of_run(copy: Path, files: list[str], seconds: float) -> dict[str, dict]:
    """Each file's counts and survivors, read from mutmut's results in the copy."""
    here = os.getcwd()
    os.chdir(copy)
    try:
        found = {}
        for source in files:
            meta = copy / "mutants" / f"{source}.meta"
            codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
            counts = Counter(status(code) for code in codes.values())
            text = (copy / source).read_text()
            survivors = [{"mutant": name.rpartition(".")[2], "function": function_of(name),
                          "no_tests": status(code) == "no_tests", "lines": changed_lines(name, source, text)}
                         for name, code in sorted(codes.items()) if status(code) in ("survived", "no_tests")]
            found[source] = {"sha256": text_hash(source), **{kind: counts[kind] for kind in KINDS},
                             "survivors": survivors, "wall_seconds_of_run": round(seconds, 1),
                             "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        return found
    finally:
        os.chdir(here)


def scores(files: dict[str, dict]) -> dict[str, dict]:
    """Counts and score per package. Score = (killed + timeout) / (all mutants but skipped), as mutmut's
    own badge counts it: a mutant no test reaches counts against the score, since it is a missing test."""
    counts = {package: Counter() for package in TARGETS}
    for source, r in files.items():
        counts.setdefault("/".join(source.split("/")[:2]), Counter()).update({kind: r[kind] for kind in KINDS})
    result = {}
    for package, c in counts.items():
        total = sum(c.values()) - c["skipped"]
        score = (c["killed"] + c["timeout"]) / total if total else None
        target = TARGETS.get(package)
        result[package] = {
            **{kind: c[kind] for kind in KINDS}, "total": total,
            "score": None if score is None else round(score, 3),
            "target": target,
            "met_target": None if target is None else bool(score is not None and score >= target),
        }
    return result


def write_survivors(files: dict[str, dict], result: dict[str, dict]) -> None:
    """The mutants the tests did not catch, by package, file and function: each is a test to add (or an
    equivalent mutant, one that cannot change what the code does)."""
    out = ["Surviving mutants: each is a change to the code that no fast unit test noticed.",
           "Add a test that fails for it (or, if it cannot change what the code does, leave it), then",
           "re-run that file: .venv/bin/python benchmarks/mutation.py academy/models/practice_merger.py",
           "[no tests] = no selected test calls the function at all. Line numbers are those of the file as it",
           "was mutated (its hash is in mutation_score.json).",
           ""]
    for package, r in result.items():
        out.append(f"== {package}: score {r['score']} (target {r['target']}), "
                   f"{r['survived']} survived, {r['no_tests']} not reached by any test")
        for source, found in files.items():
            if not source.startswith(package + "/") or not found["survivors"]:
                continue
            out.append(f"  {source}")
            by_function: dict[str, list] = {}
            for survivor in found["survivors"]:
                by_function.setdefault(survivor["function"], []).append(survivor)
            for function, mutants in by_function.items():
                out.append(f"    {function}: {len(mutants)}")
                for survivor in mutants:
                    out.append(f"      {survivor['mutant']}{' [no tests]' if survivor['no_tests'] else ''}")
                    for number, old, new in survivor["lines"]:
                        out.append(f"        line {number or '?'}: - {old}")
                        out.append(f"        {' ' * len(str(number or '?'))}       + {new}")
        out.append("")
    SURVIVORS_FILE.write_text("\n".join(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="files to mutate (default: those without an up-to-date result)")
    parser.add_argument("--all", action="store_true", help="mutate every file")
    parser.add_argument("--report-only", action="store_true", help="report the recorded results; run nothing")
    args = parser.parse_args()
    every = mutated_files()
    recorded = {f: r for f, r in load_results().items() if f in every}
    unknown = [f for f in args.files if f not in every]
    if unknown:
        sys.exit(f"not among the files mutmut mutates ({', '.join(config()['only_mutate'])}): {', '.join(unknown)}")
    to_run = every if args.all else args.files or [f for f in every if recorded.get(f, {}).get("sha256") != text_hash(f)]
    if to_run and not args.report_only:
        print(f"Mutating {len(to_run)} file(s): {', '.join(to_run)} (minutes to hours on 2 cores)", flush=True)
        copy = copy_of_tree(to_run)
        try:
            seconds = run_mutmut(copy)
            recorded.update(results_of_run(copy, to_run, seconds))
        finally:
            shutil.rmtree(copy, ignore_errors=True)
        print(f"mutmut took {seconds:.0f} s")
    files = {f: recorded[f] for f in every if f in recorded}
    out_of_date = [f for f in every if f not in files or files[f]["sha256"] != text_hash(f)]
    result = scores(files)
    missed = [p for p, r in result.items() if r["met_target"] is False]
    report = {
        "name": "mutation_score",
        "unit": "share of mutants killed",
        "packages": result,
        "met_target": not missed and not out_of_date,
        "out_of_date": out_of_date,
        "tests": config()["pytest_add_cli_args_test_selection"],
        "tool": f"mutmut {version('mutmut')}",
        "survivors": str(SURVIVORS_FILE.relative_to(ROOT)),
        "machine": machine(),
        "files": files,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    SCORE_FILE.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    write_survivors(files, result)
    for package, r in result.items():
        print(f"{package}: score {r['score']} (target >= {r['target']}): {r['killed']} killed, {r['timeout']} timed out, "
              f"{r['survived']} survived, {r['no_tests']} no tests, of {r['total']}")
    if out_of_date:
        print("NO UP-TO-DATE RESULT (run `make mutate`): " + ", ".join(out_of_date))
    if missed:
        print("MUTATION TARGETS MISSED: " + ", ".join(f"{p} {result[p]['score']} < {result[p]['target']}" for p in missed))
    if missed or out_of_date:
        return 1
    print(f"All mutation targets met; surviving mutants are listed in {SURVIVORS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
