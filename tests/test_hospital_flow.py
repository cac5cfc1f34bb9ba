"""The hospital flow model against theory: Erlang C, Little's law, conservation of patients, the
SimPy reference, and a sentence for every bad input. Expected values come from closed forms or from
counting the simulated patients independently, never from the function under test."""

from dataclasses import replace
from fractions import Fraction
from math import factorial

import numpy as np
import pandas as pd
import pytest

from academy.models.erlang_c import (
    UnstableQueueError,
    erlang_c_mean_wait_days,
    erlang_c_probability_of_waiting,
)
from academy.models.hospital_flow import (
    DownstreamService,
    Hospital,
    admissions_rate_per_day,
    compare_scenarios,
    intervention_scenarios,
    service_loads,
    simulate_hospital,
    simulate_mmc,
)
from academy.models.hospital_flow_simpy import simulate_hospital_simpy, weekend_deferred

# A hospital a quarter of the default size, for the slower checks.
SMALL = replace(
    Hospital(),
    beds=100,
    admissions_per_day=52 / 4,
    home_care=DownstreamService(62, 42.0, "council"),
    care_home=DownstreamService(73, 180.0, "council"),
    community_bed=DownstreamService(14, 21.0, "nhs"),
)


@pytest.fixture(scope="module")
def year():
    """The default hospital, 20 replications of a year, with every patient kept."""
    return simulate_hospital(replications=20, keep_patients=True)


# -- Erlang C --------------------------------------------------------------------------------------


def test_erlang_c_matches_hand_worked_queues():
    # M/M/1 with load 0.5: P(wait) = 0.5, Wq = rho / (mu - lambda) = 0.5 / 0.5 = 1 day.
    assert erlang_c_probability_of_waiting(0.5, 1.0, 1) == pytest.approx(0.5)
    assert erlang_c_mean_wait_days(0.5, 1.0, 1) == pytest.approx(1.0)
    # M/M/2 with a = 1: P0 = 1 / (1 + 1 + 1 / (2 x 0.5)) = 1/3, C = 1/3, Wq = (1/3) / (2 - 1).
    assert erlang_c_probability_of_waiting(1.0, 1.0, 2) == pytest.approx(1 / 3)
    assert erlang_c_mean_wait_days(1.0, 1.0, 2) == pytest.approx(1 / 3)
    # Service time in days scales the wait: the same queue with places held 3 days and a third of the arrivals.
    assert erlang_c_mean_wait_days(1 / 3, 3.0, 2) == pytest.approx(1.0)


@pytest.mark.parametrize("load, servers", [(7.0, 10), (18.5, 20), (0.9, 1), (230.0, 236)])
def test_erlang_c_recurrence_matches_the_textbook_sum(load, servers):
    # The textbook sum in exact fractions (in floats it overflows for hundreds of places).
    a = Fraction(load)
    terms = sum(a**k / factorial(k) for k in range(servers))
    top = a**servers / factorial(servers) * servers / (servers - a)
    assert erlang_c_probability_of_waiting(load, 1.0, servers) == pytest.approx(float(top / (terms + top)), rel=1e-9)


@pytest.mark.parametrize("arrivals, service, servers, days", [(4.0, 2.0, 10, 40_000), (1.0, 3.0, 4, 100_000)])
def test_simulated_mmc_waits_are_within_two_percent_of_erlang_c(arrivals, service, servers, days):
    runs = simulate_mmc(arrivals, service, servers, days, replications=100, seed=7)
    assert list(runs.columns) == ["replication", "mean_wait_days", "patients"]
    assert len(runs) == 100
    # Only arrivals after the first fifth are counted: about arrivals x 4/5 of the days each.
    assert runs["patients"].mean() == pytest.approx(arrivals * days * 0.8, rel=0.01)
    simulated = runs["mean_wait_days"].mean()
    assert runs["mean_wait_days"].std() / np.sqrt(100) < 0.007 * simulated  # precise enough to judge 2%
    assert simulated == pytest.approx(erlang_c_mean_wait_days(arrivals, service, servers), rel=0.02)


