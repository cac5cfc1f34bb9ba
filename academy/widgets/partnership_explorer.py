"""Explorers for the GP partnership model: one practice's accounts, and a merger of several practices.

Each explorer is a small class holding its controls; ``.widget`` is what a notebook displays and
``.refresh()`` recomputes and redraws (the benchmarks time it). A bad combination of inputs shows
the model's sentence in the explorer, never a traceback.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
from matplotlib.figure import Figure

from academy.models.gp_partnership import AVERAGE_PRACTICE, Practice, merger_comparison, practice_accounts
from academy.widgets.charts import OKABE_ITO, image_html, pounds

SLIDER_LAYOUT = widgets.Layout(width="470px")
SLIDER_STYLE = {"description_width": "230px"}

# field: (label, minimum, maximum, step, format)
PRACTICE_CONTROLS = {
    "registered_patients": ("Registered patients", 1_000, 60_000, 250, ",.0f"),
    "list_weighting": ("List weighting", 0.8, 1.3, 0.01, ".2f"),
    "partners": ("Partners (FTE)", 0.0, 20.0, 0.25, ".2f"),
    "salaried_gps": ("Salaried GPs (FTE)", 0.0, 20.0, 0.25, ".2f"),
    "clinical_pharmacists": ("ARRS clinical pharmacists", 0.0, 6.0, 1.0, ".0f"),
    "link_workers": ("ARRS link workers", 0.0, 6.0, 1.0, ".0f"),
    "global_sum_gbp_per_weighted_patient": ("Global sum (£/weighted patient)", 60.0, 120.0, 0.5, ".2f"),
    "fixed_costs_gbp": ("Fixed costs (£ a year)", 0.0, 400_000.0, 5_000.0, ",.0f"),
    "variable_costs_gbp_per_patient": ("Variable cost (£ per patient)", 10.0, 80.0, 0.5, ".2f"),
}

INCOME_LINES = {
    "global_sum_gbp": ("Global sum", OKABE_ITO["blue"]),
    "network_payment_gbp": ("Network payment", OKABE_ITO["sky"]),
    "other_income_gbp": ("Other income", OKABE_ITO["purple"]),
    "arrs_reimbursement_gbp": ("ARRS roles", OKABE_ITO["yellow"]),
}
SPENDING_LINES = {
    "salaried_gp_costs_gbp": ("Salaried GPs", OKABE_ITO["orange"]),
    "arrs_staff_costs_gbp": ("ARRS roles", OKABE_ITO["yellow"]),
    "fixed_costs_gbp": ("Fixed costs", OKABE_ITO["grey"]),
    "variable_costs_gbp": ("Variable costs", OKABE_ITO["vermillion"]),
    "profit_gbp": ("Profit to partners", OKABE_ITO["green"]),
}

# The merger explorer's two charts: the column of merger_comparison each shows, and its title.
MERGER_CHARTS = (
    ("profit_per_partner_gbp", "Profit per partner (£ a year)"),
    ("cost_per_patient_gbp", "Cost per patient (£ a year)"),
)


def _slider(label: str, low: float, high: float, step: float, fmt: str, value: float) -> widgets.FloatSlider:
    """Return a slider from low to high, widened if need be so that it starts at the practice's own value."""
    value = float(value)
    return widgets.FloatSlider(
        value=value,
        min=min(low, value),
        max=max(high, value),
        step=step,
        description=label,
        readout_format=fmt,
        continuous_update=False,
        layout=SLIDER_LAYOUT,
        style=SLIDER_STYLE,
    )


def _error_html(error: ValueError) -> str:
    return f'<p role="alert" style="color:#A4161A"><strong>Check the inputs:</strong> {html.escape(str(error))}</p>'


