"""The workforce-retention explorers: the projection explorer's fan and results are the model's Monte
Carlo runs, each control moves its own field of the workforce, each lever ticked is applied, a bad input
shows the model's sentence and clears the chart; the costs explorer's table, chart and summary are
``lever_appraisal``'s and ``cost_of_a_leaver_gbp``'s at the prices its sliders set.

Expected numbers come from the models called here directly with the changed parameter (``fte_runs``,
``project_workforce``, ``lever_appraisal``), or from a hand calculation (the need, the cover premium,
the cost of a leaver), and are written out with this file's own formatters, never with the widgets'.
"""

from dataclasses import replace

import ipywidgets
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from academy.models.retention_costs import RetentionCosts, lever_appraisal
from academy.models.workforce_projection import LEVERS, RetentionLever, Workforce, fte_runs, project_workforce, with_levers
from test_widgets import alert, alt_text, plain, png_size, read_table  # the page readers all explorer tests share

from academy.widgets.workforce_explorer import (
    LeverCostsExplorer,
    WorkforceExplorer,
    axis_limits,
    break_even_text,
    fte_text,
    gap_text,
    lever_costs_explorer,
    older_gp_leaver_rate,
    with_older_gp_leaver_rate,
    workforce_explorer,
)

BLUE, SKY, ORANGE, VERMILLION = "#0072B2", "#56B4E9", "#E69F00", "#D55E00"
MINUS = "\u2212"
LODE_VALLEY = Workforce()
COSTS = RetentionCosts()
RUNS = 1_000
NAMES = ["flexible_roles", "first_five", "retainer", "older_part_time", "nurse_development"]
LABELS = ["Flexible and portfolio roles", "Mentoring and a first-five scheme", "Retainer scheme",
          "Support for older GPs to stay part time", "Practice nurse development"]
RATES, JOINERS = LODE_VALLEY.leaver_rates, LODE_VALLEY.joiners_per_year  # the model's defaults, whatever they are
# GPs aged 50-59 at the census: 6 partners and 1 salaried GP, each role leaving at its own rate
OLDER_RATE = (6 * RATES[0][2] + 1 * RATES[1][2]) / 7


# ---- this file's own formatters -----------------------------------------------------------------


def one(value: float) -> str:
    """A number to one decimal place with a true minus sign: 15.6, −1.2."""
    steps = round(value * 10)
    return f"{MINUS if steps < 0 else ''}{abs(steps) // 10:,}.{abs(steps) % 10}"


def money(value: float, nearest: float = 1) -> str:
    """£12,300 / −£12,300 (a true minus sign), rounded to ``nearest``."""
    steps = round(value / nearest)
    text = f"£{abs(steps * nearest):,.0f}"
    return MINUS + text if steps < 0 else text


def cells(page: str) -> dict[str, list[str]]:
    """A table's rows by name, the column headers first (as "")."""
    _, header, rows = read_table(page)
    return {"": header, **rows}


def caption(page: str) -> str:
    return read_table(page)[0]


def short(gap: float) -> str:
    return f"{one(abs(gap))} FTE {'short' if gap > 0 else 'to spare'}"


# ---- what the model says, called directly --------------------------------------------------------


def gp_fte_by_run(workforce: Workforce, runs: int = RUNS, seed: int = 2019) -> np.ndarray:
    """GP FTE (partners and salaried GPs, the first two roles) by run and year."""
    return fte_runs(workforce, 10, runs, seed=seed)[:, :, :2].sum(axis=2)


def need_by_hand(workforce: Workforce) -> np.ndarray:
    """Patients, growing each year, over the patients one FTE GP serves."""
    return workforce.patients * (1 + workforce.patient_growth) ** np.arange(11) / workforce.patients_per_fte_gp


def expected_summary(workforce: Workforce, labels=(), runs: int = RUNS, seed: int = 2019) -> str:
    total = gp_fte_by_run(workforce, runs, seed)
    low, median, high = np.percentile(total, [5, 50, 95], axis=0)
    need = need_by_hand(workforce)
    projection = project_workforce(workforce)
    gps = projection[projection["role"] != "practice_nurse"].groupby("year")[["headcount", "fte"]].sum()
    patients = workforce.patients * (1 + workforce.patient_growth) ** 10
    meeting = int((total[:, -1] >= need[-1]).sum())
    return (
        f"GP FTE in 2029: {one(median[-1])}; nine runs in ten between {one(low[-1])} and {one(high[-1])} "
        f"({one(median[0])} in 2019)"
        f"Needed in 2029: {one(need[-1])} FTE for {round(patients):,} patients: {short(need[-1] - median[-1])} "
        f"({short(need[0] - median[0])} in 2019)"
        f"Runs with the GPs it needs in 2029: {meeting:,} of {runs:,}"
        f"Headcount against FTE: {one(gps['headcount'][0])} GPs in 2019 and {one(gps['headcount'][10])} in 2029 on "
        f"the central projection, working {gps['fte'][0] / gps['headcount'][0]:.2f} FTE a GP in 2019 and "
        f"{gps['fte'][10] / gps['headcount'][10]:.2f} in 2029"
        f"{runs:,} runs with uncertain leaver rates. Levers on: {', '.join(labels) or 'none'}."
    )


