"""Explorer for the "last partner standing" risk: as partners retire and are not replaced, each
practice's premises liability falls on fewer of them.

``.widget`` is what a notebook displays and ``.refresh()`` recomputes and redraws. A bad input shows
the model's sentence and clears the table and chart it no longer matches.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from academy.models.last_partner_standing import first_year_last_partner_standing, partners_and_liability_by_year
from academy.widgets.charts import CHART_WIDTH_INCHES, DPI, OKABE_ITO, image_html, legend_html, pounds
from academy.widgets.controls import DESCRIPTION_WIDTH, error_html, int_slider, on_change, slider, table_html
from academy.widgets.still import ExplorerBox

START_YEAR = 2019
RETIREMENT_CONTROL = ("Partners retire at age", 55, 68, 60)
JOINING_CONTROL = ("New partners a year (each practice, FTE)", 0.0, 1.0, 0.25, ".2f", 0.0)
YEARS_CONTROL = ("Years ahead", 10, 20, 15)
HIGHLIGHT_CONTROL = {"description": "Highlight", "style": {"description_width": DESCRIPTION_WIDTH}}
MILESTONES = (5, 10)  # years after the start at which the table gives the partners in post
COLOURS = ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "grey")
HEADROOM = 1.1  # the y axis stops this far above the largest liability per partner still carried
# Markers on a practice's line: one partner left, or none (drawn at the top of the axis); in the key,
# white with a black edge, as they stand for every practice.
ONE_LEFT = {"marker": "o", "markersize": 7, "markeredgecolor": "black", "linestyle": "none"}
NONE_LEFT = {"marker": "^", "markersize": 9, "markeredgecolor": "black", "linestyle": "none", "clip_on": False}
MARKER_KEY = (("one partner left", ONE_LEFT), ("none left (off the scale)", NONE_LEFT))
MARKER_KEY_COLOUR = "white"
HIGHLIGHTED = {"linewidth": 3.5, "alpha": 1.0, "zorder": 3}
NOT_HIGHLIGHTED = {"linewidth": 1.2, "alpha": 0.6, "zorder": 2}
CHART_HEIGHT_INCHES = 3.2
CHART_MARGINS = {"left": 0.11, "right": 0.97, "top": 0.95, "bottom": 0.1}
KEY_COLUMNS = 3
Y_LABEL = "Premises liability per partner"
Y_TICKS = {"nbins": 5, "steps": [1, 2, 5, 10]}  # £500k steps, not £250k ones


def money_tick(value: float, _position=None) -> str:
    """Return an axis label for money: £1.5m, £500k, £0."""
    if abs(value) >= 1e6:
        return f"£{value / 1e6:.1f}m"
    return f"£{value / 1e3:,.0f}k" if value else "£0"


def first_year(year: float, last_year: int) -> str:
    """Return the first year a practice has one partner or none left: "2022", or "not by 2034"."""
    return f"not by {last_year}" if math.isnan(year) else f"{year:.0f}"


def when_last(year: float, last_year: int) -> str:
    """Return the same in a sentence: "from 2022", or "not by 2034"."""
    return first_year(year, last_year) if math.isnan(year) else f"from {year:.0f}"


def oldest_practice(partners: pd.DataFrame) -> str:
    """Return the practice whose partners are oldest on average (the one the explorer highlights first)."""
    return str(partners.groupby("practice")["age"].mean().idxmax())


class LastPartnerExplorer:
    """Controls over the retirement age, new partners joining and the years ahead; shows each
    practice's premises liability per partner in post over the years, and when one or none is left."""

    def __init__(self, partners: pd.DataFrame, practices: pd.DataFrame, highlight: str | None = None):
        self.partners = partners
        self.practices = practices
        names = list(practices["practice"])
        self.retirement = int_slider(*RETIREMENT_CONTROL)
        self.joining = slider(*JOINING_CONTROL)
        self.years = int_slider(*YEARS_CONTROL)
        chosen = highlight or oldest_practice(partners)
        self.highlight = widgets.Dropdown(options=names, value=chosen if chosen in names else names[0], **HIGHLIGHT_CONTROL)
        self.note = widgets.HTML()
        self.table = widgets.HTML()
        self.chart = widgets.HTML()
        self.key = widgets.HTML()
        self.figure = Figure(figsize=(CHART_WIDTH_INCHES, CHART_HEIGHT_INCHES), dpi=DPI)
        self.figure.subplots_adjust(**CHART_MARGINS)
        self.axis = self.figure.add_subplot()
        self._draw_frame(tuple(names))
        on_change((self.retirement, self.joining, self.years, self.highlight), self.refresh)
        self.widget = ExplorerBox([self.retirement, self.joining, self.years, self.highlight, self.note, self.chart, self.key, self.table])
        self.refresh()

    def refresh(self) -> None:
        """Recompute the partners in post and the liability each carries; redraw the chart and table."""
        try:
            timeline = partners_and_liability_by_year(
                self.partners, self.practices, START_YEAR, self.years.value, self.retirement.value, self.joining.value
            )
        except ValueError as error:
            self.table.value = error_html(error)
            self.chart.value = self.note.value = ""
            return
        first = first_year_last_partner_standing(timeline)
        last_year = START_YEAR + self.years.value
        place = list(zip(timeline["practice"], timeline["year"]))
        in_post = dict(zip(place, timeline["partners_in_post"]))
        per_partner = dict(zip(place, timeline["liability_per_partner_gbp"]))
        milestones = [START_YEAR + m for m in MILESTONES]
        rows = []
        for name in first.index:
            now = per_partner[name, START_YEAR]
            cells = [first_year(first[name], last_year)]
            cells += [f"{in_post[name, year]:g}" for year in milestones]
            cells.append("all of it, no partner left" if math.isinf(now) else pounds(now))
            rows.append((name, cells))
        self.table.value = table_html(
            f"When each practice has one partner or none left, partners retiring at {self.retirement.value} "
            f"and {self.joining.value:g} new partners joining each a year",
            ["First year with one partner or none left", *(f"Partners in post, {y}" for y in milestones),
             f"Premises liability per partner, {START_YEAR}"],
            rows,
        )
        name = self.highlight.value
        self.note.value = (
            f"<p><strong>{html.escape(name)}</strong>: {in_post[name, START_YEAR]:g} partners in post in {START_YEAR}; "
            f"one partner or none left {when_last(first[name], last_year)}.</p>"
        )
        self._draw(timeline, first, last_year)

    def _draw_frame(self, names: tuple[str, ...]) -> None:
        """Draw one line per practice, its markers, the axes and the key; ``_draw`` only moves them
        (much faster than drawing a new chart on every move of a control)."""
        axis = self.axis
        axis.clear()
        self.lines, self.one_left, self.none_left = {}, {}, {}
        for k, name in enumerate(names):
            colour = OKABE_ITO[COLOURS[k % len(COLOURS)]]
            (self.lines[name],) = axis.plot([], [], color=colour)
            (self.one_left[name],) = axis.plot([], [], color=colour, **ONE_LEFT)
            (self.none_left[name],) = axis.plot([], [], color=colour, **NONE_LEFT)
        markers = [axis.plot([], [], color=MARKER_KEY_COLOUR, **style)[0] for _, style in MARKER_KEY]
        axis.set_ylabel(Y_LABEL)
        axis.yaxis.set_major_locator(MaxNLocator(**Y_TICKS))
        axis.yaxis.set_major_formatter(money_tick)
        labels = [*names, *(label for label, _ in MARKER_KEY)]
        self.key.value = legend_html([*self.lines.values(), *markers], labels, KEY_COLUMNS, "Key: " + ", ".join(labels) + ".")
        self.names = names

    def _draw(self, timeline: pd.DataFrame, first: pd.Series, last_year: int) -> None:
        names = tuple(first.index)
        if names != self.names:
            self._draw_frame(names)
        values = timeline["liability_per_partner_gbp"].to_numpy()
        top = HEADROOM * values[np.isfinite(values)].max(initial=1.0)
        for name, own in timeline.groupby("practice"):
            years = own["year"].to_numpy()
            shown = np.minimum(own["liability_per_partner_gbp"].to_numpy(), top)
            flagged = own["last_partner_standing"].to_numpy()
            none = own["partners_in_post"].to_numpy() <= 0
            self.lines[name].set_data(years, shown)
            self.one_left[name].set_data(years[flagged & ~none], shown[flagged & ~none])
            self.none_left[name].set_data(years[flagged & none], shown[flagged & none])
            self.lines[name].set(**(HIGHLIGHTED if name == self.highlight.value else NOT_HIGHLIGHTED))
        self.axis.set_xlim(START_YEAR, last_year)
        self.axis.set_ylim(0, top)
        each = "; ".join(
            f"{name}{' (highlighted)' if name == self.highlight.value else ''}: one partner or none left "
            f"{when_last(first[name], last_year)}"
            for name in names
        )
        alt = (
            f"Line chart of premises liability per partner in post, one line per practice, {START_YEAR} to {last_year}, "
            f"with partners retiring at {self.retirement.value} and {self.joining.value:g} new partners a year. "
            f"{each}. The axis stops at {pounds(top)}; a year with no partner left is marked at the top."
        )
        self.chart.value = image_html(self.figure, alt)


def last_partner_explorer(partners: pd.DataFrame, practices: pd.DataFrame, highlight: str | None = None) -> widgets.Widget:
    """Return the last-partner-standing explorer's widget for a partners table (``load_pcn_partners()``)
    and a practices table with premises liabilities (``load_pcn_practices()``); ``highlight`` names the
    practice drawn in bold first (by default the one whose partners are oldest)."""
    return LastPartnerExplorer(partners, practices, highlight).widget