class PartnershipExplorer:
    """Sliders over one practice's list, workforce and prices; shows its accounts and a chart."""

    def __init__(self, practice: Practice = AVERAGE_PRACTICE):
        self.base = practice
        self.sliders = {
            field: _slider(*spec, value=getattr(practice, field)) for field, spec in PRACTICE_CONTROLS.items()
        }
        self.summary = widgets.HTML()
        self.chart = widgets.HTML()
        # A fixed layout: constrained layout would draw every frame twice.
        self.figure = Figure(figsize=(7.2, 2.6), dpi=96)
        self.figure.subplots_adjust(left=0.15, right=0.97, top=0.97, bottom=0.42)
        self.axis = self.figure.add_subplot()
        self.bars = self._draw_frame()
        for slider in self.sliders.values():
            slider.observe(lambda change: self.refresh(), names="value")
        # The sliders keep their width (so their readouts show in full); the summary sits beside them
        # where there is room and below them where there is not (a narrow window, a projector).
        controls = widgets.VBox(list(self.sliders.values()), layout=widgets.Layout(flex="0 0 auto"))
        self.summary.layout = widgets.Layout(min_width="200px", flex="1 1 200px")
        self.widget = widgets.VBox([widgets.HBox([controls, self.summary], layout=widgets.Layout(flex_flow="row wrap")), self.chart])
        self.refresh()

    def practice(self) -> Practice:
        """Return the practice the sliders describe now."""
        return self.base.with_changes(**{field: slider.value for field, slider in self.sliders.items()})

    def refresh(self) -> None:
        """Recompute the accounts and redraw the summary and chart."""
        try:
            accounts = practice_accounts(self.practice())
        except ValueError as error:
            self.summary.value = _error_html(error)
            return
        self.summary.value = (
            '<div style="padding-left:1em;line-height:1.6">'
            f"<p><strong>Profit per partner:</strong> {pounds(accounts['profit_per_partner_gbp'])} a year</p>"
            f"<p><strong>Patients per GP:</strong> {accounts['patients_per_gp']:,.0f}</p>"
            f"<p><strong>Expenses:</strong> {accounts['expense_share']:.1%} of income</p>"
            f"<p><strong>Cost per patient:</strong> {pounds(accounts['cost_per_patient_gbp'])}</p>"
            "</div>"
        )
        self._draw(accounts)

    def _draw_frame(self) -> dict:
        """Draw the chart's bars, axes and legend once; ``_draw`` only moves the bars (much faster
        than drawing a new chart on every move of a slider). Returns the bar of each accounts line."""
        axis = self.axis
        bars = {}
        for row, lines in ((1, INCOME_LINES), (0, SPENDING_LINES)):
            for key, (label, colour) in lines.items():
                bars[key] = axis.barh(row, 0.0, color=colour, edgecolor="white").patches[0]
        axis.set_yticks([0, 1], ["Where it goes", "Income"])
        axis.set_xlabel("£ a year")
        axis.xaxis.set_major_formatter(lambda x, _: f"£{x / 1000:,.0f}k")
        # ARRS roles are on both rows in one colour (money reimbursed in, staff paid out): one legend entry.
        shown = [*INCOME_LINES, *(key for key in SPENDING_LINES if key != "arrs_staff_costs_gbp")]
        labels = [(INCOME_LINES | SPENDING_LINES)[key][0] for key in shown]
        axis.legend([bars[key] for key in shown], labels, loc="upper center", bbox_to_anchor=(0.45, -0.32), ncol=4, frameon=False, fontsize=8)
        return bars

    def _draw(self, accounts) -> None:
        widest = 0.0
        for lines in (INCOME_LINES, SPENDING_LINES):
            left = 0.0
            for key in lines:
                width = max(float(accounts[key]), 0.0)
                self.bars[key].set_x(left)
                self.bars[key].set_width(width)
                left += width
            widest = max(widest, left)
        self.axis.set_xlim(0, widest * 1.03 if widest > 0 else 1.0)
        alt = (
            f"Bar chart of the practice's year: income {pounds(accounts['income_gbp'])}; "
            f"expenses {pounds(accounts['expenses_gbp'])}; profit to partners {pounds(accounts['profit_gbp'])}, "
            f"which is {pounds(accounts['profit_per_partner_gbp'])} per partner."
        )
        self.chart.value = image_html(self.figure, alt)


def partnership_explorer(practice: Practice = AVERAGE_PRACTICE) -> widgets.Widget:
    """Return the explorer's widget for one practice (display it in a notebook)."""
    return PartnershipExplorer(practice).widget


