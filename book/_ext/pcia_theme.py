"""The theme's accessibility and phone-width fixes, made when the book is built.

- One search control: pydata-sphinx-theme 0.17 puts a search field in the header that
  sphinx-book-theme does not expect, beside the one in the sidebar; the header's is switched off.
- The sidebar's buttons that open a part of the contents get a name ("Pages under ..."): the theme
  gives them only an icon.
- References are a list of list items (docutils marks each one with a retired ARIA role).
- Buttons are named by the words they show: the header's search field and light/dark switch
  (templates in book/_templates/) and myst-nb's "Show code cell source" toggles.
- Wide tables and charts sit in a box that scrolls sideways (``.pcia-scroll``): focusable and named,
  so a keyboard user can scroll it too, with a "scroll sideways" cue that book/_vendor/pcia_scroll.js
  shows while the box is narrower than what it holds. A chart is never shown narrower than its drawn
  width in points, so that its 9-point labels stay at least 9 pixels high on a phone (CSS in
  book/_vendor/academy.css).
- The redirect page at the site's root is a small, complete page (language, title, link).
"""

from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path

from PIL import Image
from sphinx.application import Sphinx

# A chart narrower than this (in image pixels) is left as it is: an icon, not an exhibit.
SMALLEST_CHART_PX = 320
# Points in an inch: a figure drawn at `dpi` is shown at least dpi/72 times narrower than its pixels.
POINTS_PER_INCH = 72
CUE = "Scroll sideways to see the whole {what} \N{RIGHTWARDS ARROW}"
REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Refresh" content="0; url={url}">
<title>{title}</title>
</head>
<body>
<main><p><a href="{url}">Go to the first page of {title}</a>.</p></main>
</body>
</html>
"""


def one_search_control(app: Sphinx, config) -> None:
    """Leave the header without pydata-sphinx-theme's search field (it defaults ``navbar_persistent`` to
    one when the option is unset): the sidebar has one on wide screens, the article's header on narrow."""
    config.html_theme_options.setdefault("navbar_persistent", [])


