"""The printable case packs (`make case-packs`, academy/book/case_packs.py): each written case, with its
exhibits, printed by headless Chromium to an A4 PDF handout.

What each PDF should say comes from the case's source, case_studies/<case>/index.md: its title, its
opening sentences and its exhibits' captions. The tables' column headings are computed when the book
is built, so they are read from the built page. Nothing expected is read from the PDF itself.

Needs Debian's chromium (`make case-packs` installs it when run as root): without it these tests fail.
"""

import ast
import re
import shutil
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted(p.parent.name for p in ROOT.glob("case_studies/*/index.md"))
A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)  # 595.3 x 841.9 points
MARGIN_POINTS = (18 / 25.4 * 72, 16 / 25.4 * 72)  # top and bottom, left and right: @page { margin: 18mm 16mm }
# Text of the website around a page (skip link, search, the theme's printed contents, buttons, footer,
# this page's own download link), none of which belongs on a handout.
SITE_TEXT = ("Skip to main content", "Search this book", "Ctrl+K", "Back to top", "Contents",
             "Download this case", "By The Primary Care Innovation Academy faculty", "Copyright")


def plain(text: str) -> str:
    """Text compared for its words only: typographic quotes and ligatures as typed, line breaks and
    hyphens split at a line's end undone (every space is dropped, so a word broken across two lines
    of the PDF reads as in the source)."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                                         "\u00ad": None, "\u0002": None, "\ufffe": None}))
    return re.sub(r"\s+", "", text)


def source_parts(case: str) -> tuple[str, str, list[str]]:
    """The case's title, its first paragraph and its exhibits' captions, read from index.md."""
    source = (ROOT / "case_studies" / case / "index.md").read_text()
    body = re.sub(r"\A---\n.*?\n---\n", "", source, flags=re.S)
    prose = re.sub(r"^(```|:::).*?^\1\s*$", "", body, flags=re.S | re.M)  # no code cells, no directives
    title = re.search(r"^# (.+)$", prose, re.M).group(1).strip()
    after_title = prose.split(f"# {title}", 1)[1]
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", after_title) if p.strip()]
    first = next(p for p in paragraphs if not p.startswith(("#", "<", "(", "*Source")))
    captions = re.findall(r'^:\s+caption: "(Exhibit \d+\..*)"\s*$', source, re.M)
    for literals in re.findall(r'\.set_caption\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', source):
        captions.append(ast.literal_eval(f"({literals})"))
    return title, " ".join(first.split()), captions


def opening_sentences(paragraph: str, count: int = 2) -> list[str]:
    """The paragraph's first count sentences as the reader sees their words, in pieces: a role such as
    {cite:p}`key` is written out by Sphinx as something else, so the text either side of it is a piece."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph)[:count]
    text = " ".join(sentences)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # [words](link) -> words
    text = re.sub(r"(\*\*|\*|`(?!`))", "", re.sub(r"\{[\w:-]+\}`[^`]*`", "\0", text))
    return [piece.strip() for piece in text.split("\0") if len(piece.strip()) >= 20]


