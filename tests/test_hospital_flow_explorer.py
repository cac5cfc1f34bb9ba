"""The delayed-discharges explorers: the flow explorer's numbers and fan are the model's, a slider
changes them, a service that could never keep up shows the sentence and clears the chart; the
interventions explorer's table and chart are ``compare_scenarios``'s; the notebook's occupancy chart
says what it shows.

Expected numbers come from the model (``simulate_hospital``, ``compare_scenarios``), called here with the
same inputs, or from a hand calculation, and are written out with this file's own formatters, never with
the widgets' formatting functions.
"""

import html
import re
from dataclasses import replace

import ipywidgets
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from academy.models.hospital_flow import (
    DownstreamService,
    Hospital,
    UnstableQueueError,
    compare_scenarios,
    intervention_scenarios,
    service_loads,
    simulate_hospital,
)
from test_widgets import alert, alt_text, plain, png_size  # the page readers all explorer tests share

from academy.widgets.hospital_flow_explorer import (
    HospitalFlowExplorer,
    InterventionsExplorer,
    hospital_flow_explorer,
    interval_text,
    interventions_explorer,
    measure_text,
    money_tick,
    occupancy_levels_alt_text,
    occupancy_levels_figure,
    occupancy_levels_table,
    runs_at_admission_levels,
    winter_spans,
)

BLUE, SKY, ORANGE, VERMILLION, GREY = "#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#666666"
MINUS = "\u2212"
HOSPITAL = Hospital()
YEARS = 50  # the flow explorer's simulated years
FEW = 10  # replications for the interventions explorer in these tests (it is slower)


# ---- this file's own formatters and readers -------------------------------------------------------


def money(value: float, nearest: float = 1) -> str:
    """£12,300 / −£12,300 (a true minus sign), rounded to ``nearest``."""
    steps = round(value / nearest)
    text = f"£{abs(steps * nearest):,.0f}"
    return MINUS + text if steps < 0 else text


def whole(value: float) -> str:
    """A count rounded to a whole number, with a true minus sign: 1,762 or −39."""
    steps = round(value)
    return f"{MINUS if steps < 0 else ''}{abs(steps):,}"


def month(date) -> str:
    return pd.Timestamp(date).strftime("%B %Y")


