"""Every nbgrader assignment survives the round trip a cohort puts it through.

For each folder under ``exercises/source/`` (a new assignment is picked up without editing this file),
in a temporary copy of the course with its own SQLite gradebook, using nbgrader's command line:

- the source notebook validates: run top to bottom, the solutions pass every test;
- ``generate_assignment`` releases it, and the release holds no solution and no hidden test: no
  markers, and none of the lines the source keeps between them;
- autograded as submissions, the blank release scores 0 on every autograded cell, the source (the
  solution) full marks on every one, and a plausible wrong submission, made from the solution by
  swapping in wrong but well-formed answers, something in between;
- ``generate_feedback`` gives each delegate feedback that shows no hidden test (nor, to a delegate who
  did not write it, any solution), and that says what is wrong in the checks' own words.

Autograding executes every notebook, so all three submissions go through one ``autograde`` run.
Nothing is written into the repository's ``exercises/`` folder.
"""

from __future__ import annotations

import ast
import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "exercises"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))

SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARKERS = SOLUTION + HIDDEN
# A secret line shorter than this (a lone bracket, "else:", "pass") could turn up anywhere and proves nothing.
MIN_SECRET_LENGTH = 12

# Wrong but well-formed answers, by assignment and by the grade_id of the answer cell: the near misses a
# delegate who has half understood might type, each with a few words of the message its check must give.
# An assignment not listed here gets a generic wrong answer (its first one-line answer, 10% out): add real ones.
WRONG_ANSWERS = {
    "law_firm_scale": {
        "q1-answer": ("q1 = 7.6", "ratio of the totals"),  # the ratio of the totals, not the firms' average
        "q3-answer": ("q3 = 22100", "whole gain"),  # the whole gain, not the part asked for
        "q7-answer": ("q7 = 0.19", "still slightly worse off"),  # rounded to the nearest, not the smallest that works
        "q8-answer": ('q8 = "A"', "Fen View's row under equal shares"),
    },
    "delayed_discharges": {
        "q1-answer": ("q1 = 129", "Little's law divides"),  # beds times the stay, not divided by it
        "q2-answer": ("q2 = 168", "more than 85% full"),  # the row above the one asked for
        "q4-answer": ("q4 = 0.44", "the council's share"),  # the other organisation's share
        "q5-answer": ("q5 = 1000000", "only the council's part"),  # the council's part of the cost, not all of it
        "q7-answer": ('q7 = "A"', "saves the most in total"),  # the most bed-days saved, not the most per pound
    },
    "workforce_retention": {
        "q1-answer": ("q1 = 0.20", "That is the turnover"),  # the practice managers' figure, not the stability
        "q2-answer": ('q2 = "A"', "did each role lose the same share"),  # turnover as the whole story
        "q3-answer": ("q3 = 11.0", "the partners' median"),  # the row above the one asked for
        "q5-answer": ("q5 = 2.5", "the gap now"),  # year 0, not year 10
        "q8-answer": ("q8 = 258000", "which the NHS bore"),  # the training cost counted as the practice's
        "q9-answer": ('q9 = "D"', "what does it do to the sessions"),  # people kept taken for sessions kept
    },
}


def unexpected_but_right(line: str) -> str:
    """An answer line typed right but in a form a delegate might use: '£14,300', '20%', 'b) because', '2022.0'."""
    name, value = (part.strip() for part in line.split("=", 1))
    literal = ast.literal_eval(value)
    if isinstance(literal, str):
        return f"{name} = {literal.lower() + ') because of the table'!r}"
    if 0 < literal < 1:
        return f"{name} = {f'{literal * 100:g}%'!r}"
    if literal >= 10_000:
        return f"{name} = {f'£{literal:,.0f}'!r}"
    return f"{name} = {float(literal)!r}"


