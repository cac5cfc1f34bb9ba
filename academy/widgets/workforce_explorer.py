"""Explorers for the workforce-retention case: a PCN's GPs over the next ten years, and what keeping
them is worth.

``WorkforceExplorer`` has sliders over the share of GPs aged 50 to 59 who leave each year, the salaried
GPs joining each year (mostly newly qualified: the trainee intake) and the drift to part-time working,
and a tick box for each retention lever; it projects the workforce 1,000 times with uncertain leaver
rates and shows a fan chart of GP full-time equivalents (FTE) against what the PCN needs, with the
results beside the sliders. ``LeverCostsExplorer`` has sliders over the prices a delegate would
question (a locum's session, recruiting a GP, how long a post stays open, nurse cover) and shows each
lever's cost, what it keeps and its break-even, as a table and a bar chart.

As in the other explorers, ``.widget`` is what a notebook displays and ``.refresh()`` recomputes and
redraws. A bad input shows the model's sentence in an alert and clears the chart it no longer matches.
"""

from __future__ import annotations

import dataclasses

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from academy.models.retention_costs import (
    RetentionCosts,
    cost_of_a_leaver_gbp,
    cover_premium_gbp_per_fte_year,
    lever_appraisal,
)
from academy.models.workforce_projection import (
    GP_ROLES,
    LEVERS,
    Workforce,
    fte_quantiles,
    fte_runs,
    gp_fte_needed,
    project_workforce,
    with_levers,
)
from academy.widgets.charts import (
    CHART_WIDTH_INCHES,
    DPI,
    MINUS,
    OKABE_ITO,
    ZERO_LINE,
    fit_to_rows,
    image_html,
    legend_html,
    pounds,
)
from academy.widgets.controls import SLIDER_OPTIONS, error_html, on_change, slider, table_html
from academy.widgets.still import ExplorerBox

# ---- the projection explorer ------------------------------------------------------------------------

RUNS = 1_000  # Monte Carlo runs behind each position of the controls (about 3 ms with numpy)
YEARS = 10
YEARS_WORDS = "ten years"
SEED = 2019
CENSUS_YEAR = 2019  # year 0 is the census, 30 September 2019; year n is September 2019 + n
OLDER_BAND = (50, 60)  # the age band whose leaver rate the first slider sets: 50 to 59
OLDER_LEAVERS_CONTROL = ("GPs aged 50-59 leaving a year", 0.0, 0.3, 0.005, ".1%")
INTAKE_ROLE = "salaried_gp"  # newly qualified GPs join as salaried GPs
INTAKE_CONTROL = ("Salaried GPs joining a year", 0.0, 6.0, 0.5, ".1f")
DRIFT_CONTROL = ("Part-time drift a year", 0.0, 0.04, 0.0025, ".2%")
LEVERS_HEADING = "<strong>Retention levers</strong> (tick to switch one on)"
LEVER_LAYOUT = {"width": SLIDER_OPTIONS["layout"].width}
QUANTILE_COLUMNS = ("q05", "q25", "q50", "q75", "q95")
OUTER_BAND = {"color": OKABE_ITO["sky"], "alpha": 0.35, "linewidth": 0}
INNER_BAND = {"color": OKABE_ITO["sky"], "alpha": 0.9, "linewidth": 0}
MEDIAN_LINE = {"color": OKABE_ITO["blue"], "linewidth": 2}
NEED_LINE = {"color": OKABE_ITO["vermillion"], "linestyle": "--", "linewidth": 1.8}
FAN_KEY = (
    "median of the runs",
    "middle half of the runs (25% to 75%)",
    "nine runs in ten (5% to 95%)",
    "GP FTE the PCN needs for its patients",
)
FAN_TITLE = "GP full-time equivalents (FTE), at 30 September each year"
FAN_CHART_HEIGHT_INCHES = 3.4
FAN_CHART_MARGINS = {"left": 0.08, "right": 0.97, "top": 0.9, "bottom": 0.1}
FAN_KEY_COLUMNS = 2
HEADROOM = 1.1  # the FTE axis runs from 0 to a tenth above the highest band or need
CONTROLS_LAYOUT = {"flex": "0 0 auto"}
SUMMARY_LAYOUT = {"min_width": "220px", "flex": "1 1 220px"}
TOP_LAYOUT = {"flex_flow": "row wrap"}


