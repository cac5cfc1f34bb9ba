"""Checks for the graded exercises: read one answer, say what is wrong in plain words, never show the answer.

A delegate answers a question with a number, a letter or a sentence (``q3 = 14300``, ``q5 = "B"``).
Each check reads only its own answer from the notebook's namespace, so a missing answer, a leftover
``raise NotImplementedError()`` or an answer typed in an unexpected but reasonable way (``"£14,300"``,
``"17%"`` for a share, ``"b)"``) gets a sentence, never a ``NameError``.

Hidden checks compare a hash of the answer at the precision the question states, with hashes of the
common near misses mapped to their own messages, so the hidden test a delegate might read (in feedback,
on disk or in the kernel's history) does not give the answer away. Make a hash with
``python -m academy.course.checks QUESTION VALUE --decimals N`` (or ``--letter``).
"""

from __future__ import annotations

import argparse
import hashlib
import numbers
import re
from decimal import ROUND_HALF_UP, Decimal

MISSING = object()
VISIBLE_PASS = "Your answer passes the visible checks."
LETTER = re.compile(r"^\(?([A-Za-z])\)?(?:[\s.):,;-].*)?$", re.DOTALL)


def _answer(namespace: dict, name: str):
    value = namespace.get(name, MISSING)
    if value is MISSING:
        raise AssertionError(
            f"There is no answer called {name} yet. In the answer cell above, replace the two lines "
            f"'# YOUR ANSWER HERE' and 'raise NotImplementedError()' with {name} = your answer, and run that cell."
        )
    if value is Ellipsis or value is None:
        raise AssertionError(f"{name} is still empty: put your answer after {name} = in the answer cell, and run it.")
    return value


def as_number(name: str, value, share: bool = False) -> float:
    """Return the answer as a float, accepting text such as '£14,300', '0.17' or (for a share) '17%'."""
    if isinstance(value, bool):
        raise AssertionError(f"{name} should be a number, not True or False.")
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace("£", "").replace(",", "").replace(" ", "")
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%"))
        except ValueError:
            raise AssertionError(f"{name} should be a number, such as 0.25 or 14300; '{value}' is not one.") from None
        return number / 100 if percent and share else number
    raise AssertionError(f"{name} should be one number, such as 0.25 or 14300, not a {type(value).__name__}.")


def as_letter(name: str, value, options: str = "ABCD") -> str:
    """Return the answer as one capital letter from ``options``, accepting 'b', ' B ', '(B)' or 'B) because...'."""
    choices = ", ".join(options[:-1]) + f" or {options[-1]}"
    if not isinstance(value, str):
        raise AssertionError(f'{name} should be one of the letters {choices}, in quotes: for example {name} = "{options[0]}".')
    match = LETTER.match(value.strip())
    if not match or match.group(1).upper() not in options:
        raise AssertionError(f'{name} should be one of the letters {choices}, in quotes: for example {name} = "{options[0]}".')
    return match.group(1).upper()


def number_key(value: float, decimals: int) -> str:
    """Return the number as text at the stated precision, halves rounded up: 2 decimals gives '0.17',
    -2 (the nearest 100) gives '14300'."""
    step = Decimal(1).scaleb(-decimals)
    rounded = (Decimal(repr(float(value))) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    text = f"{rounded:.{max(decimals, 0)}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def digest(question: str, key: str) -> str:
    """Return the hash a hidden check compares: the question's name and the answer's key, salted."""
    return hashlib.sha256(f"pcia:{question}:{key}".encode()).hexdigest()[:20]


def visible_number(namespace: dict, name: str, low: float, high: float, outside: str, share: bool = False) -> float:
    """Check the answer is a number between ``low`` and ``high``; otherwise say ``outside``. Prints the pass line."""
    number = as_number(name, _answer(namespace, name), share)
    if not low <= number <= high:
        raise AssertionError(outside)
    print(VISIBLE_PASS)
    return number


def visible_letter(namespace: dict, name: str, options: str = "ABCD") -> str:
    """Check the answer is one of the letters; prints the pass line."""
    letter = as_letter(name, _answer(namespace, name), options)
    print(VISIBLE_PASS)
    return letter


def hidden_number(namespace: dict, name: str, decimals: int, expected: str, wrong: str,
                  near_misses: dict[str, str] | None = None, share: bool = False) -> None:
    """Pass if the answer at ``decimals`` hashes to ``expected``; a known near miss gets its own message,
    anything else ``wrong``."""
    key = number_key(as_number(name, _answer(namespace, name), share), decimals)
    found = digest(name, key)
    if found != expected:
        raise AssertionError((near_misses or {}).get(found, wrong))


def hidden_letter(namespace: dict, name: str, expected: str, messages: dict[str, str], options: str = "ABCD") -> None:
    """Pass if the letter hashes to ``expected``; each wrong letter's hash maps to its own message."""
    found = digest(name, as_letter(name, _answer(namespace, name), options))
    if found != expected:
        raise AssertionError(messages.get(found, f"{name} is not the best of the options: read them again."))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print the hash a hidden check compares an answer with.")
    parser.add_argument("question", help="the answer's name, for example q3")
    parser.add_argument("value", help="the answer")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--decimals", type=int, help="the precision the question states (-2 for the nearest 100)")
    group.add_argument("--letter", action="store_true", help="the answer is a letter")
    args = parser.parse_args(argv)
    key = as_letter(args.question, args.value) if args.letter else number_key(float(args.value), args.decimals)
    print(digest(args.question, key))


if __name__ == "__main__":
    main()
