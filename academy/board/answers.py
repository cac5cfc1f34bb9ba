"""Checking a delegate's answer against its question, with the reason in plain English when it is refused.

What is accepted, by kind of question:

- number: a JSON number (not a string, not true/false), finite, within the question's minimum and
  maximum when it has them (both ends included);
- choice: one of the question's choices, exactly as written (a JSON string);
- text: a JSON string of 1 to ``TEXT_LIMIT_CHARACTERS`` characters once spaces at either end are removed.
"""

from __future__ import annotations

import math

from academy.board.store import Question

TEXT_LIMIT_CHARACTERS = 200
"""Longest text answer, in characters: a short phrase or a sentence, not an essay."""
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text answer starting with one of these goes into the CSV export after an apostrophe, so a spreadsheet
shows it as text rather than running it as a formula (``answers_frame`` removes the apostrophe again)."""


class AnswerRefused(ValueError):
    """An answer the board will not store: ``status`` is the HTTP status (4xx), the message is the reason
    in a sentence a delegate can act on."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _number_text(value: float) -> str:
    return f"{value:g}"


def checked_value(question: Question, value: object) -> float | str:
    """The value to store for this answer to ``question``, or AnswerRefused (status 400, or 409 when the
    question is closed) saying why not."""
    if not question.is_open:
        raise AnswerRefused(409, "This question is closed: the board is no longer taking answers to it.")
    if question.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AnswerRefused(400, "This question wants a number (such as 12 or 0.5), not text.")
        if not math.isfinite(value):
            raise AnswerRefused(400, "This question wants an ordinary number, not infinity or 'not a number'.")
        unit = f" {question.unit}" if question.unit else ""
        if question.minimum is not None and value < question.minimum:
            raise AnswerRefused(400, f"The answer must be at least {_number_text(question.minimum)}{unit}.")
        if question.maximum is not None and value > question.maximum:
            raise AnswerRefused(400, f"The answer must be at most {_number_text(question.maximum)}{unit}.")
        return float(value)
    if not isinstance(value, str):
        wanted = "one of the choices" if question.kind == "choice" else "a short piece of text"
        raise AnswerRefused(400, f"This question wants {wanted}, not a number or a list.")
    if question.kind == "choice":
        if value not in question.choices:
            raise AnswerRefused(400, f"{value!r} is not one of the choices ({', '.join(question.choices)}).")
        return value
    text = value.strip()
    if not text:
        raise AnswerRefused(400, "The answer is empty: type a word or a sentence.")
    if len(text) > TEXT_LIMIT_CHARACTERS:
        raise AnswerRefused(400, f"The answer is {len(text)} characters long: keep it to "
                                 f"{TEXT_LIMIT_CHARACTERS} characters or fewer.")
    return text
