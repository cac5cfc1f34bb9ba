"""Explorer for the law-firm decomposition: pick a firm, see which factors moved its profit per partner."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from academy.models.law_firm_profit import FACTOR_LABELS, FACTORS, factor_contributions, profit_per_partner_factors
from academy.widgets.charts import OKABE_ITO, image_html, pounds


def firm_factors(firms: pd.DataFrame) -> pd.DataFrame:
    """Return the case's firm-year table with the five factors and profit per equity partner added."""
    factors = profit_per_partner_factors(
        firms["fee_income_gbp"],
        firms["profit_gbp"],
        firms["billed_hours"],
        firms["standard_rate_gbp_per_hour"],
        firms["lawyers"],
        firms["equity_partners"],
    )
    return pd.concat([firms, factors], axis=1)


class FirmFactorExplorer:
    """A firm picker showing the five factors at the start and end of the decade, and what drove the change."""

    def __init__(self, firms: pd.DataFrame):
        self.table = firm_factors(firms)
        self.start_year, self.end_year = int(self.table["year"].min()), int(self.table["year"].max())
        names = sorted(self.table["firm"].unique())
        self.picker = widgets.Dropdown(options=names, value=names[0], description="Firm")
        self.numbers = widgets.HTML()
        self.chart = widgets.HTML()
        self.figure = Figure(figsize=(6.5, 2.6), dpi=96)
        self.figure.subplots_adjust(left=0.42, right=0.97, top=0.85, bottom=0.2)
        self.axis = self.figure.add_subplot()
        self.picker.observe(lambda change: self.refresh(), names="value")
        # The table, then the chart at full width below it: side by side, both were cramped.
        self.widget = widgets.VBox([self.picker, self.numbers, self.chart])
        self.refresh()

    def refresh(self) -> None:
        """Redraw the factors and the contribution chart for the chosen firm."""
        rows = self.table[self.table["firm"] == self.picker.value].set_index("year")
        start, end = rows.loc[self.start_year], rows.loc[self.end_year]
        lines = "".join(
            f"<tr><td>{html.escape(FACTOR_LABELS[f])}</td><td>{start[f]:,.2f}</td><td>{end[f]:,.2f}</td></tr>"
            for f in FACTORS
        )
        self.numbers.value = (
            f"<table style='border-spacing:1em 0.2em'><tr><th></th><th>{start['financial_year']}</th><th>{end['financial_year']}</th></tr>{lines}"
            f"<tr><td><strong>Profit per equity partner</strong></td><td>{pounds(start['profit_per_partner_gbp'])}</td>"
            f"<td>{pounds(end['profit_per_partner_gbp'])}</td></tr></table>"
        )
        try:
            shares = factor_contributions(start, end)
        except ValueError as error:
            self.chart.value = f'<p role="alert">{html.escape(str(error))}</p>'
            return
        axis = self.axis
        axis.clear()
        colours = [OKABE_ITO["blue"] if s >= 0 else OKABE_ITO["vermillion"] for s in shares]
        axis.barh([FACTOR_LABELS[f].split(" (")[0] for f in FACTORS], shares, color=colours)
        axis.axvline(0, color="black", linewidth=0.8)
        axis.invert_yaxis()
        axis.set_title("Share of the change in profit per partner", loc="left", fontsize=10)
        axis.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
        biggest = shares.abs().idxmax()
        alt = (
            f"Bar chart for {self.picker.value}: share of the change in profit per equity partner from "
            f"{start['financial_year']} to {end['financial_year']} explained by each factor; the largest is "
            f"{FACTOR_LABELS[biggest].split(' (')[0].lower()} at {shares[biggest]:.0%}."
        )
        self.chart.value = image_html(self.figure, alt)


def firm_factor_explorer(firms: pd.DataFrame) -> widgets.Widget:
    """Return the firm explorer's widget for the case's law-firm table."""
    return FirmFactorExplorer(firms).widget
