"""The cohort board's store: questions and answers in one SQLite file.

Durability: the database runs in write-ahead-log mode (``PRAGMA journal_mode=WAL``) with
``PRAGMA synchronous=FULL``. Every answer is written in its own transaction, and the board replies to a
delegate only after that transaction has committed, so an acknowledged answer is on disk:

- against a ``kill -9`` of the board, WAL with ``synchronous=NORMAL`` would already be enough (a commit is
  in the operating system's file cache before ``COMMIT`` returns, and the kernel writes it out even if
  the process dies);
- ``FULL`` also syncs the log to the disk at every commit, so an acknowledged answer survives a power cut
  or an operating-system crash of the course machine too. It costs one ``fsync`` per answer, a few
  milliseconds: a cohort of 33 posts in a burst, not thousands a second.

One answer per delegate per question: a second post from the same delegate replaces the first (they may
change their mind while the question is open); the time kept is the time of the latest post.

Values are kept as JSON text: a number as a JSON number, a choice or a text answer as a JSON string.
Times are UTC, ISO 8601, to the millisecond.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

KINDS = ("number", "choice", "text")

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    round TEXT NOT NULL DEFAULT '',
    prompt TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('number', 'choice', 'text')),
    choices TEXT NOT NULL DEFAULT '[]',
    unit TEXT NOT NULL DEFAULT '',
    minimum REAL,
    maximum REAL,
    is_open INTEGER NOT NULL DEFAULT 1,
    results_shown INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    question_id INTEGER NOT NULL REFERENCES questions(id),
    user_name TEXT NOT NULL,
    value TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (question_id, user_name)
);
"""