def expected_alt(workforce: Workforce, labels=(), runs: int = RUNS, seed: int = 2019) -> str:
    total = gp_fte_by_run(workforce, runs, seed)
    q05, q25, q50, q75, q95 = np.percentile(total, [5, 25, 50, 75, 95], axis=0)
    need = need_by_hand(workforce)
    return (
        f"Fan chart of GP full-time equivalents (FTE) from 2019 to 2029, {runs:,} runs with uncertain leaver rates, "
        f"against the FTE the PCN needs. The median goes from {one(q50[0])} in 2019 to {one(q50[-1])} in 2029; in "
        f"2029 half the runs are between {one(q25[-1])} and {one(q75[-1])} and nine in ten between {one(q05[-1])} and "
        f"{one(q95[-1])}. The need goes from {one(need[0])} to {one(need[-1])} FTE; "
        f"{int((total[:, -1] >= need[-1]).sum()):,} of {runs:,} runs meet it in 2029. "
        f"Levers on: {', '.join(labels) or 'none'}."
    )


def rates_with(older: float) -> tuple:
    """Lode Valley's leaver rates with the GPs aged 50-59 leaving at ``older`` overall, both roles scaled
    by the same factor (worked by hand from the defaults)."""
    factor = older / OLDER_RATE
    partners, salaried, nurses = RATES
    return ((*partners[:2], partners[2] * factor, partners[3]), (*salaried[:2], salaried[2] * factor, salaried[3]),
            nurses)


@pytest.fixture
def explorer():
    return WorkforceExplorer(LODE_VALLEY)


# ---- the projection explorer ---------------------------------------------------------------------


def test_the_explorer_starts_at_lode_valley_as_the_model_has_it(explorer):
    assert explorer.workforce() == LODE_VALLEY
    assert explorer.sliders["older_leavers"].value == pytest.approx(OLDER_RATE)
    assert [row[2] for row in LODE_VALLEY.headcount[:2]] == [6, 1]  # the census's GPs aged 50-59
    assert explorer.sliders["intake"].value == JOINERS[1] and explorer.sliders["part_time_drift"].value == 0.01
    assert explorer.levers_on() == [] and [box.value for box in explorer.levers.values()] == [False] * 5


def test_the_summary_quotes_the_model(explorer):
    page = explorer.summary.value
    assert plain(page) == expected_summary(LODE_VALLEY)
    assert 'role="alert"' not in page
    # by hand: 17.0 FTE (153 sessions over 9) against 41,300 patients over 2,119 a GP now (19.5), and
    # 41,300 × 1.01^10 = 45,621 patients over 2,119 in 2029 (21.5); 23 GPs now, 17.0 / 23 = 0.74 FTE a GP
    assert plain(page).startswith("GP FTE in 2029: ") and "(17.0 in 2019)Needed in 2029: 21.5 FTE for 45,621 " in plain(page)
    assert "FTE short (2.5 FTE short in 2019)" in plain(page)
    assert "23.0 GPs in 2019 and " in plain(page) and "0.74 FTE a GP in 2019 and " in plain(page)
    assert "<strong>GP FTE in 2029:</strong>" in page and page.count("<p>") == 5


def test_the_fan_is_the_percentiles_of_the_runs(explorer):
    total = gp_fte_by_run(LODE_VALLEY)
    years = np.arange(11)
    np.testing.assert_allclose(explorer.median.get_xdata(), years)
    np.testing.assert_allclose(explorer.median.get_ydata(), np.median(total, axis=0))
    for band, (low, high) in zip(explorer.bands, ((5, 95), (25, 75))):
        vertices = band.get_paths()[0].vertices
        assert (vertices[:, 0].min(), vertices[:, 0].max()) == (0, 10)
        np.testing.assert_allclose(vertices[1:12, 1], np.percentile(total, low, axis=0))  # the lower edge
        np.testing.assert_allclose(vertices[:, 1].max(), np.percentile(total, high, axis=0).max())
    need = need_by_hand(LODE_VALLEY)
    assert need[0] == pytest.approx(41_300 / 2_119) and need[-1] == pytest.approx(41_300 * 1.01**10 / 2_119)
    np.testing.assert_allclose(explorer.need_line.get_ydata(), need)
    np.testing.assert_allclose(explorer.need, need)
    assert list(explorer.fan.columns) == ["year", "q05", "q25", "q50", "q75", "q95"]
    assert explorer.axis.get_ylim() == pytest.approx((0, 1.1 * max(np.percentile(total, 95, axis=0).max(), need.max())))
    assert explorer.axis.get_xlim() == (0, 10)


def test_the_fan_charts_alt_text_states_its_numbers(explorer):
    assert alt_text(explorer.chart.value) == expected_alt(LODE_VALLEY)
    assert alt_text(explorer.chart.value).startswith(
        "Fan chart of GP full-time equivalents (FTE) from 2019 to 2029, 1,000 runs with uncertain leaver rates")
    assert "The need goes from 19.5 to 21.5 FTE; " in alt_text(explorer.chart.value)  # by hand, as in the summary


@pytest.mark.parametrize("name, value, changed", [
    ("older_leavers", 0.18, {"leaver_rates": rates_with(0.18)}),
    ("older_leavers", 0.0, {"leaver_rates": rates_with(0.0)}),
    ("intake", 3.5, {"joiners_per_year": (JOINERS[0], 3.5, JOINERS[2])}),
    ("part_time_drift", 0.02, {"part_time_drift": 0.02}),
    ("part_time_drift", 0.0, {"part_time_drift": 0.0}),
])
def test_each_slider_moves_its_own_field_and_the_results(explorer, name, value, changed):
    before_summary, before_chart = explorer.summary.value, explorer.chart.value
    explorer.sliders[name].value = value
    workforce = Workforce(**changed)
    assert _same(explorer.workforce(), workforce)
    assert plain(explorer.summary.value) == expected_summary(workforce)
    assert alt_text(explorer.chart.value) == expected_alt(workforce)
    assert explorer.summary.value != before_summary and explorer.chart.value != before_chart
    np.testing.assert_allclose(explorer.median.get_ydata(), np.median(gp_fte_by_run(workforce), axis=0))