def test_an_unstable_queue_is_reported_not_simulated():
    with pytest.raises(UnstableQueueError, match="servers is 20.*load is 20.0"):
        simulate_mmc(10.0, 2.0, 20, 1_000, 5)
    with pytest.raises(UnstableQueueError):
        erlang_c_mean_wait_days(10.0, 2.0, 19)
    with pytest.raises(UnstableQueueError, match=r"home_care\.capacity is 100"):
        simulate_hospital(replace(Hospital(), home_care=DownstreamService(100, 42.0, "council")), replications=2)


@pytest.mark.parametrize("args, name", [
    ((0.0, 2.0, 3, 100, 2), "arrivals_per_day"),
    ((1.0, -2.0, 3, 100, 2), "mean_service_days"),
    ((1.0, 2.0, 2.5, 100, 2), "servers"),
    ((1.0, 2.0, 3, 0, 2), "days"),
    ((1.0, 2.0, 3, 100, 0), "replications"),
])
def test_mmc_names_a_bad_input(args, name):
    with pytest.raises(ValueError, match=name):
        simulate_mmc(*args)


def test_the_hospitals_own_queue_waits_as_erlang_c_says():
    # Poisson admissions, every patient going to home care as soon as fit, no weekday, winter or weekend
    # effects: home care is then an M/M/c queue (Poisson arrivals delayed by independent stays stay
    # Poisson). By Little's law the mean number waiting at midnight is arrivals a day x mean wait.
    plain = replace(
        Hospital(), admissions_per_day=8.0, weekday_admissions=(1.0,) * 7, winter_uplift=0.0,
        frail_share=0.0, destination_other=(0.0, 1.0, 0.0, 0.0), assessment_days=0.0,
        weekend_discharge_share=1.0, home_care=DownstreamService(6, 0.5, "council"),
        care_home=DownstreamService(1, 1.0, "council"), community_bed=DownstreamService(1, 1.0, "nhs"),
    )
    run = simulate_hospital(plain, days=20_000, replications=40, seed=101)
    waits = run.daily.groupby("replication")["waiting_home_care"].mean() / 8.0
    assert waits.std() / np.sqrt(40) < 0.007 * waits.mean()  # precise enough to judge 2%
    assert waits.mean() == pytest.approx(erlang_c_mean_wait_days(8.0, 0.5, 6), rel=0.02)


# -- conservation and Little's law -------------------------------------------------------------------


def midnight_counts(patients: pd.DataFrame, begin: str, end: str, days: int) -> np.ndarray:
    """Count, by brute force, the patients in [begin, end) at each midnight, for each replication."""
    midnights = np.arange(1, days + 1)
    counts = []
    for _, group in patients.groupby("replication"):
        b = group[begin].to_numpy()[:, None]
        e = group[end].fillna(np.inf).to_numpy()[:, None]
        counts.append(((b < midnights) & (e >= midnights)).sum(axis=0))
    return np.concatenate(counts)


def test_the_midnight_censuses_count_the_patients(year):
    patients, daily = year.patients, year.daily
    assert (daily["occupied_beds"].to_numpy() == midnight_counts(patients, "admitted_day", "left_day", 365)).all()
    assert (daily["delayed_patients"].to_numpy() == midnight_counts(patients, "fit_day", "left_day", 365)).all()
    home_care = patients[patients["destination"] == "home_care"]
    assert (daily["waiting_home_care"].to_numpy() == midnight_counts(home_care, "fit_day", "place_day", 365)).all()
    assert (daily["delayed_nhs"] + daily["delayed_council"] == daily["delayed_patients"]).all()


def test_no_patient_is_lost(year):
    patients, daily = year.patients, year.daily
    for replication, days in daily.groupby("replication"):
        mine = patients[patients["replication"] == replication]
        admitted = ((mine["admitted_day"] >= 0) & (mine["admitted_day"] < 365)).sum()
        left = ((mine["left_day"] >= 0) & (mine["left_day"] < 365)).sum()
        assert days["admissions"].sum() == admitted
        assert days["discharges"].sum() == left
        # In at the last midnight = in at the first + admitted since - discharged since.
        occupied = days["occupied_beds"].to_numpy()
        assert occupied[-1] == occupied[0] + days["admissions"].iloc[1:].sum() - days["discharges"].iloc[1:].sum()
        # Everyone admitted by the horizon has either left or is still in.
        in_by_end = (mine["admitted_day"] < 365).sum()
        assert in_by_end == (mine["left_day"] < 365).sum() + occupied[-1]


