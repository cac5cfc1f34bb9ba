"""Charts and numbers shared by the explorers and notebooks: money as a reader writes it, matplotlib
figures and accessible PNG images.

Colours are the Okabe-Ito palette, which stays distinct for readers with colour-vision deficiency.
"""

from __future__ import annotations

import base64
import html
import io
import math

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "grey": "#666666",
}

MINUS = "\N{MINUS SIGN}"

# One look for every explorer: charts and their keys are as wide as each other (so they line up in a
# notebook) and drawn at the screen's usual resolution.
DPI = 96
CHART_WIDTH_INCHES = 7.6
KEY_ROW_INCHES = 0.22  # a key's height: this per row of labels, plus a margin
KEY_MARGIN_INCHES = 0.1
KEY_STYLE = {"loc": "center", "frameon": False, "fontsize": 8}
ZERO_LINE = {"color": "black", "linewidth": 0.8}



def fit_to_rows(figure: Figure, rows: int, row_inches: float, margin_inches: float, margins: dict) -> None:
    """Size a bar chart to its rows (``row_inches`` each, plus ``margin_inches``) at the explorers' width,
    keeping the top and bottom margins (``margins["top_inches"]``, ``["bottom_inches"]``) in inches."""
    height = row_inches * rows + margin_inches
    figure.set_size_inches(CHART_WIDTH_INCHES, height)
    figure.subplots_adjust(left=margins["left"], right=margins["right"], top=1 - margins["top_inches"] / height,
                           bottom=margins["bottom_inches"] / height)


SENSITIVITY_PANELS = (
    ("", "Profit per partner (£ a year)"),
    ("economic_", "Economic cost per patient (£ a year)"),
)
SENSITIVITY_WIDTH_INCHES = 10.0
SENSITIVITY_ROW_INCHES = 0.45
SENSITIVITY_MARGIN_INCHES = 1.8
SENSITIVITY_FIGURE = {"dpi": DPI, "layout": "constrained"}
SENSITIVITY_KEY = {"loc": "outside lower center", "ncol": 2, "frameon": False, "fontsize": 8}
SENSITIVITY_TITLE = {"x": 0.02, "ha": "left"}
SENSITIVITY_TICKS = {"nbins": 5}
BASE_LINE = {"color": "black", "linewidth": 1}
UNCHANGED_LABEL = "no change"
UNCHANGED_STYLE = {"xytext": (4, 0), "textcoords": "offset points", "va": "center", "fontsize": 8}
UNCHANGED_BELOW_GBP = 0.005  # a change smaller than half a penny is no change


def _rounded(value: float, nearest: float) -> float:
    return round(float(value) / nearest) * nearest


def pounds(value: float, nearest: float = 1) -> str:
    """Return money as a reader expects it: £109,100, or −£12,300 for a loss (a true minus sign).

    ``nearest`` rounds first: 100 gives £22,100, 0.01 gives pence (£144.88). A sum that rounds to
    nothing is £0, never −£0. A missing number (NaN) is "not known".
    """
    if math.isnan(value):
        return "not known"
    decimals = max(0, math.ceil(-math.log10(nearest)))
    rounded = _rounded(value, nearest)
    text = f"£{abs(rounded):,.{decimals}f}"
    return MINUS + text if rounded < 0 else text


def signed_pounds(value: float, nearest: float = 1) -> str:
    """Return a change in money with its sign: +£22,100, −£3,300, or £0 for no change."""
    text = pounds(value, nearest)
    return "+" + text if not math.isnan(value) and _rounded(value, nearest) > 0 else text


def image_html(figure: Figure, alt: str) -> str:
    """Return an <img> tag holding the figure as a PNG, with alt text for screen readers."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%">'


def legend_html(handles: list, labels: list[str], ncol: int, alt: str) -> str:
    """Return a chart's key (legend) as an image of its own, as wide as the chart, drawn once: an
    explorer then redraws only the chart on every move of a slider, not the key's text and swatches
    (about half of the time it takes)."""
    rows = math.ceil(len(labels) / ncol)
    figure = Figure(figsize=(CHART_WIDTH_INCHES, KEY_ROW_INCHES * rows + KEY_MARGIN_INCHES), dpi=DPI)
    figure.legend(handles, labels, ncol=ncol, **KEY_STYLE)
    return image_html(figure, alt)


def sensitivity_figure(table: pd.DataFrame, change_share: float = 0.1, title: str = "What moves profit per partner, and what moves the cost of care") -> Figure:
    """Return a two-panel tornado chart of a sensitivity table (as ``sensitivity_table`` gives).

    Left: profit per partner (columns ``low``, ``high``, ``base``); right: economic cost per patient for
    the same inputs (``economic_low``, ``economic_high``, ``economic_base``), so an input that moves
    profit per partner but not the cost of care (leverage) shows a bar on the left and none on the right
    ("no change"). ``low`` and ``high`` are the results with each input ``change_share`` lower and higher.
    """
    rows = table.iloc[::-1]  # largest swing at the top
    height = SENSITIVITY_ROW_INCHES * len(rows) + SENSITIVITY_MARGIN_INCHES
    figure = Figure(figsize=(SENSITIVITY_WIDTH_INCHES, height), **SENSITIVITY_FIGURE)
    axes = figure.subplots(1, 2, sharey=True)
    labels = list(rows.index)
    for axis, (prefix, xlabel) in zip(axes, SENSITIVITY_PANELS):
        base = float(rows[f"{prefix}base"].iloc[0])
        low = rows[f"{prefix}low"] - base
        high = rows[f"{prefix}high"] - base
        axis.barh(labels, low, left=base, color=OKABE_ITO["vermillion"], label=f"input {change_share:.0%} lower")
        axis.barh(labels, high, left=base, color=OKABE_ITO["blue"], label=f"input {change_share:.0%} higher")
        axis.axvline(base, **BASE_LINE)
        unchanged = (low.abs() < UNCHANGED_BELOW_GBP) & (high.abs() < UNCHANGED_BELOW_GBP)
        for label in low.index[unchanged]:
            axis.annotate(UNCHANGED_LABEL, (base, label), **UNCHANGED_STYLE)
        axis.set_xlabel(xlabel)
        axis.xaxis.set_major_locator(MaxNLocator(**SENSITIVITY_TICKS))
        axis.xaxis.set_major_formatter(lambda x, _: pounds(x))
    figure.legend(*axes[0].get_legend_handles_labels(), **SENSITIVITY_KEY)
    figure.suptitle(title, **SENSITIVITY_TITLE)
    return figure


def sensitivity_alt_text(table: pd.DataFrame, change_share: float = 0.1) -> str:
    """Return alt text for ``sensitivity_figure``: each input's swing in both panels, largest first."""
    parts = []
    for label, row in table.iterrows():
        economic = abs(row["economic_high"] - row["economic_low"])
        effect = (
            "leaves economic cost per patient unchanged" if economic < UNCHANGED_BELOW_GBP
            else f"moves economic cost per patient by {pounds(economic / 2, 0.01)} either way"
        )
        parts.append(f"{label} moves profit per partner by {pounds(abs(row['swing']) / 2)} either way and {effect}")
    return (
        f"Two tornado charts of what happens when each input moves {change_share:.0%} down or up. "
        f"Profit per partner starts at {pounds(table['base'].iloc[0])} a year and economic cost per patient at "
        f"{pounds(table['economic_base'].iloc[0], 0.01)}. " + "; ".join(parts) + "."
    )