def _same(workforce: Workforce, expected: Workforce) -> bool:
    """Equal field by field, the leaver rates to rounding (a rate scaled and scaled back)."""
    assert replace(workforce, leaver_rates=expected.leaver_rates) == expected
    np.testing.assert_allclose(workforce.leaver_rates, expected.leaver_rates, rtol=1e-12, atol=1e-15)
    return True


def test_the_older_gps_slider_is_the_bands_rate_and_keeps_salaried_gps_higher(explorer):
    explorer.sliders["older_leavers"].value = 0.18  # about the rate the 2017 survey's intentions would mean
    rates = explorer.workforce().leaver_rates
    assert (6 * rates[0][2] + 1 * rates[1][2]) / 7 == pytest.approx(0.18)
    assert rates[1][2] / rates[0][2] == pytest.approx(RATES[1][2] / RATES[0][2])
    assert rates[0][2] == pytest.approx(RATES[0][2] * 0.18 / OLDER_RATE)
    assert rates[2] == RATES[2]  # the nurses are not GPs
    assert [row[:2] + row[3:] for row in rates[:2]] == [row[:2] + row[3:] for row in RATES[:2]]  # other ages the same
    more = plain(explorer.summary.value)
    explorer.sliders["older_leavers"].value = 0.05
    assert plain(explorer.summary.value) != more


def test_the_band_rate_is_weighted_by_the_gps_in_it_or_averaged_if_there_are_none():
    known = replace(LODE_VALLEY, leaver_rates=((0.05, 0.03, 0.09, 0.25), (0.15, 0.08, 0.10, 0.25), (0.1, 0.06, 0.08, 0.25)))
    assert older_gp_leaver_rate(known) == pytest.approx(0.64 / 7)  # 6 × 9% + 1 × 10%, over 7
    nobody = replace(known, headcount=((0, 5, 0, 2), (4, 5, 0, 0), (2, 5, 5, 2)))
    assert older_gp_leaver_rate(nobody) == pytest.approx(0.095)
    assert older_gp_leaver_rate(replace(known, headcount=((0, 5, 0, 2), (4, 5, 3, 0), (2, 5, 5, 2)))) == pytest.approx(0.10)
    still = replace(LODE_VALLEY, leaver_rates=((0.05, 0.03, 0.0, 0.25), (0.15, 0.08, 0.0, 0.25), (0.1, 0.06, 0.08, 0.25)))
    assert older_gp_leaver_rate(still) == 0
    moved = with_older_gp_leaver_rate(still, 0.12)  # nobody leaves now: both are set to the rate
    assert moved.leaver_rates == ((0.05, 0.03, 0.12, 0.25), (0.15, 0.08, 0.12, 0.25), (0.1, 0.06, 0.08, 0.25))
    assert with_older_gp_leaver_rate(LODE_VALLEY, OLDER_RATE) == LODE_VALLEY  # where it started: unchanged


@pytest.mark.parametrize("name, label", list(zip(NAMES, LABELS)))
def test_each_lever_ticked_is_applied(explorer, name, label):
    before = explorer.chart.value
    explorer.levers[name].value = True
    assert explorer.levers_on() == [name]
    levered = with_levers(LODE_VALLEY, [LEVERS[name]])
    assert plain(explorer.summary.value) == expected_summary(levered, [label])
    assert alt_text(explorer.chart.value) == expected_alt(levered, [label])
    if name != "nurse_development":  # a lever for nurses moves no GP's FTE
        assert explorer.chart.value != before
    else:
        np.testing.assert_allclose(explorer.median.get_ydata(), np.median(gp_fte_by_run(LODE_VALLEY), axis=0))
    explorer.levers[name].value = False
    assert plain(explorer.summary.value) == expected_summary(LODE_VALLEY)


def test_levers_combine_with_the_sliders(explorer):
    explorer.sliders["intake"].value = 3.0
    explorer.levers["older_part_time"].value = True
    explorer.levers["first_five"].value = True
    assert explorer.levers_on() == ["first_five", "older_part_time"]  # in the order of the boxes
    # by hand: the first five cuts the youngest GPs' rates by 35%; support for older GPs cuts the rates of
    # those 50 and over by 30% and their sessions by 0.05 FTE a head
    partners, salaried, nurses = LODE_VALLEY.fte_per_head
    p, s = RATES[:2]
    hand = replace(
        LODE_VALLEY, joiners_per_year=(JOINERS[0], 3.0, JOINERS[2]),
        leaver_rates=((p[0] * 0.65, p[1], p[2] * 0.7, p[3] * 0.7), (s[0] * 0.65, s[1], s[2] * 0.7, s[3] * 0.7), RATES[2]),
        fte_per_head_from_next_year=((partners[0], partners[1], partners[2] - 0.05, partners[3] - 0.05),
                                     (salaried[0], salaried[1], salaried[2] - 0.05, salaried[3] - 0.05), nurses),
    )
    np.testing.assert_allclose(explorer.median.get_ydata(), np.median(gp_fte_by_run(hand), axis=0))
    summary = plain(explorer.summary.value)
    assert summary == expected_summary(hand, [LABELS[1], LABELS[3]])
    assert summary.endswith("Levers on: Mentoring and a first-five scheme, Support for older GPs to stay part time.")


def test_a_bad_workforce_gives_the_models_sentence_and_clears_the_chart():
    bad = replace(LODE_VALLEY, part_time_drift=1.5)
    with pytest.raises(ValueError) as raised:
        fte_runs(bad)
    explorer = WorkforceExplorer(bad)
    assert alert(explorer.summary.value) == str(raised.value)
    assert "part_time_drift must be a share between 0 and 1" in str(raised.value)
    assert explorer.chart.value == "" and explorer.fan is None and explorer.need is None
    assert explorer.key.value  # the key still explains the chart that will come back
    assert explorer.sliders["part_time_drift"].max == 1.5  # the slider starts where it is given
    explorer.sliders["part_time_drift"].value = 0.01  # back to a share: it recovers
    assert plain(explorer.summary.value) == expected_summary(LODE_VALLEY)
    assert "<img" in explorer.chart.value


