"""Speed benchmarks for the kit: `make bench` runs them all and writes one JSON file per measure.

Each result: name, unit, median, p95 (where there are repeated samples), target, whether it met the
target, the number of samples, the machine (cores, Python version, platform) and when it ran.
Exits non-zero, naming them, if any figure misses its target.
Usage: python benchmarks/run.py [--only explorer|model|book|workforce|grading|page_weight|board_load|hub_memory]
(--only workforce: the workforce-retention projection and its two explorers alone; they also run with
the explorer and model groups. --only page_weight: the bytes a reader's browser fetches for each page of
a fresh build, benchmarks/page_weight.py, with its own result file. --only board_load: the cohort board
behind a real JupyterHub, 33 posters and a kill -9, benchmarks/board_load.py, with its own result file.
--only hub_memory: memory per idle and busy JupyterLab server on the cohort's hub, and how many delegates
machines of each size hold, benchmarks/hub_memory.py; it needs root, and the full run skips it without.)
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
RESULTS_THIS_RUN: list[dict] = []


def machine() -> dict:
    return {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def record(name: str, unit: str, samples: list[float], target: float, target_on: str = "p95",
           at_least: bool = False) -> dict:
    """Write one result to benchmarks/results/<name>.json and return it. The figure (p95 or median)
    must be below the target, or with ``at_least`` at or above it (a speed-up, say)."""
    values = np.asarray(samples, dtype=float)
    figure = np.percentile(values, 95) if target_on == "p95" else np.median(values)
    result = {
        "name": name,
        "unit": unit,
        "median": round(float(np.median(values)), 3),
        "p95": round(float(np.percentile(values, 95)), 3) if len(values) > 1 else None,
        "target": target,
        "target_on": target_on,
        "target_direction": "at least" if at_least else "below",
        "met_target": bool(figure >= target if at_least else figure < target),
        "samples": len(values),
        "machine": machine(),
        "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"{name}: median {result['median']} {unit}, p95 {result['p95']} {unit} "
          f"(target {'>=' if at_least else '<'} {target} {unit} on {target_on})"
          + ("" if result["met_target"] else "  MISSED"))
    RESULTS_THIS_RUN.append(result)
    return result


def time_ms(action, repeats: int) -> list[float]:
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


EXPLORER_MOVES = 30  # control changes timed per explorer


def time_moves(moves: list[tuple[object, list]], repeats: int = EXPLORER_MOVES) -> list[float]:
    """Time ``repeats`` control changes, in ms: the i-th changes control i mod len(moves) to its next
    value (each list starts away from the control's first value, so every change fires a refresh); the
    control's observer recomputes and redraws, as when a presenter lets go of a slider."""
    steps = [(control, values[(i // len(moves)) % len(values)]) for i, (control, values) in
             ((i, moves[i % len(moves)]) for i in range(repeats + 1))]
    control, value = steps[0]
    control.value = value  # warm up (first draw of the frame's text, fonts)
    return time_ms(lambda i: setattr(steps[i + 1][0], "value", steps[i + 1][1]), repeats)


def bench_explorers() -> None:
    from academy.data import load_pcn_partners, load_pcn_practices, practices_from_table
    from academy.models.gp_partnership import AVERAGE_PRACTICE, practice_accounts
    from academy.widgets.back_office_explorer import BackOfficeExplorer
    from academy.widgets.last_partner_explorer import LastPartnerExplorer
    from academy.widgets.merger_explorer import MergerExplorer
    from academy.widgets.partnership_explorer import PartnershipExplorer

    partners = [1.0 + 0.25 * k for k in range(12)]
    practice_accounts(AVERAGE_PRACTICE)  # warm up
    record("partnership_explorer_compute", "ms",
           time_ms(lambda i: practice_accounts(AVERAGE_PRACTICE.with_changes(partners=partners[i % 12])), 500),
           target=5)

    table = load_pcn_practices()
    practices = practices_from_table(table)

    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    record("partnership_explorer_compute_and_redraw", "ms", time_moves([
        (explorer.sliders["partners"], partners),
        (explorer.sliders["registered_patients"], [6_000.0, 9_000.0, 12_000.0]),
        (explorer.sliders["global_sum_gbp_per_weighted_patient"], [80.0, 95.0, 110.0]),
    ]), target=100)
    record("partnership_explorer_panels", "ms", time_moves([
        (explorer.growth, [0.05, 0.2, 0.3]),
        (explorer.gps_grow, [True, False]),
        (explorer.moved, [0.5, 1.0, 1.5]),
    ]), target=100)

    back_office = BackOfficeExplorer(practices)
    record("back_office_explorer_compute_and_redraw", "ms", time_moves([
        (back_office.saving, [0.1, 0.3, 0.5]),
        (back_office.sharing, ["weighted list", "equal", "list"]),
        (back_office.coordination, [20_000.0, 60_000.0]),
    ]), target=100)

    merger = MergerExplorer(practices)
    record("merger_explorer_compute_and_redraw", "ms", time_moves([
        (merger.saving, [0.1, 0.5, 0.8]),
        (merger.rule, ["lockstep", "performance", "equal"]),
        (merger.central, [50_000.0, 150_000.0]),
        (merger.one_off, [100_000.0, 250_000.0]),
        (merger.glide, [1, 5, 2]),
    ]), target=100)

    last_partner = LastPartnerExplorer(load_pcn_partners(), table)
    record("last_partner_explorer_compute_and_redraw", "ms", time_moves([
        (last_partner.retirement, [62, 58, 66, 55]),
        (last_partner.joining, [0.5, 1.0, 0.25]),
        (last_partner.years, [20, 12]),
    ]), target=100)

    bench_hospital_flow_explorer()
    bench_workforce_explorers()


def bench_hospital_flow_explorer() -> None:
    """Time the flow explorer: each move simulates the hospital's year 50 times and redraws the fan chart,
    so its target is wider than the other explorers'. The first explorer made compiles the simulation (or
    loads it from numba's cache on disk); that is not timed."""
    from academy.widgets.hospital_flow_explorer import HospitalFlowExplorer

    flow = HospitalFlowExplorer()
    record("hospital_flow_explorer_compute_and_redraw", "ms", time_moves([
        (flow.sliders["home_care"], [250, 226, 236]),
        (flow.sliders["admissions_per_day"], [49.0, 53.0, 51.0]),
        (flow.sliders["mean_days_to_fit_frail"], [9.0, 11.0, 10.0]),
        (flow.sliders["community_bed"], [60, 50, 54]),
    ]), target=300)


def bench_workforce_explorers() -> None:
    """Time the workforce-retention explorers: each move of the projection explorer projects the workforce
    1,000 times and redraws the fan chart; each move of the costs explorer appraises the five levers (six
    ten-year projections) and redraws the table and bar chart."""
    from academy.widgets.workforce_explorer import LeverCostsExplorer, WorkforceExplorer

    projection = WorkforceExplorer()
    record("workforce_explorer_compute_and_redraw", "ms", time_moves([
        (projection.sliders["older_leavers"], [0.15, 0.05, 0.2]),
        (projection.levers["first_five"], [True, False]),
        (projection.sliders["intake"], [3.0, 1.0, 4.5]),
        (projection.levers["older_part_time"], [True, False]),
        (projection.sliders["part_time_drift"], [0.02, 0.0, 0.03]),
    ]), target=100)

    costs = LeverCostsExplorer()
    record("lever_costs_explorer_compute_and_redraw", "ms", time_moves([
        (costs.sliders["locum_gbp_per_session"], [420.0, 240.0, 300.0]),
        (costs.sliders["recruitment_gbp_per_gp"], [12_000.0, 4_000.0]),
        (costs.sliders["vacancy_months"], [3.0, 9.0]),
        (costs.sliders["nurse_cover_premium_gbp_per_fte_year"], [20_000.0, 5_000.0]),
    ]), target=100)


def bench_workforce_projection() -> None:
    """The workforce-retention model: a ten-year projection of the PCN's workforce with 1,000 Monte Carlo
    runs over its leaver rates, and the fan of GP FTE drawn from them (as the explorer needs it)."""
    from academy.models.workforce_projection import Workforce, fte_quantiles, fte_runs

    workforce = Workforce()
    fte_quantiles(fte_runs(workforce, 10, 1_000))  # warm up
    record("workforce_projection_1000_runs", "ms",
           time_ms(lambda i: fte_quantiles(fte_runs(workforce, 10, 1_000, seed=i)), 200), target=50)


PEAK_MEMORY_SCRIPT = """
import resource, sys
from academy.models.hospital_flow import simulate_hospital
simulate_hospital(replications=100)
try:
    from academy.widgets.hospital_flow_explorer import HospitalFlowExplorer
except ImportError:
    pass
else:
    explorer = HospitalFlowExplorer()
    for packages in (230, 250, 270):
        explorer.sliders["home_care"].value = packages
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def bench_hospital_flow() -> None:
    """The delayed-discharges model: 100 replications of a 400-bed year, against the SimPy version of
    the same model timed in the same run, and the peak memory of a process that runs it and its explorer."""
    from academy.models.hospital_flow import simulate_hospital
    from academy.models.hospital_flow_simpy import simulate_hospital_simpy

    simulate_hospital(replications=2)  # load the compiled engine from its cache (or compile it once)
    fast = time_ms(lambda i: simulate_hospital(replications=100, seed=i), 20)
    record("hospital_flow_100_replications", "ms", fast, target=250)
    simpy_ms = time_ms(lambda i: simulate_hospital_simpy(replications=1, seed=i), 3)
    fast_per_replication = float(np.median(fast)) / 100
    record("hospital_flow_speedup_over_simpy", "times", [ms / fast_per_replication for ms in simpy_ms],
           target=150, target_on="median", at_least=True)
    done = subprocess.run([sys.executable, "-c", PEAK_MEMORY_SCRIPT], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    record("hospital_flow_peak_memory", "MB", [float(done.stdout.split()[-1])], target=500, target_on="median")


def make(*targets: str, build_dir: Path) -> float:
    """Run the Makefile's targets, as `make book` does, building into build_dir/_build; return the seconds."""
    start = time.perf_counter()
    done = subprocess.run(["make", "--no-print-directory", *targets, f"BUILD_DIR={build_dir}", "SETUP=", f"BIN={BIN}"],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"make {' '.join(targets)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - start


def bench_book() -> None:
    output = Path(tempfile.mkdtemp(prefix="bench-book-"))
    try:
        make("release", build_dir=output)  # not timed: the book's pages, not nbgrader, are measured
        record("book_clean_build", "s", [make("book", build_dir=output)], target=180, target_on="median")
        record("book_no_change_rebuild", "s", [make("book", build_dir=output) for _ in range(3)], target=15, target_on="median")
    finally:
        shutil.rmtree(output, ignore_errors=True)


def summary() -> int:
    """Print which figures missed their targets; the exit status for `make bench`."""
    missed = [r for r in RESULTS_THIS_RUN if not r["met_target"]]
    if missed:
        print("BENCHMARK TARGETS MISSED: " + ", ".join(
            f"{r['name']} ({r['summary']})" if "summary" in r else  # page weight: several figures, one line
            f"{r['name']} ({r['target_on']} {r['median'] if r['target_on'] == 'median' else r['p95']} {r['unit']}, "
            f"target < {r['target']} {r['unit']})" for r in missed))
        return 1
    print(f"All {len(RESULTS_THIS_RUN)} benchmark figures met their targets.")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["explorer", "model", "book", "workforce", "grading", "page_weight",
                                         "board_load", "hub_memory"])
    args = parser.parse_args()
    if args.only in (None, "explorer"):
        bench_explorers()
    if args.only in (None, "model"):
        bench_hospital_flow()
        bench_workforce_projection()
    if args.only == "workforce":
        bench_workforce_projection()
        bench_workforce_explorers()
    if args.only in (None, "book"):
        bench_book()
    if args.only in (None, "grading"):
        from grading import bench_grading  # benchmarks/grading.py: academy grade against nbgrader autograde

        bench_grading(record)
    if args.only in (None, "page_weight"):
        from page_weight import bench_page_weight  # benchmarks/page_weight.py: bytes per page, served gzipped

        RESULTS_THIS_RUN.append(bench_page_weight())
    if args.only in (None, "board_load"):
        from board_load import bench_board_load  # benchmarks/board_load.py: the cohort board under load

        RESULTS_THIS_RUN.append(bench_board_load())
    if args.only == "hub_memory" or (args.only is None and os.geteuid() == 0):
        from hub_memory import bench_hub_memory  # benchmarks/hub_memory.py: memory per server on the cohort's hub

        RESULTS_THIS_RUN.extend(bench_hub_memory())
    sys.exit(summary())