class MergerExplorer:
    """Sliders over a merger's back-office saving and partners becoming salaried; shows apart vs merged."""

    def __init__(self, practices: list[Practice]):
        self.practices = practices
        self.saving = _slider("Share of fixed costs saved", 0.0, 0.8, 0.05, ".0%", 0.3)
        total_partners = sum(p.partners for p in practices)
        self.moving = _slider("Partners becoming salaried (FTE)", 0.0, max(total_partners - 1, 0), 0.25, ".2f", 0)
        self.table = widgets.HTML()
        self.chart = widgets.HTML()
        self.figure = Figure(figsize=(7.2, 2.8), dpi=96)
        self.axes = self.figure.subplots(1, 2)
        self.figure.subplots_adjust(left=0.1, right=0.98, top=0.88, bottom=0.1, wspace=0.3)
        self.bars, self.labels = self._draw_frame()
        for slider in (self.saving, self.moving):
            slider.observe(lambda change: self.refresh(), names="value")
        self.widget = widgets.VBox([self.saving, self.moving, self.chart, self.table])
        self.refresh()

    def refresh(self) -> None:
        """Recompute the merger comparison and redraw the table and chart."""
        try:
            table = merger_comparison(self.practices, self.saving.value, self.moving.value)
        except ValueError as error:
            self.table.value = _error_html(error)
            return
        shown = table.rename(
            columns={
                "registered_patients": "Patients",
                "partners": "Partners (FTE)",
                "salaried_gps": "Salaried GPs (FTE)",
                "profit_per_partner_gbp": "Profit per partner",
                "patients_per_gp": "Patients per GP",
                "cost_per_patient_gbp": "Cost per patient",
            }
        )[["Patients", "Partners (FTE)", "Salaried GPs (FTE)", "Profit per partner", "Patients per GP", "Cost per patient"]]
        self.table.value = shown.style.format(
            {
                "Patients": "{:,.0f}",
                "Partners (FTE)": "{:.2f}",
                "Salaried GPs (FTE)": "{:.2f}",
                "Profit per partner": pounds,
                "Patients per GP": "{:,.0f}",
                "Cost per patient": pounds,
            }
        ).to_html()
        self._draw(table)

    def _draw_frame(self) -> tuple[dict, dict]:
        """Draw both charts' bars, titles and labels once; ``_draw`` only moves them (much faster than
        drawing new charts on every move of a slider). Returns the bars and the value labels by column."""
        bars, labels = {}, {}
        for axis, (column, title) in zip(self.axes, MERGER_CHARTS):
            bars[column] = axis.bar(["Apart", "Merged"], [0.0, 0.0], color=[OKABE_ITO["grey"], OKABE_ITO["blue"]]).patches
            labels[column] = [axis.text(x, 0.0, "", ha="center", va="bottom", fontsize=9) for x in (0, 1)]
            axis.set_title(title, loc="left", fontsize=10)
            axis.yaxis.set_major_formatter(lambda y, _: f"£{y:,.0f}")
        return bars, labels

    def _draw(self, table) -> None:
        compare = table.loc[["All practices apart", "Merged partnership"]]
        for axis, (column, _) in zip(self.axes, MERGER_CHARTS):
            values = [float(v) for v in compare[column]]
            for bar, label, value in zip(self.bars[column], self.labels[column], values):
                bar.set_height(value)
                label.set_position((bar.get_x() + bar.get_width() / 2, value))
                label.set_text(pounds(value))
            low, high = min(0.0, *values), max(0.0, *values)
            room = 0.15 * ((high - low) or 1.0)  # space for the value labels
            axis.set_ylim(low - room if low < 0 else 0.0, high + room)
        apart, merged = compare["profit_per_partner_gbp"]
        alt = (
            f"Two bar charts comparing the practices apart and merged. Profit per partner: apart {pounds(apart)}, "
            f"merged {pounds(merged)}. Cost per patient: apart {pounds(compare['cost_per_patient_gbp'].iloc[0])}, "
            f"merged {pounds(compare['cost_per_patient_gbp'].iloc[1])}."
        )
        self.chart.value = image_html(self.figure, alt)


def merger_explorer(practices: list[Practice]) -> widgets.Widget:
    """Return the merger explorer's widget for a list of practices."""
    return MergerExplorer(practices).widget
