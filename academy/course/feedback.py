"""Feedback that teaches without giving the answer away.

nbgrader writes a delegate's feedback from the autograded notebook, and autograding puts the hidden
tests back into every check cell, so by default the feedback shows them (nbgrader issue 917): the
very lines that check the answer, and tracebacks that quote them. ``HideHiddenTests`` runs when
``nbgrader generate_feedback`` exports each notebook (``exercises/nbgrader_config.py`` adds it). In
every check cell it

- removes the hidden-test region from the code shown, as the release does; and
- shortens each error to its last line (for example ``AssertionError: leverage is not ...``), so the
  delegate reads the message the check was written to teach with, never the code around it.
"""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests


class HideHiddenTests(ClearHiddenTests):
    """Remove hidden tests, and the tracebacks that would quote them, from a check cell's feedback."""

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ")
                    output["traceback"] = [message]
        return cell, resources