def older_band(workforce: Workforce) -> int:
    """Return the index of the age band 50 to 59 among the workforce's bands."""
    return list(workforce.age_bands).index(OLDER_BAND)


def older_gp_leaver_rate(workforce: Workforce) -> float:
    """Return the share of GPs aged 50 to 59 who leave in a year: the GP roles' leaver rates for that
    band, weighted by the GPs in it now (their plain average if there are none)."""
    band = older_band(workforce)
    rows = [workforce.roles.index(role) for role in GP_ROLES]
    rates = np.array([workforce.leaver_rates[row][band] for row in rows], dtype=float)
    people = np.array([workforce.headcount[row][band] for row in rows], dtype=float)
    return float(np.average(rates, weights=people) if people.sum() > 0 else rates.mean())


def with_older_gp_leaver_rate(workforce: Workforce, rate: float) -> Workforce:
    """Return the workforce with the GP roles' leaver rates for ages 50 to 59 scaled in proportion, so
    that ``older_gp_leaver_rate`` is ``rate`` and salaried GPs still leave a little more often than
    partners (both set to ``rate`` if neither leaves now)."""
    band = older_band(workforce)
    now = older_gp_leaver_rate(workforce)
    rates = [list(row) for row in workforce.leaver_rates]
    for role in GP_ROLES:
        row = rates[workforce.roles.index(role)]
        row[band] = row[band] * (rate / now) if now > 0 else rate
    return dataclasses.replace(workforce, leaver_rates=tuple(tuple(row) for row in rates))


def fte_text(value: float) -> str:
    """Return FTE (or people) to one decimal place, with a true minus sign: 15.6, −1.2."""
    text = f"{value:,.1f}"
    return "0.0" if text == "-0.0" else text.replace("-", MINUS)


def gap_text(gap: float) -> str:
    """Return the gap between the GP FTE needed and the GP FTE there are: "5.9 FTE short", "1.2 FTE to
    spare" or "none"."""
    if round(gap, 1) == 0:
        return "none"
    return f"{fte_text(abs(gap))} FTE {'short' if gap > 0 else 'to spare'}"


def lever_list(labels: list[str]) -> str:
    """Return the levers switched on, as a sentence ends: "none", or their labels joined with commas."""
    return ", ".join(labels) if labels else "none"


