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
