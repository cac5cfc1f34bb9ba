"""Explorer for a merger of GP practices into one partnership, and how the merged profit is shared.

``.widget`` is what a notebook displays and ``.refresh()`` recomputes and redraws. A bad input (two
practices with the same name, a rule that needs a profit when there is none) shows the model's
sentence and clears the table and chart it no longer matches.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from academy.models.gp_partnership import Practice
from academy.models.practice_merger import merger_comparison, profit_sharing
from academy.widgets.charts import DPI, OKABE_ITO, ZERO_LINE, fit_to_rows, image_html, legend_html, pounds
from academy.widgets.controls import choice, error_html, int_slider, on_change, slider, table_html
from academy.widgets.still import ExplorerBox

RULE_LABEL = "Share the merged profit"
RULE_OPTIONS = (("Equally", "equal"), ("Lockstep", "lockstep"), ("By performance", "performance"))
RULE_WORDS = {
    "equal": "shared equally from the first year",
    "lockstep": "shared in lockstep, reaching equal shares in year {glide}",
    "performance": "shared in proportion to what each practice earned apart",
}
SAVING_CONTROL = ("Share of fixed costs saved", 0.0, 0.8, 0.05, ".0%", 0.3)
CENTRAL_CONTROL = ("Central management (£ a year)", 0.0, 200_000.0, 5_000.0, ",.0f", 0.0)
ONE_OFF_CONTROL = ("One-off merger costs (£, year 1)", 0.0, 300_000.0, 5_000.0, ",.0f", 0.0)
GLIDE_CONTROL = ("Lockstep: years to equal shares", 1, 5, 3)
# The chart shows year 1 (which pays the one-off costs) and the last year of the longest glide, when
# every rule has settled.
YEARS = 5
SERIES = (
    ("apart", "Apart", OKABE_ITO["grey"]),
    (1, "Merged, year 1", OKABE_ITO["sky"]),
    (YEARS, f"Merged, year {YEARS}", OKABE_ITO["blue"]),
)
BAR_HEIGHT = 0.26  # three bars a practice, centred on its row
TABLE_COLUMNS = ("Patients", "Partners (FTE)", "Profit per partner", "Patients per GP", "Cost per patient")
# The chart grows with the number of practices: this much per practice, plus room for the axis.
MARGIN_INCHES = 0.8
ROW_INCHES = 0.75
MARGINS = {"left": 0.3, "right": 0.97, "top_inches": 0.15, "bottom_inches": 0.6}
X_LABEL = "Profit per partner (£ a year)"
X_TICKS = {"nbins": 5}
ROOM = 0.05  # space either side of the bars, as a share of their range


def _cells(row) -> list[str]:
    return [
        f"{row['registered_patients']:,.0f}",
        f"{row['partners']:.2f}",
        pounds(row["profit_per_partner_gbp"]),
        f"{row['patients_per_gp']:,.0f}",
        pounds(row["cost_per_patient_gbp"], 0.01),
    ]


class MergerExplorer:
    """Controls over a merger's sharing rule, back-office saving and costs; shows each practice's
    profit per partner apart and merged, and the practices apart against the merged partnership."""

    def __init__(self, practices: list[Practice]):
        self.practices = practices
        self.rule = choice(RULE_LABEL, RULE_OPTIONS, "equal")
        self.saving = slider(*SAVING_CONTROL)
        self.central = slider(*CENTRAL_CONTROL)
        self.one_off = slider(*ONE_OFF_CONTROL)
        self.glide = int_slider(*GLIDE_CONTROL)
        self.table = widgets.HTML()
        self.chart = widgets.HTML()
        self.key = widgets.HTML()
        self.figure = Figure(dpi=DPI)
        self.axis = self.figure.add_subplot()
        self._draw_frame(tuple(p.name for p in practices))
        on_change((self.rule, self.saving, self.central, self.one_off, self.glide), self.refresh)
        self.widget = ExplorerBox([self.rule, self.saving, self.central, self.one_off, self.glide, self.chart, self.key, self.table])
        self.refresh()

    def refresh(self) -> None:
        """Recompute the profit sharing and the comparison, and redraw the chart and table."""
        self.glide.disabled = self.rule.value != "lockstep"  # the glide only matters in lockstep
        try:
            sharing = profit_sharing(
                self.practices, self.rule.value, self.saving.value, self.central.value, self.one_off.value,
                self.glide.value, YEARS,
            )
            table = merger_comparison(self.practices, self.saving.value, 0.0, self.central.value)
        except ValueError as error:
            self.table.value = error_html(error)
            self.chart.value = ""
            return
        self.table.value = table_html(
            f"The practices apart and merged, in a full year (one-off costs not included), with "
            f"{self.saving.value:.0%} of fixed costs saved and central management of {pounds(self.central.value)} a year",
            TABLE_COLUMNS,
            ((name, _cells(row)) for name, row in table.iterrows()),
        )
        self._draw(sharing)

    def _draw_frame(self, names: tuple[str, ...]) -> None:
        """Draw the bars, axes and key for these practices; ``_draw`` only moves the bars (much faster
        than drawing a new chart on every move of a control)."""
        fit_to_rows(self.figure, len(names), ROW_INCHES, MARGIN_INCHES, MARGINS)
        axis = self.axis
        axis.clear()
        rows = np.arange(len(names))
        self.bars = {
            key: axis.barh(rows + (k - 1) * BAR_HEIGHT, [0] * len(names), BAR_HEIGHT, color=colour).patches
            for k, (key, _, colour) in enumerate(SERIES)
        }
        axis.set_yticks(rows, names)
        axis.invert_yaxis()  # the first practice at the top, as in the table
        axis.axvline(0, **ZERO_LINE)
        axis.set_xlabel(X_LABEL)
        axis.xaxis.set_major_locator(MaxNLocator(**X_TICKS))
        axis.xaxis.set_major_formatter(lambda x, _: pounds(x))
        labels = [label for _, label, _ in SERIES]
        self.key.value = legend_html([bars[0] for bars in self.bars.values()], labels, len(labels), "Key: " + ", ".join(labels) + ".")
        self.names = names

    def _draw(self, sharing) -> None:
        names = tuple(p.name for p in self.practices)
        if names != self.names:
            self._draw_frame(names)
        first = sharing[sharing["year"] == 1]
        values = {
            "apart": first["profit_per_partner_apart_gbp"].to_numpy(),
            1: first["profit_per_partner_merged_gbp"].to_numpy(),
            YEARS: sharing.loc[sharing["year"] == YEARS, "profit_per_partner_merged_gbp"].to_numpy(),
        }
        for key, bars in self.bars.items():
            for bar, value in zip(bars, values[key]):
                bar.set_width(value)
        every = np.concatenate(list(values.values()))
        low, high = min(0.0, every.min()), max(0.0, every.max())
        room = ROOM * ((high - low) or 1.0)
        self.axis.set_xlim(low - room, high + room)
        rule = RULE_WORDS[self.rule.value].format(glide=self.glide.value)
        each = "; ".join(
            f"{name} {pounds(a)} apart, {pounds(y1)} in year 1, {pounds(yn)} in year {YEARS}"
            for name, a, y1, yn in zip(names, values["apart"], values[1], values[YEARS])
        )
        alt = (
            f"Bar chart of profit per partner a year at each practice, apart and merged, with the merged profit "
            f"{rule}. Year 1 pays the one-off costs of {pounds(self.one_off.value)}; year {YEARS} is when every "
            f"rule has settled. {each}."
        )
        self.chart.value = image_html(self.figure, alt)


def merger_explorer(practices: list[Practice]) -> widgets.Widget:
    """Return the merger explorer's widget for a list of practices."""
    return MergerExplorer(practices).widget
