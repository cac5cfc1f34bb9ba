"""Every teaching notebook and written case executes from top to bottom without an error."""

from pathlib import Path

import jupytext
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(ROOT.glob("notebooks/*.md")) + sorted(ROOT.glob("case_studies/*/index.md"))


def test_there_are_notebooks_to_run():
    assert any(p.parent.name == "notebooks" for p in PAGES)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_executes(path):
    notebook = jupytext.read(path)
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert sum(c.cell_type == "code" for c in notebook.cells) > 0


def test_the_sensitivity_charts_description_quotes_the_model():
    """The tornado chart's alt text is written in the notebook; its numbers must be the chart's."""
    import re

    from academy.models.gp_partnership import AVERAGE_PRACTICE, profit_per_partner_sensitivity

    alt = re.search(r'alt: "(Tornado chart[^"]+)"', (ROOT / "notebooks" / "law_firm_scale.md").read_text()).group(1)
    table = profit_per_partner_sensitivity(AVERAGE_PRACTICE, change_share=0.1)
    half_swing = table["swing"].abs() / 2  # "either way": half the distance from low to high
    first, second, last = table.index[0], table.index[1], table.index[-1]
    assert (first, second, last) == ("Global sum per weighted patient", "Registered patients", "Other income per patient")
    assert f"about {round(half_swing[first], -3):,.0f} pounds" in alt
    assert f"about {round(half_swing[second], -3):,.0f} pounds" in alt
    assert f"about {round(half_swing[last], -2):,.0f} pounds" in alt