class WorkforceExplorer:
    """Sliders over the older GPs' leaver rate, the salaried GPs joining and the part-time drift, and a
    tick box for each lever; shows a fan chart of GP FTE over ten years, ``runs`` Monte Carlo runs
    with uncertain leaver rates, against the FTE the PCN needs, and the results."""

    def __init__(self, workforce: Workforce = Workforce(), runs: int = RUNS, seed: int = SEED, levers=None):
        self.base = workforce
        self.runs, self.seed = runs, seed
        self.lever_options = LEVERS if levers is None else levers
        intake = workforce.joiners_per_year[workforce.roles.index(INTAKE_ROLE)]
        self.sliders = {
            "older_leavers": slider(*OLDER_LEAVERS_CONTROL, value=older_gp_leaver_rate(workforce)),
            "intake": slider(*INTAKE_CONTROL, value=intake),
            "part_time_drift": slider(*DRIFT_CONTROL, value=workforce.part_time_drift),
        }
        self.levers = {name: widgets.Checkbox(value=False, description=lever.label, indent=False,
                                              layout=widgets.Layout(**LEVER_LAYOUT))
                       for name, lever in self.lever_options.items()}
        self.fan: pd.DataFrame | None = None
        self.need: np.ndarray | None = None
        self.summary = widgets.HTML()
        self.chart = widgets.HTML()
        self.key = widgets.HTML()
        self.figure = Figure(figsize=(CHART_WIDTH_INCHES, FAN_CHART_HEIGHT_INCHES), dpi=DPI)
        self.figure.subplots_adjust(**FAN_CHART_MARGINS)
        self.axis = self.figure.add_subplot()
        self._draw_frame()
        on_change([*self.sliders.values(), *self.levers.values()], self.refresh)
        controls = widgets.VBox([*self.sliders.values(), widgets.HTML(LEVERS_HEADING), *self.levers.values()],
                                layout=widgets.Layout(**CONTROLS_LAYOUT))
        self.summary.layout = widgets.Layout(**SUMMARY_LAYOUT)
        self.widget = ExplorerBox([
            widgets.HBox([controls, self.summary], layout=widgets.Layout(**TOP_LAYOUT)), self.chart, self.key,
        ])
        self.refresh()

    def workforce(self) -> Workforce:
        """Return the workforce the sliders describe now, before any lever."""
        joiners = list(self.base.joiners_per_year)
        joiners[self.base.roles.index(INTAKE_ROLE)] = float(self.sliders["intake"].value)
        workforce = dataclasses.replace(self.base, joiners_per_year=tuple(joiners),
                                        part_time_drift=float(self.sliders["part_time_drift"].value))
        return with_older_gp_leaver_rate(workforce, float(self.sliders["older_leavers"].value))

    def levers_on(self) -> list[str]:
        """Return the names of the levers ticked, in the order of the tick boxes."""
        return [name for name, box in self.levers.items() if box.value]

    def refresh(self) -> None:
        """Project the workforce again and redraw the results and the fan chart."""
        names = self.levers_on()
        try:
            workforce = with_levers(self.workforce(), [self.lever_options[name] for name in names])
            runs = fte_runs(workforce, YEARS, self.runs, seed=self.seed)
            fan = fte_quantiles(runs, GP_ROLES, workforce)
            need = gp_fte_needed(workforce, YEARS)
            central = project_workforce(workforce, YEARS)
        except ValueError as error:
            self.fan = self.need = None
            self.summary.value = error_html(error)
            self.chart.value = ""
            return
        self.fan, self.need = fan, need
        columns = [workforce.roles.index(role) for role in GP_ROLES]
        final = runs[:, -1, columns].sum(axis=1)  # each run's GP FTE in the last year
        gps = central[central["role"].isin(GP_ROLES)].groupby("year")[["headcount", "fte"]].sum()
        labels = [self.lever_options[name].label for name in names]
        meeting = int((final >= need[-1]).sum())
        self.summary.value = self._summary_html(workforce, fan, need, gps, meeting, labels)
        self._draw(fan, need, meeting, labels)

    def _summary_html(self, workforce: Workforce, fan: pd.DataFrame, need: np.ndarray, gps: pd.DataFrame,
                      meeting: int, labels: list[str]) -> str:
        first, last = fan.iloc[0], fan.iloc[-1]
        end = CENSUS_YEAR + YEARS
        patients = need[-1] * workforce.patients_per_fte_gp
        head_now, head_end = gps["headcount"].iloc[0], gps["headcount"].iloc[-1]
        per_head_now, per_head_end = gps["fte"].iloc[0] / head_now, gps["fte"].iloc[-1] / head_end
        return (
            '<div style="padding-left:1em;line-height:1.6">'
            f"<p><strong>GP FTE in {end}:</strong> {fte_text(last['q50'])}; nine runs in ten between "
            f"{fte_text(last['q05'])} and {fte_text(last['q95'])} ({fte_text(first['q50'])} in {CENSUS_YEAR})</p>"
            f"<p><strong>Needed in {end}:</strong> {fte_text(need[-1])} FTE for {patients:,.0f} patients: "
            f"{gap_text(need[-1] - last['q50'])} ({gap_text(need[0] - first['q50'])} in {CENSUS_YEAR})</p>"
            f"<p><strong>Runs with the GPs it needs in {end}:</strong> {meeting:,} of {self.runs:,}</p>"
            f"<p><strong>Headcount against FTE:</strong> {fte_text(head_now)} GPs in {CENSUS_YEAR} and "
            f"{fte_text(head_end)} in {end} on the central projection, working {per_head_now:.2f} FTE a GP in "
            f"{CENSUS_YEAR} and {per_head_end:.2f} in {end}</p>"
            f"<p><em>{self.runs:,} runs with uncertain leaver rates. Levers on: {lever_list(labels)}.</em></p>"
            "</div>"
        )

    def _draw_frame(self) -> None:
        """Draw the bands, lines, axes and key once; ``_draw`` only moves the bands and lines."""
        x = np.arange(YEARS + 1)
        empty = np.zeros(x.size)
        axis = self.axis
        self.bands = (axis.fill_between(x, empty, empty, **OUTER_BAND), axis.fill_between(x, empty, empty, **INNER_BAND))
        (self.median,) = axis.plot(x, empty, **MEDIAN_LINE)
        (self.need_line,) = axis.plot(x, empty, **NEED_LINE)
        axis.set_xlim(0, YEARS)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=YEARS))
        axis.xaxis.set_major_formatter(lambda year, _: f"{CENSUS_YEAR + year:.0f}")
        axis.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        axis.set_title(FAN_TITLE, loc="left", fontsize=10)
        handles = [self.median, *self.bands[::-1], self.need_line]
        self.key.value = legend_html(handles, list(FAN_KEY), FAN_KEY_COLUMNS, "Key: " + ", ".join(FAN_KEY) + ".")

    def _draw(self, fan: pd.DataFrame, need: np.ndarray, meeting: int, labels: list[str]) -> None:
        x = fan["year"].to_numpy()
        low, quarter, median, three_quarters, high = (fan[column].to_numpy() for column in QUANTILE_COLUMNS)
        outer, inner = self.bands
        outer.set_data(x, low, high)
        inner.set_data(x, quarter, three_quarters)
        self.median.set_data(x, median)
        self.need_line.set_data(x, need)
        self.axis.set_ylim(0, max(high.max(), need.max()) * HEADROOM)
        self.chart.value = image_html(self.figure, fan_alt_text(fan, need, meeting, self.runs, labels))


