"""Read a delegate's submitted notebook however it arrives, and put their answers back into the notebook
as it was released, before it is graded.

A submitted notebook can be broken in many ways a delegate never meant: an answer cell copied and
pasted (two cells with one grade id: nbgrader issue 1083 stops a whole batch on it), a check cell
deleted or edited, cells moved, the grading metadata stripped by another editor, the wrong file name.
Rather than grade whatever structure arrives, grading rebuilds the notebook from the released one (the
same cells, in the same order, the checks as written) and copies in only what is the delegate's:

- each answer cell, found by its grade id; if the metadata is gone, by the answer's name (the code
  cell that assigns ``q3``), and the written answers by their place after the question;
- any cell the delegate added, after the answer or question it followed.

Each repair is noted in plain words for the report; a submission that is not a notebook at all is
rejected with the reason. Answer cells and added cells that do more than give an answer (import the
checks, patch a module, redefine a name the checks use) are flagged for a person to look at: the
score stands, but someone reads the notebook.
"""

from __future__ import annotations

import ast
import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 25 * 2**20  # a notebook with a few large pictures is well under this
STUB = "raise NotImplementedError()"
# Names that let code reach or change how the checks run. Calling one in an answer is not wrong in
# itself, but no answer needs it: a person should look.
SUSPICIOUS_NAMES = {"exec", "eval", "compile", "__import__", "globals", "locals", "vars", "setattr", "delattr",
                    "getattr", "get_ipython", "open", "__builtins__", "builtins", "sys", "importlib", "checks",
                    "ctypes", "gc", "inspect", "os", "subprocess", "signal", "AssertionError"}
SUSPICIOUS_MODULES = ("academy.course", "builtins", "sys", "importlib", "ctypes", "gc", "inspect", "IPython",
                      "os", "subprocess", "signal", "unittest", "types", "hashlib")


class Rejected(Exception):
    """The submission cannot be graded; the message says why, in words for the programme office."""


@dataclass
class Repaired:
    """The notebook to grade, rebuilt from the release, with what was repaired and what needs a person."""

    notebook: nbformat.NotebookNode
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a submitted notebook, or raise ``Rejected`` saying in plain words what is wrong with it."""
    size = path.stat().st_size
    if size == 0:
        raise Rejected(f"{path.name} is empty (0 bytes): it was saved or uploaded before it had any content.")
    if size > MAX_NOTEBOOK_BYTES:
        raise Rejected(f"{path.name} is {size / 2**20:.0f} MB, more than the {MAX_NOTEBOOK_BYTES // 2**20} MB "
                       "a notebook may be: clear its outputs (Edit > Clear Outputs of All Cells) and submit again.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Rejected(f"{path.name} is not UTF-8 text (byte {error.start} cannot be read): it was probably "
                       "saved by another program. Submit the notebook as JupyterLab saved it.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Rejected(f"{path.name} is not a notebook: its text is not valid JSON (line {error.lineno}). "
                       "It may have been edited outside JupyterLab or cut short.") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise Rejected(f"{path.name} is not a notebook: it has no list of cells.")
    try:
        notebook = nbformat.from_dict(data)
        if notebook.get("nbformat", 4) < 4:
            notebook = nbformat.convert(notebook, 4)
        for cell in notebook.cells:  # the fields grading reads, whatever the rest holds
            if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
                raise ValueError("a cell of unknown type")
            source = cell.get("source", "")
            cell["source"] = "".join(source) if isinstance(source, list) else str(source)
            cell.setdefault("metadata", {})
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise Rejected(f"{path.name} is not a notebook JupyterLab can open ({error}).") from None
    return notebook


def grade_id(cell) -> str | None:
    info = cell.get("metadata", {}).get("nbgrader")
    return info.get("grade_id") if isinstance(info, dict) else None


def assigned_names(source: str) -> set[str]:
    """The names a piece of code assigns at its top level (``q3 = 14300`` gives {'q3'})."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def suspicious(source: str) -> str | None:
    """Why a delegate's code could change how the checks run (a short phrase), or None. Magics, imports
    of the checks or the interpreter's internals, changes to an attribute of anything, calls to exec,
    setattr and the like: no answer needs them."""
    lines = source.splitlines()
    if any(line.lstrip().startswith(("%", "!")) for line in lines):
        return "runs a shell command or an IPython magic"
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for module in modules:
                if module.startswith(SUSPICIOUS_MODULES):
                    return f"imports {module}"
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            return "changes an attribute or item of another object"
        if isinstance(node, ast.Name) and (node.id in SUSPICIOUS_NAMES or node.id.startswith("__")):
            return f"uses {node.id}"
        if isinstance(node, ast.Attribute) and node.attr.startswith("__"):
            return f"reaches {node.attr}"
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            return "declares a global name"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return "defines a function or class"
    return None


