"""The references page and the in-text citations of the built book follow an author-year style that tells
apart works by the same author in the same year (book/_ext/pcia_bibliography.py).

What each entry should look like is worked out here from book/references.bib alone: the order
(author, then year, then title), and which works share the author and year a reader sees in the text
("NHS Digital, 2019"), so need a letter after the year (a, b, c... in the order listed).
"""

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file
from pybtex.richtext import Text

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = parse_file(ROOT / "book" / "references.bib").entries
# An entry starts "Authors (2019a). Title...".
HEAD = re.compile(r"^(?P<authors>.+?) \((?P<year>\d{4}|n\.d\.)(?P<suffix>[a-z]?)\)\. (?P<rest>.+)$", re.S)


def normalise(text: str) -> str:
    """Text with its dashes, quotes and spaces made plain, to compare the page with references.bib."""
    for fancy, straight in {"--": "-", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'}.items():
        text = text.replace(fancy, straight)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def plain(latex: str) -> str:
    """BibTeX text as a reader sees it: "{NHS Digital}" reads "NHS Digital"."""
    return normalise(Text.from_latex(latex).render_as("text"))


def surnames(entry) -> list[str]:
    return [plain(" ".join(p.prelast_names + p.last_names)) for p in entry.persons["author"]]


def in_text_author(entry) -> str:
    """The author as cited in the text: one or two surnames, or the first and "et al."."""
    names = surnames(entry)
    return " and ".join(names) if len(names) <= 2 else f"{names[0]} et al."


def sort_key(key: str) -> tuple:
    """Author (surname, then forenames, for each author in turn), then year, then title."""
    entry = ENTRIES[key]
    authors = tuple(
        (surname.lower(), plain(" ".join(p.first_names + p.middle_names)).lower())
        for surname, p in zip(surnames(entry), entry.persons["author"])
    )
    return authors, entry.fields["year"], plain(entry.fields["title"]).lower()


@pytest.fixture(scope="module")
def listed(built_book) -> dict[str, dict]:
    """The references page's entries, in order: anchor id -> bib key, and the parts of the entry's head.

    Each entry is matched to its bib entry by year and title (the longest title the text after the head
    starts with)."""
    page = BeautifulSoup((built_book / "book" / "bibliography.html").read_text(), "html.parser")
    entries = {}
    for div in page.select("div.citation"):
        text = normalise(div.get_text(" "))
        head = HEAD.match(text)
        assert head, f"a reference does not start with its author and (year): {text[:80]!r}"
        rest = normalise(head["rest"]).lower()
        matches = [
            k for k, e in ENTRIES.items()
            if e.fields["year"] == head["year"] and rest.startswith(plain(e.fields["title"]).lower())
        ]
        assert matches, f"no entry in references.bib matches {text[:80]!r}"
        key = max(matches, key=lambda k: len(ENTRIES[k].fields["title"]))
        entries[div["id"]] = {"key": key, "text": text, **head.groupdict()}
    keys = [e["key"] for e in entries.values()]
    assert len(keys) == len(set(keys)) > 0
    return entries


@pytest.fixture(scope="module")
def expected_suffix(listed) -> dict[str, str]:
    """bib key -> the letter its year should carry: works listed with the same in-text author and year get
    a, b, c... in sorted order; a work alone in its author-year gets none."""
    groups = defaultdict(list)
    for entry in listed.values():
        groups[(in_text_author(ENTRIES[entry["key"]]), ENTRIES[entry["key"]].fields["year"])].append(entry["key"])
    return {
        key: ("abcdefghijklmnopqrstuvwxyz"[i] if len(keys) > 1 else "")
        for keys in groups.values()
        for i, key in enumerate(sorted(keys, key=sort_key))
    }


def test_references_are_in_order_of_author_then_year_then_title(listed):
    keys = [entry["key"] for entry in listed.values()]
    assert keys == sorted(keys, key=sort_key)


def test_each_reference_starts_with_its_authors_surname_first_and_corporate_names_whole(listed):
    for entry in listed.values():
        bib = ENTRIES[entry["key"]]
        assert normalise(entry["authors"]).startswith(surnames(bib)[0]), entry["text"][:80]
        assert entry["year"] == bib.fields["year"]
    nhs_digital = [e for e in listed.values() if ENTRIES[e["key"]].persons["author"][0].last_names == ["{NHS Digital}"]]
    assert nhs_digital and all(e["authors"] == "NHS Digital" for e in nhs_digital)


def test_no_alpha_labels(built_book):
    page = BeautifulSoup((built_book / "book" / "bibliography.html").read_text(), "html.parser")
    assert not page.select("div.citation .label")
    assert not re.search(r"\[[A-Za-z+]+\d{2}\]", page.get_text(" "))


def test_works_sharing_author_and_year_carry_distinct_letters_in_the_list(listed, expected_suffix):
    assert any(expected_suffix.values()), "references.bib has works sharing an author and year: some need a letter"
    assert {e["key"]: e["suffix"] for e in listed.values()} == expected_suffix
    nhs_digital_2019 = sorted(e["suffix"] for e in listed.values() if e["text"].startswith("NHS Digital (2019"))
    assert nhs_digital_2019 == ["a", "b", "c"]


def test_each_citation_carries_the_author_and_letter_of_the_entry_it_links_to(built_book, listed, expected_suffix):
    cited = set()
    for path in built_book.rglob("*.html"):
        page = BeautifulSoup(path.read_text(), "html.parser")
        for span in page.select("span.bibtex-citation"):
            text = " ".join(span.get_text().split())
            assert re.fullmatch(r"\(.+\)", text) and "[" not in text, f"{path.name}: {text}"
            for link in span.select("a[href]"):
                anchor = re.search(r"bibliography\.html#(.+)$", link["href"])
                assert anchor and anchor[1] in listed, f"{path.name}: {link['href']} leads to no reference"
                key = listed[anchor[1]]["key"]
                entry = ENTRIES[key]
                assert normalise(link.get_text()) == (
                    f"{in_text_author(entry)}, {entry.fields['year']}{expected_suffix[key]}"
                ), f"{path.name}: {text}"
                cited.add(anchor[1])
    # The page lists only works cited somewhere, so every entry is reached from some citation.
    assert cited == set(listed)