def fan_alt_text(fan: pd.DataFrame, need: np.ndarray, meeting: int, runs: int, labels: list[str]) -> str:
    """Return alt text for the fan chart: the median at the start and the end, the ranges of the runs at
    the end, the need, and the levers on."""
    first, last = fan.iloc[0], fan.iloc[-1]
    end = CENSUS_YEAR + YEARS
    return (
        f"Fan chart of GP full-time equivalents (FTE) from {CENSUS_YEAR} to {end}, {runs:,} runs with uncertain "
        f"leaver rates, against the FTE the PCN needs. The median goes from {fte_text(first['q50'])} in "
        f"{CENSUS_YEAR} to {fte_text(last['q50'])} in {end}; in {end} half the runs are between "
        f"{fte_text(last['q25'])} and {fte_text(last['q75'])} and nine in ten between {fte_text(last['q05'])} and "
        f"{fte_text(last['q95'])}. The need goes from {fte_text(need[0])} to {fte_text(need[-1])} FTE; "
        f"{meeting:,} of {runs:,} runs meet it in {end}. Levers on: {lever_list(labels)}."
    )


def workforce_explorer(workforce: Workforce = Workforce(), runs: int = RUNS) -> widgets.Widget:
    """Return the projection explorer's widget for a workforce (display it in a notebook)."""
    return WorkforceExplorer(workforce, runs).widget


# ---- the costs explorer -----------------------------------------------------------------------------

# Prices: (label, lowest, highest, step, readout format). The locum's session reaches below the price at
# which covering a GP costs no more than employing one (about £246 with the other defaults).
COST_CONTROLS = {
    "locum_gbp_per_session": ("Locum GP (£ a session)", 200.0, 600.0, 10.0, ",.0f"),
    "recruitment_gbp_per_gp": ("Recruiting a GP (£)", 0.0, 20_000.0, 500.0, ",.0f"),
    "vacancy_months": ("Months a GP post stays open", 0.0, 12.0, 1.0, ".0f"),
    "nurse_cover_premium_gbp_per_fte_year": ("Nurse cover premium (£ a year)", 0.0, 30_000.0, 1_000.0, ",.0f"),
}
MONEY_NEAREST = 1_000
ITEM_NEAREST = 100
COST_COLUMNS = (
    "Cost over ten years",
    "GP FTE-years kept",
    "Nurse FTE-years kept",
    "Leavers avoided",
    "Savings",
    "Net (savings less cost)",
    "Break-even (FTE-years)",
)
NEVER = "never"  # a lever cannot pay for itself when cover costs no more than employing someone
NONE_NEEDED = "none needed"  # the recruitment it saves pays for it alone
BREAK_EVEN_WORDS = {NEVER: "can never pay for itself", NONE_NEEDED: "pays for itself on the recruitment it saves"}
SERIES = (
    ("kept", "FTE-years it keeps over ten years", OKABE_ITO["blue"]),
    ("break_even", "FTE-years it must keep to pay for itself (break-even)", OKABE_ITO["orange"]),
)
BAR_HEIGHT = 0.38  # two bars a lever, centred on its row
ROW_INCHES = 0.7
MARGIN_INCHES = 0.8
MARGINS = {"left": 0.36, "right": 0.97, "top_inches": 0.15, "bottom_inches": 0.6}
X_LABEL = "FTE-years over ten years"
X_TICKS = {"nbins": 6}
ROOM = 0.05  # space either side of the bars, as a share of their range, before rounding out to a tick
NEVER_STYLE = {"va": "center", "fontsize": 8, "color": "black"}
NEVER_OFFSET = 0.01  # "never" written this far right of zero, as a share of the axis