def test_a_lever_that_names_a_role_the_workforce_lacks_gives_the_sentence():
    odd = {"locums": RetentionLever("Locum bank", ("locum_gp",), (0,), leaver_rate_reduction=0.2)}
    with pytest.raises(ValueError) as raised:
        with_levers(LODE_VALLEY, odd.values())
    explorer = WorkforceExplorer(LODE_VALLEY, levers=odd)
    assert plain(explorer.summary.value) == expected_summary(LODE_VALLEY)  # not ticked: not applied
    explorer.levers["locums"].value = True
    assert alert(explorer.summary.value) == str(raised.value) and explorer.chart.value == ""
    assert [box.description for box in explorer.levers.values()] == ["Locum bank"]


def test_the_controls_are_labelled_and_laid_out_like_the_other_explorers(explorer):
    labels = {name: s.description for name, s in explorer.sliders.items()}
    assert labels == {"older_leavers": "GPs aged 50-59 leaving a year", "intake": "Salaried GPs joining a year",
                      "part_time_drift": "Part-time drift a year"}
    ranges = {name: (s.min, s.max, s.step, s.readout_format) for name, s in explorer.sliders.items()}
    assert ranges == {"older_leavers": (0.0, 0.3, 0.005, ".1%"), "intake": (0.0, 6.0, 0.5, ".1f"),
                      "part_time_drift": (0.0, 0.04, 0.0025, ".2%")}
    for s in explorer.sliders.values():
        assert s.continuous_update is False
        assert s.layout.width == "470px" and s.style.description_width == "240px"
    assert [box.description for box in explorer.levers.values()] == LABELS
    assert all(isinstance(box, ipywidgets.Checkbox) and box.indent is False and box.layout.width == "470px"
               for box in explorer.levers.values())
    top, chart, key = explorer.widget.children
    controls, summary = top.children
    heading = controls.children[3]
    assert list(controls.children) == [*explorer.sliders.values(), heading, *explorer.levers.values()]
    assert plain(heading.value) == "Retention levers (tick to switch one on)"
    assert summary is explorer.summary and chart is explorer.chart and key is explorer.key
    assert top.layout.flex_flow == "row wrap" and summary.layout.min_width == "220px"
    assert isinstance(workforce_explorer(LODE_VALLEY, runs=20), ipywidgets.VBox)


def test_the_chart_is_drawn_once_then_moved_and_looks_the_same_every_time(explorer):
    bands, median, need = explorer.bands, explorer.median, explorer.need_line
    explorer.sliders["intake"].value = 4.0
    explorer.levers["retainer"].value = True
    assert explorer.bands is bands and explorer.median is median and explorer.need_line is need
    assert len(explorer.axis.lines) == 2 and len(explorer.axis.collections) == 2
    outer, inner = bands
    assert to_rgba(outer.get_facecolor()[0])[:3] == to_rgba(SKY)[:3] == to_rgba(inner.get_facecolor()[0])[:3]
    assert outer.get_alpha() < inner.get_alpha()  # the nine-in-ten band is the paler
    assert to_rgba(median.get_color()) == to_rgba(BLUE)
    assert to_rgba(need.get_color()) == to_rgba(VERMILLION) and need.get_linestyle() == "--"
    assert explorer.axis.get_title(loc="left") == "GP full-time equivalents (FTE), at 30 September each year"
    assert explorer.axis.xaxis.get_major_formatter()(3, 0) == "2022"
    assert [tick for tick in explorer.axis.get_xticks() if 0 <= tick <= 10] == list(range(11))
    assert png_size(explorer.chart.value)[0] == png_size(explorer.key.value)[0] == int(7.6 * 96)
    assert png_size(explorer.chart.value)[1] == int(3.4 * 96)
    assert alt_text(explorer.key.value) == (
        "Key: median of the runs, middle half of the runs (25% to 75%), nine runs in ten (5% to 95%), "
        "GP FTE the PCN needs for its patients.")


def test_fewer_runs_and_another_seed_make_another_fan():
    explorer = WorkforceExplorer(LODE_VALLEY, runs=50, seed=7)
    assert plain(explorer.summary.value) == expected_summary(LODE_VALLEY, runs=50, seed=7)
    assert alt_text(explorer.chart.value) == expected_alt(LODE_VALLEY, runs=50, seed=7)
    assert plain(explorer.summary.value) != expected_summary(LODE_VALLEY, runs=50)  # the seed is used


def test_an_explorer_starts_where_it_is_given_even_beyond_its_sliders():
    busy = replace(LODE_VALLEY, joiners_per_year=(JOINERS[0], 8.0, JOINERS[2]), part_time_drift=0.06)
    explorer = WorkforceExplorer(busy)
    assert explorer.workforce() == busy
    assert explorer.sliders["intake"].max == 8.0 and explorer.sliders["part_time_drift"].max == 0.06
    assert plain(explorer.summary.value) == expected_summary(busy)


def test_numbers_are_written_as_a_reader_writes_them():
    assert fte_text(15.63) == "15.6" and fte_text(1234.56) == "1,234.6"
    assert fte_text(-1.24) == f"{MINUS}1.2" and fte_text(-0.04) == "0.0"
    assert gap_text(5.94) == "5.9 FTE short" and gap_text(-1.2) == "1.2 FTE to spare"
    assert gap_text(0.04) == "none" and gap_text(-0.04) == "none" and gap_text(0.06) == "0.1 FTE short"


