"""An explorer's box of controls and outputs, which also knows how to show itself as a still.

In JupyterLab a notebook shows the live widget. The published book has no Python behind its pages, so
a slider there would move without anything recomputing. Each explorer therefore also offers a still:
its outputs (tables and charts, each chart with its alt text) at its starting settings, the settings
listed in words, and a note on how to run it live. The book is configured (``nb_mime_priority_overrides``
in ``_config.yml``) to show the still and never the widget; JupyterLab prefers the widget.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
from pathlib import Path

import ipywidgets as widgets
from PIL import Image

# The page of the book that says how to run the kit live (book/how_to_use.md, its "For readers" part).
HOW_TO_RUN_LIVE = Path(__file__).resolve().parents[2] / "book" / "how_to_use.html"
HOW_TO_RUN_LIVE_ANCHOR = "#for-readers-of-the-book"
NOTE = (
    "This is the explorer at its starting settings, as a picture: on a web page nothing recomputes. "
    "To move its controls, run this notebook live in JupyterLab"
)


def setting_text(control: widgets.Widget) -> str | None:
    """Return what a control is set to, in words ("Registered patients: 8,727"), or None if the widget is
    not a control (an output, a heading, a box)."""
    label = getattr(control, "description", "") or ""
    if isinstance(control, (widgets.FloatSlider, widgets.IntSlider)):
        fmt = control.readout_format if isinstance(control, widgets.FloatSlider) else ","
        value = format(control.value, fmt.replace("d", "")) if fmt else str(control.value)
    elif isinstance(control, widgets.Checkbox):
        value = "yes" if control.value else "no"
    elif isinstance(control, (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons)):
        value = str(control.label)
    else:
        return None
    return f"{label}: {value}" if label else value


def still_parts(box: widgets.Widget) -> tuple[list[str], list[str]]:
    """Return (settings, outputs) of a box, depth first in the order shown: each control's setting in
    words, and the HTML of each output (tables, charts, notes)."""
    settings, outputs = [], []
    for child in getattr(box, "children", ()):
        setting = setting_text(child)
        if setting is not None:
            settings.append(setting)
        elif isinstance(child, widgets.HTML):
            if child.value.strip():
                outputs.append(child.value)
        else:
            inner_settings, inner_outputs = still_parts(child)
            settings += inner_settings
            outputs += inner_outputs
    return settings, outputs


PNG_SOURCE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def palette_png(png: bytes) -> bytes:
    """Return the PNG with at most 256 colours (a chart's flat colours and their anti-aliasing survive),
    keeping its resolution, or the PNG as it was if that is no smaller. A still is on a web page a
    reader downloads, often over poor wifi; the live explorer keeps full colour, drawn faster."""
    image = Image.open(io.BytesIO(png))
    smaller = io.BytesIO()
    image.convert("RGBA").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(
        smaller, format="PNG", optimize=True, dpi=image.info.get("dpi", (72, 72)))
    return smaller.getvalue() if smaller.tell() < len(png) else png


def lighter_images(part: str) -> str:
    """Return an output's HTML with each embedded PNG re-encoded by :func:`palette_png`."""
    def encode(match: re.Match) -> str:
        return 'src="data:image/png;base64,' + base64.b64encode(palette_png(base64.b64decode(match[1]))).decode() + '"'
    return PNG_SOURCE.sub(encode, part)


def still_html(box: widgets.Widget, page_folder: Path | None = None) -> str:
    """Return the still of an explorer as HTML: a note, the starting settings as a list, then the
    outputs. ``page_folder`` is where the page showing it lives (the notebook's folder, which is the
    kernel's working folder when the book runs it), for a working link to the book's "how to run it
    live" page."""
    settings, outputs = still_parts(box)
    link = Path(os.path.relpath(HOW_TO_RUN_LIVE, page_folder or Path.cwd())).as_posix() + HOW_TO_RUN_LIVE_ANCHOR
    items = "".join(f"<li>{html.escape(s)}</li>" for s in settings)
    return (
        '<div class="pcia-still">'
        f'<p class="pcia-still-note">{NOTE} (<a href="{html.escape(link)}">how to run it live</a>).</p>'
        f'<p class="pcia-still-settings-heading">Starting settings:</p><ul class="pcia-still-settings">{items}</ul>'
        + "".join(f'<div class="pcia-still-output">{lighter_images(part)}</div>' for part in outputs)
        + "</div>"
    )


class ExplorerBox(widgets.VBox):
    """A VBox that an explorer is shown in: the live widget where a kernel runs, the still elsewhere."""

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/html"] = still_html(self)
        return bundle