def cells(page: str) -> dict[str, list[str]]:
    """A table's rows by name: the header row first (as ""), then each row's cells."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page):
        found = [html.unescape(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        rows[found[0]] = found[1:]
    return rows


def caption(page: str) -> str:
    return html.unescape(re.search(r"<caption[^>]*>(.*?)</caption>", page).group(1))


def by_day(run, column: str) -> pd.DataFrame:
    """A daily column as a table: one row per day, one column per simulated year."""
    return run.daily.pivot(index="date", columns="replication", values=column)


def expected_summary(hospital: Hospital, years: int = YEARS) -> str:
    mean = simulate_hospital(hospital, replications=years, seed=2019).replications.mean()
    return (
        f"Mean occupancy: {100 * mean['mean_occupancy']:.1f}% of {hospital.beds} beds"
        f"Days above 92% occupied: {round(mean['days_above_92'])} a year, "
        f"{round(mean['days_over_capacity'])} of them over 100%"
        f"Delayed bed-days: {round(mean['delayed_bed_days']):,} a year, about "
        f"{round(mean['mean_delayed_patients'])} patients a night"
        f"Cost of the delays to the NHS: {money(mean['delayed_bed_days'] * 329, 1000)} a year: "
        f"{money(mean['delayed_bed_days_nhs'] * 329, 1000)} for delays the NHS is responsible for, "
        f"{money(mean['delayed_bed_days_council'] * 329, 1000)} for the council's"
        f"Means of {years} simulated years."
    )


@pytest.fixture
def flow():
    return HospitalFlowExplorer(HOSPITAL)


# ---- the flow explorer ------------------------------------------------------------------------------


def test_the_flow_summary_quotes_the_model(flow):
    assert flow.hospital() == HOSPITAL
    assert plain(flow.summary.value) == expected_summary(HOSPITAL)
    assert 'role="alert"' not in flow.summary.value
    # The delays' cost splits into the two who are responsible: the parts add up.
    mean = simulate_hospital(HOSPITAL, replications=YEARS).replications.mean()
    assert mean["delayed_bed_days_nhs"] + mean["delayed_bed_days_council"] == pytest.approx(mean["delayed_bed_days"])


def test_the_fan_is_the_percentiles_of_the_simulated_years(flow):
    run = simulate_hospital(HOSPITAL, replications=YEARS, seed=2019)
    dates = pd.date_range("2019-04-01", periods=365, freq="D")
    x = mdates.date2num(dates)
    for column in ("occupancy", "delayed_patients"):
        days = by_day(run, column)
        assert days.shape == (365, YEARS)
        median = flow.medians[column]
        np.testing.assert_allclose(median.get_xdata(), x)
        np.testing.assert_allclose(median.get_ydata(), days.median(axis=1))
        for band, (low, high) in zip(flow.bands[column], ((5, 95), (25, 75))):
            vertices = band.get_paths()[0].vertices
            np.testing.assert_allclose(vertices[:, 0].min(), x[0])
            np.testing.assert_allclose(vertices[:, 0].max(), x[-1])
            np.testing.assert_allclose(vertices[:, 1].min(), np.percentile(days, low, axis=1).min())
            np.testing.assert_allclose(vertices[:, 1].max(), np.percentile(days, high, axis=1).max())
            # every day's lower edge is on the polygon (its first run of vertices after the start)
            np.testing.assert_allclose(vertices[1:366, 1], np.percentile(days, low, axis=1))
    occupancy = by_day(run, "occupancy")
    top = max(np.percentile(occupancy, 95, axis=1).max(), 1.0) + 0.02
    bottom = min(np.percentile(occupancy, 5, axis=1).min(), 0.8) - 0.02
    assert flow.axes["occupancy"].get_ylim() == pytest.approx((bottom, top))
    delayed = by_day(run, "delayed_patients")
    assert flow.axes["delayed_patients"].get_ylim() == pytest.approx((0, 1.1 * np.percentile(delayed, 95, axis=1).max()))
    assert flow.axes["delayed_patients"].get_xlim() == pytest.approx((x[0], x[-1] + 1))


def test_the_fan_charts_alt_text_states_its_numbers(flow):
    run = simulate_hospital(HOSPITAL, replications=YEARS, seed=2019)
    occupancy, delayed = by_day(run, "occupancy"), by_day(run, "delayed_patients")
    om, dm = occupancy.median(axis=1), delayed.median(axis=1)
    assert alt_text(flow.chart.value) == (
        f"Two fan charts of {YEARS} simulated years, 1 April 2019 to 30 March 2020, winter shaded. Top, beds occupied "
        f"at midnight as a share of the 400 beds, with lines at 85%, 92% and 100%: the median runs from "
        f"{100 * om.min():.0f}% ({month(om.idxmin())}) to {100 * om.max():.0f}% ({month(om.idxmax())}); nine years in "
        f"ten stay between {100 * np.percentile(occupancy, 5, axis=1).min():.0f}% and "
        f"{100 * np.percentile(occupancy, 95, axis=1).max():.0f}%. Bottom, patients delayed at midnight: the median "
        f"runs from {dm.min():.0f} ({month(dm.idxmin())}) to {dm.max():.0f} ({month(dm.idxmax())}); nine years in ten "
        f"stay between {np.percentile(delayed, 5, axis=1).min():.0f} and {np.percentile(delayed, 95, axis=1).max():.0f}."
    )
    assert om.max() > 1 and month(om.idxmax()) in ("December 2019", "January 2020", "February 2020", "March 2020")


@pytest.mark.parametrize("name, value, changed", [
    ("home_care", 260, {"home_care": DownstreamService(260, 42.0, "council")}),
    ("care_home", 300, {"care_home": DownstreamService(300, 180.0, "council")}),
    ("community_bed", 70, {"community_bed": DownstreamService(70, 21.0, "nhs")}),
    ("mean_days_to_fit_frail", 8.5, {"mean_days_to_fit_frail": 8.5}),
    ("mean_days_to_fit_other", 4.75, {"mean_days_to_fit_other": 4.75}),
    ("admissions_per_day", 47.5, {"admissions_per_day": 47.5}),
])
def test_each_slider_moves_its_own_field_and_the_results(flow, name, value, changed):
    before_alt, before_chart = alt_text(flow.chart.value), flow.chart.value
    flow.sliders[name].value = value
    hospital = Hospital(**changed)
    assert flow.hospital() == hospital and flow.run.hospital == hospital
    assert plain(flow.summary.value) == expected_summary(hospital)
    assert flow.chart.value != before_chart
    run = simulate_hospital(hospital, replications=YEARS, seed=2019)
    np.testing.assert_allclose(flow.medians["delayed_patients"].get_ydata(), by_day(run, "delayed_patients").median(axis=1))
    if name in ("mean_days_to_fit_frail", "mean_days_to_fit_other", "admissions_per_day"):
        assert alt_text(flow.chart.value) != before_alt  # fewer or shorter stays: a different fan


def test_the_sliders_are_labelled_and_reach_a_service_that_cannot_keep_up(flow):
    labels = {name: s.description for name, s in flow.sliders.items()}
    assert labels == {
        "home_care": "Home-care packages",
        "care_home": "Care-home places",
        "community_bed": "Community beds",
        "mean_days_to_fit_frail": "Days until medically fit: frail",
        "mean_days_to_fit_other": "Days until medically fit: others",
        "admissions_per_day": "Emergency admissions a day",
    }
    for name in ("home_care", "care_home", "community_bed"):
        assert isinstance(flow.sliders[name], ipywidgets.IntSlider)
        assert flow.sliders[name].min < service_loads(HOSPITAL)[name] < flow.sliders[name].max
    ranges = {name: (s.min, s.max, s.step) for name, s in flow.sliders.items()}
    assert ranges == {
        "home_care": (180, 320, 1), "care_home": (240, 340, 1), "community_bed": (30, 90, 1),
        "mean_days_to_fit_frail": (5.0, 14.0, 0.5), "mean_days_to_fit_other": (3.0, 8.0, 0.25),
        "admissions_per_day": (40.0, 60.0, 0.5),
    }
    for s in flow.sliders.values():
        assert s.continuous_update is False
        assert s.layout.width == "470px" and s.style.description_width == "240px"


def test_too_few_packages_gives_the_sentence_and_clears_the_chart(flow):
    bad = replace(HOSPITAL, home_care=replace(HOSPITAL.home_care, capacity=200))
    with pytest.raises(UnstableQueueError) as raised:
        simulate_hospital(bad)
    flow.sliders["home_care"].value = 200
    load = service_loads(HOSPITAL)["home_care"]  # patients a day x 42 days: the places they would fill
    assert 200 < load < HOSPITAL.home_care.capacity
    assert alert(flow.summary.value) == (
        f"A service could never keep up: with 200 home-care packages, the patients who need one would fill "
        f"{load:.1f} of them on average, so the queue for them, and the delays, would grow all year. {raised.value}"
    )
    assert "home_care.capacity" in str(raised.value)  # the model's sentence names the parameter
    assert flow.chart.value == "" and flow.run is None
    assert flow.key.value  # the key still explains the chart that will come back
    flow.sliders["home_care"].value = HOSPITAL.home_care.capacity  # back to as it was: it recovers
    assert plain(flow.summary.value) == expected_summary(HOSPITAL)
    assert "<img" in flow.chart.value


def test_two_services_that_cannot_keep_up_are_both_named():
    bad = replace(HOSPITAL, community_bed=replace(HOSPITAL.community_bed, capacity=40),
                  care_home=replace(HOSPITAL.care_home, capacity=250))
    explorer = HospitalFlowExplorer(bad)
    loads = service_loads(bad)
    sentence = alert(explorer.summary.value)
    assert sentence.startswith(
        f"A service could never keep up: with 250 care-home places, the patients who need one would fill "
        f"{loads['care_home']:.1f} of them on average, so the queue for them, and the delays, would grow all year; "
        f"with 40 community beds, the patients who need one would fill {loads['community_bed']:.1f} of them on "
        f"average, so the queue for them, and the delays, would grow all year. "
    )
    assert explorer.chart.value == ""
    assert explorer.sliders["community_bed"].value == 40 and explorer.sliders["care_home"].value == 250


def test_another_bad_input_shows_the_models_sentence_alone():
    bad = replace(HOSPITAL, frail_share=1.5)
    with pytest.raises(ValueError) as raised:
        simulate_hospital(bad)
    explorer = HospitalFlowExplorer(bad)
    assert alert(explorer.summary.value) == str(raised.value)
    assert explorer.chart.value == ""


def test_an_explorer_starts_where_it_is_given_even_beyond_its_sliders(flow):
    small = replace(HOSPITAL, home_care=replace(HOSPITAL.home_care, capacity=150), admissions_per_day=35.0)
    explorer = HospitalFlowExplorer(small)
    assert explorer.hospital() == small
    assert explorer.sliders["home_care"].min == 150 and explorer.sliders["home_care"].max == 320
    assert explorer.sliders["admissions_per_day"].min == 35.0
    assert plain(explorer.summary.value) == expected_summary(small)


def test_the_chart_is_drawn_once_then_moved_and_looks_the_same_every_time(flow):
    bands, medians = dict(flow.bands), dict(flow.medians)
    flow.sliders["community_bed"].value = 60
    assert flow.bands == bands and all(flow.bands[k] is bands[k] for k in bands)
    assert all(flow.medians[k] is medians[k] for k in medians)
    for column in ("occupancy", "delayed_patients"):
        outer, inner = flow.bands[column]
        assert to_rgba(outer.get_facecolor()[0])[:3] == to_rgba(SKY)[:3]
        assert to_rgba(inner.get_facecolor()[0])[:3] == to_rgba(SKY)[:3]
        assert outer.get_alpha() < inner.get_alpha()  # the nine-in-ten band is the paler
        assert to_rgba(flow.medians[column].get_color()) == to_rgba(BLUE)
    titles = [flow.axes[c].get_title(loc="left") for c in ("occupancy", "delayed_patients")]
    assert titles == ["Beds occupied at midnight", "Delayed patients at midnight"]
    lines = [(line.get_ydata()[0], to_rgba(line.get_color()), line.get_linestyle())
             for line in flow.axes["occupancy"].lines if line is not flow.medians["occupancy"]]
    assert lines == [(0.85, to_rgba(ORANGE), ":"), (0.92, to_rgba(VERMILLION), "--"), (1.0, to_rgba("black"), "-")]
    assert flow.axes["occupancy"].yaxis.get_major_formatter()(0.92, 0) == "92%"
    # winter is shaded: December 2019 to the end of February 2020, in both panels
    winter = tuple(mdates.date2num(pd.to_datetime(["2019-12-01", "2020-03-01"])))
    for column in ("occupancy", "delayed_patients"):
        shade = flow.axes[column].patches[0]
        assert (shade.get_x(), shade.get_x() + shade.get_width()) == pytest.approx(winter)
    assert png_size(flow.chart.value)[0] == png_size(flow.key.value)[0] == int(7.6 * 96)  # as wide as the others
    assert alt_text(flow.key.value) == (
        "Key: median of the simulated years, middle half of the years (25% to 75%), nine years in ten (5% to 95%), "
        "85% of beds occupied, 92% of beds occupied, 100%: every bed full, winter (December to February)."
    )


def test_the_flow_explorer_is_laid_out_like_the_others(flow):
    top, chart, key = flow.widget.children
    controls, summary = top.children
    assert list(controls.children) == list(flow.sliders.values()) and summary is flow.summary
    assert chart is flow.chart and key is flow.key
    assert top.layout.flex_flow == "row wrap"
    assert isinstance(hospital_flow_explorer(HOSPITAL, replications=5), ipywidgets.VBox)


def test_fewer_years_make_a_different_fan():
    explorer = HospitalFlowExplorer(HOSPITAL, replications=7, seed=11)
    run = simulate_hospital(HOSPITAL, replications=7, seed=11)
    np.testing.assert_allclose(explorer.medians["occupancy"].get_ydata(), by_day(run, "occupancy").median(axis=1))
    assert alt_text(explorer.chart.value).startswith("Two fan charts of 7 simulated years")
    assert plain(explorer.summary.value) != expected_summary(HOSPITAL, 7)  # another seed, another run
    assert plain(explorer.summary.value).endswith("Means of 7 simulated years.")


def test_winter_is_each_run_of_december_to_february():
    spans = winter_spans(pd.date_range("2019-04-01", periods=365, freq="D"))
    assert spans == [(pd.Timestamp("2019-12-01"), pd.Timestamp("2020-03-01"))]
    spans = winter_spans(pd.date_range("2019-01-15", "2019-12-10", freq="D"))  # winter at both ends
    assert spans == [(pd.Timestamp("2019-01-15"), pd.Timestamp("2019-03-01")),
                     (pd.Timestamp("2019-12-01"), pd.Timestamp("2019-12-11"))]
    assert winter_spans(pd.date_range("2019-04-01", "2019-11-30", freq="D")) == []


# ---- the interventions explorer ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison():
    return compare_scenarios(intervention_scenarios(HOSPITAL), replications=FEW, seed=2019)


@pytest.fixture
def interventions():
    return InterventionsExplorer(HOSPITAL, replications=FEW)


def rows_of(comparison, measure):
    return comparison[comparison["measure"] == measure].set_index("scenario")


def with_interval(values, measure, text=whole) -> str:
    mean, low, high = (text(values[k]) for k in ("mean", "ci_low", "ci_high"))
    return mean if low == high else f"{mean} ({low} to {high})"


def test_the_interventions_table_is_the_models_comparison(interventions, comparison):
    rows = cells(interventions.table.value)
    assert rows[""] == ["Who pays", "Cost a year", "Delayed bed-days saved", "Cost per delayed bed-day saved",
                        "Value of the bed-days saved (to the NHS)", "Days above 92% occupied", "Net cost to the NHS",
                        "Net cost to the council"]
    names = list(intervention_scenarios(HOSPITAL)["scenario"])
    assert list(rows)[1:] == names
    assert names[0] == "As now" and len(names) == 6
    saved, crisis = rows_of(comparison, "delayed_bed_days_saved"), rows_of(comparison, "days_above_92")
    nhs, council = rows_of(comparison, "net_cost_nhs_gbp"), rows_of(comparison, "net_cost_council_gbp")
    support = rows_of(comparison, "discharge_to_assess_cost_gbp")["mean"]
    packages = 20 * 10 * 52 * 16.12  # 20 packages, 10 hours a week, 52 weeks, £16.12 an hour: £167,648
    costs = {"As now": 0.0, "20 more home-care packages": packages, "Medically fit 0.5 days sooner": 0.0,
             "Discharge to assess for 50%": support["Discharge to assess for 50%"] - support["As now"],
             "Seven-day discharge": 250_000.0, "Anticipatory care: 10% fewer frail admissions": 150_000.0}
    pays = {"As now": "nobody", "20 more home-care packages": "council"}
    for name in names:
        assert rows[name] == [
            pays.get(name, "NHS"),
            money(costs[name], 100),
            with_interval(saved.loc[name], "saved"),
            money(costs[name] / saved.loc[name, "mean"]) if saved.loc[name, "mean"] > 0 else "none saved",
            money(saved.loc[name, "mean"] * 329, 100),
            with_interval(crisis.loc[name], "days"),
            with_interval(nhs.loc[name], "nhs", lambda v: money(v, 100)),
            with_interval(council.loc[name], "council", lambda v: money(v, 100)),
        ], name
    assert rows["20 more home-care packages"][1] == "£167,600" == rows["20 more home-care packages"][7]
    assert rows["As now"][3] == "none saved" == rows["Medically fit 0.5 days sooner"][3]
    assert saved.loc["Medically fit 0.5 days sooner", "mean"] < 0 < saved.loc["Seven-day discharge", "mean"]
    assert rows["As now"][2] == "0"  # the hospital as now saves nothing against itself, with no interval
    assert support["Discharge to assess for 50%"] > 0 == support["As now"]
    assert caption(interventions.table.value) == (
        f"The five interventions against the hospital as now: means of {FEW} simulated years, 95% confidence "
        "intervals in brackets. A delayed bed-day saved is worth £329 to the NHS; the cost of discharge to assess is "
        "the support at home it pays for. Net cost is cost less the bed-days saved; below 0 is a saving."
    )


def test_the_interventions_chart_draws_each_mean_and_interval(interventions, comparison):
    names = list(intervention_scenarios(HOSPITAL)["scenario"])
    labels = {"delayed_bed_days_saved": "delayed bed-days saved", "days_above_92": "days above 92% occupied",
              "net_cost_nhs_gbp": "net cost to the nhs", "net_cost_council_gbp": "net cost to the council"}
    axes = {"delayed_bed_days_saved": "Delayed bed-days saved a year, against the hospital as now",
            "days_above_92": "Days in the year with more than 92% of beds occupied",
            "net_cost_nhs_gbp": "Net cost to the NHS (£ a year; below 0 is a saving)",
            "net_cost_council_gbp": "Net cost to the council (£ a year; below 0 is a saving)"}
    assert interventions.measure.value == "delayed_bed_days_saved"
    assert [value for _, value in interventions.measure.options] == list(labels)
    assert interventions.measure.description == "Compare"
    dots, whiskers = interventions.dots, interventions.whiskers
    for measure in ("days_above_92", "net_cost_nhs_gbp", "net_cost_council_gbp", "delayed_bed_days_saved"):
        before = interventions.chart.value
        interventions.measure.value = measure
        assert interventions.chart.value != before
        assert interventions.dots is dots and interventions.whiskers is whiskers  # moved, not redrawn
        rows = rows_of(comparison, measure).loc[names]
        np.testing.assert_allclose(dots.get_offsets()[:, 0], rows["mean"])
        np.testing.assert_allclose(dots.get_offsets()[:, 1], range(6))
        segments = whiskers.get_segments()
        np.testing.assert_allclose([s[0][0] for s in segments], rows["ci_low"])
        np.testing.assert_allclose([s[1][0] for s in segments], rows["ci_high"])
        assert interventions.axis.get_xlabel() == axes[measure]
        low, high = min(0.0, rows["ci_low"].min()), max(0.0, rows["ci_high"].max())
        room = 0.08 * ((high - low) or 1.0)
        assert interventions.axis.get_xlim() == pytest.approx((low - room, high + room))
        money_measure = measure.endswith("_gbp")
        each = "; ".join(
            f"{name}: {with_interval(rows.loc[name], measure, (lambda v: money(v, 100)) if money_measure else whole)}"
            for name in names)
        assert alt_text(interventions.chart.value) == (
            f"Dot-and-whisker chart of {labels[measure]} for each intervention and the hospital as now, the mean of "
            f"{FEW} simulated years with its 95% confidence interval. {each}."
        )
    ticks = interventions.axis.xaxis.get_major_formatter()
    assert ticks(-1500, 0) == f"{MINUS}1,500"
    interventions.measure.value = "net_cost_nhs_gbp"
    assert interventions.axis.xaxis.get_major_formatter()(-250_000, 0) == f"{MINUS}£250k"
    assert [t.get_text() for t in interventions.axis.get_yticklabels()] == names
    assert interventions.axis.get_ylim() == (5.5, -0.5)  # the hospital as now at the top, as in the table


def test_the_dots_are_coloured_by_who_pays(interventions):
    colours = [to_rgba(c) for c in interventions.dots.get_facecolors()]
    assert colours == [to_rgba(GREY), to_rgba(ORANGE)] + [to_rgba(BLUE)] * 4
    assert alt_text(interventions.key.value) == (
        "Key: paid for by the NHS, paid for by the council, the hospital as now, 95% confidence interval.")
    assert png_size(interventions.chart.value)[0] == png_size(interventions.key.value)[0]
    assert list(interventions.axis.lines[0].get_xdata()) == [0, 0]  # a line at zero
    top, chart, key, table = interventions.widget.children
    assert (top, chart, key, table) == (interventions.measure, interventions.chart, interventions.key, interventions.table)


def test_the_interventions_explorer_gives_the_sentence_for_a_hospital_that_cannot_keep_up():
    bad = replace(HOSPITAL, care_home=replace(HOSPITAL.care_home, capacity=250))
    with pytest.raises(UnstableQueueError) as raised:
        intervention_scenarios(bad)
    explorer = InterventionsExplorer(bad, replications=FEW)
    sentence = alert(explorer.table.value)
    assert sentence.startswith("A service could never keep up: with 250 care-home places") and sentence.endswith(str(raised.value))
    assert explorer.chart.value == "" and explorer.comparison is None
    explorer.measure.value = "days_above_92"
    assert explorer.chart.value == ""
    assert isinstance(interventions_explorer(HOSPITAL, replications=3), ipywidgets.VBox)


def test_measures_are_written_as_a_reader_writes_them():
    assert measure_text("delayed_bed_days_saved", 1762.07) == "1,762"
    assert measure_text("delayed_bed_days_saved", -39.27) == f"{MINUS}39"
    assert measure_text("days_above_92", -0.2) == "0"
    assert measure_text("net_cost_nhs_gbp", -158_239.13) == f"{MINUS}£158,200"
    assert measure_text("net_cost_council_gbp", 167_648.0) == "£167,600"
    row = {"mean": 480.97, "ci_low": 362.66, "ci_high": 599.28}
    assert interval_text("delayed_bed_days_saved", row) == "481 (363 to 599)"
    assert interval_text("delayed_bed_days_saved", {"mean": 0.0, "ci_low": 0.0, "ci_high": 0.0}) == "0"
    assert money_tick(0) == "£0" and money_tick(0.3) == "£0"
    assert money_tick(-250_000) == f"{MINUS}£250k" and money_tick(500_000) == "£500k"
    assert money_tick(1_200_000) == "£1.2m" and money_tick(-1_000_000) == f"{MINUS}£1.0m"


# ---- occupancy at several levels of admissions (the notebook's chart) -------------------------------


@pytest.fixture(scope="module")
def levels():
    return runs_at_admission_levels(HOSPITAL, [42, 48, 51], replications=8)


def test_the_levels_table_is_the_models_means(levels):
    table = occupancy_levels_table(levels)
    assert table.index.name == "Emergency admissions a day" and list(table.index) == [42.0, 48.0, 51.0]
    assert list(table.columns) == ["Mean occupancy", "Days above 85% occupied", "Days above 92% occupied",
                                   "Days over 100% (every bed full)"]
    for level in (42, 48, 51):
        run = simulate_hospital(replace(HOSPITAL, admissions_per_day=float(level)), replications=8, seed=2019)
        daily = run.daily
        per_year = lambda above: (daily["occupancy"] > above).groupby(daily["replication"]).sum().mean()  # noqa: E731
        assert table.loc[level].tolist() == pytest.approx(
            [daily["occupancy"].mean(), per_year(0.85), per_year(0.92), per_year(1.0)])
    assert table["Mean occupancy"].is_monotonic_increasing and table["Days above 92% occupied"].is_monotonic_increasing


def test_the_levels_chart_shows_the_table_and_the_spread_at_85_percent(levels):
    table = occupancy_levels_table(levels)
    figure = occupancy_levels_figure(levels)
    left, right = figure.axes
    crisis, over = left.lines[:2]
    np.testing.assert_allclose(crisis.get_xdata(), table["Mean occupancy"])
    np.testing.assert_allclose(crisis.get_ydata(), table["Days above 92% occupied"])
    np.testing.assert_allclose(over.get_ydata(), table["Days over 100% (every bed full)"])
    assert [line.get_xdata()[0] for line in left.lines[2:]] == [0.85, 0.92]
    nearest = (table["Mean occupancy"] - 0.85).abs().idxmin()
    assert nearest == 48.0
    assert right.get_title(loc="left") == "The days of a year at 48 admissions a day"
    occupancy = levels[48.0].daily["occupancy"]
    heights = sum(p.get_height() for p in right.patches)
    inside = ((occupancy >= 0.6) & (occupancy <= 1.2)).sum() / 8
    assert heights == pytest.approx(inside)  # a year's days, averaged over the simulated years
    mean_line = right.lines[-1]
    assert mean_line.get_xdata()[0] == pytest.approx(occupancy.mean())
    spread = np.percentile(occupancy, [5, 95])
    points = "; ".join(
        f"{level:g} admissions a day, mean {100 * row['Mean occupancy']:.0f}%: {row['Days above 92% occupied']:.0f} "
        f"days above 92% and {row['Days over 100% (every bed full)']:.0f} over 100%" for level, row in table.iterrows())
    assert occupancy_levels_alt_text(levels) == (
        f"Two charts. Left, days a year above 92% occupied and over 100%, against mean occupancy, one point per level "
        f"of emergency admissions: {points}. Right, a histogram of the beds occupied at midnight on each day of the "
        f"year at 48 admissions a day, with lines at 85%, 92% and 100%: the mean is {100 * occupancy.mean():.0f}%, "
        f"yet one day in twenty is below {100 * spread[0]:.0f}% and one in twenty above {100 * spread[1]:.0f}%."
    )
