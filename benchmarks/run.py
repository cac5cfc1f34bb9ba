"""Speed benchmarks for the kit: `make bench` runs them all and writes one JSON file per measure.

Each result: name, unit, median, p95 (where there are repeated samples), target, whether it met the
target, the number of samples, the machine (cores, Python version, platform) and when it ran.
Usage: python benchmarks/run.py [--only explorer|book]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent


def machine() -> dict:
    return {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def record(name: str, unit: str, samples: list[float], target: float, target_on: str = "p95") -> dict:
    """Write one result to benchmarks/results/<name>.json and return it."""
    values = np.asarray(samples, dtype=float)
    result = {
        "name": name,
        "unit": unit,
        "median": round(float(np.median(values)), 3),
        "p95": round(float(np.percentile(values, 95)), 3) if len(values) > 1 else None,
        "target": target,
        "target_on": target_on,
        "met_target": bool((np.percentile(values, 95) if target_on == "p95" else np.median(values)) < target),
        "samples": len(values),
        "machine": machine(),
        "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{name}: median {result['median']} {unit}, p95 {result['p95']} {unit} (target < {target} {unit} on {target_on})")
    return result


def time_ms(action, repeats: int) -> list[float]:
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_explorers() -> None:
    from academy.data import load_pcn_practices, practices_from_table
    from academy.models.gp_partnership import AVERAGE_PRACTICE, practice_accounts
    from academy.widgets.partnership_explorer import MergerExplorer, PartnershipExplorer

    partners = [1.0 + 0.25 * k for k in range(12)]
    practice_accounts(AVERAGE_PRACTICE)  # warm up
    record("partnership_explorer_compute", "ms",
           time_ms(lambda i: practice_accounts(AVERAGE_PRACTICE.with_changes(partners=partners[i % 12])), 500),
           target=5)

    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    slider = explorer.sliders["partners"]

    def move(i):
        slider.value = partners[(i + 1) % 12]  # the slider's observer recomputes and redraws

    move(0)
    record("partnership_explorer_compute_and_redraw", "ms", time_ms(move, 100), target=100)

    merger = MergerExplorer(practices_from_table(load_pcn_practices()))
    savings = [0.05 * k for k in range(10)]
    record("merger_explorer_compute_and_redraw", "ms",
           time_ms(lambda i: setattr(merger.saving, "value", savings[(i + 1) % 10]), 60), target=100)


def build_seconds(output: Path) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(output),
                    "--warningiserror", "--nitpick", "--keep-going", "--quiet"],
                   check=True, capture_output=True, env=dict(os.environ, MPLBACKEND="Agg", PYTHONHASHSEED="0"))
    return time.perf_counter() - start


def bench_book() -> None:
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", "*", "--no-db", "--force"],
                   cwd=ROOT / "exercises", check=True, capture_output=True)
    output = Path(tempfile.mkdtemp(prefix="bench-book-"))
    try:
        record("book_clean_build", "s", [build_seconds(output)], target=180, target_on="median")
        record("book_no_change_rebuild", "s", [build_seconds(output) for _ in range(3)], target=15, target_on="median")
    finally:
        shutil.rmtree(output, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["explorer", "book"])
    args = parser.parse_args()
    if args.only in (None, "explorer"):
        bench_explorers()
    if args.only in (None, "book"):
        bench_book()