def test_patients_leave_after_they_are_fit_and_fit_after_they_arrive(year):
    p = year.patients
    # Patients already waiting for a place when the warm-up starts are fit from that moment.
    waiting_at_start = p["admitted_day"] == -90
    assert (p.loc[~waiting_at_start, "fit_day"] > p.loc[~waiting_at_start, "admitted_day"]).all()
    assert (p.loc[waiting_at_start, "destination"] != "home").all()
    assert (p["left_day"].dropna() >= p.loc[p["left_day"].notna(), "fit_day"]).all()
    placed = p.dropna(subset=["place_day"])
    assert (placed["place_day"] >= placed["fit_day"]).all()
    assert set(p["destination"]) == {"home", "home_care", "care_home", "community_bed"}


def test_littles_law_holds_over_a_long_run():
    run = simulate_hospital(SMALL, days=3_000, replications=4, seed=5, keep_patients=True)
    p = run.patients
    inside = (p["admitted_day"] >= 0) & (p["admitted_day"] < 3_000) & p["left_day"].notna()
    stay = (p.loc[inside, "left_day"] - p.loc[inside, "admitted_day"]).mean()
    admissions_per_day = run.daily["admissions"].mean()
    assert run.daily["occupied_beds"].mean() == pytest.approx(admissions_per_day * stay, rel=0.01)


def test_admissions_follow_the_weekday_and_winter_pattern():
    run = simulate_hospital(days=365, replications=50, seed=9)
    expected = admissions_rate_per_day(Hospital(), pd.date_range("2019-04-01", periods=365, freq="D"))
    by_day = run.daily.groupby("day")["admissions"].mean().to_numpy()
    assert by_day.sum() == pytest.approx(expected.sum(), rel=0.005)
    winter = pd.DatetimeIndex(run.daily["date"].unique()).month.isin([12, 1, 2])
    assert by_day[winter].mean() / by_day[~winter].mean() == pytest.approx(1.08, rel=0.02)
    mondays = pd.DatetimeIndex(run.daily["date"].unique()).day_of_week == 0
    assert by_day[mondays].mean() > by_day[~mondays].mean()


# -- the levers --------------------------------------------------------------------------------------


def test_without_weekend_discharges_nobody_leaves_at_the_weekend():
    closed = simulate_hospital(replace(Hospital(), weekend_discharge_share=0.0), days=70, replications=3)
    weekend = pd.to_datetime(closed.daily["date"]).dt.day_of_week >= 5
    assert closed.daily.loc[weekend, "discharges"].sum() == 0
    assert closed.daily.loc[~weekend, "discharges"].sum() > 0
    open_ = simulate_hospital(replace(Hospital(), weekend_discharge_share=1.0), days=70, replications=3)
    assert open_.daily.loc[weekend, "discharges"].mean() > 20


def test_weekend_rule_moves_to_monday_midday():
    # Day 0 is a Monday; day 5 (Saturday) and 6 (Sunday) move to day 7.5 unless the draw lets them go.
    assert weekend_deferred(5.3, 0.9, 0.7, 0) == 7.5
    assert weekend_deferred(6.9, 0.7, 0.7, 0) == 7.5
    assert weekend_deferred(6.9, 0.69, 0.7, 0) == 6.9
    assert weekend_deferred(4.9, 0.99, 0.0, 0) == 4.9
    assert weekend_deferred(-1.5, 0.99, 0.0, 0) == 0.5  # the Sunday before day 0


def test_discharge_to_assess_takes_the_councils_waits_out_of_hospital():
    everyone = replace(Hospital(), discharge_to_assess_share=1.0)
    run = simulate_hospital(everyone, replications=5, seed=4)
    # Only home care and care homes are assessed at home, and both are the council's: no council delays.
    assert run.daily["delayed_council"].sum() == 0
    at_home = run.daily.groupby("replication")["discharge_to_assess_at_home"].sum()
    assert (at_home > 0).all()
    expected = at_home * everyone.discharge_to_assess_hours_per_day * everyone.home_care_gbp_per_hour
    assert np.allclose(run.replications["discharge_to_assess_cost_gbp"], expected)
    before = simulate_hospital(replications=5, seed=4).replications["delayed_bed_days"].mean()
    assert run.replications["delayed_bed_days"].mean() < 0.7 * before