def axis_limits(values: np.ndarray) -> tuple[float, float]:
    """Return the bar chart's axis limits: from 0 (or below, for a bar below 0) to past the longest bar,
    with a little room, rounded out to the axis's ticks. The axis then stays put while the bars move
    within it (easier to compare, and its labels need not be laid out again)."""
    low, high = min(0.0, values.min()), max(0.0, values.max())
    room = ROOM * ((high - low) or 1.0)
    ticks = MaxNLocator(**X_TICKS).tick_values(low - room if low < 0 else 0.0, high + room)
    return float(ticks[ticks <= min(low, 0.0)].max()), float(ticks[ticks >= high + room].min())


def reaches_gps(lever) -> bool:
    """True if the lever reaches a GP role (its break-even is then in GP FTE-years)."""
    return bool(set(lever.roles) & set(GP_ROLES))


def break_even_text(value: float) -> str:
    """Return a break-even as the table writes it: 6.2 (FTE-years); "none needed" if the recruitment the
    lever saves pays for it alone (the model's 0); "never" if keeping someone is worth nothing (its
    infinity)."""
    if np.isinf(value):
        return NEVER
    return NONE_NEEDED if value <= 0 else fte_text(value)


class LeverCostsExplorer:
    """Sliders over the prices the appraisal of the levers rests on; shows what a leaver costs, each
    lever's cost, what it keeps and saves, and its break-even, as a table and a bar chart of FTE-years
    kept against the FTE-years each must keep to pay for itself."""

    def __init__(self, workforce: Workforce = Workforce(), costs: RetentionCosts = RetentionCosts(), levers=None):
        self.workforce, self.base = workforce, costs
        self.lever_options = LEVERS if levers is None else levers
        values = {name: getattr(costs, name) for name in COST_CONTROLS if hasattr(costs, name)}
        values["recruitment_gbp_per_gp"] = costs.recruitment_gbp_per_hire[0]
        self.sliders = {name: slider(*spec, value=values[name]) for name, spec in COST_CONTROLS.items()}
        self.appraisal: pd.DataFrame | None = None
        self.summary = widgets.HTML()
        self.chart = widgets.HTML()
        self.key = widgets.HTML()
        self.table = widgets.HTML()
        self.figure = Figure(dpi=DPI)
        self.axis = self.figure.add_subplot()
        self._draw_frame()
        on_change(self.sliders.values(), self.refresh)
        controls = widgets.VBox(list(self.sliders.values()), layout=widgets.Layout(**CONTROLS_LAYOUT))
        self.summary.layout = widgets.Layout(**SUMMARY_LAYOUT)
        self.widget = ExplorerBox([
            widgets.HBox([controls, self.summary], layout=widgets.Layout(**TOP_LAYOUT)), self.chart, self.key,
            self.table,
        ])
        self.refresh()

    def costs(self) -> RetentionCosts:
        """Return the prices the sliders describe now."""
        nurse = self.base.recruitment_gbp_per_hire[1]
        return dataclasses.replace(
            self.base, recruitment_gbp_per_hire=(float(self.sliders["recruitment_gbp_per_gp"].value), nurse),
            **{name: float(s.value) for name, s in self.sliders.items() if name != "recruitment_gbp_per_gp"},
        )

    def refresh(self) -> None:
        """Appraise the levers again at the prices set, and redraw the summary, chart and table."""
        costs = self.costs()
        try:
            appraisal = lever_appraisal(self.workforce, self.lever_options, costs, YEARS)
            premium = cover_premium_gbp_per_fte_year(costs, "salaried_gp")
            leaver = cost_of_a_leaver_gbp(costs, 1.0).set_index("item")
        except ValueError as error:
            self.appraisal = None
            self.summary.value = error_html(error)
            self.chart.value = self.table.value = ""
            return
        self.appraisal = appraisal
        self.summary.value = self._summary_html(costs, appraisal, premium, leaver)
        self.table.value = self._table_html(appraisal)
        self._draw(appraisal)

    def _summary_html(self, costs: RetentionCosts, appraisal: pd.DataFrame, premium: float,
                      leaver: pd.DataFrame) -> str:
        cover, recruit, training = (leaver.loc[item, "cost_gbp"] for item in ("vacancy_cover", "recruitment", "training"))
        more = "more" if premium >= 0 else "less"
        paying = int((appraisal["net_gbp"] >= 0).sum())
        return (
            '<div style="padding-left:1em;line-height:1.6">'
            f"<p><strong>Covering a GP with locums:</strong> {pounds(abs(premium), ITEM_NEAREST)} a year {more} "
            f"than employing a salaried GP, for each FTE</p>"
            f"<p><strong>A full-time GP leaving costs the practice:</strong> {pounds(cover + recruit, ITEM_NEAREST)}: "
            f"{pounds(cover, ITEM_NEAREST)} of locum cover while the post is open for {costs.vacancy_months:g} "
            f"months, and {pounds(recruit, ITEM_NEAREST)} to recruit. The NHS loses the "
            f"{pounds(training, ITEM_NEAREST)} it spent training them.</p>"
            f"<p><strong>Levers that pay for themselves over ten years:</strong> {paying} of {len(appraisal)}</p>"
            "</div>"
        )

    def _table_html(self, appraisal: pd.DataFrame) -> str:
        rows = [(row.label, [
            pounds(row.cost_gbp, MONEY_NEAREST),
            fte_text(row.gp_fte_years_kept),
            fte_text(row.nurse_fte_years_kept),
            fte_text(row.leavers_avoided),
            pounds(row.savings_gbp, MONEY_NEAREST),
            pounds(row.net_gbp, MONEY_NEAREST),
            break_even_text(row.break_even_fte_years),
        ]) for row in appraisal.itertuples()]
        return table_html(
            f"Each lever against the workforce without it, over {YEARS_WORDS}, money to the nearest £1,000. "
            "Savings: the locum or agency cover avoided for the FTE-years kept, and a recruitment round for each "
            "leaver avoided. A lever pays for itself (its net is above £0) when the FTE-years it keeps reach its "
            "break-even.",
            COST_COLUMNS, rows,
        )

    def _draw_frame(self) -> None:
        """Draw the bars, axes, "never" labels and key once; ``_draw`` only moves the bars and labels."""
        labels = [lever.label for lever in self.lever_options.values()]
        fit_to_rows(self.figure, len(labels), ROW_INCHES, MARGIN_INCHES, MARGINS)
        axis = self.axis
        rows = np.arange(len(labels))
        self.bars = {
            key: axis.barh(rows + (k - 0.5) * BAR_HEIGHT, [0] * len(labels), BAR_HEIGHT, color=colour).patches
            for k, (key, _, colour) in enumerate(SERIES)
        }
        self.never = [axis.text(0, row + 0.5 * BAR_HEIGHT, "", **NEVER_STYLE) for row in rows]
        axis.set_yticks(rows, labels)
        axis.invert_yaxis()  # the first lever at the top, as in the table
        axis.axvline(0, **ZERO_LINE)
        axis.set_xlabel(X_LABEL)
        axis.xaxis.set_major_locator(MaxNLocator(**X_TICKS))
        axis.xaxis.set_major_formatter(lambda x, _: f"{x:g}".replace("-", MINUS))
        keys = [label for _, label, _ in SERIES]
        handles = [Patch(color=colour) for _, _, colour in SERIES]
        self.key.value = legend_html(handles, keys, 1, "Key: " + ", ".join(keys) + ".")

    def _draw(self, appraisal: pd.DataFrame) -> None:
        levers = [self.lever_options[name] for name in appraisal["lever"]]
        kept = np.where([reaches_gps(lever) for lever in levers], appraisal["gp_fte_years_kept"],
                        appraisal["nurse_fte_years_kept"])
        break_even = appraisal["break_even_fte_years"].to_numpy(dtype=float)
        never = np.array([break_even_text(b) == NEVER for b in break_even])
        shown = np.where(np.isinf(break_even), 0.0, break_even)
        for key, values in (("kept", kept), ("break_even", shown)):
            for bar, value in zip(self.bars[key], values):
                bar.set_width(value)
        every = np.concatenate([kept, shown])
        low, high = axis_limits(every)
        self.axis.set_xlim(low, high)
        offset = NEVER_OFFSET * (high - low)
        for label, unreachable in zip(self.never, never):
            label.set_text(NEVER if unreachable else "")
            label.set_x(offset)
        each = "; ".join(
            f"{lever.label}: keeps {fte_text(k)} {'GP' if reaches_gps(lever) else 'nurse'} FTE-years, "
            + BREAK_EVEN_WORDS.get(break_even_text(b), f"must keep {break_even_text(b)}")
            for lever, k, b in zip(levers, kept, break_even)
        )
        alt = (
            f"Bar chart of each retention lever over {YEARS_WORDS}: the FTE-years it keeps against the FTE-years it "
            f"must keep to pay for itself. {each}."
        )
        self.chart.value = image_html(self.figure, alt)