def _answered(cell) -> bool:
    source = cell.get("source", "")
    return bool(source.strip()) and STUB not in source and "YOUR ANSWER HERE" not in source


def rebuild(submitted: nbformat.NotebookNode, released: nbformat.NotebookNode,
            answer_names: dict[str, set[str]]) -> Repaired:
    """The released notebook with the delegate's answers and added cells copied in.

    ``answer_names`` gives, for each answer cell's grade id, the names its solution assigns (from the
    source notebook): they find an answer whose cell lost its metadata.
    """
    repaired = Repaired(copy.deepcopy(released))
    template_ids = [grade_id(cell) for cell in released.cells]
    known_sources = {cell.source.strip(): gid for cell, gid in zip(released.cells, template_ids) if cell.source.strip()}
    answers: dict[str, dict] = {}  # grade id -> the delegate's cell
    extras: dict[str | None, list] = {}  # anchor grade id (None: the top) -> cells the delegate added
    duplicates: set[str] = set()
    unmarked = 0
    anchor = None
    for cell in submitted.cells:
        gid = grade_id(cell)
        if gid in template_ids:
            template_cell = released.cells[template_ids.index(gid)]
            is_answer = bool(template_cell.metadata.get("nbgrader", {}).get("solution"))
            if is_answer:
                if gid in answers:
                    duplicates.add(gid)
                if gid not in answers or _answered(cell) or not _answered(answers[gid]):
                    answers[gid] = cell
            anchor = gid
            continue
        if gid is None:
            unmarked += 1
        if not cell.source.strip():
            continue
        if cell.source.strip() in known_sources:  # the release's own text, its metadata lost
            anchor = known_sources[cell.source.strip()] or anchor
            continue
        names = assigned_names(cell.source) if cell.cell_type == "code" else set()
        owner = next((g for g, wanted in answer_names.items() if names & wanted and g not in answers), None)
        if owner is None and cell.cell_type == "markdown" and anchor in template_ids:
            following = released.cells[template_ids.index(anchor) + 1:template_ids.index(anchor) + 2]
            if following and following[0].cell_type == "markdown" and grade_id(following[0]) not in answers \
                    and following[0].metadata.get("nbgrader", {}).get("solution"):
                owner = grade_id(following[0])  # a written answer, in its place after the question
        if owner is not None:
            answers[owner] = cell
            anchor = owner
        elif cell.cell_type == "code":
            extras.setdefault(anchor, []).append(cell)
    if unmarked and not any(grade_id(cell) for cell in submitted.cells):
        repaired.repairs.append("the notebook had lost its grading information (cell metadata): its answers "
                                "were found by name and put back into the released notebook")
    for gid in sorted(duplicates):
        repaired.repairs.append(f"the answer cell {gid} appeared more than once: the answered copy was graded")
    present = {grade_id(cell) for cell in submitted.cells}
    missing = [g for g in template_ids if g and g not in present and g not in answers]
    checks = [g for g in missing if released.cells[template_ids.index(g)].metadata.get("nbgrader", {}).get("grade")]
    if checks:
        repaired.repairs.append("check cells that had been deleted were put back and run: " + ", ".join(checks))
    order = [g for g in (grade_id(cell) for cell in submitted.cells) if g in template_ids]
    if order != sorted(order, key=template_ids.index):
        repaired.repairs.append("cells that had been moved were graded in the released order")
    edited = [g for g in present if g in template_ids and g not in answers
              and next(c for c in submitted.cells if grade_id(c) == g).source.strip()
              != released.cells[template_ids.index(g)].source.strip()]
    if edited:
        repaired.repairs.append("edited cells were graded as released: " + ", ".join(sorted(edited)))

    cells = []
    for cell, gid in zip(repaired.notebook.cells, template_ids):
        if gid in answers:
            mine = answers[gid]
            cell.source = mine.source if mine.cell_type == cell.cell_type else cell.source
        cells.append(cell)
        for extra in extras.get(gid, []):
            cells.append(nbformat.v4.new_code_cell(extra.source))
    cells[:0] = [nbformat.v4.new_code_cell(extra.source) for extra in extras.get(None, [])]
    repaired.notebook.cells = cells

    for gid, cell in answers.items():
        reason = suspicious(cell.source) if cell.cell_type == "code" else None
        if reason:
            repaired.flags.append(f"the answer cell {gid} {reason}")
    for anchor_id, added in extras.items():
        for cell in added:
            reason = suspicious(cell.source)
            if reason:
                where = f"after {anchor_id}" if anchor_id else "at the top"
                repaired.flags.append(f"a cell the delegate added {where} {reason}")
    return repaired


def solution_names(source_notebook: nbformat.NotebookNode) -> dict[str, set[str]]:
    """For each answer cell of the source notebook, the names its solution assigns."""
    return {grade_id(cell): assigned_names(cell.source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""))
            for cell in source_notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")}