def test_anticipatory_care_avoids_that_share_of_frail_admissions():
    fewer = replace(Hospital(), frail_admissions_avoided=0.2)
    dates = pd.date_range("2019-04-01", periods=365, freq="D")
    # A quarter of admissions are frail; avoiding 20% of them avoids 5% of all admissions.
    assert admissions_rate_per_day(fewer, dates).sum() == pytest.approx(0.95 * admissions_rate_per_day(Hospital(), dates).sum())
    loads, base = service_loads(fewer), service_loads(Hospital())
    assert loads["care_home"] < base["care_home"]


def test_delays_are_costed_and_attributed():
    run = simulate_hospital(replications=5, seed=1)
    r = run.replications
    assert np.allclose(r["delay_cost_gbp"], 329.0 * r["delayed_bed_days"])
    assert np.allclose(r["delay_cost_nhs_responsible_gbp"] + r["delay_cost_council_responsible_gbp"], r["delay_cost_gbp"])
    # Community beds are the NHS's: made the council's, the council's share of delays grows.
    moved = simulate_hospital(replace(Hospital(), community_bed=DownstreamService(57, 21.0, "council")),
                              replications=5, seed=1).replications
    assert (moved["delayed_bed_days_council"] > r["delayed_bed_days_council"]).all()
    assert np.array_equal(moved["delayed_bed_days"], r["delayed_bed_days"])


def test_occupancy_thresholds_count_the_crisis_days():
    run = simulate_hospital(replications=3, seed=2)
    daily = run.daily
    for threshold, column in ((0.85, "days_above_85"), (0.92, "days_above_92"), (1.0, "days_over_capacity")):
        expected = (daily["occupied_beds"] > threshold * 400).groupby(daily["replication"]).sum()
        assert (run.replications[column].to_numpy() == expected.to_numpy()).all()
    assert (run.replications["peak_occupancy"] == daily.groupby("replication")["occupied_beds"].max() / 400).all()


def test_the_default_trust_is_calibrated_to_the_cited_figures():
    run = simulate_hospital(replications=50)
    daily = run.daily
    winter = pd.to_datetime(daily["date"]).dt.month.isin([12, 1, 2])
    assert 0.90 <= daily["occupancy"].mean() <= 0.94  # "averaged over 90%" (King's Fund, 2016/17)
    assert daily.loc[winter, "occupancy"].mean() > 0.95  # "often over 95% in winter"
    stay = daily["occupied_beds"].sum() / daily["admissions"].sum()
    assert 6.5 <= stay <= 7.8  # 7.3 days on average in 2019 (Health Foundation)
    delayed_share_of_beds = daily["delayed_patients"].mean() / 400
    assert 0.03 <= delayed_share_of_beds <= 0.07
    nhs_share = daily["delayed_nhs"].sum() / daily["delayed_patients"].sum()
    assert 0.45 <= nhs_share <= 0.7  # the NHS was responsible for 58-61% of delayed days, 2016-19


# -- engine: seeds, threads, the SimPy reference --------------------------------------------------------


@pytest.mark.parametrize("cores", [1, 3, 8])
def test_a_seed_gives_the_same_run_whatever_the_cores(monkeypatch, cores):
    first = simulate_hospital(replications=6, seed=11, keep_patients=True)
    monkeypatch.setattr("academy.models.hospital_flow.os.cpu_count", lambda: cores)
    other = simulate_hospital(replications=6, seed=11, keep_patients=True)
    pd.testing.assert_frame_equal(first.daily, other.daily)
    pd.testing.assert_frame_equal(first.patients, other.patients)
    other = simulate_hospital(replications=6, seed=12).daily
    assert not first.daily["occupied_beds"].equals(other["occupied_beds"])