# ---- the costs explorer ----------------------------------------------------------------------------


@pytest.fixture
def costs():
    return LeverCostsExplorer(LODE_VALLEY, COSTS)


def kept_in_break_even_units(appraisal):
    """GP FTE-years for the four GP levers, nurse FTE-years for the nurses' lever (as the case has them)."""
    gp = appraisal["lever"] != "nurse_development"
    return np.where(gp, appraisal["gp_fte_years_kept"], appraisal["nurse_fte_years_kept"])


def expected_rows(appraisal) -> dict:
    return {row.label: [money(row.cost_gbp, 1000), one(row.gp_fte_years_kept), one(row.nurse_fte_years_kept),
                        one(row.leavers_avoided), money(row.savings_gbp, 1000), money(row.net_gbp, 1000),
                        "never" if np.isinf(row.break_even_fte_years) else one(row.break_even_fte_years)]
            for row in appraisal.itertuples()}


def premium_by_hand(locum: float = 350, weeks: float = 42) -> float:
    """A locum's 9 sessions a week for the weeks worked, less a salaried GP's £73,776 and 26% on-costs."""
    return locum * 9 * weeks - 73_776 * 1.26


def test_the_table_is_the_models_appraisal(costs):
    appraisal = lever_appraisal(LODE_VALLEY, LEVERS, COSTS, 10)
    rows = cells(costs.table.value)
    assert rows[""] == ["Cost over ten years", "GP FTE-years kept", "Nurse FTE-years kept", "Leavers avoided",
                        "Savings", "Net (savings less cost)", "Break-even (FTE-years)"]
    assert list(rows)[1:] == LABELS
    assert {label: rows[label] for label in LABELS} == expected_rows(appraisal)
    assert all(cell.startswith("£") or cell.startswith(f"{MINUS}£") for label in LABELS for cell in (rows[label][0], rows[label][4]))
    assert caption(costs.table.value) == (
        "Each lever against the workforce without it, over ten years, money to the nearest £1,000. Savings: the "
        "locum or agency cover avoided for the FTE-years kept, and a recruitment round for each leaver avoided. A "
        "lever pays for itself (its net is above £0) when the FTE-years it keeps reach its break-even.")
    assert costs.appraisal.equals(appraisal)


def test_the_summary_is_the_cover_premium_and_the_cost_of_a_leaver_by_hand(costs):
    premium = premium_by_hand()
    assert premium == pytest.approx(39_342.24)
    assert plain(costs.summary.value) == (
        f"Covering a GP with locums: {money(premium, 100)} a year more than employing a salaried GP, for each FTE"
        f"A full-time GP leaving costs the practice: {money(premium / 2 + 8_000, 100)}: {money(premium / 2, 100)} of "
        f"locum cover while the post is open for 6 months, and £8,000 to recruit. The NHS loses the £230,000 it "
        f"spent training them."
        f"Levers that pay for themselves over ten years: {(lever_appraisal()['net_gbp'] >= 0).sum()} of 5"
    )
    assert money(premium, 100) == "£39,300" and money(premium / 2 + 8_000, 100) == "£27,700"


@pytest.mark.parametrize("name, value, changed", [
    ("locum_gbp_per_session", 420.0, {"locum_gbp_per_session": 420.0}),
    ("recruitment_gbp_per_gp", 15_000.0, {"recruitment_gbp_per_hire": (15_000.0, 3_000)}),
    ("vacancy_months", 3.0, {"vacancy_months": 3.0}),
    ("nurse_cover_premium_gbp_per_fte_year", 20_000.0, {"nurse_cover_premium_gbp_per_fte_year": 20_000.0}),
])
def test_each_slider_moves_its_own_price_and_the_results(costs, name, value, changed):
    before_summary, before_table = costs.summary.value, costs.table.value
    costs.sliders[name].value = value
    prices = RetentionCosts(**changed)
    assert costs.costs() == prices
    appraisal = lever_appraisal(LODE_VALLEY, LEVERS, prices, 10)
    rows = cells(costs.table.value)
    assert {label: rows[label] for label in LABELS} == expected_rows(appraisal)
    np.testing.assert_allclose([bar.get_width() for bar in costs.bars["kept"]], kept_in_break_even_units(appraisal))
    np.testing.assert_allclose([bar.get_width() for bar in costs.bars["break_even"]], appraisal["break_even_fte_years"])
    if name == "vacancy_months":  # how long a post is open is the cost of a leaver, not of a lever
        assert costs.table.value == before_table and costs.summary.value != before_summary
        assert "£19,700 of locum cover" not in plain(costs.summary.value)
        assert f"{money(premium_by_hand() / 4, 100)} of locum cover while the post is open for 3 months" in plain(costs.summary.value)
    elif name == "nurse_cover_premium_gbp_per_fte_year":
        assert rows["Practice nurse development"] != cells(before_table)["Practice nurse development"]
        assert rows["Retainer scheme"] == cells(before_table)["Retainer scheme"]  # a GP lever: the same
    else:
        assert costs.table.value != before_table and costs.summary.value != before_summary


def test_the_locum_price_moves_the_premium_by_hand(costs):
    costs.sliders["locum_gbp_per_session"].value = 500.0
    assert premium_by_hand(500) == pytest.approx(96_042.24)
    assert plain(costs.summary.value).startswith("Covering a GP with locums: £96,000 a year more than employing")
    assert "A full-time GP leaving costs the practice: £56,000: £48,000 of locum cover" in plain(costs.summary.value)