def lever_costs_explorer(workforce: Workforce = Workforce(), costs: RetentionCosts = RetentionCosts()) -> widgets.Widget:
    """Return the costs explorer's widget (display it in a notebook)."""
    return LeverCostsExplorer(workforce, costs).widget


# ---- the staff records, for the notebook: turnover and stability, and retention curves ---------------

ROLE_WORDS = {"gp_partner": "GP partners", "salaried_gp": "salaried GPs", "practice_nurse": "practice nurses"}
ROLE_COLOURS = {"gp_partner": OKABE_ITO["blue"], "salaried_gp": OKABE_ITO["vermillion"],
                "practice_nurse": OKABE_ITO["green"]}
AGE_COLOURS = (OKABE_ITO["sky"], OKABE_ITO["orange"], OKABE_ITO["purple"])  # youngest at start first
TURNOVER_LINE = {"color": OKABE_ITO["vermillion"], "linewidth": 2, "marker": "o", "markersize": 4}
STABILITY_LINE = {"color": OKABE_ITO["blue"], "linewidth": 2, "marker": "s", "markersize": 4, "linestyle": "--"}
STAFF_FIGURE = {"dpi": DPI, "layout": "constrained"}
TURNOVER_FIGSIZE = (CHART_WIDTH_INCHES, 3.2)
RETENTION_FIGSIZE = (CHART_WIDTH_INCHES * 1.25, 3.8)
CURVE_BAND_ALPHA = 0.18
HALF_LINE = {"color": OKABE_ITO["grey"], "linestyle": ":", "linewidth": 1}
STAFF_KEY = {"frameon": False, "fontsize": 8}
EARLY_YEARS = 2  # the retention curves' alt text gives the share still in post this many years after starting