def test_the_fast_engine_agrees_with_the_simpy_reference():
    # Two independent implementations of one model: the means of each measure over replications must
    # agree within sampling error (a two-sample z of at most 3.5).
    reference = simulate_hospital_simpy(SMALL, days=200, replications=30, seed=8).replications
    fast = simulate_hospital(SMALL, days=200, replications=400, seed=2).replications
    for measure in ("admissions", "discharges", "mean_occupancy", "days_above_92", "delayed_bed_days",
                    "delayed_bed_days_council", "days_over_capacity"):
        a, b = reference[measure], fast[measure]
        se = np.sqrt(a.var() / len(a) + b.var() / len(b))
        assert abs(a.mean() - b.mean()) <= 3.5 * se, measure
    pd.testing.assert_index_equal(reference.columns, fast.columns)


# -- interventions -------------------------------------------------------------------------------------


def test_the_interventions_change_what_they_say_and_cost_what_they_say():
    table = intervention_scenarios()
    base = Hospital()
    assert len(table) == 6 and table["scenario"].iloc[0] == "As now"
    more, sooner, assess, seven, anticipate = table["hospital"].iloc[1:]
    assert more.home_care.capacity == base.home_care.capacity + 20
    assert replace(more, home_care=base.home_care) == base
    assert (sooner.mean_days_to_fit_frail, sooner.mean_days_to_fit_other) == (9.5, 5.0)
    assert assess.discharge_to_assess_share == 0.5 and seven.weekend_discharge_share == 1.0
    assert anticipate.frail_admissions_avoided == 0.1
    # 20 packages x 10 hours a week x 52 weeks x £16.12 an hour, paid by the council.
    assert table["fixed_cost_council_gbp"].iloc[1] == pytest.approx(20 * 10 * 52 * 16.12)
    assert table["fixed_cost_nhs_gbp"].iloc[1] == 0
    assert table["fixed_cost_nhs_gbp"].iloc[4:].tolist() == [250_000.0, 150_000.0]


def test_comparing_scenarios_gives_savings_with_confidence_intervals():
    table = intervention_scenarios(extra_home_care_packages=30)
    result = compare_scenarios(table, replications=40)
    saved = result[result["measure"] == "delayed_bed_days_saved"].set_index("scenario")
    assert saved.loc["As now", "mean"] == 0 and saved.loc["As now", "ci_low"] == 0
    assert saved.loc["30 more home-care packages", "ci_low"] > 0
    assert (result["ci_low"] <= result["mean"]).all() and (result["mean"] <= result["ci_high"]).all()
    council = result[result["measure"] == "net_cost_council_gbp"].set_index("scenario")["mean"]
    assert council["30 more home-care packages"] == pytest.approx(30 * 10 * 52 * 16.12)
    # The NHS's net cost is its spending less the delayed days saved, at £329 each.
    nhs = result[result["measure"] == "net_cost_nhs_gbp"].set_index("scenario")["mean"]
    assert nhs["Seven-day discharge"] == pytest.approx(250_000 - 329 * saved.loc["Seven-day discharge", "mean"])


# -- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("change, name", [
    ({"home_care": DownstreamService(-5, 42.0, "council")}, r"home_care\.capacity"),
    ({"care_home": DownstreamService(270, 0.0, "council")}, r"care_home\.mean_days"),
    ({"community_bed": DownstreamService(54, 21.0, "the CCG")}, r"community_bed\.budget"),
    ({"beds": 0}, "beds"),
    ({"admissions_per_day": -1.0}, "admissions_per_day"),
    ({"frail_share": 1.2}, "frail_share"),
    ({"weekday_admissions": (1.0,) * 6}, "weekday_admissions"),
    ({"destination_frail": (0.5, 0.3, 0.1, 0.2)}, "destination_frail"),
    ({"occupancy_thresholds": (0.85, 1.05)}, "occupancy_thresholds"),
    ({"weekend_discharge_share": 1.5}, "weekend_discharge_share"),
    ({"start_date": "the first of April"}, "start_date"),
])
def test_bad_input_gets_a_sentence_naming_the_parameter(change, name):
    with pytest.raises(ValueError, match=name):
        simulate_hospital(replace(Hospital(), **change), replications=2)