def test_cheap_locums_mean_a_gp_lever_can_never_pay_for_itself(costs):
    costs.sliders["locum_gbp_per_session"].value = 240.0  # 378 sessions at £240 is £90,720: less than £92,958
    assert premium_by_hand(240) == pytest.approx(-2_237.76)
    summary = plain(costs.summary.value)
    assert summary.startswith("Covering a GP with locums: £2,200 a year less than employing a salaried GP")
    assert "Levers that pay for themselves over ten years: 0 of 5" in summary
    rows = cells(costs.table.value)
    nurses = lever_appraisal(LODE_VALLEY, LEVERS, replace(COSTS, locum_gbp_per_session=240.0))["break_even_fte_years"]
    assert [rows[label][6] for label in LABELS] == ["never"] * 4 + [one(nurses.iloc[4])]  # nurse cover: unchanged
    assert [t.get_text() for t in costs.never] == ["never"] * 4 + [""]
    assert [bar.get_width() for bar in costs.bars["break_even"]][:4] == [0, 0, 0, 0]
    xlim = costs.axis.get_xlim()
    assert costs.never[0].get_position()[0] == pytest.approx(0.01 * (xlim[1] - xlim[0]))
    assert costs.never[0].get_position()[1] == pytest.approx(0.19)  # on the break-even bar, below the lever's row
    kept = lever_appraisal(LODE_VALLEY, LEVERS, COSTS)["gp_fte_years_kept"].iloc[0]  # the prices do not move it
    assert f"Flexible and portfolio roles: keeps {one(kept)} GP FTE-years, can never pay for itself" in alt_text(costs.chart.value)
    costs.sliders["locum_gbp_per_session"].value = 350.0  # back again: the labels go
    assert [t.get_text() for t in costs.never] == [""] * 5


def test_the_chart_draws_what_each_lever_keeps_against_its_break_even(costs):
    appraisal = lever_appraisal(LODE_VALLEY, LEVERS, COSTS, 10)
    kept = kept_in_break_even_units(appraisal)
    np.testing.assert_allclose([bar.get_width() for bar in costs.bars["kept"]], kept)
    np.testing.assert_allclose([bar.get_width() for bar in costs.bars["break_even"]], appraisal["break_even_fte_years"])
    assert [round(bar.get_y() + bar.get_height() / 2, 2) for bar in costs.bars["kept"]] == [-0.19, 0.81, 1.81, 2.81, 3.81]
    assert [round(bar.get_y() + bar.get_height() / 2, 2) for bar in costs.bars["break_even"]] == [0.19, 1.19, 2.19, 3.19, 4.19]
    assert all(bar.get_height() == pytest.approx(0.38) for bar in costs.bars["kept"])
    # the axis runs from 0 past the longest bar and 5% room, to the next of its ticks
    longest = max(kept.max(), appraisal["break_even_fte_years"].max())
    low, high = costs.axis.get_xlim()
    ticks = [tick for tick in costs.axis.get_xticks() if low <= tick <= high]
    assert low == 0 and high >= 1.05 * longest and high == ticks[-1] and ticks[-2] < 1.05 * longest
    assert (low, high) == axis_limits(np.concatenate([kept, appraisal["break_even_fte_years"]]))
    assert [t.get_text() for t in costs.axis.get_yticklabels()] == LABELS
    assert costs.axis.get_ylim()[0] > costs.axis.get_ylim()[1]  # the first lever at the top, as in the table
    each = "; ".join(f"{label}: keeps {one(k)} {'nurse' if label.startswith('Practice nurse') else 'GP'} FTE-years, "
                     f"must keep {one(b)}" for label, k, b in zip(LABELS, kept, appraisal["break_even_fte_years"]))
    assert alt_text(costs.chart.value) == (
        "Bar chart of each retention lever over ten years: the FTE-years it keeps against the FTE-years it must keep "
        f"to pay for itself. {each}.")


def test_the_costs_chart_is_drawn_once_and_looks_like_the_others(costs):
    kept, break_even = list(costs.bars["kept"]), list(costs.bars["break_even"])
    costs.sliders["recruitment_gbp_per_gp"].value = 12_000.0
    assert all(a is b for a, b in zip(costs.bars["kept"], kept)) and all(
        a is b for a, b in zip(costs.bars["break_even"], break_even))
    assert all(to_rgba(bar.get_facecolor()) == to_rgba(BLUE) for bar in kept)
    assert all(to_rgba(bar.get_facecolor()) == to_rgba(ORANGE) for bar in break_even)
    assert list(costs.axis.lines[0].get_xdata()) == [0, 0]  # a line at zero
    assert costs.axis.get_xlabel() == "FTE-years over ten years"
    assert costs.axis.xaxis.get_major_formatter()(-3, 0) == f"{MINUS}3" and costs.axis.xaxis.get_major_formatter()(7.5, 0) == "7.5"
    assert png_size(costs.chart.value)[0] == png_size(costs.key.value)[0] == int(7.6 * 96)
    assert png_size(costs.chart.value)[1] == int((0.7 * 5 + 0.8) * 96)  # it grows with the levers
    assert alt_text(costs.key.value) == (
        "Key: FTE-years it keeps over ten years, FTE-years it must keep to pay for itself (break-even).")
    assert png_size(costs.key.value)[1] == pytest.approx((2 * 0.22 + 0.1) * 96, abs=1)  # one column, two rows


