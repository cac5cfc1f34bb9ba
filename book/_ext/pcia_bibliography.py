"""Author-year references for the kit (Harvard style), as pybtex and sphinxcontrib-bibtex plugins.

In the text a work is cited as "(NHS Digital, 2019a)" or "NHS Digital (2019a)"; the references page
lists the works alphabetically by author, then year, then title, each starting "NHS Digital (2019a).".
Works whose in-text author and year are the same get the letters a, b, c... after the year, in the
order they are listed.

The letter is given once, by the label style: each entry's label is its in-text author and year, with
the letter ("NHS Digital 2019a"). The list (formatting style) and the citations (reference style) both
read the year and letter from that label, so the two always agree. Labels are not shown: the list has
no "[label]" column, as each entry already starts with its author and year.

Used in _config.yml as ``bibtex_default_style: pcia_author_year`` (the list) and
``bibtex_reference_style: pcia_author_year`` (the citations).
"""

import dataclasses
from collections import Counter
from dataclasses import dataclass
from string import ascii_lowercase

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from docutils import nodes
from pybtex.database import Entry
from pybtex.richtext import Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, join, node, sentence
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join2, post_text, pre_text, reference

STYLE = "pcia_author_year"


def _persons(entry: Entry) -> list:
    """The entry's authors, or its editors if it has no author."""
    return entry.persons.get("author") or entry.persons.get("editor") or []


def _plain(*parts: str) -> str:
    """LaTeX name or title parts as plain text: "{NHS Digital}" (a corporate author, one name) reads
    "NHS Digital"."""
    return Text.from_latex(" ".join(parts)).render_as("text")


def _surname(person) -> str:
    return _plain(*person.prelast_names, *person.last_names)


def _year(entry: Entry) -> str:
    return entry.fields.get("year") or "n.d."


class SortingStyle(BaseSortingStyle):
    """Alphabetical by author (surname, then forenames, as listed), then year, then title."""

    def sorting_key(self, entry: Entry) -> tuple:
        authors = tuple(
            (_surname(person).lower(), _plain(*person.first_names, *person.middle_names).lower())
            for person in _persons(entry)
        )
        return authors, _year(entry), _plain(entry.fields.get("title", "")).lower(), entry.key


class LabelStyle(BaseLabelStyle):
    """Labels "Author Year", as the author and year read in the text ("Fisher and Ury 1981", "Bagust et
    al. 1999"), with a, b, c... after the year when several listed works share them."""

    def format_labels(self, sorted_entries):
        bases = []
        for entry in sorted_entries:
            surnames = [_surname(person) for person in _persons(entry)]
            author = " and ".join(surnames) if len(surnames) <= 2 else f"{surnames[0]} et al."
            bases.append(f"{author or entry.fields.get('title', entry.key)} {_year(entry)}")
        shared, seen = Counter(bases), Counter()
        for base in bases:
            yield base + (ascii_lowercase[seen[base]] if shared[base] > 1 else "")
            seen[base] += 1


@node
def label_year(children, data):
    """The year and its letter ("2019a"): the last word of the entry's label (see LabelStyle)."""
    assert not children
    label = data["formatted_entry"].label if "formatted_entry" in data else data["label"]
    return Text(label.rsplit(" ", 1)[-1])


class FormattingStyle(UnsrtStyle):
    """pybtex's unsrt style, with surnames first and initials, and the year with its letter moved to
    follow the authors: "Fisher, R. and Ury, W. (1981). Getting to Yes…"."""

    default_name_style = "lastfirst"
    default_label_style = STYLE
    default_sorting_style = STYLE

    def __init__(self, **kwargs):
        super().__init__(**{"abbreviate_names": True, **kwargs})

    def format_names(self, role, as_sentence=True):
        """Names in the role; the authors' are followed by the year and its letter: "Nash, J. F. (1950)"."""
        names = super().format_names(role, as_sentence=False)
        if role == "author":
            names = join(sep=" ")[names, join["(", label_year, ")"]]
        return sentence[names] if as_sentence else names

    def format_title(self, e, which_field, as_sentence=True):
        """The title as written in references.bib (unsrt would lower-case all but its first letter)."""
        return sentence[field(which_field)] if as_sentence else field(which_field)

    def format_entry(self, label, entry, bib_data=None):
        """Format as unsrt does, but with the year (and month) left out where unsrt puts it, at the end."""
        undated = Entry(entry.type, fields={**entry.fields, "year": "", "month": ""}, persons=entry.persons)
        template = getattr(self, f"get_{entry.type}_template")(undated)
        text = template.format_data({"entry": undated, "style": self, "bib_data": bib_data, "label": label})
        return FormattedEntry(entry.key, text, label)


@dataclass
class _Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
    """{cite:p}: "(NHS Digital, 2019a)"."""

    def inner(self, role_name):
        author = self.person.author_or_editor_or_title(full="s" in role_name)
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text, reference[join(sep=self.author_year_sep)[author, label_year]], post_text
        ]


@dataclass
class _Textual(BasicAuthorYearTextualReferenceStyle):
    """{cite:t}: "NHS Digital (2019a)"."""

    def inner(self, role_name):
        return join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[
                self.bracket.left,
                join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[pre_text, reference[label_year], post_text],
                self.bracket.right,
            ],
        ]


@dataclass
class _Year(ExtraYearReferenceStyle):
    """{cite:year}: "2019a"."""

    def inner(self, role_name):
        return reference[label_year]


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclass
class ReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author-year citations in round brackets, several works separated by
    semicolons, with the year's letter taken from the label."""

    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)

    def __post_init__(self):
        super().__post_init__()
        ours = {
            BasicAuthorYearParentheticalReferenceStyle: _Parenthetical,
            BasicAuthorYearTextualReferenceStyle: _Textual,
            ExtraYearReferenceStyle: _Year,
        }
        self.styles = [ours[type(s)](**vars(s)) if type(s) in ours else s for s in self.styles]
        self.role_style.update((role, style) for style in self.styles for role in style.role_names())


class DropLabels(SphinxPostTransform):
    """Leave the "[label]" off the entries of bibliographies in this style (HTML only: LaTeX needs it)."""

    default_priority = 6  # after sphinxcontrib-bibtex writes the entries (5), before links resolve (10)
    formats = ("html",)

    def run(self, **kwargs) -> None:
        domain = self.env.get_domain("cite")
        ours = {c.citation_id for c in domain.citations if domain.bibliographies[c.bibliography_key].style == STYLE}
        for citation in self.document.findall(nodes.citation):
            if citation["ids"] and citation["ids"][0] in ours:
                for label in [child for child in citation.children if isinstance(child, nodes.label)]:
                    citation.remove(label)


def setup(app: Sphinx):
    for group, plugin in [("formatting", FormattingStyle), ("labels", LabelStyle), ("sorting", SortingStyle)]:
        pybtex.plugin.register_plugin(f"pybtex.style.{group}", STYLE, plugin, force=True)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", STYLE, ReferenceStyle, force=True
    )
    app.add_post_transform(DropLabels)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
