"""Explorer for the law-firm decomposition: pick a firm, see which factors moved its profit per partner,
in money of the day (nominal) or in real terms (deflated by consumer prices)."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from academy.data.law_firms import financial_year_label
from academy.data.prices import to_real_gbp
from academy.models.law_firm_profit import FACTOR_LABELS, FACTORS, factor_contributions, profit_per_partner_factors
from academy.widgets.charts import OKABE_ITO, image_html, pounds
from academy.widgets.controls import choice, error_html, table_html
from academy.widgets.still import ExplorerBox

MONEY = (("Money of the day", "nominal"), ("Real terms", "real"))


def firm_factors(firms: pd.DataFrame, base_year: int | None = None) -> pd.DataFrame:
    """Return the case's firm-year table with the five factors and profit per equity partner added,
    and the two money columns also in real terms: ``standard_rate_real`` and
    ``profit_per_partner_real_gbp``, in pounds of ``base_year`` (the last year ending in the table
    unless given), deflated by the CPI of the year each financial year ends."""
    factors = profit_per_partner_factors(
        firms["fee_income_gbp"],
        firms["profit_gbp"],
        firms["billed_hours"],
        firms["standard_rate_gbp_per_hour"],
        firms["lawyers"],
        firms["equity_partners"],
    )
    base_year = int(firms["year"].max()) if base_year is None else base_year
    real = pd.DataFrame(
        {
            "standard_rate_real": to_real_gbp(factors["standard_rate"], firms["year"], base_year),
            "profit_per_partner_real_gbp": to_real_gbp(factors["profit_per_partner_gbp"], firms["year"], base_year),
        },
        index=factors.index,
    )
    return pd.concat([firms, factors, real], axis=1)


def _change(start: float, end: float) -> str:
    """Return the change from start to end as a whole percentage: +21%, −3%, or 0%."""
    change = round(end / start - 1, 2)
    return "0%" if change == 0 else f"{change:+.0%}".replace("-", "\N{MINUS SIGN}")


class FirmFactorExplorer:
    """A firm picker showing the five factors at the start and end of the decade, profit per equity
    partner in money of the day and in real terms, and what drove the change."""

    def __init__(self, firms: pd.DataFrame):
        self.table = firm_factors(firms)
        self.start_year, self.end_year = int(self.table["year"].min()), int(self.table["year"].max())
        self.prices = financial_year_label(self.end_year)
        names = sorted(self.table["firm"].unique())
        self.picker = widgets.Dropdown(options=names, value=names[0], description="Firm")
        self.money = choice("Chart in", MONEY, "real")
        self.numbers = widgets.HTML()
        self.chart = widgets.HTML()
        self.figure = Figure(figsize=(6.5, 2.6), dpi=96)
        self.figure.subplots_adjust(left=0.42, right=0.97, top=0.85, bottom=0.2)
        self.axis = self.figure.add_subplot()
        for control in (self.picker, self.money):
            control.observe(lambda change: self.refresh(), names="value")
        # The table, then the chart at full width below it: side by side, both were cramped.
        self.widget = ExplorerBox([self.picker, self.numbers, self.money, self.chart])
        self.refresh()

    def rows(self) -> tuple[pd.Series, pd.Series]:
        """Return the chosen firm's first and last years (rows of :func:`firm_factors`)."""
        rows = self.table[self.table["firm"] == self.picker.value].set_index("year")
        return rows.loc[self.start_year], rows.loc[self.end_year]

    def refresh(self) -> None:
        """Redraw the factors and the contribution chart for the chosen firm."""
        start, end = self.rows()
        lines = [(FACTOR_LABELS[f], [f"{start[f]:,.2f}", f"{end[f]:,.2f}", _change(start[f], end[f])]) for f in FACTORS]
        lines += [
            (f"Standard rate (£ per hour, {self.prices} prices)",
             [f"{start['standard_rate_real']:,.2f}", f"{end['standard_rate_real']:,.2f}",
              _change(start["standard_rate_real"], end["standard_rate_real"])]),
            ("Profit per equity partner (£, money of the day)",
             [pounds(start["profit_per_partner_gbp"]), pounds(end["profit_per_partner_gbp"]),
              _change(start["profit_per_partner_gbp"], end["profit_per_partner_gbp"])]),
            (f"Profit per equity partner (£, {self.prices} prices)",
             [pounds(start["profit_per_partner_real_gbp"]), pounds(end["profit_per_partner_real_gbp"]),
              _change(start["profit_per_partner_real_gbp"], end["profit_per_partner_real_gbp"])]),
        ]
        self.numbers.value = table_html(
            f"{self.picker.value}: the five factors, {start['financial_year']} and {end['financial_year']}",
            [start["financial_year"], end["financial_year"], "Change"],
            lines,
        )
        real = self.money.value == "real"
        if real:  # in real terms the rate is deflated, so the split is of the change in real profit
            start, end = (row.copy() for row in (start, end))
            for row in (start, end):
                row["standard_rate"] = row["standard_rate_real"]
        try:
            shares = factor_contributions(start, end)
        except ValueError as error:
            self.chart.value = error_html(error)
            return
        axis = self.axis
        axis.clear()
        colours = [OKABE_ITO["blue"] if s >= 0 else OKABE_ITO["vermillion"] for s in shares]
        axis.barh([FACTOR_LABELS[f].split(" (")[0] for f in FACTORS], shares, color=colours)
        axis.axvline(0, color="black", linewidth=0.8)
        axis.invert_yaxis()
        terms = f"real terms, {self.prices} prices" if real else "money of the day"
        axis.set_title(f"Share of the change in profit per partner ({terms})", loc="left", fontsize=10)
        axis.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
        biggest = shares.abs().idxmax()
        alt = (
            f"Bar chart for {self.picker.value}: share of the change in profit per equity partner from "
            f"{start['financial_year']} to {end['financial_year']}, in {terms}, explained by each factor; "
            f"the largest is {FACTOR_LABELS[biggest].split(' (')[0].lower()} at {shares[biggest]:.0%}."
        )
        self.chart.value = image_html(self.figure, alt)


def firm_factor_explorer(firms: pd.DataFrame) -> widgets.Widget:
    """Return the firm explorer's widget for the case's law-firm table."""
    return FirmFactorExplorer(firms).widget
