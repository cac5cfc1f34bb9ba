"""An explorer shows itself as a widget where a kernel runs it, and as a still (its outputs at its starting
settings, the settings in words, and a way to run it live) wherever nothing can recompute."""

from pathlib import Path

import ipywidgets as widgets

from academy.widgets.controls import choice, int_slider, slider
from academy.widgets.still import ExplorerBox, setting_text, still_html, still_parts

ROOT = Path(__file__).resolve().parents[1]


def test_each_kind_of_control_is_read_in_words():
    assert setting_text(slider("Saving share", 0, 1, 0.05, ".0%", 0.3)) == "Saving share: 30%"
    assert setting_text(slider("QOF (£ per patient)", 0, 30, 0.5, ".2f", 12)) == "QOF (£ per patient): 12.00"
    assert setting_text(int_slider("Registered patients", 1000, 20000, 8727)) == "Registered patients: 8,727"
    assert setting_text(choice("Chart in", [("Money of the day", "nominal"), ("Real terms", "real")], "real")) == "Chart in: Real terms"
    assert setting_text(widgets.Dropdown(options=["Firm 01", "Firm 02"], value="Firm 02", description="Firm")) == "Firm: Firm 02"
    assert setting_text(widgets.Checkbox(value=True, description="GPs grow with the list")) == "GPs grow with the list: yes"
    assert setting_text(widgets.Checkbox(value=False, description="Retention bonus")) == "Retention bonus: no"
    assert setting_text(widgets.HTML("<p>an output</p>")) is None
    assert setting_text(widgets.VBox()) is None


def test_a_still_keeps_the_order_shown_through_nested_boxes_and_skips_empty_outputs():
    box = ExplorerBox([
        widgets.VBox([int_slider("Partners", 1, 10, 3), widgets.HTML("<h4>Levers</h4>"),
                      widgets.Checkbox(value=True, description="Bonus")]),
        widgets.HTML(""),
        widgets.HTML('<img src="data:image/png;base64,AAAA" alt="A chart of profit per partner">'),
        slider("Growth", 0, 0.5, 0.01, ".0%", 0.1),
    ])
    settings, outputs = still_parts(box)
    assert settings == ["Partners: 3", "Bonus: yes", "Growth: 10%"]
    assert outputs == ["<h4>Levers</h4>", '<img src="data:image/png;base64,AAAA" alt="A chart of profit per partner">']


def test_the_still_links_to_running_it_live_from_the_page_that_shows_it():
    box = ExplorerBox([int_slider("Partners", 1, 10, 3), widgets.HTML("<p>Profit per partner: £98,000</p>")])
    page = still_html(box, page_folder=ROOT / "notebooks")
    assert 'href="../book/how_to_use.html#for-readers-of-the-book"' in page
    assert "<li>Partners: 3</li>" in page and "<p>Profit per partner: £98,000</p>" in page
    assert page.index("<li>Partners: 3</li>") < page.index("Profit per partner")
    deeper = still_html(box, page_folder=ROOT / "exercises" / "release" / "law_firm_scale")
    assert 'href="../../../book/how_to_use.html#for-readers-of-the-book"' in deeper
    assert (ROOT / "book" / "how_to_use.md").read_text().count("## For readers of the book") == 1


def test_a_settings_label_is_escaped():
    box = ExplorerBox([int_slider("Partners <b>", 1, 10, 3)])
    assert "<li>Partners &lt;b&gt;: 3</li>" in still_html(box, page_folder=ROOT)


def test_jupyterlab_gets_the_widget_and_the_book_gets_the_still():
    """The explorer's display offers both: the widget view (JupyterLab prefers it) and the still as HTML
    (the book's configuration sets the widget view aside)."""
    box = ExplorerBox([int_slider("Partners", 1, 10, 3)])
    bundle = box._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
    assert bundle["text/html"].startswith('<div class="pcia-still">') and "Partners: 3" in bundle["text/html"]


def test_a_stills_charts_are_lighter_but_keep_their_size_and_resolution():
    """A chart in a still is re-encoded with at most 256 colours: smaller to download, same pixels across,
    same dots per inch (the page lays charts out by it), and close to the original colours."""
    import base64
    import io
    import re

    import numpy as np
    from matplotlib.figure import Figure
    from PIL import Image

    from academy.widgets.charts import image_html

    figure = Figure(figsize=(6, 3), dpi=96)
    axis = figure.add_subplot()
    x = np.linspace(0, 10, 400)
    for shift in range(5):
        axis.fill_between(x, np.sin(x + shift), np.sin(x + shift) + 0.5, alpha=0.4)
        axis.plot(x, np.cos(x * (shift + 1)))
    original = image_html(figure, "Five waves and their bands")
    page = still_html(ExplorerBox([widgets.HTML(original)]), page_folder=ROOT)

    def png(text):
        return base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', text)[1])

    before, after = Image.open(io.BytesIO(png(original))), Image.open(io.BytesIO(png(page)))
    assert len(png(page)) < 0.6 * len(png(original))
    assert after.size == before.size and round(after.info["dpi"][0]) == round(before.info["dpi"][0]) == 96
    assert len(after.convert("RGBA").getcolors(maxcolors=100_000)) <= 256
    difference = np.abs(np.asarray(after.convert("RGBA").convert("RGB"), float) - np.asarray(before.convert("RGB"), float))
    assert difference.mean() < 3, "the colours moved visibly"
    assert 'alt="Five waves and their bands"' in page
