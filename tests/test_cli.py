"""The `academy` command's own checks: what it refuses, and the words it refuses with.

The whole cycle (roster, release, collect, grade, feedback, report) runs in tests/test_cohort.py with
real Unix users; here, the roster's rules and the messages a programme office reads when something is
wrong, which must be sentences, not tracebacks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from academy.course import cli
from academy.course.submission import suspicious

BIN = Path(sys.executable).parent


def roster_file(tmp_path, text: str) -> Path:
    path = tmp_path / "delegates.csv"
    path.write_text(text)
    return path


def test_a_roster_of_ids_with_optional_names_is_read(tmp_path):
    path = roster_file(tmp_path, "delegate,first_name\nd01,Anna\ngp-ben,\n")
    assert cli.read_roster(path) == [{"delegate": "d01", "first_name": "Anna", "last_name": ""},
                                     {"delegate": "gp-ben", "first_name": "", "last_name": ""}]


@pytest.mark.parametrize("text, words", [
    ("delegate,nhs_number\nd01,4857773456\n", "remove: nhs_number"),
    ("name\nAnna\n", "needs a column headed 'delegate'"),
    ("delegate\nAnna Shah\n", "Line 2 of the roster: 'Anna Shah' is not a delegate id"),
    ("delegate\nd01\nd01\n", "Line 3 of the roster: d01 appears twice"),
    ("delegate\n1abc\n", "starting with a letter"),
])
def test_a_roster_that_holds_more_than_ids_or_bad_ids_is_refused(tmp_path, text, words):
    with pytest.raises(cli.Stop, match=words):
        cli.read_roster(roster_file(tmp_path, text))


def test_deadlines_are_read_as_uk_time():
    assert str(cli.parse_due("2027-01-29 17:00")) == "2027-01-29 17:00:00"  # GMT in January
    assert str(cli.parse_due("2027-07-01 17:00")) == "2027-07-01 16:00:00"  # BST in July
    with pytest.raises(cli.Stop, match="not a date and time"):
        cli.parse_due("next Friday")


def test_a_mistake_reads_as_a_sentence_not_a_traceback(tmp_path):
    done = subprocess.run([str(BIN / "academy"), "report", "--course", str(tmp_path / "nowhere")],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip() == f"academy report: There is no course directory at {tmp_path / 'nowhere'}."
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("source, reason", [
    ("q1 = 0.84", None),
    ('q2 = "B"  # the stability column', None),
    ("q3 = 14300 * 2", None),
    ("q1 = round(0.843, 2)", None),
    ("import academy.course.checks as c\nq1 = 1", "imports academy.course.checks"),
    ("from importlib import reload", "imports importlib"),
    ("checks.hidden_number = print", "changes an attribute or item of another object"),
    ("globals()['q1'] = 1", "changes an attribute or item of another object"),
    ("def hidden_letter(*a):\n    pass", "defines a function or class"),
    ("%run other.ipynb", "runs a shell command or an IPython magic"),
    ("x = get_ipython()", "uses get_ipython"),
    ("q1 = (0).__class__", "reaches __class__"),
    ("exec('q1 = 1')", "uses exec"),
])
def test_answers_that_do_more_than_answer_are_named(source, reason):
    assert suspicious(source) == reason
