"""The cohort board under a cohort's load, behind a real JupyterHub on 127.0.0.1 (tests/board_hub.py).

Scenario 1, a session: 33 delegates, each with their own hub token and connection, post at once, for 10
rounds (faculty open a question, all 33 post, faculty close it). Targets: no acknowledged answer missing
from the board's SQLite file (and none there that was not acknowledged), and the 95th percentile of the
post latency (request sent to reply read, through the hub's proxy) under 200 ms.

Scenario 2, a crash: 3 rounds in which the board is killed (kill -9) once a third of the answers are in,
and started again at once. Posts that fail meanwhile are retried (at most 40 tries, 0.1 s apart). Target:
every acknowledged answer is in the SQLite file with the value acknowledged.

Writes benchmarks/results/board_load.json. Run by `make bench`, or alone:
`python benchmarks/run.py --only board_load`. Everything stays on 127.0.0.1; every loop is bounded.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import requests

from run import RESULTS, ROOT, machine

sys.path.insert(0, str(ROOT / "tests"))
from board_hub import running_hub  # noqa: E402  (the tests' hub, one spelling of it)

COHORT = 33
ROUNDS = 10
CRASH_ROUNDS = 3
P95_TARGET_MS = 200.0
RETRIES = 40
RETRY_PAUSE_SECONDS = 0.1
DELEGATES = [f"delegate{k:02d}" for k in range(1, COHORT + 1)]
FACULTY = "faculty1"


def _session(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    return session


def _stored(db: Path, question_ids: list[int]) -> dict[tuple[int, str], float]:
    """(question, user) -> value, read from the board's SQLite file itself."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            f"SELECT question_id, user_name, value FROM answers WHERE question_id IN ({','.join('?' * len(question_ids))})",
            question_ids).fetchall()
    return {(q, user): json.loads(value) for q, user, value in rows}


def _compare(acknowledged: dict, stored: dict) -> dict:
    lost = [key for key, value in acknowledged.items() if stored.get(key) != value]
    unacknowledged = [key for key in stored if key not in acknowledged]
    return {"acknowledged": len(acknowledged), "stored": len(stored), "lost": len(lost),
            "stored_but_not_acknowledged": len(unacknowledged)}


def session_rounds(hub, faculty: requests.Session, posters: dict[str, requests.Session]) -> dict:
    """Scenario 1: ROUNDS rounds of all COHORT delegates posting at once."""
    latencies, acknowledged, questions, failures = [], {}, [], 0
    lock = threading.Lock()
    with ThreadPoolExecutor(COHORT) as pool:
        for round_number in range(1, ROUNDS + 1):
            question = faculty.post(hub.board_url + "api/questions", timeout=30, json={
                "prompt": f"Round {round_number}: sessions a week", "kind": "number", "minimum": 0,
                "maximum": 1000, "round": f"load round {round_number}"}).json()["id"]
            questions.append(question)
            start = threading.Barrier(COHORT)

            def post(k: int, user: str) -> None:
                nonlocal failures
                value = float(round_number * 50 + k)
                start.wait(timeout=30)
                began = time.perf_counter()
                reply = posters[user].post(f"{hub.board_url}api/questions/{question}/answer", json={"value": value},
                                           timeout=30)
                took = (time.perf_counter() - began) * 1000
                with lock:
                    if reply.status_code == 200 and reply.json().get("stored"):
                        latencies.append(took)
                        acknowledged[(question, user)] = value
                    else:
                        failures += 1

            list(pool.map(post, range(COHORT), DELEGATES))
            faculty.post(f"{hub.board_url}api/questions/{question}/close", timeout=30).raise_for_status()
    counts = _compare(acknowledged, _stored(hub.db, questions))
    return {**counts, "posts": ROUNDS * COHORT, "failed_posts": failures,
            "latency_ms": {"median": round(float(np.median(latencies)), 2),
                           "p95": round(float(np.percentile(latencies, 95)), 2),
                           "max": round(float(np.max(latencies)), 2), "samples": len(latencies)}}


