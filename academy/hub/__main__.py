"""Start the cohort's JupyterHub on this machine: `make hub ROSTER=delegates.csv FACULTY="ann bob"`.

    python -m academy.hub --roster delegates.csv --faculty ann --faculty bob [--port 8000] [--ip 0.0.0.0]

It makes an account for each delegate and faculty member (new passwords go to a sheet only root can
read), the shared nbgrader exchange, the course the formgrader grades (a copy of the kit's exercises,
owned by the grader account, with the roster in its gradebook) and the kernel every user runs, then runs
JupyterHub with deploy/hub/jupyterhub_config.py until stopped (Ctrl+C). Run it again to add delegates to
a running year: existing accounts, passwords and the course are kept. It must run as root: signing users
in with their Unix passwords and starting servers as them both need it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from academy.course.cli import KIT_COURSE, Stop, read_roster
from academy.hub import accounts, machine


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m academy.hub", description=__doc__.splitlines()[0])
    top.add_argument("--roster", type=Path, required=True, help="the cohort's roster CSV (a 'delegate' column)")
    top.add_argument("--faculty", action="append", default=[], help="a faculty member's account name (repeat, or separate with spaces)")
    top.add_argument("--state", type=Path, default=machine.DEFAULT_STATE, help="the hub's folder (default %(default)s)")
    top.add_argument("--exchange", type=Path, default=machine.DEFAULT_EXCHANGE, help="nbgrader's exchange (default %(default)s)")
    top.add_argument("--homes", type=Path, default=Path("/home"), help="where new accounts' homes go (default %(default)s)")
    top.add_argument("--ip", default="", help="the address to serve on (default: every address of this machine)")
    top.add_argument("--port", type=int, default=8000)
    top.add_argument("--course", type=Path, default=KIT_COURSE, help="the exercises to copy for the formgrader")
    top.add_argument("--reset-passwords", action="store_true", help="give every account a new password")
    top.add_argument("--prepare-only", action="store_true", help="make the accounts, exchange and course, but do not start the hub")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if os.geteuid() != 0:
        print("The hub must start as root (sudo make hub ...): it signs people in with their Unix passwords "
              "and starts each one's JupyterLab as them.", file=sys.stderr)
        return 1
    try:
        delegates = [d["delegate"] for d in read_roster(args.roster)]
        faculty = [name for entry in args.faculty for name in entry.split()]
        made, sheet = accounts.make_accounts(delegates, faculty, args.homes, args.state, reset=args.reset_passwords)
    except (Stop, accounts.AccountError) as error:
        print(f"make hub: {error}", file=sys.stderr)
        return 1
    args.state.mkdir(parents=True, exist_ok=True)
    args.state.chmod(0o755)
    (args.state / "board").mkdir(exist_ok=True)
    (args.state / "board").chmod(0o700)
    shutil.chown(args.state / "board", accounts.BOARD, accounts.BOARD)
    machine.make_exchange(args.exchange)
    machine.write_kernel_spec(args.state)
    machine.write_commands(args.state)
    machine.write_git_config(args.state)
    env = machine.user_environment(args.state, args.exchange)
    course = machine.prepare_course(args.state, args.course.resolve(), accounts.GRADER, delegates, env)
    new = sum(a.created for a in made)
    print(f"Accounts: {len(delegates)} delegate(s) and {len(faculty)} faculty, {new} new")
    if sheet:
        print(f"New passwords, to hand out and then delete: {sheet} (only root can read it)")
    print(f"Course: {course} (the formgrader's); exchange: {args.exchange}")
    if args.prepare_only:
        return 0
    os.environ.update(PCIA_HUB_STATE=str(args.state), PCIA_EXCHANGE=str(args.exchange), PCIA_HUB_IP=args.ip,
                      PCIA_HUB_PORT=str(args.port))
    os.chdir(args.state)
    config = machine.KIT / "deploy" / "hub" / "jupyterhub_config.py"
    hub = Path(sys.executable).parent / "jupyterhub"
    print(f"The hub: http://{args.ip or '<this machine>'}:{args.port}/ (Ctrl+C stops it)", flush=True)
    os.execv(str(hub), [str(hub), "--config", str(config)])


if __name__ == "__main__":
    sys.exit(main())