# A delegate who tries to fake a pass: wrong answers, and the names the checks use redefined (the helpers
# replaced in the checks module itself, and the name the hidden tests use bound to it). What code in the
# delegate's own kernel can do beyond redefining names is for the grader's isolation, not for the checks.
FAKE_PASS = (
    "checks.hidden_number = checks.hidden_letter = lambda *args, **kwargs: None\n"
    "hidden_checks = checks"
)

STUDENTS = ("blank", "solution", "wrong", "unexpected", "faker")


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_autograded_test(cell) -> bool:
    return cell.cell_type == "code" and bool(nbgrader_meta(cell).get("grade"))


def lines_between(source: str, begin: str, end: str) -> list[str]:
    """The stripped, non-empty lines strictly between each begin and end marker line of a cell."""
    found, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside and line.strip():
            found.append(line.strip())
    return found


def lines_outside_markers(source: str) -> list[str]:
    """The stripped lines that are not inside any solution or hidden-test region."""
    kept, inside = [], False
    for line in source.splitlines():
        if any(begin in line for begin in (SOLUTION[0], HIDDEN[0])):
            inside = True
        elif any(end in line for end in (SOLUTION[1], HIDDEN[1])):
            inside = False
        elif not inside:
            kept.append(line.strip())
    return kept


def secret_lines(nb) -> set[str]:
    """Solution and hidden-test lines of a source notebook that appear nowhere else in it."""
    secrets, public = set(), set()
    for cell in nb.cells:
        secrets.update(lines_between(cell.source, *SOLUTION))
        secrets.update(lines_between(cell.source, *HIDDEN))
        public.update(lines_outside_markers(cell.source))
    return {line for line in secrets if len(line) >= MIN_SECRET_LENGTH and line not in public}


def hidden_code_lines(nb) -> set[str]:
    """Hidden-test lines that are code, not a message: a line that is only a string is the teaching
    message an assertion shows when it fails, which feedback is meant to show."""
    def is_message(line: str) -> bool:
        try:
            return isinstance(ast.literal_eval(line.rstrip(",").strip("()")), str)
        except (ValueError, SyntaxError):
            return False

    hidden = {line for cell in nb.cells for line in lines_between(cell.source, *HIDDEN)}
    return {line for line in secret_lines(nb) if line in hidden and not is_message(line)}


def html_text(page: str) -> str:
    """The text of an HTML page without its tags: highlighted code is split into many <span>s."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def replace_solution(source: str, new_code: str) -> str:
    """Replace a cell's solution region, markers included, with new_code (at the marker's indent)."""
    out, inside, replaced = [], False, False
    for line in source.splitlines():
        if SOLUTION[0] in line:
            inside, replaced = True, True
            indent = re.match(r"\s*", line).group(0)
            out.extend(indent + new_line for new_line in new_code.splitlines())
        elif SOLUTION[1] in line:
            inside = False
        elif not inside:
            out.append(line)
    assert replaced, f"no solution region in:\n{source}"
    return "\n".join(out)


def generic_wrong_answer(nb) -> dict[str, tuple[str, str]]:
    """For an assignment with no hand-written wrong answer: its first one-line answer, 10% out."""
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("solution") and not meta.get("grade"):
            lines = lines_between(cell.source, *SOLUTION)
            match = re.fullmatch(r"(\w+)\s*=\s*(.+)", lines[0]) if len(lines) == 1 else None
            if match:
                return {meta["grade_id"]: (f"{match[1]} = ({match[2]}) * 1.1", "")}
    pytest.fail("found no one-line answer to make wrong: add this assignment to WRONG_ANSWERS")


def without_markers(source: str) -> str:
    """A cell's source with its solution markers dropped: the answer as a delegate would type it."""
    return "\n".join(line for line in source.splitlines() if not any(m in line for m in SOLUTION))


# What a delegate writes in a manually graded answer (markdown): plausible, short, and not the guide.
WRITTEN_ANSWER = "I would share a back office first and decide on a merger once we know what it saves."