def name_toctree_toggles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Give each "show the pages under this entry" toggle of the sidebar a name, after the entry."""
    generate = context.get("generate_toctree_html")
    if generate is None:
        return

    def named(*args, **kwargs):
        return re.sub(
            r"(<a [^>]*>((?:(?!</a>).)*)</a>\s*<details[^>]*>\s*)<summary>",
            lambda m: m.group(1) + f'<summary aria-label="Pages under {html.escape(strip_tags(m.group(2)))}">',
            str(generate(*args, **kwargs)), flags=re.S,
        )

    context["generate_toctree_html"] = named


def strip_tags(text: str) -> str:
    """The words of a piece of HTML, on one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def png_width_and_dpi(data: bytes) -> tuple[int, float] | None:
    """A PNG's width in pixels and its resolution in dots per inch (96, the screen's, if it records none);
    None if the data is not a PNG. The first few thousand bytes are enough: Pillow reads the header."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                return None
            return image.width, float(image.info.get("dpi", (96, 96))[0])
    except (OSError, ValueError):  # not an image at all
        return None


def image_bytes(app: Sphinx, src: str) -> bytes:
    """The first bytes of an image: from a data URI, or from the file Sphinx will copy to _images/."""
    if src.startswith("data:image/png;base64,"):
        return base64.b64decode(src.split(",", 1)[1][:4000])
    name = src.rsplit("/", 1)[-1]
    sources = {dest: source for source, dest in app.builder.images.items()}
    if "_images/" in src and name in sources:
        with open(Path(app.srcdir, sources[name]), "rb") as file:
            return file.read(4000)
    return b""


def label(caption, default: str) -> str:
    """The name of a scrolling box: its exhibit's caption (without Sphinx's hidden "Fig. 7"), or default."""
    if caption is None:
        return default
    words = " ".join(t for t in caption.find_all(string=True) if not t.find_parent(class_="caption-number"))
    return " ".join(words.split())[:120] or default


def scroll_box(soup, content, name: str, what: str):
    """Wrap content in a focusable, named box that scrolls sideways, after a cue that says so (hidden
    until pcia_scroll.js finds the box too narrow). Returns the box."""
    cue = soup.new_tag("p", attrs={"class": "pcia-scroll-cue", "aria-hidden": "true", "hidden": ""})
    cue.string = CUE.format(what=what)
    box = soup.new_tag("div", attrs={"class": "pcia-scroll", "tabindex": "0", "role": "region", "aria-label": name})
    content.wrap(box)
    box.insert_before(cue)
    return box


def lone_chart_box(element):
    """The scrolling box of charts that is all element holds (besides its cue), or None."""
    children = element.find_all(True, recursive=False) if element is not None else []
    if [c.get("class") for c in children] == [["pcia-scroll-cue"], ["pcia-scroll"]] and children[1].find("img"):
        return children[1]
    return None


def wrap_wide_content(app: Sphinx, body: str) -> str:
    """Put each table and each chart of a page in its own sideways-scrolling box."""
    from bs4 import BeautifulSoup  # pydata-sphinx-theme's own dependency

    soup = BeautifulSoup(body, "html.parser")
    for table in soup.find_all("table"):
        if not table.find_parent(class_="pcia-scroll"):
            scroll_box(soup, table, label(table.find("caption"), "Table"), "table")
    for image in soup.find_all("img"):
        size = png_width_and_dpi(image_bytes(app, image.get("src", "")))
        style = image.get("style", "")
        if size is None or size[0] < SMALLEST_CHART_PX or image.get("width") or "width:" in style.replace("max-width:", ""):
            continue
        width, dpi = size
        # The width it was drawn at, and the narrowest it may be shown (its width in points).
        image["style"] = f"{style}; --pcia-width: {width}px; --pcia-min-width: {round(width * POINTS_PER_INCH / dpi)}px".lstrip("; ")
        content = image.parent if image.parent.name == "a" else image
        # A chart's key, drawn as an image of its own in the next output, scrolls with the chart.
        holder = content.parent
        previous = lone_chart_box(holder.find_previous_sibling()) if len(holder.find_all(True, recursive=False)) == 1 else None
        if previous is not None:
            previous.append(content.extract())
            holder.decompose()
            continue
        figure = image.find_parent("figure")
        scroll_box(soup, content, label(figure.find("figcaption") if figure else None, "Chart"), "chart")
    return str(soup)


def fix_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Correct the markup of a page's body."""
    body = context.get("body")
    if not body:
        return
    # docutils marks each entry of a list of references role="doc-biblioentry", an ARIA role since
    # retired; inside its role="list" it must be a list item.
    body = body.replace('role="doc-biblioentry"', 'role="listitem"')
    # myst-nb names its "Show code cell source" toggles "Toggle hidden content", a name that leaves out
    # the words they show (WCAG 2.5.3, label in name): named by their words instead.
    body = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")
    if "<table" in body or "<img" in body:
        body = wrap_wide_content(app, body)
    context["body"] = body


def complete_redirect_page(app: Sphinx, exception) -> None:
    """Write the page at the site's root that sends a reader to the first page as a complete document
    (sphinx-external-toc, which runs after this, writes a bare redirect only where there is no page)."""
    index = Path(app.outdir, "index.html")
    if exception is not None or app.builder.format != "html" or app.config.root_doc == "index":
        return
    if index.exists() and "<html" in index.read_text(encoding="utf-8"):
        return  # already complete (a page of the book's own, or written by an earlier build)
    index.write_text(REDIRECT_PAGE.format(lang=(app.config.language or "en").replace("_", "-"),
                                          url=f"{app.config.root_doc}.html", title=html.escape(app.config.project)),
                     encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", one_search_control)
    # After pydata-sphinx-theme (priority 500) has added its functions and before the page is written.
    app.connect("html-page-context", name_toctree_toggles, priority=600)
    app.connect("html-page-context", fix_page, priority=600)
    app.connect("build-finished", complete_redirect_page, priority=100)
    app.add_js_file("pcia_scroll.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