@pytest.mark.parametrize("kwargs, name", [
    ({"days": 0}, "days"), ({"replications": 1.5}, "replications"), ({"warm_up_days": -1}, "warm_up_days"),
])
def test_bad_run_lengths_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        simulate_hospital(**kwargs)


def test_a_shorter_stay_cannot_be_longer_than_the_stay():
    with pytest.raises(ValueError, match="shorter_stay_days"):
        intervention_scenarios(shorter_stay_days=6.0)


@pytest.mark.parametrize("kwargs, message", [
    ({"extra_home_care_packages": -1}, r"^extra_home_care_packages must be a whole number, 0 or more"),
    ({"shorter_stay_days": -0.5}, r"^shorter_stay_days must be 0 or more"),
    ({"shorter_stay_days": 10.0}, r"^shorter_stay_days must be less than mean_days_to_fit_frail \(10 days\)"),
    ({"shorter_stay_days": 5.5}, r"^shorter_stay_days must be less than mean_days_to_fit_other \(5\.5 days\)"),
    ({"discharge_to_assess_share": 1.2}, r"^discharge_to_assess_share must be a share"),
    ({"frail_admissions_avoided": -0.1}, r"^frail_admissions_avoided must be a share"),
    ({"seven_day_discharge_gbp_per_year": -1.0}, r"^seven_day_discharge_gbp_per_year must be 0 or more"),
    ({"anticipatory_care_gbp_per_year": -1.0}, r"^anticipatory_care_gbp_per_year must be 0 or more"),
])
def test_each_intervention_setting_is_checked_and_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        intervention_scenarios(**kwargs)


def test_no_extra_packages_is_a_valid_scenario_that_changes_nothing():
    table = intervention_scenarios(extra_home_care_packages=0, shorter_stay_days=0.0)
    assert table["hospital"].iloc[1] == Hospital() and table["fixed_cost_council_gbp"].iloc[1] == 0
    assert table["hospital"].iloc[2] == Hospital()


def test_the_comparison_table_and_its_intervals():
    base = replace(Hospital(), discharge_to_assess_share=0.2)  # some discharge to assess already
    table = intervention_scenarios(base).iloc[[0, 3]]  # as now, and discharge to assess for half
    result = compare_scenarios(table, days=120, replications=2, seed=4)
    assert list(result.columns) == ["scenario", "pays", "measure", "mean", "ci_low", "ci_high"]
    assert compare_scenarios(table, days=120, replications=2, seed=4).equals(result)
    assert np.isfinite(result[["ci_low", "ci_high"]].to_numpy()).all()  # two years give an interval
    single = compare_scenarios(table, days=120, replications=1, seed=4)
    assert single["ci_low"].isna().all() and single["ci_high"].isna().all()  # one year gives no interval
    # The NHS's net cost of more discharge to assess: the extra support at home, less the bed-days saved.
    runs = [simulate_hospital(h, 120, 2, 4).replications for h in table["hospital"]]
    extra_support = (runs[1]["discharge_to_assess_cost_gbp"] - runs[0]["discharge_to_assess_cost_gbp"]).mean()
    saved = (runs[0]["delayed_bed_days"] - runs[1]["delayed_bed_days"]).mean()
    nhs = result[result["measure"] == "net_cost_nhs_gbp"].set_index("scenario")["mean"].iloc[1]
    assert nhs == pytest.approx(extra_support - 329 * saved)
    with pytest.raises(ValueError, match=r"^confidence must be a share"):
        compare_scenarios(table, confidence=95)


def test_the_pure_queue_run_is_reproducible_and_numbered():
    first = simulate_mmc(2.0, 1.0, 3, 200, 1)
    assert simulate_mmc(2.0, 1.0, 3, 200, 1).equals(first)  # the default seed is fixed
    assert first["replication"].tolist() == [0]
    assert simulate_mmc(2.0, 1.0, 3, 200, 4, seed=1)["replication"].tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match=r"^days must be above 0"):
        simulate_mmc(2.0, 1.0, 3, -5, 1)
    with pytest.raises(ValueError, match=r"^replications must be a whole number, 1 or more"):
        simulate_mmc(2.0, 1.0, 3, 200, 0)
