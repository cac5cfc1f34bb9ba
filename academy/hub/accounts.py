"""The cohort's Unix accounts on the hub's machine, made from the roster.

Each delegate and faculty member signs in to the hub with a Unix account of their own (JupyterHub's PAM
authenticator): their files are theirs, and nbgrader's exchange knows who submitted what by who owns it.
Delegates are in the Unix group ``pcia-delegates``, faculty in ``pcia-faculty``; the hub lets in members
of those two groups and no one else (not root, not any other account on the machine).

Every account gets a password of its own, never none: a new account gets a random one, written with the
others issued in the same run to a sheet only root can read (``passwords-<time>.csv`` in the hub's
folder) for the programme office to hand out. An account that already exists keeps its password unless
``reset`` is asked for. An existing account that is not one of the cohort's is refused, not taken over.
The grader account ``pcia-formgrader`` owns the course and runs the formgrader, and ``pcia-board`` runs the
cohort board and owns its answers; nobody signs in as either.
"""

from __future__ import annotations

import csv
import grp
import os
import pwd
import secrets
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

DELEGATES_GROUP = "pcia-delegates"
FACULTY_GROUP = "pcia-faculty"
GRADER = "pcia-formgrader"
BOARD = "pcia-board"
# No 0/O, 1/l/I: a password read off a sheet is typed without doubt.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


class AccountError(Exception):
    """An account cannot be made as asked; the message says why, for the programme office."""


@dataclass
class Account:
    name: str
    group: str
    created: bool
    password: str | None  # set only when this run gave the account a new password


def new_password() -> str:
    """A random password of 14 characters in three groups (about 65 bits), easy to read off a sheet."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)) + \
        secrets.choice("23456789") + secrets.choice("23456789")


def group_members(group: str) -> list[str]:
    """The accounts in a Unix group (its secondary members), or none if the group does not exist."""
    try:
        return sorted(grp.getgrnam(group).gr_mem)
    except KeyError:
        return []


def _run(*command: str, stdin: str | None = None) -> None:
    done = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise AccountError(f"{' '.join(command[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")


def ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        _run("groupadd", "--system", name)


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_account(name: str, group: str, homes: Path, reset: bool = False) -> Account:
    """Make (or check) one person's account in ``group``, with a home only they can open and a password."""
    ensure_group(group)
    created = not account_exists(name)
    if created:
        _run("useradd", "--create-home", "--home-dir", str(homes / name), "--shell", "/bin/bash",
             "--user-group", "--groups", group, name)
    elif name not in group_members(group):
        others = DELEGATES_GROUP if group == FACULTY_GROUP else FACULTY_GROUP
        if name not in group_members(others):
            raise AccountError(f"An account called {name} already exists on this machine and is not one of the "
                               "cohort's: choose another id in the roster, or remove that account first.")
        _run("usermod", "--append", "--groups", group, name)
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)
    password = None
    if created or reset or not has_password(name):
        password = new_password()
        _run("chpasswd", stdin=f"{name}:{password}\n")
    return Account(name, group, created, password)


def has_password(name: str) -> bool:
    """Whether the account has a usable password (``passwd --status`` says P), not none and not locked."""
    done = subprocess.run(["passwd", "--status", name], capture_output=True, text=True)
    return done.returncode == 0 and done.stdout.split()[1:2] == ["P"]


def ensure_service_account(name: str, homes: Path) -> None:
    """An account a hub service runs as (the grader, the board). It has no password: no one signs in as it."""
    if not account_exists(name):
        _run("useradd", "--system", "--create-home", "--home-dir", str(homes / name), "--shell", "/usr/sbin/nologin",
             "--user-group", name)


def make_accounts(delegates: list[str], faculty: list[str], homes: Path, sheet_folder: Path,
                  reset: bool = False) -> tuple[list[Account], Path | None]:
    """Make every delegate's and faculty member's account; return them and the sheet of new passwords
    (None if no password was issued)."""
    clash = sorted(set(delegates) & set(faculty))
    if clash:
        raise AccountError(f"{', '.join(clash)} cannot be both a delegate and faculty.")
    homes.mkdir(parents=True, exist_ok=True)
    ensure_service_account(GRADER, homes)
    ensure_service_account(BOARD, homes)
    accounts = [ensure_account(name, DELEGATES_GROUP, homes, reset) for name in delegates]
    accounts += [ensure_account(name, FACULTY_GROUP, homes, reset) for name in faculty]
    issued = [a for a in accounts if a.password]
    if not issued:
        return accounts, None
    sheet_folder.mkdir(parents=True, exist_ok=True)
    sheet = sheet_folder / f"passwords-{datetime.now():%Y%m%d-%H%M%S}.csv"
    descriptor = os.open(sheet, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["account", "role", "password"])
        for a in issued:
            writer.writerow([a.name, "faculty" if a.group == FACULTY_GROUP else "delegate", a.password])
    return accounts, sheet