def crash_rounds(hub, faculty: requests.Session, posters: dict[str, requests.Session]) -> dict:
    """Scenario 2: CRASH_ROUNDS rounds, the board killed (-9) and restarted once a third have answered."""
    acknowledged, questions, retried, gave_up, downtimes = {}, [], 0, 0, []
    lock = threading.Lock()
    jitter = random.Random(0)
    with ThreadPoolExecutor(COHORT) as pool:
        for round_number in range(1, CRASH_ROUNDS + 1):
            question = faculty.post(hub.board_url + "api/questions", timeout=30, json={
                "prompt": f"Crash round {round_number}", "kind": "number", "round": f"crash round {round_number}"}).json()["id"]
            questions.append(question)
            delays = [jitter.uniform(0, 1.5) for _ in DELEGATES]
            third_in = threading.Event()

            def post(k: int, user: str) -> None:
                nonlocal retried, gave_up
                value = float(round_number * 1000 + k)
                time.sleep(delays[k])
                for attempt in range(RETRIES):
                    try:
                        reply = posters[user].post(f"{hub.board_url}api/questions/{question}/answer",
                                                   json={"value": value}, timeout=5)
                        if reply.status_code == 200 and reply.json().get("stored"):
                            with lock:
                                acknowledged[(question, user)] = value
                                if sum(1 for q, _ in acknowledged if q == question) >= COHORT // 3:
                                    third_in.set()
                            return
                    except (requests.RequestException, ValueError):
                        pass
                    with lock:
                        retried += 1
                    time.sleep(RETRY_PAUSE_SECONDS)
                with lock:
                    gave_up += 1

            posting = [pool.submit(post, k, user) for k, user in enumerate(DELEGATES)]
            assert third_in.wait(timeout=60), "a third of the cohort could not post"
            killed_at = time.perf_counter()
            hub.kill_board()
            hub.start_board()
            downtimes.append(time.perf_counter() - killed_at)
            for future in posting:
                future.result(timeout=120)
            faculty.post(f"{hub.board_url}api/questions/{question}/close", timeout=30).raise_for_status()
    counts = _compare(acknowledged, _stored(hub.db, questions))
    return {**counts, "posts": CRASH_ROUNDS * COHORT, "retries": retried, "gave_up": gave_up,
            "board_down_seconds": [round(d, 2) for d in downtimes]}


def bench_board_load() -> dict:
    """Run both scenarios against one hub; write benchmarks/results/board_load.json and return the result."""
    with tempfile.TemporaryDirectory(prefix="bench-board-") as folder:
        with running_hub(Path(folder), DELEGATES, [FACULTY]) as hub:
            faculty = _session(hub.tokens[FACULTY])
            posters = {user: _session(hub.tokens[user]) for user in DELEGATES}
            for user, session in posters.items():  # warm: each token known to the board, connections open
                session.get(hub.board_url + "api/me", timeout=30).raise_for_status()
            session_result = session_rounds(hub, faculty, posters)
            crash_result = crash_rounds(hub, faculty, posters)
            for session in [faculty, *posters.values()]:
                session.close()
    p95 = session_result["latency_ms"]["p95"]
    met = (session_result["lost"] == 0 and session_result["stored_but_not_acknowledged"] == 0
           and session_result["failed_posts"] == 0 and p95 < P95_TARGET_MS and crash_result["lost"] == 0)
    result = {
        "name": "board_load",
        "unit": "ms",
        "cohort": COHORT,
        "session": {"rounds": ROUNDS, **session_result, "p95_target_ms": P95_TARGET_MS},
        "crash": {"rounds": CRASH_ROUNDS, **crash_result},
        "met_target": met,
        "summary": (f"{COHORT} posters x {ROUNDS} rounds: {session_result['acknowledged']} acknowledged, "
                    f"{session_result['lost']} lost, p95 {p95} ms (target < {P95_TARGET_MS:g}); kill -9 mid-round x "
                    f"{CRASH_ROUNDS}: {crash_result['acknowledged']} acknowledged, {crash_result['lost']} lost"),
        "machine": machine(),
        "ran_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "board_load.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"board_load: {result['summary']}" + ("" if met else "  MISSED"))
    return result


if __name__ == "__main__":
    bench_board_load()
