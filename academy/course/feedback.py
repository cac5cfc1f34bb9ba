"""Feedback that teaches without giving the answer away.

nbgrader writes a delegate's feedback from the autograded notebook, and autograding puts the hidden
tests back into every check cell, so by default the feedback shows them (nbgrader issue 917): the
very lines that check the answer, and tracebacks that quote them. ``HideHiddenTests`` runs when
``nbgrader generate_feedback`` exports each notebook (``exercises/nbgrader_config.py`` adds it, and
``academy feedback`` adds it for any course). It

- removes the marking guides put beside written answers for the marker in formgrader;
- removes the hidden-test region from every check cell's code, as the release does;
- shortens each error in a check cell to its last line (for example ``AssertionError: leverage is
  not ...``), so the delegate reads the message the check was written to teach with, never the code
  around it; and
- removes from every cell's output any line that quotes a hidden test, whatever a delegate's own code
  printed (the kernel's history holds the hidden tests once they have run, and code can print it).
"""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests

MIN_QUOTED = 12  # a hidden-test line shorter than this ("else:", ")") proves nothing when it turns up
REMOVED = "[a line of a hidden check was removed here]"


class HideHiddenTests(ClearHiddenTests):
    """Remove hidden tests, and anything that would quote them, from a notebook's feedback."""

    def preprocess(self, nb, resources):
        # The marking guides grading puts beside written answers, for formgrader (grading.py), are the marker's.
        nb.cells = [cell for cell in nb.cells if not cell.metadata.get("academy", {}).get("rubric")]
        self._hidden = set()
        for cell in nb.cells:
            inside = False
            for line in cell.source.splitlines():
                if self.begin_test_delimeter in line:
                    inside = True
                elif self.end_test_delimeter in line:
                    inside = False
                elif inside and len(line.strip()) >= MIN_QUOTED:
                    self._hidden.add(line.strip())
        return super().preprocess(nb, resources)

    def _scrub(self, text):
        if isinstance(text, list):
            return [self._scrub(part) for part in text]
        if not isinstance(text, str) or not any(hidden in text for hidden in self._hidden):
            return text
        return "\n".join(REMOVED if any(h in line for h in self._hidden) else line for line in text.split("\n"))

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.cell_type != "code":
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and utils.is_grade(cell):
                message = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ")
                output["traceback"] = [message]
            for key in ("text", "evalue", "traceback"):
                if key in output:
                    output[key] = self._scrub(output[key])
            for kind, value in output.get("data", {}).items():
                if kind.startswith("text/") or kind == "application/json":
                    output["data"][kind] = self._scrub(value)
        return cell, resources
