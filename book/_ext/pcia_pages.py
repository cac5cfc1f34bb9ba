"""What the kit's pages need beyond Jupyter Book's defaults.

- Explorers show as stills (academy/widgets/still.py). Running a notebook still records every widget's
  state, which myst-nb would embed in the page with a widget manager to draw it: drop it.
- An exercise page says it is the delegates' blank copy, to be worked in JupyterLab.
- Pages can name the kit's repository as ``{{ repository_url }}``, or link to it as ``{{ repository_link }}``.
- The instructor edition says so on every page (``pcia_edition: instructor``).
"""

from docutils import nodes
from sphinx.application import Sphinx

EXERCISE_NOTE = (
    "This is the exercise as delegates receive it, with the outputs of its set-up cells. It is worked in "
    "JupyterLab, where the instructions below apply: on this page nothing runs and no answer can be typed. "
)
INSTRUCTOR_NOTE = (
    "Instructor edition, for faculty only: it shows model answers, hidden tests, marking rubrics and "
    "facilitator notes. Do not publish it or share it with delegates."
)


def share_repository_url(app: Sphinx, config) -> None:
    """Make the repository's address (``repository.url`` in _config.yml) available to pages as the
    substitutions ``{{ repository_url }}`` (the address) and ``{{ repository_link }}`` (a link to it), so
    that it is written in one place."""
    url = config.html_theme_options.get("repository_url", "")
    if not url:
        raise ValueError("_config.yml names no repository (repository: url:): the home page says where the kit is")
    config.myst_substitutions = {**config.myst_substitutions, "repository_url": url, "repository_link": f"[{url}]({url})"}


def drop_widget_state(app: Sphinx, doctree: nodes.document) -> None:
    """Forget the saved widget state myst-nb recorded for this page, and the scripts that would draw it."""
    metadata = getattr(app.env, "nb_metadata", {}).get(app.env.docname, {})
    for key in [k for k in metadata.get("js_files", {}) if k.startswith("ipywidgets")]:
        del metadata["js_files"][key]


def note(text: str, link_text: str = "", link: str = "", kind: str = "note") -> nodes.Element:
    """Return an admonition node holding one paragraph, with an optional link to another document."""
    admonition = nodes.admonition(classes=[kind, "pcia-page-note"])
    admonition += nodes.title(text="Note" if kind == "note" else "Faculty only")
    paragraph = nodes.paragraph(text=text)
    if link:
        from sphinx.addnodes import pending_xref

        reference = pending_xref("", refdomain="std", reftype="doc", reftarget=link, refexplicit=True, refwarn=True)
        reference += nodes.inline(text=link_text)
        paragraph += reference
        paragraph += nodes.Text(".")
    admonition += paragraph
    return admonition


def add_page_notes(app: Sphinx, doctree: nodes.document) -> None:
    """Put the exercise note at the top of each released exercise, and the instructor note on every
    page of the instructor edition, just under the page's title."""
    docname = app.env.docname
    notes = []
    if app.config.pcia_edition == "instructor":
        notes.append(note(INSTRUCTOR_NOTE, kind="warning"))
    if docname.startswith("exercises/release/"):
        notes.append(note(EXERCISE_NOTE, "How to work an exercise", "/book/how_to_use"))
    if not notes:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    title = next(iter(section.findall(nodes.title)), None)
    position = section.index(title) + 1 if title is not None else 0
    for offset, admonition in enumerate(notes):
        section.insert(position + offset, admonition)


def setup(app: Sphinx) -> dict:
    app.add_config_value("pcia_edition", "delegate", "env")
    app.connect("config-inited", share_repository_url)
    app.connect("doctree-read", drop_widget_state)
    app.connect("doctree-read", add_page_notes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