def test_the_costs_controls_are_labelled_and_laid_out(costs):
    labels = {name: (s.description, s.min, s.max, s.step, s.readout_format, s.value) for name, s in costs.sliders.items()}
    assert labels == {
        "locum_gbp_per_session": ("Locum GP (£ a session)", 200.0, 600.0, 10.0, ",.0f", 350.0),
        "recruitment_gbp_per_gp": ("Recruiting a GP (£)", 0.0, 20_000.0, 500.0, ",.0f", 8_000.0),
        "vacancy_months": ("Months a GP post stays open", 0.0, 12.0, 1.0, ".0f", 6.0),
        "nurse_cover_premium_gbp_per_fte_year": ("Nurse cover premium (£ a year)", 0.0, 30_000.0, 1_000.0, ",.0f", 12_000.0),
    }
    for s in costs.sliders.values():
        assert s.continuous_update is False and s.layout.width == "470px"
    assert costs.costs() == COSTS
    top, chart, key, table = costs.widget.children
    controls, summary = top.children
    assert list(controls.children) == list(costs.sliders.values()) and summary is costs.summary
    assert (chart, key, table) == (costs.chart, costs.key, costs.table)
    assert isinstance(lever_costs_explorer(LODE_VALLEY, COSTS), ipywidgets.VBox)


def test_bad_prices_give_the_models_sentence_and_clear_the_table_and_chart():
    bad = replace(COSTS, on_cost_share=1.5)
    with pytest.raises(ValueError) as raised:
        lever_appraisal(LODE_VALLEY, LEVERS, bad)
    explorer = LeverCostsExplorer(LODE_VALLEY, bad)
    assert alert(explorer.summary.value) == str(raised.value)
    assert "on_cost_share must be a share between 0 and 1" in str(raised.value)
    assert explorer.chart.value == "" and explorer.table.value == "" and explorer.appraisal is None
    assert explorer.key.value
    explorer.sliders["locum_gbp_per_session"].value = 400.0  # still bad: still the sentence
    assert alert(explorer.summary.value) == str(raised.value)


def test_a_bad_workforce_gives_its_sentence_in_the_costs_explorer_too():
    bad = replace(LODE_VALLEY, joiners_per_year=(JOINERS[0], -1.0, JOINERS[2]))
    with pytest.raises(ValueError) as raised:
        lever_appraisal(bad)
    explorer = LeverCostsExplorer(bad, COSTS)
    assert alert(explorer.summary.value) == str(raised.value) and explorer.chart.value == ""


def test_the_axis_rounds_out_to_its_ticks_and_stays_put_for_small_moves(costs):
    assert axis_limits(np.array([6.5, 14.4])) == (0, 18)
    assert axis_limits(np.array([6.5, 16.0])) == (0, 18)  # 16.8 with its room: still inside
    assert axis_limits(np.array([6.5, 17.5])) == (0, 20)  # 18.4 with its room: the next ticks are 4 apart
    assert axis_limits(np.array([9.1, 35.0])) == (0, 40)
    assert axis_limits(np.array([0.0, 0.0])) == pytest.approx((0, 0.05))  # nothing kept: an axis all the same
    low, high = axis_limits(np.array([-2.0, 5.0]))  # a bar below 0 (a lever that loses FTE) shows too
    assert low <= -2.0 - 0.35 and high >= 5.0 + 0.35 and (low, high) == (-3, 6)
    before = costs.axis.get_xlim()
    costs.sliders["recruitment_gbp_per_gp"].value = 8_500.0  # the bars move a little; the axis stays put
    assert costs.axis.get_xlim() == before


def test_break_even_is_written_as_a_reader_would_say_it():
    assert break_even_text(6.18) == "6.2"
    assert break_even_text(0.0) == "none needed"
    assert break_even_text(float("inf")) == "never"


def test_a_lever_that_pays_on_recruitment_alone_says_so():
    cheap = {"cheap": RetentionLever("A thank-you card", ("salaried_gp",), (0,), leaver_rate_reduction=0.2,
                                     fixed_cost_gbp_per_year=10)}
    explorer = LeverCostsExplorer(LODE_VALLEY, COSTS, levers=cheap)
    appraisal = lever_appraisal(LODE_VALLEY, cheap, COSTS)
    assert appraisal["break_even_fte_years"].iloc[0] == 0  # £100 over ten years; a recruitment round is £8,000
    assert cells(explorer.table.value)["A thank-you card"][6] == "none needed"
    assert alt_text(explorer.chart.value).endswith(
        f"A thank-you card: keeps {one(appraisal['gp_fte_years_kept'].iloc[0])} GP FTE-years, pays for itself on the "
        "recruitment it saves.")
    assert explorer.never[0].get_text() == ""
    assert png_size(explorer.chart.value)[1] == int((0.7 * 1 + 0.8) * 96)


# ---- the notebook's charts of the staff records ----------------------------------------------------


@pytest.fixture(scope="module")
def staff():
    from academy.data import load_staff_records

    return load_staff_records()


def percent(value: float) -> str:
    return f"{round(100 * value)}%"


def test_the_turnover_chart_draws_the_models_table(staff):
    from academy.models.staff_retention import turnover_and_stability
    from academy.widgets.workforce_explorer import turnover_alt_text, turnover_figure

    table = turnover_and_stability(staff)
    axis = turnover_figure(table).axes[0]
    turnover, stability = axis.lines
    years = [2010 + k for k in range(10)]
    assert list(turnover.get_xdata()) == years == list(stability.get_xdata())
    np.testing.assert_allclose(turnover.get_ydata(), table["turnover"])
    np.testing.assert_allclose(stability.get_ydata(), table["stability"])
    assert to_rgba(turnover.get_color()) == to_rgba(VERMILLION) and to_rgba(stability.get_color()) == to_rgba(BLUE)
    assert stability.get_linestyle() == "--" and turnover.get_linestyle() == "-"  # told apart without colour
    assert axis.get_ylim() == (0, 1) and axis.yaxis.get_major_formatter()(0.2, 0) == "20%"
    assert axis.get_xlabel() == "Year to 30 September"
    assert [t.get_text() for t in axis.get_legend().get_texts()] == [
        "turnover: leavers over the average headcount",
        "stability: share of those in post at the start still in post at the end"]
    t, s = table["turnover"], table["stability"]
    assert turnover_alt_text(table) == (
        f"Line chart of the team's turnover and stability in each year to 30 September, 2010 to 2019. Turnover runs "
        f"from {percent(t.min())} ({years[t.argmin()]}) to {percent(t.max())} ({years[t.argmax()]}), and is "
        f"{percent(t.iloc[-1])} in the last year. Stability stays between {percent(s.min())} ({years[s.argmin()]}) and "
        f"{percent(s.max())} ({years[s.argmax()]}), and is {percent(s.iloc[-1])} in the last year.")
    assert t.iloc[-1] == table["leavers"].iloc[-1] / ((table["headcount_start"].iloc[-1] + table["headcount_end"].iloc[-1]) / 2)


