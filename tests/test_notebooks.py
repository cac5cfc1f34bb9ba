"""Every teaching notebook and written case executes from top to bottom without an error.

The book build (the `built_book` fixture, `make book`) executes each of them once; these tests read
what it ran (the executed notebooks it keeps in _build/jupyter_execute, its execution reports and its
log) rather than run them a second time.
"""

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(ROOT.glob("notebooks/*.md")) + sorted(ROOT.glob("case_studies/*/index.md"))


def test_there_are_notebooks_to_run():
    assert any(p.parent.name == "notebooks" for p in PAGES)


def test_the_book_build_reports_no_execution_error(built_book):
    log = (built_book.parents[1] / "build.log").read_text()
    failed = re.findall(r"(\S+): WARNING: Executing notebook failed", log)
    assert not failed, f"the book build could not execute {failed}"
    reports = sorted((built_book / "reports").rglob("*.err.log"))  # myst-nb's traceback of a failed notebook
    assert not reports, "\n\n".join(f"{r.relative_to(built_book)}:\n{r.read_text()[-2000:]}" for r in reports)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_executes(path, built_book):
    docname = path.relative_to(ROOT).with_suffix("").as_posix()
    executed = built_book.parent / "jupyter_execute" / f"{docname}.ipynb"
    assert executed.exists(), f"the book build did not execute {docname}: is it in _toc.yml?"
    notebook = nbformat.read(executed, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code" and c.source.strip()]
    assert len(code) > 0
    errors = [f"{o.ename}: {o.evalue}" for c in code for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    not_run = [c.source.splitlines()[0] for c in code if c.get("execution_count") is None]
    assert not not_run, f"{len(not_run)} code cells did not run, the first: {not_run[0]!r}"
    assert not (built_book / "reports" / f"{docname}.err.log").exists()


def test_the_sensitivity_charts_description_quotes_the_model():
    """The tornado charts' alt text is written in the notebook; its numbers must be the charts'."""
    from academy.models.gp_partnership import AVERAGE_PRACTICE, sensitivity_table

    # Read as the book reads it (the cell's options are YAML, in the form jupytext writes them back).
    notebook = jupytext.read(ROOT / "notebooks" / "law_firm_scale.md")
    [alt] = [c.metadata["mystnb"]["image"]["alt"] for c in notebook.cells if "mystnb" in c.metadata
             and c.metadata["mystnb"]["image"]["alt"].startswith("Two tornado charts")]
    table = sensitivity_table(AVERAGE_PRACTICE, change_share=0.1)
    half_swing = table["swing"].abs() / 2  # "either way": half the distance from low to high
    economic = (table["economic_high"] - table["economic_low"]).abs() / 2
    first, second, last = table.index[0], table.index[1], table.index[-1]
    left, right = alt.split("Right,")
    lower = left.lower()
    assert lower.index(first.lower()) < lower.index(second.lower()) < lower.index(last.lower().split(" (")[0])
    assert f"about {round(half_swing[first], -3):,.0f} pounds" in left
    assert f"about {round(half_swing[second], -3):,.0f} pounds" in left
    assert f"about {round(half_swing[last], -3):,.0f} pounds" in left
    assert f"{economic.idxmax().lower().replace(' per patient', '')} move it most, by about {round(economic.max()):.0f} pounds" in right
    assert economic["Partners' share of GP time (same GPs)"] < 1e-6 and "partners' share of GP time does not move it" in right