def utc_now_text() -> str:
    """The time now, UTC, ISO 8601 to the millisecond (``2025-01-31T09:15:02.123+00:00``)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Question:
    """One question of a session. ``minimum``/``maximum`` bound a number answer (either may be None: no
    bound), in the question's ``unit`` (free text such as "£" or "days"). ``choices`` are the options of a
    choice question, in the order shown. ``is_open``: answers are taken. ``results_shown``: delegates may
    see the aggregate (faculty always may)."""

    id: int
    round: str
    prompt: str
    kind: str
    choices: tuple[str, ...]
    unit: str
    minimum: float | None
    maximum: float | None
    is_open: bool
    results_shown: bool
    created_at: str

    def as_dict(self) -> dict:
        """The question as JSON-ready data (what the board's API answers)."""
        return {"id": self.id, "round": self.round, "prompt": self.prompt, "kind": self.kind,
                "choices": list(self.choices), "unit": self.unit, "minimum": self.minimum,
                "maximum": self.maximum, "open": self.is_open, "results_shown": self.results_shown,
                "created_at": self.created_at}


@dataclass(frozen=True)
class Answer:
    """One delegate's answer to one question: ``value`` is a float (number), or a str (choice, text)."""

    question_id: int
    user_name: str
    value: float | str
    answered_at: str


def open_database(path: str | Path) -> sqlite3.Connection:
    """Open (creating if need be) the board's database at ``path``, in WAL mode with synchronous=FULL.

    The connection is in autocommit mode: each write below is its own committed transaction."""
    connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise RuntimeError(f"the board's database at {path} could not be put in WAL mode (it is in {mode} mode)")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=5000")
    connection.executescript(SCHEMA)
    return connection


def _question_from_row(row: tuple) -> Question:
    (id_, round_, prompt, kind, choices, unit, minimum, maximum, is_open, shown, created) = row
    return Question(id=id_, round=round_, prompt=prompt, kind=kind, choices=tuple(json.loads(choices)),
                    unit=unit, minimum=minimum, maximum=maximum, is_open=bool(is_open),
                    results_shown=bool(shown), created_at=created)


QUESTION_COLUMNS = "id, round, prompt, kind, choices, unit, minimum, maximum, is_open, results_shown, created_at"


def new_question(connection: sqlite3.Connection, prompt: str, kind: str, choices: list[str] | None = None,
                 unit: str = "", minimum: float | None = None, maximum: float | None = None,
                 round: str = "", is_open: bool = True) -> Question:
    """Add a question and return it (open for answers unless ``is_open`` is False).

    Raises ValueError, in a sentence, for an empty prompt, an unknown kind, a choice question with fewer
    than two distinct choices, or a minimum above the maximum."""
    prompt = (prompt or "").strip()
    if not prompt:
        raise ValueError("The question needs some text (prompt).")
    if kind not in KINDS:
        raise ValueError(f"The kind of question must be one of {', '.join(KINDS)}, not {kind!r}.")
    choices = [str(c).strip() for c in (choices or []) if str(c).strip()]
    if kind == "choice" and len(set(choices)) != len(choices):
        raise ValueError("Each choice must be different from the others.")
    if kind == "choice" and len(choices) < 2:
        raise ValueError("A choice question needs at least two choices.")
    if kind != "choice":
        choices = []
    if kind != "number":
        minimum = maximum = None
    if minimum is not None and maximum is not None and minimum > maximum:
        raise ValueError(f"The minimum ({minimum}) is above the maximum ({maximum}).")
    cursor = connection.execute(
        "INSERT INTO questions (round, prompt, kind, choices, unit, minimum, maximum, is_open, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (round or "", prompt, kind, json.dumps(choices), unit or "", minimum, maximum, int(is_open), utc_now_text()))
    return question_by_id(connection, cursor.lastrowid)


def question_by_id(connection: sqlite3.Connection, question_id: int) -> Question | None:
    """The question with this id, or None if there is none."""
    row = connection.execute(f"SELECT {QUESTION_COLUMNS} FROM questions WHERE id = ?", (question_id,)).fetchone()
    return _question_from_row(row) if row else None


def all_questions(connection: sqlite3.Connection) -> list[Question]:
    """Every question, newest first."""
    rows = connection.execute(f"SELECT {QUESTION_COLUMNS} FROM questions ORDER BY id DESC").fetchall()
    return [_question_from_row(row) for row in rows]


def open_questions(connection: sqlite3.Connection) -> list[Question]:
    """The questions taking answers now, newest first."""
    return [q for q in all_questions(connection) if q.is_open]


def question_with_state(connection: sqlite3.Connection, question_id: int, *, is_open: bool | None = None,
                        results_shown: bool | None = None) -> Question | None:
    """Open or close a question, or show or hide its results to delegates; return it as it now is (None if
    there is no such question)."""
    if is_open is not None:
        connection.execute("UPDATE questions SET is_open = ? WHERE id = ?", (int(is_open), question_id))
    if results_shown is not None:
        connection.execute("UPDATE questions SET results_shown = ? WHERE id = ?", (int(results_shown), question_id))
    return question_by_id(connection, question_id)


def stored_answer(connection: sqlite3.Connection, question_id: int, user_name: str, value: float | str) -> bool:
    """Store ``user_name``'s answer to a question, replacing any earlier one; committed before it returns.

    Returns True if it replaced an earlier answer. The caller has checked the value against the question."""
    with connection:  # one transaction: the check for an earlier answer and the write
        connection.execute("BEGIN IMMEDIATE")
        earlier = connection.execute("SELECT 1 FROM answers WHERE question_id = ? AND user_name = ?",
                                     (question_id, user_name)).fetchone()
        connection.execute(
            "INSERT INTO answers (question_id, user_name, value, answered_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (question_id, user_name) DO UPDATE SET value = excluded.value,"
            " answered_at = excluded.answered_at",
            (question_id, user_name, json.dumps(value), utc_now_text()))
    return earlier is not None


def _answer_from_row(row: tuple) -> Answer:
    question_id, user_name, value, answered_at = row
    return Answer(question_id, user_name, json.loads(value), answered_at)


def answers_to(connection: sqlite3.Connection, question_id: int) -> list[Answer]:
    """Every answer to a question, in the order they were last posted (then by user name)."""
    rows = connection.execute("SELECT question_id, user_name, value, answered_at FROM answers WHERE question_id = ?"
                              " ORDER BY answered_at, user_name", (question_id,)).fetchall()
    return [_answer_from_row(row) for row in rows]


def answer_of(connection: sqlite3.Connection, question_id: int, user_name: str) -> Answer | None:
    """``user_name``'s answer to a question, or None if they have not answered it."""
    row = connection.execute("SELECT question_id, user_name, value, answered_at FROM answers"
                             " WHERE question_id = ? AND user_name = ?", (question_id, user_name)).fetchone()
    return _answer_from_row(row) if row else None


def answer_count(connection: sqlite3.Connection, question_id: int | None = None) -> int:
    """How many answers are stored: to one question, or (``question_id`` None) to all of them."""
    if question_id is None:
        return connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    return connection.execute("SELECT COUNT(*) FROM answers WHERE question_id = ?", (question_id,)).fetchone()[0]
