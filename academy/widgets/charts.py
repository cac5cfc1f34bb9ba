"""Charts shared by the explorers and notebooks: matplotlib figures and accessible PNG images.

Colours are the Okabe-Ito palette, which stays distinct for readers with colour-vision deficiency.
"""

from __future__ import annotations

import base64
import html
import io

import pandas as pd
from matplotlib.figure import Figure

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


def pounds(value: float) -> str:
    """Return money as a reader expects it: £109,100, or −£12,300 for a loss."""
    return f"−£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def image_html(figure: Figure, alt: str) -> str:
    """Return an <img> tag holding the figure as a PNG, with alt text for screen readers."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%">'


def sensitivity_figure(table: pd.DataFrame, change_share: float = 0.1, title: str = "What moves profit per partner") -> Figure:
    """Return a tornado chart of a sensitivity table (columns low, high, base; one row per input),
    where low and high are the results with each input ``change_share`` lower and higher."""
    rows = table.iloc[::-1]  # largest swing at the top
    figure = Figure(figsize=(7.5, 0.45 * len(rows) + 1.4), dpi=96, layout="constrained")
    axis = figure.add_subplot()
    base = float(rows["base"].iloc[0])
    labels = list(rows.index)
    axis.barh(labels, rows["low"] - base, left=base, color=OKABE_ITO["vermillion"], label=f"input {change_share:.0%} lower")
    axis.barh(labels, rows["high"] - base, left=base, color=OKABE_ITO["blue"], label=f"input {change_share:.0%} higher")
    axis.axvline(base, color="black", linewidth=1)
    axis.set_xlabel("Profit per partner (£ a year)")
    axis.set_title(title, loc="left")
    axis.xaxis.set_major_formatter(lambda x, _: pounds(x))
    axis.legend(loc="lower right", frameon=False)
    return figure