def turnover_figure(table: pd.DataFrame) -> Figure:
    """Return a line chart of a team's turnover and stability year by year (``turnover_and_stability``'s
    table for everyone, without ``by``)."""
    figure = Figure(figsize=TURNOVER_FIGSIZE, **STAFF_FIGURE)
    axis = figure.add_subplot()
    years = table["year_ending"].dt.year
    axis.plot(years, table["turnover"], label="turnover: leavers over the average headcount", **TURNOVER_LINE)
    axis.plot(years, table["stability"], label="stability: share of those in post at the start still in post at "
              "the end", **STABILITY_LINE)
    axis.set_ylim(0, 1)
    axis.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
    axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_xlabel("Year to 30 September")
    axis.legend(loc="center right", **STAFF_KEY)
    return figure


def turnover_alt_text(table: pd.DataFrame) -> str:
    """Return alt text for ``turnover_figure``: each measure's range, when it peaked, and the last year."""
    years = table["year_ending"].dt.year.to_numpy()
    turnover, stability = table["turnover"].to_numpy(), table["stability"].to_numpy()
    return (
        f"Line chart of the team's turnover and stability in each year to 30 September, {years[0]} to {years[-1]}. "
        f"Turnover runs from {turnover.min():.0%} ({years[turnover.argmin()]}) to {turnover.max():.0%} "
        f"({years[turnover.argmax()]}), and is {turnover[-1]:.0%} in the last year. Stability stays between "
        f"{stability.min():.0%} ({years[stability.argmin()]}) and {stability.max():.0%} ({years[stability.argmax()]}), "
        f"and is {stability[-1]:.0%} in the last year."
    )


