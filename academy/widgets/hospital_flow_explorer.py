"""Explorers for the delayed-discharges case: one acute hospital's beds through a year, and the
interventions that might get patients home sooner, side by side.

``HospitalFlowExplorer`` has sliders over the services that take patients out of hospital, the days
until patients are medically fit and the emergency admissions; it simulates the year many times
(replications) and shows a fan chart, day by day, of the beds occupied and of the patients delayed at
midnight, with the year's results. ``InterventionsExplorer`` compares the five interventions of
``intervention_scenarios`` with confidence intervals from ``compare_scenarios``: a dot-and-whisker
chart of the measure picked, and a table of who pays and who saves.

As in the other explorers, ``.widget`` is what a notebook displays and ``.refresh()`` recomputes and
redraws. A bad input, or a service that could never keep up with its patients, shows the model's
sentence in an alert and clears the chart it no longer matches. The functions at the end draw the
notebook's chart of occupancy at several levels of admissions (after Bagust, Place and Posnett 1999).
"""

from __future__ import annotations

import dataclasses

import ipywidgets as widgets
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from academy.models.hospital_flow import (
    Hospital,
    HospitalRun,
    UnstableQueueError,
    compare_scenarios,
    intervention_scenarios,
    service_loads,
    simulate_hospital,
)
from academy.widgets.charts import (
    CHART_WIDTH_INCHES,
    DPI,
    OKABE_ITO,
    ZERO_LINE,
    fit_to_rows,
    MINUS,
    image_html,
    legend_html,
    pounds,
)
from academy.widgets.controls import choice, error_html, int_slider, on_change, slider, table_html
from academy.widgets.still import ExplorerBox

# ---- the flow explorer -----------------------------------------------------------------------------

REPLICATIONS = 50  # simulated years behind each position of the sliders: enough for the fan, fast to redraw
SEED = 2019
# Services: (label, fewest places, most places). The ranges reach below each service's load, so that a
# presenter can show a service that could never keep up.
SERVICE_CONTROLS = {
    "home_care": ("Home-care packages", 180, 320),
    "care_home": ("Care-home places", 240, 340),
    "community_bed": ("Community beds", 30, 90),
}
# Other fields of the hospital: (label, minimum, maximum, step, readout format).
HOSPITAL_CONTROLS = {
    "mean_days_to_fit_frail": ("Days until medically fit: frail", 5.0, 14.0, 0.5, ".1f"),
    "mean_days_to_fit_other": ("Days until medically fit: others", 3.0, 8.0, 0.25, ".2f"),
    "admissions_per_day": ("Emergency admissions a day", 40.0, 60.0, 0.5, ".1f"),
}
SERVICE_WORDS = {"home_care": "home-care packages", "care_home": "care-home places", "community_bed": "community beds"}
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""The fan: 5th, 25th, 50th (median), 75th and 95th percentiles across the simulated years, each day."""
PANELS = (
    ("occupancy", "Beds occupied at midnight"),
    ("delayed_patients", "Delayed patients at midnight"),
)
OUTER_BAND = {"color": OKABE_ITO["sky"], "alpha": 0.35, "linewidth": 0}
INNER_BAND = {"color": OKABE_ITO["sky"], "alpha": 0.9, "linewidth": 0}
MEDIAN_LINE = {"color": OKABE_ITO["blue"], "linewidth": 1.6}
# Lines at the hospital's two occupancy thresholds (where risk shows and where crises become regular,
# 85% and 92% after Bagust 1999), and at every bed full.
THRESHOLD_STYLES = (
    {"color": OKABE_ITO["orange"], "linestyle": ":", "linewidth": 1.6},
    {"color": OKABE_ITO["vermillion"], "linestyle": "--", "linewidth": 1.4},
)
FULL = (1.0, "100%: every bed full", {"color": "black", "linestyle": "-", "linewidth": 0.9})
WINTER_MONTHS = (12, 1, 2)
WINTER_SHADE = {"color": OKABE_ITO["grey"], "alpha": 0.12, "linewidth": 0}
FAN_KEY = (
    "median of the simulated years",
    "middle half of the years (25% to 75%)",
    "nine years in ten (5% to 95%)",
)
WINTER_KEY = "winter (December to February)"
FLOW_CHART_HEIGHT_INCHES = 4.6
FLOW_CHART_MARGINS = {"left": 0.1, "right": 0.97, "top": 0.94, "bottom": 0.07, "hspace": 0.3}
FLOW_KEY_COLUMNS = 3
OCCUPANCY_FLOOR = 0.8  # the occupancy axis shows at least 80% to 100%, so that its three lines show
HEADROOM = 0.02  # above and below the fan on the occupancy axis
DELAYED_HEADROOM = 1.1
CONTROLS_LAYOUT = {"flex": "0 0 auto"}
SUMMARY_LAYOUT = {"min_width": "220px", "flex": "1 1 220px"}
TOP_LAYOUT = {"flex_flow": "row wrap"}


def reference_lines(hospital: Hospital) -> list[tuple[float, str, dict]]:
    """Return the occupancy chart's lines: (occupancy, label, style) at each threshold and at 100%."""
    lines = [(level, f"{level:.0%} of beds occupied", style)
             for level, style in zip(hospital.occupancy_thresholds, THRESHOLD_STYLES)]
    return [*lines, FULL]


