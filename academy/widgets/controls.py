"""Controls and outputs the explorers share: sliders that start where the data is, the sentence shown
for a bad input, and plain accessible HTML tables.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence

import ipywidgets as widgets

DESCRIPTION_WIDTH = "240px"
# Sliders recompute when let go, not at every pixel of a drag (a projector laptop keeps up); they keep
# their width so that labels and readouts show in full.
SLIDER_OPTIONS = {
    "continuous_update": False,
    "layout": widgets.Layout(width="470px"),
    "style": {"description_width": DESCRIPTION_WIDTH},
}
CHOICE_STYLE = {"description_width": DESCRIPTION_WIDTH, "button_width": "auto"}
ERROR_COLOUR = "#A4161A"
TABLE_STYLE = "border-collapse:collapse;margin:0.5em 0"
CELL_STYLE = "padding:0.15em 0.8em;text-align:right"
NAME_STYLE = "padding:0.15em 0.8em;text-align:left"


def slider(label: str, low: float, high: float, step: float, fmt: str, value: float) -> widgets.FloatSlider:
    """Return a slider from low to high, widened if need be so that it starts at the given value."""
    value = float(value)
    return widgets.FloatSlider(
        value=value, min=min(low, value), max=max(high, value), step=step, description=label, readout_format=fmt,
        **SLIDER_OPTIONS,
    )


def int_slider(label: str, low: int, high: int, value: int) -> widgets.IntSlider:
    """Return a whole-number slider from low to high, widened if need be to start at the given value."""
    value = int(value)
    return widgets.IntSlider(value=value, min=min(low, value), max=max(high, value), description=label, **SLIDER_OPTIONS)


def choice(label: str, options: Sequence[tuple[str, str]], value: str) -> widgets.ToggleButtons:
    """Return toggle buttons over (label, value) pairs, starting at ``value``."""
    return widgets.ToggleButtons(options=list(options), value=value, description=label, style=CHOICE_STYLE)


def on_change(controls: Iterable[widgets.Widget], action: Callable[[], None]) -> None:
    """Call ``action()`` whenever any of the controls changes value."""
    for control in controls:
        control.observe(lambda change: action(), names="value")


def error_html(error: Exception) -> str:
    """Return the model's sentence for a bad input as an alert a screen reader announces."""
    return f'<p role="alert" style="color:{ERROR_COLOUR}"><strong>Check the inputs:</strong> {html.escape(str(error))}</p>'


def table_html(caption: str, columns: Sequence[str], rows: Iterable[tuple[str, Sequence[str]]]) -> str:
    """Return an HTML table: a caption, column headers, then one row per (row name, formatted cells)."""
    head = "".join(f'<th scope="col" style="{CELL_STYLE}">{html.escape(c)}</th>' for c in columns)
    body = "".join(
        f'<tr><th scope="row" style="{NAME_STYLE}">{html.escape(name)}</th>'
        + "".join(f'<td style="{CELL_STYLE}">{html.escape(cell)}</td>' for cell in cells)
        + "</tr>"
        for name, cells in rows
    )
    return (
        f'<table style="{TABLE_STYLE}"><caption style="text-align:left">{html.escape(caption)}</caption>'
        f'<thead><tr><th scope="col" style="{NAME_STYLE}"></th>{head}</tr></thead><tbody>{body}</tbody></table>'
    )
