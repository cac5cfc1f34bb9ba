"""``python -m academy.board --db PATH [--faculty-group faculty]``: run the cohort board as a hub service."""

import argparse

from academy.board.service import run

parser = argparse.ArgumentParser(prog="python -m academy.board", description="The cohort board (a JupyterHub service).")
parser.add_argument("--db", required=True, help="the board's SQLite file (created if missing)")
parser.add_argument("--faculty-group", default="faculty", help="the hub group whose members are faculty (default: faculty)")
arguments = parser.parse_args()
run(arguments.db, arguments.faculty_group)