def four_people():
    """Four salaried GPs who started after the records began: they stay 1, 3, 5 (still in post) and 6 years."""
    import pandas as pd

    start = pd.to_datetime(["2012-01-01", "2012-01-01", "2014-09-30", "2013-01-01"])
    years = [1, 3, None, 6]
    end = [s + pd.DateOffset(years=y) if y else pd.NaT for s, y in zip(start, years)]
    return pd.DataFrame({"staff_id": ["A", "B", "C", "D"], "role": "salaried_gp", "age_at_start": [30, 31, 52, 40],
                         "start_date": start, "end_date": pd.to_datetime(end)})


def test_the_retention_charts_alt_text_is_the_estimate_worked_by_hand():
    from academy.models.staff_retention import median_tenure_years, retention_curves
    from academy.widgets.workforce_explorer import retention_alt_text

    records = four_people()
    curves = retention_curves(records, by="role")
    # by hand: 4 at risk, one leaves at 1 year (3/4 stay); 3 at risk, one leaves at 3 (2/3 of 3/4 = 1/2);
    # C is still in post at 5 (censored: counted at risk until then, never as a leaver); D leaves at 6 (0)
    assert curves["still_in_post"].iloc[-1] == 0 and curves["still_in_post"].iloc[1] == pytest.approx(0.75)
    by_age = retention_curves(records, by="age_group_at_start")
    medians, medians_by_age = median_tenure_years(records, by="role"), median_tenure_years(records, by="age_group_at_start")
    assert medians["median_years"].iloc[0] == pytest.approx(3, abs=0.01)
    assert retention_alt_text(curves, by_age, medians, medians_by_age) == (
        "Two charts of the share of staff still in post by years since starting, Kaplan-Meier estimates with 95% "
        "confidence bands and a dotted line at one half. Left, by role: salaried GPs (4 people, 3 leavers): 75% still "
        "in post after 2 years, half had left by 3.0 years. Right, by age at start: under 35 (2 people, 2 leavers): "
        "50% still in post after 2 years, half had left by 1.0 years; 35 to 49 (1 person, 1 leaver): 100% still in "
        "post after 2 years, half had left by 6.0 years; 50 and over (1 person, 0 leavers): 100% still in post after 2 "
        "years, more than half were still in post at the longest time observed.")


def test_a_curve_that_ends_before_two_years_says_only_its_median():
    from academy.models.staff_retention import median_tenure_years, retention_curves
    from academy.widgets.workforce_explorer import retention_alt_text

    records = four_people().iloc[[0]]  # one GP, who left after a year
    curves = retention_curves(records, by="role")
    text = retention_alt_text(curves, curves, median_tenure_years(records), median_tenure_years(records))
    assert "salaried GPs (1 person, 1 leaver): half had left by 1.0 years." in text
    assert "still in post after" not in text


def test_the_retention_chart_draws_each_curve_with_its_band(staff):
    from academy.models.staff_retention import retention_curves
    from academy.widgets.workforce_explorer import retention_figure

    by_role, by_age = retention_curves(staff, by="role"), retention_curves(staff, by="age_group_at_start")
    figure = retention_figure(by_role, by_age)
    left, right = figure.axes
    colours = {"GP partners": BLUE, "practice nurses": "#009E73", "salaried GPs": VERMILLION,
               "under 35": SKY, "35 to 49": ORANGE, "50 and over": "#CC79A7"}
    for axis, curves, groups in ((left, by_role, ["gp_partner", "practice_nurse", "salaried_gp"]),
                                 (right, by_age, ["under 35", "35 to 49", "50 and over"])):
        steps = [line for line in axis.lines if line.get_drawstyle() == "steps-post"]
        assert len(steps) == 3 and len(axis.collections) == 3
        for line, group, band in zip(steps, groups, axis.collections):
            curve = curves[curves["group"] == group]
            np.testing.assert_allclose(line.get_xdata(), curve["years"])
            np.testing.assert_allclose(line.get_ydata(), curve["still_in_post"])
            assert to_rgba(line.get_color()) == to_rgba(colours[line.get_label()])
            vertices = band.get_paths()[0].vertices
            assert vertices[:, 1].min() == pytest.approx(curve["lower"].min())
            assert vertices[:, 1].max() == pytest.approx(curve["upper"].max())
            assert band.get_alpha() == pytest.approx(0.18)
        half = [line for line in axis.lines if line.get_drawstyle() != "steps-post"]
        assert len(half) == 1 and list(half[0].get_ydata()) == [0.5, 0.5]
        assert axis.get_ylim() == (0, 1.02) and axis.get_xlim()[0] == 0
        assert axis.get_xlabel() == "Years since starting"
    assert [line.get_label() for line in left.lines[:3]] == ["GP partners", "practice nurses", "salaried GPs"]
    assert left.get_title(loc="left") == "By role" and right.get_title(loc="left") == "By age at start"
    assert left.get_ylabel() == "Still in post" and left.yaxis.get_major_formatter()(0.5, 0) == "50%"
