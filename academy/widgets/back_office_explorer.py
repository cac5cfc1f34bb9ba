"""Explorer for a back office shared through the Primary Care Network: the practices stay separate
partnerships, pool their fixed costs, and split the pool by a cost-sharing key.

``.widget`` is what a notebook displays and ``.refresh()`` recomputes and redraws. A bad input shows
the model's sentence and clears the table and chart it no longer matches.
"""

from __future__ import annotations

import ipywidgets as widgets
from matplotlib.figure import Figure

from academy.models.gp_partnership import Practice
from academy.models.shared_back_office import shared_back_office
from academy.widgets.charts import DPI, OKABE_ITO, ZERO_LINE, fit_to_rows, image_html, pounds, signed_pounds
from academy.widgets.controls import choice, error_html, on_change, slider, table_html
from academy.widgets.still import ExplorerBox

SAVING_CONTROL = ("Share of pooled fixed costs saved", 0.0, 0.5, 0.01, ".0%", 0.2)
COORDINATION_CONTROL = ("Coordination cost (£ a year)", 0.0, 100_000.0, 1_000.0, ",.0f", 0.0)
KEY_LABEL = "Share the cost by"
KEY_OPTIONS = (("List size", "list"), ("Weighted list", "weighted list"), ("Equal shares", "equal"))
KEY_WORDS = {"list": "by list size", "weighted list": "by weighted list", "equal": "in equal shares"}
TABLE_COLUMNS = (
    "Share of pool",
    "Back office alone",
    "Back office shared",
    "Saving a year",
    "Saving per partner",
    "Profit per partner alone",
    "Profit per partner shared",
)
# The chart grows with the number of practices: this much per practice, plus room for the axis.
MARGIN_INCHES = 1.2
ROW_INCHES = 0.4
MARGINS = {"left": 0.33, "right": 0.97, "top_inches": 0.15, "bottom_inches": 0.75}
X_LABEL = "Saving per partner (£ a year; below 0 pays more than alone)"
ROOM = 0.05  # space either side of the bars, as a share of their range


def _cells(row) -> list[str]:
    return [
        f"{row['cost_share']:.1%}",
        pounds(row["back_office_alone_gbp"]),
        pounds(row["back_office_shared_gbp"]),
        pounds(row["saving_gbp"]),
        pounds(row["saving_per_partner_gbp"]),
        pounds(row["profit_per_partner_alone_gbp"]),
        pounds(row["profit_per_partner_shared_gbp"]),
    ]


class BackOfficeExplorer:
    """Controls over the saving, the cost-sharing key and the coordination cost; shows what each
    practice pays and saves, as a table and as a chart of the saving per partner."""

    def __init__(self, practices: list[Practice]):
        self.practices = practices
        self.saving = slider(*SAVING_CONTROL)
        self.sharing = choice(KEY_LABEL, KEY_OPTIONS, "list")
        self.coordination = slider(*COORDINATION_CONTROL)
        self.table = widgets.HTML()
        self.chart = widgets.HTML()
        self.figure = Figure(dpi=DPI)
        self.axis = self.figure.add_subplot()
        self._draw_frame(tuple(p.name for p in practices))
        on_change((self.saving, self.sharing, self.coordination), self.refresh)
        self.widget = ExplorerBox([self.saving, self.sharing, self.coordination, self.chart, self.table])
        self.refresh()

    def refresh(self) -> None:
        """Recompute the shared back office and redraw the table and chart."""
        try:
            result = shared_back_office(self.practices, self.saving.value, self.sharing.value, self.coordination.value)
        except ValueError as error:
            self.table.value = error_html(error)
            self.chart.value = ""
            return
        words = KEY_WORDS[self.sharing.value]
        self.table.value = table_html(
            f"Back office costs a year, alone and shared {words}, with {self.saving.value:.0%} of the pooled "
            f"costs saved and a coordination cost of {pounds(self.coordination.value)}",
            TABLE_COLUMNS,
            ((name, _cells(row)) for name, row in result.iterrows()),
        )
        self._draw(result, words)

    def _draw_frame(self, names: tuple[str, ...]) -> None:
        """Draw the bars, axes and labels for these practices; ``_draw`` only moves the bars (much
        faster than drawing a new chart on every move of a control)."""
        fit_to_rows(self.figure, len(names), ROW_INCHES, MARGIN_INCHES, MARGINS)
        axis = self.axis
        axis.clear()
        self.bars = axis.barh(range(len(names)), [0] * len(names)).patches
        axis.set_yticks(range(len(names)), names)
        axis.invert_yaxis()  # the first practice at the top, as in the table
        axis.axvline(0, **ZERO_LINE)
        axis.set_xlabel(X_LABEL)
        axis.xaxis.set_major_formatter(lambda x, _: pounds(x))
        self.names = names

    def _draw(self, result, words: str) -> None:
        if tuple(result.index) != self.names:
            self._draw_frame(tuple(result.index))
        savings = result["saving_per_partner_gbp"]
        for bar, value in zip(self.bars, savings):
            bar.set_width(value)
            bar.set_color(OKABE_ITO["vermillion"] if value < 0 else OKABE_ITO["blue"])
        low, high = min(0.0, savings.min()), max(0.0, savings.max())
        room = ROOM * ((high - low) or 1.0)
        self.axis.set_xlim(low - room, high + room)
        each = "; ".join(f"{name} {signed_pounds(value)}" for name, value in savings.items())
        alt = (
            f"Bar chart of each practice's saving per partner a year from sharing the back office {words}: "
            f"{each}. A practice below 0 pays more for its share than for its own back office."
        )
        self.chart.value = image_html(self.figure, alt)


def back_office_explorer(practices: list[Practice]) -> widgets.Widget:
    """Return the shared back-office explorer's widget for a list of practices."""
    return BackOfficeExplorer(practices).widget