def days_above(threshold: float) -> str:
    """Return the model's name for the days a year above an occupancy threshold: days_above_92."""
    return f"days_above_{threshold * 100:.0f}"


def fan(values: np.ndarray) -> np.ndarray:
    """Return the fan of a (replications x days) array: one row per quantile in ``QUANTILES``."""
    return np.quantile(values, QUANTILES, axis=0)


def by_replication(run: HospitalRun, column: str) -> np.ndarray:
    """Return a column of the run's daily table as a (replications x days) array."""
    replications = run.replications.shape[0]
    return run.daily[column].to_numpy(dtype=float).reshape(replications, -1)


def day_text(date: pd.Timestamp) -> str:
    """Return a date as a reader writes it: 1 April 2019."""
    return f"{date.day} {date:%B %Y}"


def winter_spans(dates: pd.DatetimeIndex) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Return (first day, day after the last) of each run of winter days (December to February)."""
    winter = np.isin(dates.month, WINTER_MONTHS)
    spans, start = [], None
    for date, cold in zip(dates, winter):
        if cold and start is None:
            start = date
        elif not cold and start is not None:
            spans.append((start, date))
            start = None
    if start is not None:
        spans.append((start, dates[-1] + pd.Timedelta(days=1)))
    return spans


def unstable_sentence(hospital: Hospital) -> str:
    """Return a plain sentence naming each service that could never keep up, or "" if none."""
    parts = []
    for name, load in service_loads(hospital).items():
        capacity = getattr(hospital, name).capacity
        if load >= capacity:
            parts.append(
                f"with {capacity} {SERVICE_WORDS[name]}, the patients who need one would fill {load:.1f} of them "
                f"on average, so the queue for them, and the delays, would grow all year"
            )
    return ("A service could never keep up: " + "; ".join(parts) + ".") if parts else ""


class HospitalFlowExplorer:
    """Sliders over the downstream services, the days until patients are medically fit and the
    admissions; shows the year, simulated ``replications`` times, as a fan chart of beds occupied and
    of delayed patients at midnight, and the year's results."""

    def __init__(self, hospital: Hospital = Hospital(), replications: int = REPLICATIONS, seed: int = SEED):
        self.base = hospital
        self.replications, self.seed = replications, seed
        self.sliders = {name: int_slider(label, low, high, getattr(hospital, name).capacity)
                        for name, (label, low, high) in SERVICE_CONTROLS.items()}
        self.sliders |= {name: slider(*spec, value=getattr(hospital, name)) for name, spec in HOSPITAL_CONTROLS.items()}
        self.run: HospitalRun | None = None
        self.summary = widgets.HTML()
        self.chart = widgets.HTML()
        self.key = widgets.HTML()
        self.figure = Figure(figsize=(CHART_WIDTH_INCHES, FLOW_CHART_HEIGHT_INCHES), dpi=DPI)
        self.figure.subplots_adjust(**FLOW_CHART_MARGINS)
        self.axes = dict(zip((column for column, _ in PANELS), self.figure.subplots(2, 1, sharex=True)))
        self._draw_frame()
        on_change(self.sliders.values(), self.refresh)
        controls = widgets.VBox(list(self.sliders.values()), layout=widgets.Layout(**CONTROLS_LAYOUT))
        self.summary.layout = widgets.Layout(**SUMMARY_LAYOUT)
        self.widget = ExplorerBox([
            widgets.HBox([controls, self.summary], layout=widgets.Layout(**TOP_LAYOUT)), self.chart, self.key,
        ])
        self.refresh()

    def hospital(self) -> Hospital:
        """Return the hospital the sliders describe now."""
        services = {name: dataclasses.replace(getattr(self.base, name), capacity=int(self.sliders[name].value))
                    for name in SERVICE_CONTROLS}
        return dataclasses.replace(self.base, **services,
                                   **{name: float(self.sliders[name].value) for name in HOSPITAL_CONTROLS})

    def refresh(self) -> None:
        """Simulate the year again and redraw the results and the fan chart."""
        hospital = self.hospital()
        try:
            self.run = simulate_hospital(hospital, replications=self.replications, seed=self.seed)
        except UnstableQueueError as error:
            self._clear(error, unstable_sentence(hospital))
            return
        except ValueError as error:
            self._clear(error)
            return
        self.summary.value = self._summary_html(hospital, self.run.replications.mean())
        self._draw(hospital, self.run)

    def _clear(self, error: Exception, plain: str = "") -> None:
        self.run = None
        self.summary.value = error_html(ValueError(f"{plain} {error}".strip()))
        self.chart.value = ""

    def _summary_html(self, hospital: Hospital, mean: pd.Series) -> str:
        high = hospital.occupancy_thresholds[1]
        cost = pounds(mean["delay_cost_gbp"], 1000)
        nhs = pounds(mean["delay_cost_nhs_responsible_gbp"], 1000)
        council = pounds(mean["delay_cost_council_responsible_gbp"], 1000)
        return (
            '<div style="padding-left:1em;line-height:1.6">'
            f"<p><strong>Mean occupancy:</strong> {mean['mean_occupancy']:.1%} of {hospital.beds:,} beds</p>"
            f"<p><strong>Days above {high:.0%} occupied:</strong> {mean[days_above(high)]:.0f} a year, "
            f"{mean['days_over_capacity']:.0f} of them over 100%</p>"
            f"<p><strong>Delayed bed-days:</strong> {mean['delayed_bed_days']:,.0f} a year, about "
            f"{mean['mean_delayed_patients']:.0f} patients a night</p>"
            f"<p><strong>Cost of the delays to the NHS:</strong> {cost} a year: {nhs} for delays the NHS is "
            f"responsible for, {council} for the council's</p>"
            f"<p><em>Means of {self.replications} simulated years.</em></p>"
            "</div>"
        )

    def _draw_frame(self) -> None:
        """Draw the bands, lines, winter shading, axes and key once; ``_draw`` only moves the bands and
        lines (much faster than drawing a new chart on every move of a slider)."""
        dates = pd.date_range(self.base.start_date, periods=365, freq="D")
        x = mdates.date2num(dates)
        empty = np.zeros(x.size)
        self.bands, self.medians = {}, {}
        for column, title in PANELS:
            axis = self.axes[column]
            for start, end in winter_spans(dates):
                axis.axvspan(mdates.date2num(start), mdates.date2num(end), **WINTER_SHADE)
            outer = axis.fill_between(x, empty, empty, **OUTER_BAND)
            inner = axis.fill_between(x, empty, empty, **INNER_BAND)
            self.bands[column] = (outer, inner)
            (self.medians[column],) = axis.plot(x, empty, **MEDIAN_LINE)
            axis.set_title(title, loc="left", fontsize=10)
        occupancy = self.axes["occupancy"]
        lines = reference_lines(self.base)
        references = [occupancy.axhline(level, **style) for level, _, style in lines]
        occupancy.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
        delayed = self.axes["delayed_patients"]
        delayed.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        delayed.xaxis.set_major_locator(mdates.MonthLocator())
        delayed.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
        delayed.set_xlim(x[0], x[-1] + 1)
        handles = [self.medians["occupancy"], *self.bands["occupancy"][::-1], *references, Patch(**WINTER_SHADE)]
        labels = [*FAN_KEY, *(label for _, label, _ in lines), WINTER_KEY]
        self.key.value = legend_html(handles, labels, FLOW_KEY_COLUMNS, "Key: " + ", ".join(labels) + ".")

    def _draw(self, hospital: Hospital, run: HospitalRun) -> None:
        dates = pd.DatetimeIndex(run.daily["date"].iloc[: run.daily.shape[0] // self.replications])
        x = mdates.date2num(dates)
        fans = {column: fan(by_replication(run, column)) for column, _ in PANELS}
        for column, _ in PANELS:
            low, quarter, median, three_quarters, high = fans[column]
            outer, inner = self.bands[column]
            outer.set_data(x, low, high)
            inner.set_data(x, quarter, three_quarters)
            self.medians[column].set_data(x, median)
        occupancy = fans["occupancy"]
        self.axes["occupancy"].set_ylim(min(occupancy[0].min(), OCCUPANCY_FLOOR) - HEADROOM,
                                        max(occupancy[-1].max(), 1.0) + HEADROOM)
        self.axes["delayed_patients"].set_ylim(0, max(fans["delayed_patients"][-1].max(), 1.0) * DELAYED_HEADROOM)
        self.chart.value = image_html(self.figure, flow_alt_text(hospital, dates, fans, self.replications))


def flow_alt_text(hospital: Hospital, dates: pd.DatetimeIndex, fans: dict[str, np.ndarray], replications: int) -> str:
    """Return alt text for the fan chart: the range of each panel's median, when it peaks, and the
    range that nine simulated years in ten stay within."""
    occupancy, delayed = fans["occupancy"], fans["delayed_patients"]
    median_occupancy, median_delayed = occupancy[2], delayed[2]
    thresholds = ", ".join(f"{level:.0%}" for level in hospital.occupancy_thresholds)

    def month(values: np.ndarray, pick) -> str:
        return f"{dates[pick(values)]:%B %Y}"

    return (
        f"Two fan charts of {replications} simulated years, {day_text(dates[0])} to {day_text(dates[-1])}, winter "
        f"shaded. Top, beds occupied at midnight as a share of the {hospital.beds:,} beds, with lines at "
        f"{thresholds} and 100%: the median runs from {median_occupancy.min():.0%} "
        f"({month(median_occupancy, np.argmin)}) to "
        f"{median_occupancy.max():.0%} ({month(median_occupancy, np.argmax)}); nine years in ten stay between "
        f"{occupancy[0].min():.0%} and {occupancy[-1].max():.0%}. Bottom, patients delayed at midnight: the median "
        f"runs from {median_delayed.min():.0f} ({month(median_delayed, np.argmin)}) to {median_delayed.max():.0f} "
        f"({month(median_delayed, np.argmax)}); nine years in ten stay between {delayed[0].min():.0f} and "
        f"{delayed[-1].max():.0f}."
    )


def hospital_flow_explorer(hospital: Hospital = Hospital(), replications: int = REPLICATIONS) -> widgets.Widget:
    """Return the flow explorer's widget for a hospital (display it in a notebook)."""
    return HospitalFlowExplorer(hospital, replications).widget


# ---- the interventions explorer --------------------------------------------------------------------

INTERVENTION_REPLICATIONS = 100
MEASURE_LABEL = "Compare"
MEASURE_OPTIONS = (
    ("Delayed bed-days saved", "delayed_bed_days_saved"),
    ("Days above 92% occupied", "days_above_92"),
    ("Net cost to the NHS", "net_cost_nhs_gbp"),
    ("Net cost to the council", "net_cost_council_gbp"),
)
MEASURE_AXIS = {
    "delayed_bed_days_saved": "Delayed bed-days saved a year, against the hospital as now",
    "days_above_92": "Days in the year with more than 92% of beds occupied",
    "net_cost_nhs_gbp": "Net cost to the NHS (£ a year; below 0 is a saving)",
    "net_cost_council_gbp": "Net cost to the council (£ a year; below 0 is a saving)",
}
MONEY_MEASURES = ("net_cost_nhs_gbp", "net_cost_council_gbp")
MONEY_NEAREST = 100
PAYERS = {
    "NHS": ("paid for by the NHS", OKABE_ITO["blue"]),
    "council": ("paid for by the council", OKABE_ITO["orange"]),
    "nobody": ("the hospital as now", OKABE_ITO["grey"]),
}
INTERVAL_KEY = "95% confidence interval"
NONE_SAVED = "none saved"
INTERVAL_STYLE = {"color": "black", "linewidth": 1.5}
DOT_SIZE = 60
INTERVENTION_COLUMNS = (
    "Who pays",
    "Cost a year",
    "Delayed bed-days saved",
    "Cost per delayed bed-day saved",
    "Value of the bed-days saved (to the NHS)",
    "Days above 92% occupied",
    "Net cost to the NHS",
    "Net cost to the council",
)
ROW_INCHES = 0.42
MARGIN_INCHES = 0.9
MARGINS = {"left": 0.43, "right": 0.97, "top_inches": 0.15, "bottom_inches": 0.6}
X_TICKS = {"nbins": 6}
ROOM = 0.08  # space either side of the whiskers, as a share of their range
INTERVENTION_KEY_COLUMNS = 4


def money_tick(value: float, _position=None) -> str:
    """Return an axis label for money: £500k, −£250k, £1.2m, £0."""
    size = abs(value)
    if size < 0.5:
        return "£0"
    text = f"£{size / 1e6:.1f}m" if size >= 1e6 else f"£{size / 1e3:,.0f}k"
    return MINUS + text if value < 0 else text


def measure_text(measure: str, value: float) -> str:
    """Return one value of a measure as the explorer writes it: £158,200 or 481."""
    if measure in MONEY_MEASURES:
        return pounds(value, MONEY_NEAREST)
    text = f"{round(value):,.0f}"
    return "0" if text == "-0" else text.replace("-", MINUS)


def interval_text(measure: str, row) -> str:
    """Return a mean with its confidence interval, "481 (363 to 599)", or the mean alone if the interval
    has no width (the hospital as now against itself; a fixed cost)."""
    mean, low, high = (measure_text(measure, row[k]) for k in ("mean", "ci_low", "ci_high"))
    return mean if low == high else f"{mean} ({low} to {high})"


class InterventionsExplorer:
    """The five interventions beside the hospital as now, each simulated ``replications`` times with
    the same admissions: a dot-and-whisker chart of the measure picked (mean and 95% confidence
    interval) and a table of what each costs, saves and who pays. The simulation runs once, when the
    explorer is made (it takes about a second); ``refresh`` redraws the chart for the measure picked."""

    def __init__(self, hospital: Hospital = Hospital(), replications: int = INTERVENTION_REPLICATIONS,
                 seed: int = SEED, **options):
        self.hospital, self.replications = hospital, replications
        self.measure = choice(MEASURE_LABEL, MEASURE_OPTIONS, MEASURE_OPTIONS[0][1])
        self.chart = widgets.HTML()
        self.key = widgets.HTML()
        self.table = widgets.HTML()
        self.figure = Figure(dpi=DPI)
        self.axis = self.figure.add_subplot()
        self.comparison: pd.DataFrame | None = None
        try:
            self.scenarios = intervention_scenarios(hospital, **options)
            self.comparison = compare_scenarios(self.scenarios, replications=replications, seed=seed)
        except ValueError as error:
            self.table.value = error_html(ValueError(f"{unstable_sentence(hospital)} {error}".strip()))
        else:
            self.table.value = self._table_html()
            self._draw_frame()
        self.measure.observe(lambda change: self.refresh(), names="value")
        self.widget = ExplorerBox([self.measure, self.chart, self.key, self.table])
        self.refresh()

    def results(self, measure: str) -> pd.DataFrame:
        """Return one measure's rows of the comparison, one per scenario, indexed by scenario."""
        return self.comparison[self.comparison["measure"] == measure].set_index("scenario")

    def refresh(self) -> None:
        """Redraw the chart for the measure picked."""
        if self.comparison is None:
            self.chart.value = ""
            return
        measure = self.measure.value
        rows = self.results(measure)
        self.dots.set_offsets(np.column_stack([rows["mean"], self.positions]))
        self.whiskers.set_segments([[(low, y), (high, y)] for low, high, y in
                                    zip(rows["ci_low"], rows["ci_high"], self.positions)])
        low, high = min(0.0, rows["ci_low"].min()), max(0.0, rows["ci_high"].max())
        room = ROOM * ((high - low) or 1.0)
        self.axis.set_xlim(low - room, high + room)
        self.axis.set_xlabel(MEASURE_AXIS[measure])
        if measure in MONEY_MEASURES:
            self.axis.xaxis.set_major_formatter(money_tick)
        else:
            self.axis.xaxis.set_major_formatter(lambda x, _: f"{x:,.0f}".replace("-", MINUS))
        label = dict((value, label) for label, value in MEASURE_OPTIONS)[measure]
        each = "; ".join(f"{name}: {interval_text(measure, row)}" for name, row in rows.iterrows())
        alt = (
            f"Dot-and-whisker chart of {label.lower()} for each intervention and the hospital as now, the mean of "
            f"{self.replications} simulated years with its 95% confidence interval. {each}."
        )
        self.chart.value = image_html(self.figure, alt)

    def _draw_frame(self) -> None:
        """Draw the dots, whiskers, axes and key once; ``refresh`` only moves them."""
        names = list(self.scenarios["scenario"])
        fit_to_rows(self.figure, len(names), ROW_INCHES, MARGIN_INCHES, MARGINS)
        axis = self.axis
        self.positions = np.arange(len(names), dtype=float)
        self.whiskers = axis.add_collection(LineCollection([[(0, y), (0, y)] for y in self.positions], **INTERVAL_STYLE))
        colours = [PAYERS[payer][1] for payer in self.scenarios["pays"]]
        self.dots = axis.scatter(np.zeros(len(names)), self.positions, s=DOT_SIZE, c=colours, zorder=3,
                                 edgecolors="black", linewidths=0.6)
        axis.set_yticks(self.positions, names)
        axis.set_ylim(len(names) - 0.5, -0.5)  # the hospital as now at the top, as in the table
        axis.axvline(0, **ZERO_LINE)
        axis.xaxis.set_major_locator(MaxNLocator(**X_TICKS))
        handles = [Line2D([], [], marker="o", linestyle="none", markersize=8, markerfacecolor=colour,
                          markeredgecolor="black") for _, colour in PAYERS.values()]
        handles.append(Line2D([], [], **INTERVAL_STYLE))
        labels = [label for label, _ in PAYERS.values()] + [INTERVAL_KEY]
        self.key.value = legend_html(handles, labels, INTERVENTION_KEY_COLUMNS, "Key: " + ", ".join(labels) + ".")

    def _table_html(self) -> str:
        baseline_support = self.results("discharge_to_assess_cost_gbp")["mean"].iloc[0]
        rows = []
        for scenario, name in zip(self.scenarios.itertuples(), self.scenarios["scenario"]):
            mean = {m: self.results(m).loc[name] for m in
                    ("delayed_bed_days_saved", "days_above_92", "net_cost_nhs_gbp", "net_cost_council_gbp",
                     "discharge_to_assess_cost_gbp")}
            support = mean["discharge_to_assess_cost_gbp"]["mean"] - baseline_support
            cost = scenario.fixed_cost_nhs_gbp + scenario.fixed_cost_council_gbp + support
            saved = mean["delayed_bed_days_saved"]["mean"]
            saved_value = saved * scenario.hospital.delayed_day_cost_gbp
            rows.append((name, [
                scenario.pays,
                pounds(cost, MONEY_NEAREST),
                interval_text("delayed_bed_days_saved", mean["delayed_bed_days_saved"]),
                pounds(cost / saved) if saved > 0 else NONE_SAVED,
                pounds(saved_value, MONEY_NEAREST),
                interval_text("days_above_92", mean["days_above_92"]),
                interval_text("net_cost_nhs_gbp", mean["net_cost_nhs_gbp"]),
                interval_text("net_cost_council_gbp", mean["net_cost_council_gbp"]),
            ]))
        return table_html(
            f"The five interventions against the hospital as now: means of {self.replications} simulated years, "
            f"95% confidence intervals in brackets. A delayed bed-day saved is worth "
            f"{pounds(self.hospital.delayed_day_cost_gbp)} to the NHS; the cost of discharge to assess is the "
            f"support at home it pays for. Net cost is cost less the bed-days saved; below 0 is a saving.",
            INTERVENTION_COLUMNS, rows,
        )


def interventions_explorer(hospital: Hospital = Hospital(), replications: int = INTERVENTION_REPLICATIONS) -> widgets.Widget:
    """Return the interventions explorer's widget for a hospital (display it in a notebook)."""
    return InterventionsExplorer(hospital, replications).widget


# ---- occupancy at several levels of admissions, for the notebook ------------------------------------

LEVEL_LABEL = "Emergency admissions a day"
OVER_CAPACITY_LABEL = "Days over 100% (every bed full)"
CRISIS_MARKERS = ("o", "s")  # days above the upper threshold, days over 100%
HISTOGRAM_BINS = np.arange(0.6, 1.2001, 0.01)  # days outside 60% to 120% are not drawn
LEVELS_FIGURE = {"figsize": (CHART_WIDTH_INCHES * 1.25, 3.6), "dpi": DPI, "layout": "constrained"}
LEVELS_KEY = {"frameon": False, "fontsize": 8}
MEAN_LINE = {"color": OKABE_ITO["blue"], "linewidth": 2}


def level_columns(hospital: Hospital) -> dict[str, str]:
    """Return the model's columns the levels table shows, each with its label for people."""
    low, high = hospital.occupancy_thresholds
    return {
        "mean_occupancy": "Mean occupancy",
        days_above(low): f"Days above {low:.0%} occupied",
        days_above(high): f"Days above {high:.0%} occupied",
        "days_over_capacity": OVER_CAPACITY_LABEL,
    }


def runs_at_admission_levels(hospital: Hospital, levels, replications: int = REPLICATIONS,
                             seed: int = SEED) -> dict[float, HospitalRun]:
    """Return the hospital's simulated year at each level of admissions a day, all else as it is."""
    return {float(level): simulate_hospital(dataclasses.replace(hospital, admissions_per_day=float(level)),
                                            replications=replications, seed=seed) for level in levels}


def occupancy_levels_table(runs: dict[float, HospitalRun]) -> pd.DataFrame:
    """Return a table for people, one row per level of admissions: mean occupancy and the days a year
    above each occupancy threshold and over 100% occupied (means over the simulated years)."""
    columns = level_columns(next(iter(runs.values())).hospital)
    table = pd.DataFrame([run.replications[list(columns)].mean() for run in runs.values()], index=list(runs))
    table.index.name = LEVEL_LABEL
    return table.rename(columns=columns)


def nearest_to_threshold(runs: dict[float, HospitalRun]) -> float:
    """Return the level of admissions whose mean occupancy is closest to the lower threshold (85%)."""
    def distance(level: float) -> float:
        run = runs[level]
        return abs(run.replications["mean_occupancy"].mean() - run.hospital.occupancy_thresholds[0])
    return min(runs, key=distance)


def occupancy_levels_figure(runs: dict[float, HospitalRun]) -> Figure:
    """Return two panels: left, the days a year above the upper threshold (92%) and over 100% occupied
    against mean occupancy, one point per level of admissions, with lines at both thresholds; right, a
    histogram of the days of the year at the level whose mean is closest to the lower threshold (85%)."""
    hospital = next(iter(runs.values())).hospital
    table = occupancy_levels_table(runs)
    lines = reference_lines(hospital)
    figure = Figure(**LEVELS_FIGURE)
    left, right = figure.subplots(1, 2)
    crisis = [(table.columns[2], lines[1][2]), (OVER_CAPACITY_LABEL, lines[2][2])]
    for (column, style), marker in zip(crisis, CRISIS_MARKERS):
        left.plot(table["Mean occupancy"], table[column], marker=marker, label=column[0].lower() + column[1:], **style)
    for level, _, style in lines[:2]:
        left.axvline(level, **{**style, "linewidth": 1})
    left.set_xlabel("Mean occupancy over the year")
    left.set_ylabel("Days a year")
    left.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    left.legend(loc="upper left", **LEVELS_KEY)
    left.set_title("Crisis days as the mean rises", loc="left", fontsize=10)
    level = nearest_to_threshold(runs)
    occupancy = runs[level].daily["occupancy"]
    years = runs[level].replications.shape[0]
    right.hist(occupancy, bins=HISTOGRAM_BINS, weights=np.full(occupancy.size, 1 / years),
               color=OKABE_ITO["sky"], edgecolor=OKABE_ITO["blue"], linewidth=0.4)
    for value, label, style in lines:
        right.axvline(value, label=label, **style)
    right.axvline(occupancy.mean(), label=f"the mean, {occupancy.mean():.0%}", **MEAN_LINE)
    right.set_xlabel("Beds occupied at midnight")
    right.set_ylabel("Days a year")
    right.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    right.legend(loc="upper right", **LEVELS_KEY)
    right.set_title(f"The days of a year at {level:g} admissions a day", loc="left", fontsize=10)
    return figure


def occupancy_levels_alt_text(runs: dict[float, HospitalRun]) -> str:
    """Return alt text for ``occupancy_levels_figure``, with the numbers it shows."""
    hospital = next(iter(runs.values())).hospital
    low, high = hospital.occupancy_thresholds
    table = occupancy_levels_table(runs)
    above = table.columns[2]
    points = "; ".join(f"{level:g} admissions a day, mean {row['Mean occupancy']:.0%}: {row[above]:.0f} days above "
                       f"{high:.0%} and {row[OVER_CAPACITY_LABEL]:.0f} over 100%" for level, row in table.iterrows())
    level = nearest_to_threshold(runs)
    occupancy = runs[level].daily["occupancy"]
    spread = np.quantile(occupancy, (0.05, 0.95))
    return (
        f"Two charts. Left, days a year above {high:.0%} occupied and over 100%, against mean occupancy, one point "
        f"per level of emergency admissions: {points}. Right, a histogram of the beds occupied at midnight on each "
        f"day of the year at {level:g} admissions a day, with lines at {low:.0%}, {high:.0%} and 100%: the mean is "
        f"{occupancy.mean():.0%}, yet one day in twenty is below {spread[0]:.0%} and one in twenty above "
        f"{spread[1]:.0%}."
    )
