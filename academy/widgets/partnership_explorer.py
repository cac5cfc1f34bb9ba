"""Explorer for one GP partnership: its accounts, what a larger list is worth, and what leverage does.

The explorer is a small class holding its controls; ``.widget`` is what a notebook displays and
``.refresh()`` recomputes and redraws (the benchmarks time it). A bad combination of inputs shows
the model's sentence in the explorer, never a traceback, and clears the figures it no longer matches.
"""

from __future__ import annotations

import ipywidgets as widgets
from matplotlib.figure import Figure

from academy.models.gp_partnership import (
    AVERAGE_PRACTICE,
    Practice,
    list_growth_effects,
    partners_replaced_by_salaried,
    practice_accounts,
    practice_with_larger_list,
)
from academy.widgets.charts import CHART_WIDTH_INCHES, DPI, OKABE_ITO, image_html, legend_html, pounds, signed_pounds
from academy.widgets.controls import error_html, on_change, slider
from academy.widgets.still import ExplorerBox

# field: (label, minimum, maximum, step, readout format). Partners start at 0.25 FTE: a partnership
# needs a partner, and profit per partner has no meaning without one.
PRACTICE_CONTROLS = {
    "registered_patients": ("Registered patients", 1_000, 60_000, 250, ",.0f"),
    "list_weighting": ("List weighting", 0.8, 1.3, 0.01, ".2f"),
    "partners": ("Partners (FTE)", 0.25, 20.0, 0.25, ".2f"),
    "salaried_gps": ("Salaried GPs (FTE)", 0.0, 20.0, 0.25, ".2f"),
    "dispensing_patient_share": ("Dispensing patients (share of list)", 0.0, 1.0, 0.05, ".0%"),
    "global_sum_gbp_per_weighted_patient": ("Global sum (£ per weighted patient)", 60.0, 120.0, 0.5, ".2f"),
    "qof_gbp_per_patient": ("QOF (£ per patient)", 0.0, 30.0, 0.5, ".2f"),
    "fixed_costs_gbp": ("Fixed costs (£ a year)", 0.0, 400_000.0, 5_000.0, ",.0f"),
    "variable_costs_gbp_per_patient": ("Staff and running costs (£ per patient)", 10.0, 120.0, 0.5, ".2f"),
}
GROWTH_CONTROL = ("List growth", 0.0, 0.3, 0.01, ".0%", 0.1)
LEVERAGE_CONTROL = ("Partners replaced by salaried GPs (FTE)", 0.0, 10.0, 0.25, ".2f", 0.0)
GROW_CONTROL = {"value": False, "description": "GPs grow with the list", "indent": False}
ECONOMIC_NOTE = "including partners' own clinical time at a salaried GP's cost"

# The chart's two bars, bottom to top: each line of the accounts, its label and how it is drawn.
# Premises and dispensing have the same colour in and out (money reimbursed in, paid out); a hatch
# tells apart two lines that share a colour on the same bar.
INCOME_STYLE = {
    "global_sum_gbp": ("global sum", OKABE_ITO["blue"], ""),
    "network_payment_gbp": ("network payment", OKABE_ITO["sky"], ""),
    "qof_gbp": ("QOF", OKABE_ITO["purple"], ""),
    "enhanced_services_gbp": ("enhanced services", OKABE_ITO["purple"], "///"),
    "other_nhs_income_gbp": ("other NHS income", OKABE_ITO["sky"], "///"),
    "premises_reimbursement_gbp": ("premises", OKABE_ITO["orange"], ""),
    "dispensing_income_gbp": ("dispensing", OKABE_ITO["yellow"], ""),
}
EXPENSE_STYLE = {
    "salaried_gp_costs_gbp": ("salaried GPs", OKABE_ITO["vermillion"], ""),
    "premises_costs_gbp": ("premises", OKABE_ITO["orange"], ""),
    "dispensing_costs_gbp": ("dispensing (drugs)", OKABE_ITO["yellow"], ""),
    "fixed_costs_gbp": ("fixed costs", OKABE_ITO["grey"], "///"),
    "variable_costs_gbp": ("staff and running", OKABE_ITO["grey"], ""),
    "profit_gbp": ("profit to partners", OKABE_ITO["green"], ""),
}
ROWS = (("Income", INCOME_STYLE, 1), ("Where it goes", EXPENSE_STYLE, 0))
BAR_EDGE = "white"  # also the colour of a hatch
# The legend: one entry for a line drawn the same on both bars.
LEGEND = {
    "global_sum_gbp": "Global sum",
    "network_payment_gbp": "Network payment",
    "qof_gbp": "QOF",
    "enhanced_services_gbp": "Enhanced services",
    "other_nhs_income_gbp": "Other NHS income",
    "premises_reimbursement_gbp": "Premises (in and out)",
    "dispensing_income_gbp": "Dispensing (income, drugs)",
    "salaried_gp_costs_gbp": "Salaried GPs",
    "fixed_costs_gbp": "Fixed costs",
    "variable_costs_gbp": "Staff and running",
    "profit_gbp": "Profit to partners",
}


