"""Two editions from one source: the delegate edition is public and holds nothing instructor-only; the
instructor edition adds model answers, hidden tests, rubrics and facilitator notes as proper pages; only
the delegate edition is what the publishing workflow deploys; the repository and hub are configurable."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from academy.book.instructor_edition import instructor_notebook
from academy.book.leaks import instructor_only_lines, leaks

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "exercises" / "source").iterdir() if p.is_dir())
NOTES = sorted(p.stem for p in (ROOT / "book" / "facilitator").glob("*.md"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
WORKFLOW = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", path.read_text()))


def toc_files(toc: dict) -> list[str]:
    return re.findall(r"file: (\S+)", yaml.safe_dump(toc))


# The delegate edition --------------------------------------------------------------------------------

def test_nothing_instructor_only_is_in_the_delegate_edition(built_book):
    """No model answer, hidden test, marking guide, facilitator line or instructor page in any page, the
    search index or the downloadable sources of the published book."""
    assert instructor_only_lines(), "found nothing to look for: the exercises' markers or the notes have moved"
    assert leaks(built_book) == []
    assert not (built_book / "book" / "facilitator").exists()
    assert (built_book / "searchindex.js").exists() and any((built_book / "_sources").rglob("*.ipynb"))


def test_the_leak_check_finds_what_it_looks_for(built_book, tmp_path):
    """A copy of the delegate edition with one planted line of each kind, and an instructor page in its
    search index, is caught on each count."""
    copy = tmp_path / "html"
    shutil.copytree(built_book, copy)
    lines = sorted(instructor_only_lines())
    hidden = next(line for line in lines if "importlib" in line)
    notes = next(line for line in lines if len(line) >= 60 and " " in line and "importlib" not in line)
    page = copy / "book" / "glossary.html"
    page.write_text(page.read_text().replace("</main>", f"<p>{hidden}</p></main>", 1))
    source = next((copy / "_sources").rglob("*.md"))
    source.write_text(source.read_text() + "\n" + notes + "\n")
    index = copy / "searchindex.js"
    index.write_text(re.sub(r'"docnames":\s*\[', '"docnames": ["book/facilitator/law_firm_scale", ', index.read_text(), count=1))
    found = "\n".join(leaks(copy))
    assert "glossary.html has the instructor-only line" in found
    assert f"{source.relative_to(copy).as_posix()} has the instructor-only line" in found
    assert "the search index lists book/facilitator/law_firm_scale" in found


def test_the_leak_check_is_a_command_that_fails_on_a_leak(built_instructor_book):
    ok = subprocess.run([sys.executable, "-m", "academy.book.leaks", str(built_instructor_book.parents[2] / "html")],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr[-2000:]
    bad = subprocess.run([sys.executable, "-m", "academy.book.leaks", str(built_instructor_book)], capture_output=True, text=True)
    assert bad.returncode == 1 and "instructor-only" in bad.stderr and "Traceback" not in bad.stderr


def test_the_delegate_edition_shows_no_instructor_banner(built_book):
    assert not any("Instructor edition" in p.read_text() for p in built_book.rglob("*.html"))


# The instructor edition ------------------------------------------------------------------------------

def test_the_instructor_edition_has_every_page_of_the_delegate_edition_and_its_own(built_book, built_instructor_book):
    delegate = {p.relative_to(built_book) for p in built_book.rglob("*.html")}
    instructor = {p.relative_to(built_instructor_book) for p in built_instructor_book.rglob("*.html")}
    assert delegate <= instructor, sorted(map(str, delegate - instructor))[:5]
    for name in NOTES:
        assert Path(f"book/facilitator/{name}.html") in instructor, f"the facilitator notes {name} are not a page"
    for assignment in ASSIGNMENTS:
        assert Path(f"exercises/instructor/{assignment}/{assignment}.html") in instructor


def test_facilitator_notes_are_rendered_as_pages_not_raw_markdown(built_instructor_book):
    for name in NOTES:
        page = (built_instructor_book / "book" / "facilitator" / f"{name}.html").read_text()
        source = (ROOT / "book" / "facilitator" / f"{name}.md").read_text()
        title = re.search(r"^# (.+)$", source, re.M)[1]
        assert re.search(r"<h1>" + re.escape(title.replace("&", "&amp;")), page), name
        assert "{cite:p}" not in page and ":::" not in page and "{doc}" not in page, f"{name} shows raw MyST"
        assert "Instructor edition, for faculty only" in page


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_model_answers_page_shows_answers_hidden_tests_and_marking_guides(built_instructor_book, assignment):
    source = nbformat.read(ROOT / "exercises" / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    page = text_of(built_instructor_book / "exercises" / "instructor" / assignment / f"{assignment}.html")
    answers = [re.search(r"BEGIN SOLUTION\n(.+?)\n### END", c.source, re.S)[1] for c in source.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    hidden = [c for c in source.cells if "### BEGIN HIDDEN TESTS" in c.source]
    written = [c for c in source.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")]
    assert answers and hidden and written
    for answer in answers:
        assert re.sub(r"\s+", " ", answer) in page.replace("&quot;", '"'), answer
    assert page.count("Hidden tests for question") == len(hidden)
    assert page.count("Marking guide for question") == len(written)
    assert "### BEGIN" not in page and "NotImplementedError()" in page  # said of the delegates' copy, not run
    assert "Traceback" not in page and "AssertionError" not in page, "a model answer fails its checks"


def test_hidden_tests_become_their_own_cells_and_model_answers_run(tmp_path):
    """The instructor notebook is built from the source: each hidden test is in a cell of its own, after
    its visible check, and no cell is left tagged to raise or hide its output."""
    for assignment in ASSIGNMENTS:
        source = ROOT / "exercises" / "source" / assignment / f"{assignment}.ipynb"
        nb = instructor_notebook(source)
        hidden = [c for c in nb.cells if "pcia-hidden-tests" in c.metadata.get("tags", [])]
        originals = [c for c in nbformat.read(source, as_version=4).cells if "### BEGIN HIDDEN TESTS" in c.source]
        assert len(hidden) == len(originals)
        for cell, original in zip(hidden, originals):
            inside = original.source.split("### BEGIN HIDDEN TESTS\n")[1].split("\n### END HIDDEN TESTS")[0]
            assert cell.source == inside
            before = nb.cells[nb.cells.index(cell) - 2]
            assert before.source == original.source.split("\n### BEGIN HIDDEN TESTS")[0]
        assert not any(set(c.metadata.get("tags", [])) & {"raises-exception", "remove-output"} for c in nb.cells)
        assert not any("### BEGIN" in c.source or "### END" in c.source for c in nb.cells if "pcia-hidden-tests" not in c.metadata.get("tags", []))


def test_the_instructor_edition_says_what_it_is_on_every_page(built_instructor_book):
    for page in built_instructor_book.rglob("*.html"):
        if page.relative_to(built_instructor_book).parts[0].startswith("_") or page.name in ("genindex.html", "search.html") or 'http-equiv="Refresh"' in page.read_text():
            continue  # Sphinx's own index pages, and the home page's redirect
        assert "Instructor edition, for faculty only" in page.read_text(), page.relative_to(built_instructor_book)


# Publishing ------------------------------------------------------------------------------------------

def workflow_steps() -> list[dict]:
    return [step for job in WORKFLOW["jobs"].values() for step in job.get("steps", [])]


def test_the_pages_workflow_publishes_the_delegate_edition_only():
    runs = [step["run"] for step in workflow_steps() if "run" in step]
    uploads = [step for step in workflow_steps() if step.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert any(re.search(r"\bmake book\b", run) for run in runs)
    assert not any("instructor-book" in run or "_build/instructor" in run for run in runs)
    assert [u["with"]["path"] for u in uploads] == ["_build/html"], "Pages must get the delegate edition's folder"
    assert "_build/html" in (ROOT / "Makefile").read_text().split("book:")[0] or "BUILD_DIR ?= ." in (ROOT / "Makefile").read_text()
    build = WORKFLOW["jobs"]["build"]["steps"]
    check = next(i for i, s in enumerate(build) if "academy.book.leaks _build/html" in s.get("run", ""))
    upload = next(i for i, s in enumerate(build) if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert check < upload, "the leak check must run before anything is uploaded"
    assert WORKFLOW["jobs"]["deploy"]["needs"] == "build"
    assert WORKFLOW["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert WORKFLOW["permissions"] == {"contents": "read"}


def test_the_workflow_is_valid_for_github_actions():
    """Checked against the GitHub Actions workflow schema that check-jsonschema carries (offline)."""
    result = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             str(ROOT / ".github" / "workflows" / "pages.yml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# Where the kit lives, and where it runs ----------------------------------------------------------------

def test_the_repository_url_is_one_address_shown_on_the_home_page_readme_and_citation(built_book):
    url = CONFIG["repository"]["url"]
    assert re.fullmatch(r"https://[\w.-]+/[\w.-]+/[\w.-]+", url)
    assert f'repository-code: "{url}"' in (ROOT / "CITATION.cff").read_text()
    assert url in (ROOT / "README.md").read_text()
    assert re.search(rf'<a class="[^"]*reference external[^"]*" href="{re.escape(url)}">', (built_book / "book" / "preface.html").read_text())
    assert "{{" not in text_of(built_book / "book" / "preface.html")


def test_no_launch_link_without_a_hub(built_book):
    assert not CONFIG["launch_buttons"]["jupyterhub_url"]
    assert not any("git-pull" in p.read_text() for p in built_book.rglob("*.html"))


def test_a_configured_hub_gives_each_notebook_page_an_nbgitpuller_launch_link(tmp_path):
    """Build the book's home page and one teaching notebook (not executed) with a hub configured: the
    notebook page links to the hub's nbgitpuller, which copies the kit's repository and opens the
    notebook in JupyterLab."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["launch_buttons"]["jupyterhub_url"] = "https://hub.example.org/"
    config["execute"]["execute_notebooks"] = "off"
    config["sphinx"]["local_extensions"] = {k: str(ROOT / v) for k, v in config["sphinx"]["local_extensions"].items()}
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({"format": "jb-book", "root": "book/preface",
                                                       "chapters": [{"file": "notebooks/law_firm_scale"}]}))
    build = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--config", str(tmp_path / "_config.yml"),
                            "--toc", str(tmp_path / "_toc.yml"), "--path-output", str(tmp_path)], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    page = (tmp_path / "_build" / "html" / "notebooks" / "law_firm_scale.html").read_text()
    link = re.search(r'href="(https://hub\.example\.org/hub/user-redirect/git-pull\?[^"]+)"', page)
    assert link, "no launch link on the notebook page"
    repo = CONFIG["repository"]["url"]
    assert f"repo={repo}".replace(":", "%3A") in link[1] or f"repo={repo}" in link[1]
    assert "urlpath=lab/tree/teaching-kit/notebooks/law_firm_scale.md" in link[1]
    assert "branch=main" in link[1]
    home = (tmp_path / "_build" / "html" / "book" / "preface.html").read_text()
    assert "git-pull" not in home, "a page that is not a notebook has nothing to launch"