class ExhibitTables(HTMLParser):
    """The column headings of each exhibit table on a built page, by its caption's "Exhibit n."."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[str]] = {}
        self.in_caption = self.in_heading = False
        self.caption = self.cell = ""
        self.headings: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.caption, self.headings = "", []
        elif tag == "caption":
            self.in_caption = True
        elif tag == "th":
            self.in_heading, self.cell = True, ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self.in_caption = False
        elif tag == "th":
            self.in_heading = False
            if self.cell.strip():
                self.headings.append(self.cell.strip())
        elif tag == "table" and self.caption.startswith("Exhibit"):
            self.tables[self.caption.split(". ")[0]] = self.headings

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        if self.in_heading:
            self.cell += data


@pytest.fixture(scope="module")
def packs(built_book) -> Path:
    """`make case-packs` on the built book; returns its case_packs folder."""
    from conftest import make

    assert shutil.which("chromium") or shutil.which("chromium-browser"), (
        "headless Chromium is not installed, so the case packs cannot be printed: sudo apt-get install chromium")
    run = make("case-packs", build_dir=built_book.parents[1])
    assert run.returncode == 0, f"make case-packs failed:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return built_book / "case_packs"


def read_pdf(path: Path):
    import pypdfium2

    assert path.is_file(), f"{path.name} was not printed"
    return pypdfium2.PdfDocument(path)


def test_the_case_sources_are_read_as_the_tests_expect():
    """The helpers that read index.md find a title, an opening and numbered captions in every case."""
    assert len(CASES) >= 3
    for case in CASES:
        title, first, captions = source_parts(case)
        assert len(title) > 20 and not title.startswith("#")
        assert len(opening_sentences(first)) >= 1 and len(first) > 100
        numbers = sorted(int(re.match(r"Exhibit (\d+)\.", c).group(1)) for c in captions)
        source = (ROOT / "case_studies" / case / "index.md").read_text()
        typed = {int(n) for n in re.findall(r'"Exhibit (\d+)\. ', source)}  # every caption, however written
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 3 and set(numbers) == typed, case


def test_each_case_page_links_to_its_pack(built_book):
    for case in CASES:
        page = (built_book / "case_studies" / case / "index.html").read_text()
        link = re.search(rf'<a ([^>]*href="\.\./\.\./case_packs/{case}\.pdf"[^>]*)>Download this case as a printable PDF</a>', page)
        assert link and re.search(r"\bdownload\b", link[1]), case
        assert (built_book / "case_studies" / case / "../../case_packs" / f"{case}.pdf").resolve().is_file(), "the link leads nowhere"


@pytest.mark.parametrize("case", CASES)
def test_the_first_page_is_the_case_not_the_website(packs, case):
    import numpy as np

    pdf = read_pdf(packs / f"{case}.pdf")
    first = pdf[0]
    width, height = first.get_size()
    assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1, f"{case}: the page is {width} x {height} points, not A4"
    pixels = np.asarray(first.render(scale=1).to_pil().convert("L"))
    inked = (pixels < 200).mean()
    assert 0.03 < inked < 0.5, f"{case}: {inked:.1%} of the first page is printed (blank, or a block of colour?)"

    text = plain(first.get_textpage().get_text_range())
    title, paragraph, _ = source_parts(case)
    assert plain(title) in text, f"{case}: the first page does not start with the case's title {title!r}"
    for piece in opening_sentences(paragraph):
        assert plain(piece) in text, f"{case}: the first page does not have the case's opening {piece!r}"
    assert text.index(plain(title)) < text.index(plain(opening_sentences(paragraph)[0]))


@pytest.mark.parametrize("case", CASES)
def test_the_pack_has_every_exhibit_whole_and_nothing_of_the_website(packs, built_book, case):
    import pypdfium2.raw as pdfium

    pdf = read_pdf(packs / f"{case}.pdf")
    pages = [pdf[i] for i in range(len(pdf))]
    text = "".join(plain(page.get_textpage().get_text_range()) for page in pages)
    _, _, captions = source_parts(case)
    for caption in captions:
        assert plain(caption) in text, f"{case}: the pack lacks {caption[:60]!r}"
    for site_text in SITE_TEXT:
        assert plain(site_text) not in text, f"{case}: the pack prints the website's {site_text!r}"

    # Tables are not cut off at the paper's edge: every column's heading is printed.
    tables = ExhibitTables()
    tables.feed((built_book / "case_studies" / case / "index.html").read_text())
    assert tables.tables, f"{case}: no exhibit table found on the page"
    for exhibit, headings in tables.tables.items():
        for heading in headings:
            assert plain(heading) in text, f"{case}: {exhibit} is printed without its column {heading!r}"

    # Every figure is printed, within the margins of its page.
    figures = len(re.findall(r'^:\s+caption: "Exhibit', (ROOT / "case_studies" / case / "index.md").read_text(), re.M))
    images = []
    for number, page in enumerate(pages, 1):
        width, height = page.get_size()
        for image in page.get_objects(filter=(pdfium.FPDF_PAGEOBJ_IMAGE,), max_depth=8):
            left, bottom, right, top = image.get_bounds()
            images.append(number)
            tolerance = 2
            assert left >= MARGIN_POINTS[1] - tolerance and right <= width - MARGIN_POINTS[1] + tolerance, \
                f"{case}: a figure on page {number} runs past the side margins ({left:.0f} to {right:.0f} of {width:.0f} points)"
            assert bottom >= MARGIN_POINTS[0] - tolerance and top <= height - MARGIN_POINTS[0] + tolerance, \
                f"{case}: a figure on page {number} runs past the top or bottom margin"
    assert len(images) >= figures, f"{case}: {figures} figures in the case, {len(images)} printed"


def run_cli(*args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = None if path is None else {"PATH": path, "HOME": str(Path.home())}
    return subprocess.run([sys.executable, "-m", "academy.book.case_packs", *args], cwd=ROOT,
                          capture_output=True, text=True, env=env)


def test_a_folder_that_is_not_a_built_book_is_one_clear_line(tmp_path):
    run = run_cli(str(tmp_path))
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0 and "Traceback" not in run.stderr
    assert "not a built book" in run.stderr and str(tmp_path) in run.stderr
    assert not (tmp_path / "case_packs").exists()


def test_a_book_without_a_case_page_is_one_clear_line(tmp_path):
    (tmp_path / "index.html").write_text("<html></html>")
    run = run_cli(str(tmp_path))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"has no case_studies/{CASES[0]}/index.html" in run.stderr


def test_missing_chromium_is_one_clear_line(built_book, tmp_path):
    run = run_cli(str(built_book), path=str(tmp_path))  # a PATH with no chromium on it
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0 and "Traceback" not in run.stderr
    assert "Chromium is not installed" in run.stderr