def _still_in_post_at(curve: pd.DataFrame, years: float) -> float:
    """The Kaplan-Meier estimate at a time: the last step at or before it (NaN beyond the last time)."""
    if years > curve["years"].max():
        return float("nan")
    return float(curve.loc[curve["years"] <= years, "still_in_post"].iloc[-1])


def counted(number: int, one: str, many: str) -> str:
    """Return a count with its noun: "1 person", "31 people"."""
    return f"{number} {one if number == 1 else many}"


def retention_figure(by_role: pd.DataFrame, by_age: pd.DataFrame) -> Figure:
    """Return two panels of retention curves (``retention_curves``' tables): left by role, right by age at
    start; each curve a step line with its 95% confidence band, and a line at one half (the median)."""
    figure = Figure(figsize=RETENTION_FIGSIZE, **STAFF_FIGURE)
    left, right = figure.subplots(1, 2, sharey=True)
    panels = (
        (left, by_role, lambda group, k: ROLE_COLOURS.get(group, AGE_COLOURS[k % 3]), "By role"),
        (right, by_age, lambda group, k: AGE_COLOURS[k % 3], "By age at start"),
    )
    for axis, curves, colour, title in panels:
        for k, (group, curve) in enumerate(curves.groupby("group", sort=False)):
            axis.fill_between(curve["years"], curve["lower"], curve["upper"], step="post", alpha=CURVE_BAND_ALPHA,
                              color=colour(group, k), linewidth=0)
            axis.step(curve["years"], curve["still_in_post"], where="post", color=colour(group, k), linewidth=2,
                      label=ROLE_WORDS.get(group, group))
        axis.axhline(0.5, **HALF_LINE)
        axis.set_ylim(0, 1.02)
        axis.set_xlim(0, None)
        axis.set_xlabel("Years since starting")
        axis.set_title(title, loc="left", fontsize=10)
        axis.legend(loc="upper right", **STAFF_KEY)
    left.set_ylabel("Still in post")
    left.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
    return figure


def retention_alt_text(by_role: pd.DataFrame, by_age: pd.DataFrame, medians_by_role: pd.DataFrame,
                       medians_by_age: pd.DataFrame) -> str:
    """Return alt text for ``retention_figure``: each group's median tenure (``median_tenure_years``) and
    the share still in post two years after starting."""
    def each(curves: pd.DataFrame, medians: pd.DataFrame) -> str:
        parts = []
        for row in medians.itertuples():
            curve = curves[curves["group"] == row.group]
            early = _still_in_post_at(curve, EARLY_YEARS)
            median = (f"half had left by {row.median_years:.1f} years" if np.isfinite(row.median_years)
                      else "more than half were still in post at the longest time observed")
            early_text = f"{early:.0%} still in post after {EARLY_YEARS} years" if np.isfinite(early) else ""
            parts.append(f"{ROLE_WORDS.get(row.group, row.group)} ({counted(row.people, 'person', 'people')}, "
                         f"{counted(row.leavers, 'leaver', 'leavers')}): "
                         + ", ".join(part for part in (early_text, median) if part))
        return "; ".join(parts)

    return (
        "Two charts of the share of staff still in post by years since starting, Kaplan-Meier estimates with 95% "
        f"confidence bands and a dotted line at one half. Left, by role: {each(by_role, medians_by_role)}. "
        f"Right, by age at start: {each(by_age, medians_by_age)}."
    )