def make_submission(nb, change) -> object:
    """Return the solution as a delegate would type it, with each one-line answer passed through change."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            lines = lines_between(cell.source, *SOLUTION)
            cell.source = replace_solution(cell.source, change(lines[0])) if len(lines) == 1 else without_markers(cell.source)
        elif meta.get("solution"):
            cell.source = WRITTEN_ANSWER
    return nb


def make_wrong_submission(nb, wrong: dict[str, tuple[str, str]]) -> tuple[object, set[str]]:
    """Return what a delegate who half understood would hand in: every answer typed in as the solution
    has it, except the listed ones, which are swapped for wrong answers, and a short written answer.
    Also return the grade_ids of the test cells that mark the wrong answers (the first autograded
    test cell after each)."""
    nb = nbformat.from_dict(nb)
    marked_by = set()
    for index, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        if not meta.get("solution"):
            continue
        if cell.cell_type == "markdown":
            cell.source = WRITTEN_ANSWER
        elif meta.get("grade_id") in wrong:
            cell.source = replace_solution(cell.source, wrong[meta["grade_id"]][0])
            test = next(c for c in nb.cells[index + 1:] if is_autograded_test(c))
            marked_by.add(nbgrader_meta(test)["grade_id"])
        else:
            cell.source = without_markers(cell.source)
    return nb, marked_by


def run(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


@dataclass
class RoundTrip:
    assignment: str
    root: Path
    sources: dict[str, object] = field(default_factory=dict)  # notebook name -> source notebook
    validate_output: dict[str, str] = field(default_factory=dict)
    releases: dict[str, object] = field(default_factory=dict)
    wrongly_answered: dict[str, set[str]] = field(default_factory=dict)  # notebook -> test grade_ids
    # student -> notebook -> grade_id -> (cell_type, auto_score, max_score)
    grades: dict[str, dict[str, dict[str, tuple]]] = field(default_factory=dict)
    feedback: dict[str, dict[str, str]] = field(default_factory=dict)  # student -> notebook -> text of its HTML

    def autograded(self, student: str, notebook: str) -> dict[str, tuple]:
        return {k: v for k, v in self.grades[student][notebook].items() if v[0] == "code"}


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def roundtrip(request, tmp_path_factory) -> RoundTrip:
    """Validate, release and autograde one assignment in a temporary copy of the course."""
    assignment = request.param
    root = tmp_path_factory.mktemp(f"course-{assignment}")
    shutil.copy(COURSE / "nbgrader_config.py", root)
    shutil.copytree(COURSE / "source" / assignment, root / "source" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    db_url = f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}"
    env = dict(
        os.environ,
        # nbgrader runs the `alembic` command by name when it creates a gradebook (nbgrader/api.py,
        # get_alembic_version), so this interpreter's scripts folder must be on PATH.
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        # No personal Jupyter configuration (~/.jupyter) may change what is tested.
        JUPYTER_CONFIG_DIR=str(root / ".jupyter"),
        MPLBACKEND="Agg",
        PYTHONHASHSEED="0",
    )
    result = RoundTrip(assignment, root)
    for path in sorted((root / "source" / assignment).glob("*.ipynb")):
        result.sources[path.stem] = nbformat.read(path, as_version=4)
        validated = run(["validate", str(path.relative_to(root))], root, env)
        assert validated.returncode == 0, validated.stdout + validated.stderr
        result.validate_output[path.stem] = validated.stdout + validated.stderr

    released = run(["generate_assignment", assignment, "--force", db_url], root, env)
    release_dir = root / "release" / assignment
    assert released.returncode == 0 and release_dir.is_dir(), released.stdout + released.stderr
    for name in result.sources:
        result.releases[name] = nbformat.read(release_dir / f"{name}.ipynb", as_version=4)

    wrong = WRONG_ANSWERS.get(assignment)
    if wrong is None:
        wrong = generic_wrong_answer(next(iter(result.sources.values())))
    for name, source in result.sources.items():
        submissions = {
            "blank": result.releases[name],
            "solution": source,
        }
        submissions["wrong"], result.wrongly_answered[name] = make_wrong_submission(source, wrong)
        submissions["unexpected"] = make_submission(source, unexpected_but_right)
        submissions["faker"] = make_submission(
            make_wrong_submission(source, {k: (f"{v[0]}\n{FAKE_PASS}", v[1]) for k, v in wrong.items()})[0], lambda line: line)
        for student, nb in submissions.items():
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / f"{name}.ipynb")
    assert any(result.wrongly_answered.values()), f"none of {sorted(wrong)} is an answer cell in {assignment}"

    graded = run(["autograde", assignment, "--create", "--force", db_url], root, env)
    assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
    with Gradebook(db_url.split("=", 1)[1]) as gb:
        for student in STUDENTS:
            result.grades[student] = {}
            for name in result.sources:
                submission = gb.find_submission_notebook(name, assignment, student)
                result.grades[student][name] = {
                    g.name: (g.cell_type, g.auto_score, g.max_score) for g in submission.grades
                }

    fed_back = run(["generate_feedback", assignment, "--force", db_url], root, env)
    assert fed_back.returncode == 0, fed_back.stdout[-3000:] + fed_back.stderr[-3000:]
    for student in STUDENTS:
        result.feedback[student] = {
            name: html_text((root / "feedback" / student / assignment / f"{name}.html").read_text())
            for name in result.sources
        }
    return result


def test_there_are_assignments():
    assert ASSIGNMENTS, "no assignment folder with a notebook under exercises/source"


def test_the_source_validates(roundtrip):
    for name, output in roundtrip.validate_output.items():
        assert "Success! Your notebook passes all the tests." in output, f"{name}:\n{output}"
        assert "VALIDATION FAILED" not in output and "| ERROR]" not in output, f"{name}:\n{output}"


def test_the_source_is_committed_without_outputs(roundtrip):
    for name, nb in roundtrip.sources.items():
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert not any(c.outputs or c.execution_count for c in code), f"{name}: clear its outputs before committing"


def test_the_release_holds_no_solution_and_no_hidden_test(roundtrip):
    for name, source in roundtrip.sources.items():
        release = roundtrip.releases[name]
        text = "\n".join(cell.source for cell in release.cells)
        for marker in MARKERS:
            assert marker not in text, f"{name}: the release still says {marker!r}"
        secrets = secret_lines(source)
        assert secrets, f"{name}: found no solution or hidden-test lines in the source to look for"
        leaked = sorted(line for line in secrets if line in text)
        assert not leaked, f"{name}: the release shows {leaked[:3]}"
        assert not any(c.get("outputs") for c in release.cells if c.cell_type == "code"), f"{name}: the release has outputs"
        graded = {nbgrader_meta(c)["grade_id"] for c in release.cells if nbgrader_meta(c).get("grade")}
        assert graded == {nbgrader_meta(c)["grade_id"] for c in source.cells if nbgrader_meta(c).get("grade")}


def test_every_notebook_has_autograded_questions(roundtrip):
    for name in roundtrip.sources:
        assert len(roundtrip.autograded("solution", name)) >= 1, f"{name} has no autograded test cell"


def test_the_blank_release_scores_nothing(roundtrip):
    for name in roundtrip.sources:
        scores = roundtrip.autograded("blank", name)
        scored = {grade_id: auto for grade_id, (_, auto, _) in scores.items() if auto != 0}
        assert not scored, f"{name}: the unanswered notebook scored {scored}"


def test_the_solution_scores_full_marks(roundtrip):
    for name in roundtrip.sources:
        scores = roundtrip.autograded("solution", name)
        short = {grade_id: (auto, most) for grade_id, (_, auto, most) in scores.items() if auto != most}
        assert not short, f"{name}: the solution lost marks on {short} (score, out of)"


def test_a_right_answer_typed_in_an_unexpected_way_scores_full_marks(roundtrip):
    for name in roundtrip.sources:
        scores = roundtrip.autograded("unexpected", name)
        short = {grade_id: (auto, most) for grade_id, (_, auto, most) in scores.items() if auto != most}
        assert not short, f"{name}: answers typed as '£14,300', '20%' or 'b)' lost marks on {short}"


def test_redefining_the_checks_helpers_cannot_fake_a_pass(roundtrip):
    for name in roundtrip.sources:
        wrong = roundtrip.autograded("wrong", name)
        faked = roundtrip.autograded("faker", name)
        assert faked == wrong, f"{name}: redefining the helpers changed the marks: {faked} against {wrong}"


def test_each_near_miss_gets_its_own_message(roundtrip):
    for name in roundtrip.sources:
        text = roundtrip.feedback["wrong"][name]
        for grade_id, (answer, words) in WRONG_ANSWERS.get(roundtrip.assignment, {}).items():
            assert words in text, f"{name}: the near miss {answer!r} did not get its own message ({words!r})"


def test_a_missing_answer_gets_a_sentence_not_a_name_error(roundtrip):
    for name in roundtrip.sources:
        text = roundtrip.feedback["blank"][name]
        assert "NameError" not in text, f"{name}: an unanswered question shows a NameError"
        assert "There is no answer called" in text


def test_a_plausible_wrong_submission_scores_partial_marks(roundtrip):
    total = most = 0.0
    for name in roundtrip.sources:
        scores = roundtrip.autograded("wrong", name)
        total += sum(auto or 0 for _, auto, _ in scores.values())
        most += sum(best for _, _, best in scores.values())
        if roundtrip.assignment in WRONG_ANSWERS:
            # The questions answered wrongly lose their marks; every other question keeps them.
            for grade_id, (_, auto, best) in scores.items():
                expected = 0 if grade_id in roundtrip.wrongly_answered[name] else best
                assert auto == expected, f"{name}: {grade_id} scored {auto}, expected {expected} of {best}"
    assert 0 < total < most, f"the wrong submission scored {total} of {most}"


def test_feedback_shows_no_hidden_test_and_no_solution_the_delegate_did_not_write(roundtrip):
    for name, source in roundtrip.sources.items():
        hidden = hidden_code_lines(source)
        assert hidden, f"{name}: found no hidden-test code in the source to look for"
        for student in ("blank", "wrong"):
            text = roundtrip.feedback[student][name]
            for marker in MARKERS:
                assert marker not in text, f"{name}: {student}'s feedback says {marker!r}"
            leaked = sorted(line for line in hidden if line in text)
            assert not leaked, f"{name}: {student}'s feedback shows the hidden tests {leaked[:3]}"
        solutions = {line for cell in source.cells for line in lines_between(cell.source, *SOLUTION)}
        leaked = sorted(line for line in secret_lines(source) & solutions if line in roundtrip.feedback["blank"][name])
        assert not leaked, f"{name}: an unanswered notebook's feedback shows the solutions {leaked[:3]}"


def test_feedback_says_what_is_wrong_in_the_checks_words(roundtrip):
    for name in roundtrip.sources:
        text = roundtrip.feedback["wrong"][name]
        lost = [grade_id for grade_id, (_, auto, best) in roundtrip.autograded("wrong", name).items() if auto < best]
        assert lost, f"{name}: the wrong submission lost no marks"
        # One error line for each check that failed, and no traceback around it.
        assert text.count("AssertionError: ") >= len(lost), f"{name}: the feedback does not say why {lost} lost marks"
        assert "most recent call last" not in text and "Cell In[" not in text, f"{name}: the feedback shows a traceback"
        assert "Your answer passes the visible checks." in text  # what went right is still said