# The chart's size and margins are fixed: constrained layout would draw every frame twice.
CHART_HEIGHT_INCHES = 1.9
CHART_MARGINS = {"left": 0.15, "right": 0.97, "top": 0.95, "bottom": 0.25}
KEY_COLUMNS = 4
# The sliders keep their width (so their readouts show in full); the summary sits beside them where
# there is room and below them where there is not (a narrow window, a projector).
CONTROLS_LAYOUT = {"flex": "0 0 auto"}
SUMMARY_LAYOUT = {"min_width": "220px", "flex": "1 1 220px"}
TOP_LAYOUT = {"flex_flow": "row wrap"}
SCALE_HEADING = "<h4>Scale is not workload</h4>"
LEVERAGE_HEADING = "<h4>Leverage: partners replaced by salaried GPs</h4>"


def _lines_text(accounts, style: dict) -> str:
    return ", ".join(f"{label} {pounds(accounts[key])}" for key, (label, _, _) in style.items())


class PartnershipExplorer:
    """Sliders over one practice's list, workforce, prices and costs; shows its accounts and a chart,
    what a larger list is worth per partner, and what replacing partners by salaried GPs does."""

    def __init__(self, practice: Practice = AVERAGE_PRACTICE):
        self.base = practice
        self.sliders = {field: slider(*spec, value=getattr(practice, field)) for field, spec in PRACTICE_CONTROLS.items()}
        self.growth = slider(*GROWTH_CONTROL)
        self.gps_grow = widgets.Checkbox(**GROW_CONTROL)
        self.moved = slider(*LEVERAGE_CONTROL)
        self.summary = widgets.HTML()
        self.chart = widgets.HTML()
        self.scale = widgets.HTML()
        self.leverage = widgets.HTML()
        self.key = widgets.HTML()
        self.figure = Figure(figsize=(CHART_WIDTH_INCHES, CHART_HEIGHT_INCHES), dpi=DPI)
        self.figure.subplots_adjust(**CHART_MARGINS)
        self.axis = self.figure.add_subplot()
        self.bars = self._draw_frame()
        on_change(self.sliders.values(), self.refresh)
        on_change((self.growth, self.gps_grow), self._refresh_scale)
        on_change((self.moved,), self._refresh_leverage)
        controls = widgets.VBox(list(self.sliders.values()), layout=widgets.Layout(**CONTROLS_LAYOUT))
        self.summary.layout = widgets.Layout(**SUMMARY_LAYOUT)
        self.widget = ExplorerBox([
            widgets.HBox([controls, self.summary], layout=widgets.Layout(**TOP_LAYOUT)),
            self.chart, self.key,
            widgets.HTML(SCALE_HEADING), self.growth, self.gps_grow, self.scale,
            widgets.HTML(LEVERAGE_HEADING), self.moved, self.leverage,
        ])
        self.refresh()

    def practice(self) -> Practice:
        """Return the practice the sliders describe now."""
        return self.base.with_changes(**{field: s.value for field, s in self.sliders.items()})

    def refresh(self) -> None:
        """Recompute the accounts and redraw the summary, the chart and both panels."""
        try:
            accounts = practice_accounts(self.practice())
        except ValueError as error:
            self.summary.value = error_html(error)
            self.chart.value = self.scale.value = self.leverage.value = ""
            return
        self.summary.value = (
            '<div style="padding-left:1em;line-height:1.6">'
            f"<p><strong>Profit per partner:</strong> {pounds(accounts['profit_per_partner_gbp'])} a year</p>"
            f"<p><strong>Patients per GP:</strong> {accounts['patients_per_gp']:,.0f}</p>"
            f"<p><strong>Expenses:</strong> {accounts['expense_share']:.1%} of income</p>"
            f"<p><strong>Cost per patient:</strong> {pounds(accounts['cost_per_patient_gbp'], 0.01)} a year</p>"
            f"<p><strong>Economic cost per patient:</strong> {pounds(accounts['economic_cost_per_patient_gbp'], 0.01)} "
            f"a year, {ECONOMIC_NOTE}</p>"
            "</div>"
        )
        self._draw(accounts)
        self._refresh_scale()
        self._refresh_leverage()

    def _refresh_scale(self) -> None:
        """Say what a list ``growth`` larger is worth per partner, with the same GPs or more of them."""
        practice, growth = self.practice(), self.growth.value
        try:
            effects = list_growth_effects(practice, growth)
            before = practice_accounts(practice)["patients_per_gp"]
            after = practice_accounts(practice_with_larger_list(practice, growth, self.gps_grow.value))["patients_per_gp"]
        except ValueError as error:
            self.scale.value = error_html(error)
            return
        larger = f"A list {growth:.0%} larger"
        if self.gps_grow.value:
            text = (
                f"{larger}, with salaried GPs hired so that each GP has the same number of patients "
                f"({after:,.0f}): {signed_pounds(effects['gps_grow_with_list_gbp'], 100)} per partner a year, "
                f"of which {pounds(effects['fixed_costs_spread_gbp'], 100)} is fixed costs spread and "
                f"{pounds(effects['partners_margin_gbp'], 100)} partners' margin on the extra work. "
                f"With the same GPs it would be {signed_pounds(effects['same_gps_total_gbp'], 100)}, but "
                f"{pounds(effects['more_work_by_same_gps_gbp'], 100)} of that is the same doctors seeing more patients."
            )
        else:
            text = (
                f"{larger} with the same GPs: {signed_pounds(effects['same_gps_total_gbp'], 100)} per partner a year, "
                f"of which {pounds(effects['more_work_by_same_gps_gbp'], 100)} is the same doctors seeing more patients, "
                f"{pounds(effects['fixed_costs_spread_gbp'], 100)} fixed costs spread and "
                f"{pounds(effects['partners_margin_gbp'], 100)} partners' margin on the extra work. "
                f"Each GP would have {after:,.0f} patients instead of {before:,.0f}."
            )
        self.scale.value = f"<p>{text}</p>"

    def _refresh_leverage(self) -> None:
        """Say what replacing ``moved`` FTE partners by salaried GPs does to profit per partner and to
        economic cost per patient."""
        practice, moved = self.practice(), self.moved.value
        try:
            before = practice_accounts(practice)
            after = practice_accounts(partners_replaced_by_salaried(practice, moved))
        except ValueError as error:
            self.leverage.value = error_html(error)
            return
        economic = [pounds(a["economic_cost_per_patient_gbp"], 0.01) for a in (before, after)]
        verdict = (
            f"unchanged at {economic[0]}: leverage moves money between people, it does not save"
            if economic[0] == economic[1]
            else f"{economic[0]} before and {economic[1]} after"
        )
        self.leverage.value = (
            f"<p>With {moved:.2f} FTE of the {practice.partners:.2f} FTE partners replaced by salaried GPs "
            f"(the same GP time): profit per remaining partner {pounds(after['profit_per_partner_gbp'])} a year, "
            f"from {pounds(before['profit_per_partner_gbp'])}. Economic cost per patient is {verdict}.</p>"
        )

    def _draw_frame(self) -> dict:
        """Draw the chart's bars, axes and legend once; ``_draw`` only moves the bars (much faster
        than drawing a new chart on every move of a slider). Returns the bar of each accounts line."""
        axis = self.axis
        bars = {}
        for _, style, row in ROWS:
            for key, (_, colour, hatch) in style.items():
                bars[row, key] = axis.barh(row, 0.0, color=colour, hatch=hatch, edgecolor=BAR_EDGE).patches[0]
        axis.set_yticks([row for _, _, row in ROWS], [name for name, _, _ in ROWS])
        axis.set_xlabel("£ a year")
        axis.xaxis.set_major_formatter(lambda x, _: f"£{x / 1000:,.0f}k")
        handles = [bars[1, key] if key in INCOME_STYLE else bars[0, key] for key in LEGEND]
        self.key.value = legend_html(handles, list(LEGEND.values()), KEY_COLUMNS, "Key to the colours: " + ", ".join(LEGEND.values()) + ".")
        return bars

    def _draw(self, accounts) -> None:
        widest = 0.0
        for _, style, row in ROWS:
            left = 0.0
            for key in style:
                width = max(float(accounts[key]), 0.0)
                self.bars[row, key].set_x(left)
                self.bars[row, key].set_width(width)
                left += width
            widest = max(widest, left)
        self.axis.set_xlim(0, widest * 1.03 if widest > 0 else 1.0)
        costs = {key: spec for key, spec in EXPENSE_STYLE.items() if key != "profit_gbp"}
        alt = (
            f"Bar chart of the practice's year. Income {pounds(accounts['income_gbp'])}: {_lines_text(accounts, INCOME_STYLE)}. "
            f"Where it goes: expenses {pounds(accounts['expenses_gbp'])} ({_lines_text(accounts, costs)}) and "
            f"profit to partners {pounds(accounts['profit_gbp'])}, which is {pounds(accounts['profit_per_partner_gbp'])} per partner."
        )
        self.chart.value = image_html(self.figure, alt)


def partnership_explorer(practice: Practice = AVERAGE_PRACTICE) -> widgets.Widget:
    """Return the explorer's widget for one practice (display it in a notebook)."""
    return PartnershipExplorer(practice).widget
