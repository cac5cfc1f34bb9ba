"""One round's answers as a pandas table, for faculty (the board's CSV export, read back)."""

from __future__ import annotations

import io

import pandas as pd

from academy.board.client import board_call
from academy.board.answers import CSV_FORMULA_STARTS


def answers_frame(question_id: int, board_url: str | None = None, token: str | None = None) -> pd.DataFrame:
    """Every answer to one question, from the board's CSV export (faculty only; a delegate's token gets
    the board's refusal as BoardUnavailable).

    Columns: question_id, round, kind, prompt, user, value, answered_at (a UTC timestamp). ``value`` is
    a float for a number question, else text: the apostrophe the CSV puts before a text answer beginning
    =, +, - or @ (so a spreadsheet shows it rather than runs it) is removed again here.

    The same table without this function: ``pd.read_csv(io.StringIO(csv_text))`` on the text of
    ``GET <board>/api/questions/<id>/answers.csv`` sent with ``Authorization: token <faculty's token>``.
    """
    text = board_call(f"api/questions/{int(question_id)}/answers.csv", board_url=board_url, token=token, raw=True)
    frame = pd.read_csv(io.StringIO(text), dtype={"round": str, "kind": str, "prompt": str, "user": str},
                        keep_default_na=False)
    frame["answered_at"] = pd.to_datetime(frame["answered_at"], utc=True)
    if len(frame) and frame["kind"].iloc[0] == "number":
        frame["value"] = pd.to_numeric(frame["value"])
    else:
        frame["value"] = frame["value"].astype(str).map(
            lambda v: v[1:] if v.startswith("'") and v[1:].startswith(CSV_FORMULA_STARTS) else v)
    return frame
