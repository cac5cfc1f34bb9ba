"""The workforce projection: people conserved, the steady state, ageing by hand, FTE, need, levers and
the Monte Carlo fan. Expected values come from hand calculation or closed forms, not from the model."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from academy.models.workforce_projection import (
    AGE_BANDS, GP_ROLES, LEVERS, ROLES, RetentionLever, Workforce, band_labels, fte_quantiles, fte_runs,
    gp_fte_needed, project_workforce, steady_state_headcount, with_levers,
)


def totals(projection: pd.DataFrame, column: str) -> pd.DataFrame:
    return projection.groupby(["year", "role"])[column].sum().unstack()


def one_role(rate=0.1, headcount=(10, 10, 10, 10), joiners=2.0, mix=(1, 0, 0, 0), fte=(1, 1, 1, 1),
             bands=AGE_BANDS, drift=0.0) -> Workforce:
    return Workforce(roles=("gp",), age_bands=bands, headcount=(tuple(headcount),), fte_per_head=(tuple(fte),),
                     leaver_rates=((rate,) * len(bands),), joiners_per_year=(joiners,),
                     joiner_age_mix=(tuple(mix),), part_time_drift=drift)


def test_the_default_census_is_the_pcns():
    census = project_workforce(years=1).query("year == 0")
    heads = census.groupby("role")["headcount"].sum()
    assert heads.to_dict() == {"gp_partner": 13, "practice_nurse": 14, "salaried_gp": 10}
    # 38 + 46 + 14 sessions for partners, 22 + 28 + 5 for salaried GPs, over 9 sessions an FTE
    gp_fte = census[census["role"].isin(GP_ROLES)]["fte"].sum()
    assert gp_fte == pytest.approx((38 + 46 + 14 + 22 + 28 + 5) / 9)
    assert list(census["age_band"].unique()) == ["25-34", "35-49", "50-59", "60+"]


@pytest.mark.parametrize("workforce", [Workforce(), with_levers(Workforce(), LEVERS),
                                       one_role(bands=((25, 35), (35, 50), (50, 60), (60, 70)))],
                         ids=["default", "all levers", "closed top band"])
def test_people_are_conserved_exactly_each_year(workforce):
    projection = project_workforce(workforce, years=10)
    heads, joiners, leavers = (totals(projection, column) for column in ("headcount", "joiners", "leavers"))
    for year in range(1, 11):
        expected = heads.loc[year - 1] + joiners.loc[year] - leavers.loc[year]
        np.testing.assert_allclose(heads.loc[year], expected, rtol=0, atol=1e-12)
    assert (totals(projection, "joiners").loc[0] == 0).all() and (totals(projection, "leavers").loc[0] == 0).all()


def test_a_closed_top_band_retires_those_who_age_out():
    # Five people aged 60-69 who never leave otherwise: a tenth of them age out (retire) each year.
    workforce = one_role(rate=0.0, headcount=(0, 0, 0, 5), joiners=0,
                         bands=((25, 35), (35, 50), (50, 60), (60, 70)))
    projection = project_workforce(workforce, years=2)
    assert totals(projection, "leavers")["gp"].tolist() == pytest.approx([0, 0.5, 0.45])
    assert totals(projection, "headcount")["gp"].tolist() == pytest.approx([5, 4.5, 4.05])


def test_ageing_moves_one_band_width_a_year_by_hand():
    # 10 people aged 25-34 (a ten-year band), nobody leaves or joins: 1 moves up in year one.
    projection = project_workforce(one_role(rate=0.0, headcount=(10, 0, 0, 0), joiners=0), years=2)
    year1 = projection.query("year == 1")["headcount"].tolist()
    assert year1 == pytest.approx([9, 1, 0, 0])
    # Year two: 0.9 of the 9 move up; 1/15 of the 1 in the fifteen-year band moves up.
    year2 = projection.query("year == 2")["headcount"].tolist()
    assert year2 == pytest.approx([8.1, 0.9 + 1 - 1 / 15, 1 / 15, 0])


def test_leavers_go_before_ageing_and_joiners_arrive_by_their_age_mix():
    workforce = one_role(rate=0.2, headcount=(10, 0, 0, 0), joiners=3, mix=(0.5, 0.5, 0, 0))
    year1 = project_workforce(workforce, years=1).query("year == 1")
    # 2 leave; of the 8 who stay, 0.8 age up; 1.5 join each of the first two bands.
    assert year1["headcount"].tolist() == pytest.approx([7.2 + 1.5, 0.8 + 1.5, 0, 0])
    assert year1["leavers"].tolist() == pytest.approx([2, 0, 0, 0])
    assert year1["joiners"].tolist() == pytest.approx([1.5, 1.5, 0, 0])


def test_with_constant_rates_the_headcount_follows_the_closed_form_to_joiners_over_the_leaver_rate():
    # One rate for every band and an open top band: total(t) = J/r + (total(0) - J/r)(1 - r)^t.
    rate, joiners, start = 0.08, 2.0, 40.0
    projection = project_workforce(one_role(rate=rate, joiners=joiners), years=200)
    total = totals(projection, "headcount")["gp"]
    years = np.arange(201)
    np.testing.assert_allclose(total, joiners / rate + (start - joiners / rate) * (1 - rate) ** years, rtol=1e-10)
    assert total.iloc[-1] == pytest.approx(joiners / rate, rel=1e-6)  # 25 people
    assert steady_state_headcount(one_role(rate=rate, joiners=joiners))["headcount"].sum() == pytest.approx(25)


def test_the_default_settles_where_the_steady_state_says():
    steady = steady_state_headcount().set_index(["role", "age_band"])["headcount"]
    long_run = project_workforce(years=400).query("year == 400").set_index(["role", "age_band"])["headcount"]
    np.testing.assert_allclose(long_run.loc[steady.index], steady, rtol=1e-9)
    # By hand for the open top band: inflow from 50-59 over its leaver rate.
    assert (steady > 0).all()


def test_a_steady_state_that_never_comes_is_a_sentence():
    with pytest.raises(ValueError, match=r"^leaver_rates: the gp headcount never settles \(nobody leaves the top "
                                         r"age band\); give it a leaver rate above 0$"):
        steady_state_headcount(one_role(rate=0.0))


def test_fte_is_headcount_times_fte_per_head_less_the_drift():
    workforce = one_role(rate=0.0, headcount=(0, 4, 0, 0), joiners=0, fte=(1, 0.5, 1, 1), drift=0.1)
    fte = project_workforce(workforce, years=2).groupby("year")["fte"].sum()
    # Year 1: 4 - 4/15 in 35-49 at 0.5 and 4/15 in 50-59 at 1, all times 0.9.
    middle, older = 4 - 4 / 15, 4 / 15
    year2 = (middle * 14 / 15 * 0.5 + (older * 0.9 + middle / 15) + older / 10) * 0.9**2
    assert fte.tolist() == pytest.approx([2.0, (middle * 0.5 + older) * 0.9, year2])


def test_by_default_headcount_rises_while_fte_stands_still_and_the_gap_to_need_widens():
    projection = project_workforce(years=10)
    gps = projection[projection["role"].isin(GP_ROLES)].groupby("year")[["headcount", "fte"]].sum()
    assert gps["headcount"].iloc[-1] > 1.1 * gps["headcount"].iloc[0]
    assert gps["fte"].iloc[-1] == pytest.approx(gps["fte"].iloc[0], rel=0.03)
    gap = gp_fte_needed(years=10) - gps["fte"].to_numpy()
    assert gap[-1] > gap[0] + 1.5


def test_need_grows_with_the_patients():
    need = gp_fte_needed(years=3)
    assert need == pytest.approx([41_300 * 1.01**t / 2_119 for t in range(4)])
    assert need[0] == pytest.approx(19.49, abs=0.01)


def test_band_labels_read_as_ages():
    assert band_labels() == ["25-34", "35-49", "50-59", "60+"]
    assert band_labels(((20, 30), (30, 65))) == ["20-29", "30-64"]


def test_a_lever_cuts_only_the_rates_it_reaches():
    lever = RetentionLever("test", ("salaried_gp",), (0, 2), leaver_rate_reduction=0.5, fte_per_head_change=-0.1)
    before, after = Workforce(), with_levers(Workforce(), [lever])
    old, new = np.array(before.leaver_rates), np.array(after.leaver_rates)
    reached = np.zeros_like(old, dtype=bool)
    reached[1, [0, 2]] = True
    np.testing.assert_allclose(new[reached], old[reached] * 0.5)
    np.testing.assert_array_equal(new[~reached], old[~reached])
    fte_old, fte_new = np.array(before.fte_per_head), np.array(after.fte_per_head_from_next_year)
    np.testing.assert_allclose(fte_new[reached], fte_old[reached] - 0.1)
    np.testing.assert_array_equal(fte_new[~reached], fte_old[~reached])
    assert after.fte_per_head == before.fte_per_head  # the census is what it is


def test_a_lever_changes_sessions_from_next_year_not_in_the_census():
    lever = RetentionLever("test", ("gp_partner",), (2,), leaver_rate_reduction=0, fte_per_head_change=-0.2)
    base, changed = project_workforce(years=2), project_workforce(with_levers(Workforce(), [lever]), years=2)
    np.testing.assert_array_equal(changed.query("year == 0")["fte"], base.query("year == 0")["fte"])
    cell = (changed["role"] == "gp_partner") & (changed["age_band"] == "50-59") & (changed["year"] == 1)
    assert changed.loc[cell, "fte"].item() == pytest.approx(base.loc[cell, "fte"].item()
                                                            - 0.2 * base.loc[cell, "headcount"].item() * 0.99)
    runs = fte_runs(with_levers(Workforce(), [lever]), years=2, runs=3, leaver_rate_uncertainty=0)
    np.testing.assert_allclose(runs[0, :, 0], changed.groupby(["year", "role"])["fte"].sum().unstack()["gp_partner"])


def test_levers_by_name_stack_and_fte_never_goes_below_zero():
    both = with_levers(Workforce(), ["first_five", "flexible_roles"])
    rates = np.array(both.leaver_rates)
    base = np.array(Workforce().leaver_rates)
    assert rates[0, 0] == pytest.approx(base[0, 0] * 0.65) and rates[0, 1] == pytest.approx(base[0, 1] * 0.8)
    big_cut = RetentionLever("x", ("gp_partner",), (0,), leaver_rate_reduction=0, fte_per_head_change=-5)
    assert np.array(with_levers(Workforce(), [big_cut]).fte_per_head_from_next_year)[0, 0] == 0
    twice = with_levers(with_levers(Workforce(), [LEVERS["retainer"]]), [LEVERS["retainer"]])
    assert twice.fte_per_head_from_next_year[1][0] == pytest.approx(Workforce().fte_per_head[1][0] - 0.06)


@pytest.mark.parametrize("lever", LEVERS)
def test_every_lever_keeps_people_it_reaches(lever):
    base = project_workforce(years=10)
    kept = project_workforce(with_levers(Workforce(), [lever]), years=10)
    heads = lambda p: p[p["role"].isin(LEVERS[lever].roles)].groupby("year")["headcount"].sum()  # noqa: E731
    assert (heads(kept).iloc[1:] > heads(base).iloc[1:]).all()


@pytest.mark.parametrize("lever, message", [
    (RetentionLever("x", ("dentist",), (0,), 0.1), "roles: the lever 'x' names roles"),
    (RetentionLever("x", ("gp_partner",), (4,), 0.1), "bands: the lever 'x' names an age band"),
    (RetentionLever("x", ("gp_partner",), (-1,), 0.1), "bands: the lever 'x' names an age band"),
    (RetentionLever("x", ("gp_partner",), (0,), 1.5), "leaver_rate_reduction must be a share"),
])
def test_a_lever_that_does_not_fit_is_a_sentence(lever, message):
    with pytest.raises(ValueError, match=message):
        with_levers(Workforce(), [lever])


@pytest.mark.parametrize("change, message", [
    ({"leaver_rates": ((0.05, 0.03, 1.2, 0.25), (0.15, 0.08, 0.1, 0.25), (0.1, 0.06, 0.08, 0.25))}, "leaver_rates must be a share"),
    ({"leaver_rates": ((0.05, -0.03, 0.1, 0.25), (0.15, 0.08, 0.1, 0.25), (0.1, 0.06, 0.08, 0.25))}, "leaver_rates must be a share"),
    ({"headcount": ((0, -5, 6, 2), (4, 5, 1, 0), (2, 5, 5, 2))}, "headcount must be 0 or more"),
    ({"headcount": ((0, 5, 6), (4, 5, 1), (2, 5, 5))}, r"headcount must have 3 by 4 values"),
    ({"age_bands": ((25, 40), (35, 50), (50, 60), (60, math.inf))}, "age_bands must run one after another"),
    ({"age_bands": ((25, 35), (36, 50), (50, 60), (60, math.inf))}, "age_bands must run one after another"),
    ({"age_bands": ((25, 35), (35, 35), (35, 60), (60, math.inf))}, "age_bands must run one after another"),
    ({"age_bands": ((25, 35), (35, 50), (50, math.inf), (60, 70))}, "age_bands must run one after another"),
    ({"age_bands": ((-5, 35), (35, 50), (50, 60), (60, math.inf))}, "age_bands must run one after another"),
    ({"age_bands": ((25, 35, 45), (35, 50), (50, 60), (60, math.inf))}, "age_bands must be pairs"),
    ({"joiner_age_mix": ((0.2, 0.7, 0.2, 0), (0.7, 0.3, 0, 0), (0.3, 0.5, 0.2, 0))}, "joiner_age_mix: each role's shares"),
    ({"joiners_per_year": (0.6, -2.0, 1.3)}, "joiners_per_year must be 0 or more"),
    ({"fte_per_head": ((1,) * 4, (1,) * 4, (1, 1, float("nan"), 1))}, "fte_per_head must be a number"),
    ({"part_time_drift": 1.5}, "part_time_drift must be a share"),
    ({"patients": -1}, "patients must be 0 or more"),
    ({"patient_growth": -0.1}, "patient_growth must be 0 or more"),
    ({"patients_per_fte_gp": 0}, "patients_per_fte_gp must be above 0"),
    ({"roles": ("gp_partner", "gp_partner", "practice_nurse")}, "roles must be one or more different names"),
])
def test_bad_input_is_a_sentence_naming_the_parameter(change, message):
    workforce = replace(Workforce(), **change)
    for run in (project_workforce, steady_state_headcount, gp_fte_needed, fte_runs):
        with pytest.raises(ValueError, match=message):
            run(workforce)


def test_only_the_last_band_may_be_open():
    workforce = one_role(bands=((25, math.inf), (35, 50), (50, 60), (60, math.inf)))
    with pytest.raises(ValueError, match="age_bands"):
        project_workforce(workforce)


@pytest.mark.parametrize("years", [0, -1, 2.5, True, "ten"])
def test_years_must_be_whole_and_positive(years):
    with pytest.raises(ValueError, match="years must be a whole number"):
        project_workforce(years=years)
    with pytest.raises(ValueError, match="years must be a whole number"):
        fte_runs(years=years)


@pytest.mark.parametrize("runs", [0, 1.5, False])
def test_runs_must_be_whole_and_positive(runs):
    with pytest.raises(ValueError, match="runs must be a whole number"):
        fte_runs(runs=runs)


def test_no_uncertainty_gives_the_central_projection_in_every_run():
    runs = fte_runs(runs=5, leaver_rate_uncertainty=0)
    central = totals(project_workforce(years=10), "fte")[list(ROLES)].to_numpy()
    for run in runs:
        np.testing.assert_allclose(run, central, rtol=1e-12)
    assert runs.shape == (5, 11, 3)


def test_the_draws_are_mean_one_so_the_first_year_is_right_on_average():
    # Year-one FTE is linear in the leaver rates, so with mean-one multipliers its mean over many runs
    # is the central year-one FTE.
    runs = fte_runs(runs=200_000, leaver_rate_uncertainty=0.3, seed=7)
    central = totals(project_workforce(years=1), "fte")[list(ROLES)].loc[1].to_numpy()
    np.testing.assert_allclose(runs[:, 1].mean(axis=0), central, rtol=2e-4)
    # and the multipliers do vary: the spread of year-one FTE is not zero
    assert runs[:, 1].std(axis=0).min() > 0.01


def test_a_seed_gives_the_same_runs_and_another_seed_other_runs():
    np.testing.assert_array_equal(fte_runs(runs=50, seed=1), fte_runs(runs=50, seed=1))
    assert not np.array_equal(fte_runs(runs=50, seed=1), fte_runs(runs=50, seed=2))


def test_a_leaver_rate_is_capped_at_everyone():
    # With a huge spread some draws exceed a rate of 1; nobody can leave twice, so FTE never goes negative.
    runs = fte_runs(one_role(rate=0.9), runs=2_000, leaver_rate_uncertainty=3, seed=3)
    assert runs.min() >= 0
    arrivals_only = 2.0 * 1  # everyone leaves, then two joiners at 1 FTE each arrive
    assert runs[:, 1, 0].min() == pytest.approx(arrivals_only)


def test_the_fan_widens_with_uncertainty_and_holds_the_central_projection():
    central = totals(project_workforce(years=10), "fte")[list(GP_ROLES)].sum(axis=1)
    narrow = fte_quantiles(fte_runs(leaver_rate_uncertainty=0.1))
    wide = fte_quantiles(fte_runs(leaver_rate_uncertainty=0.4))
    width = lambda fan: (fan["q95"] - fan["q05"]).iloc[-1]  # noqa: E731
    assert width(wide) > 2 * width(narrow) > 0
    assert ((wide["q05"] <= central) & (central <= wide["q95"])).all()
    assert (wide["q05"] <= wide["q25"]).all() and (wide["q25"] <= wide["q50"]).all()
    assert (wide["q50"] <= wide["q75"]).all() and (wide["q75"] <= wide["q95"]).all()


def test_quantiles_add_the_roles_asked_for_by_hand():
    runs = np.zeros((3, 2, 3))
    runs[:, 1, 0] = [1, 2, 3]  # partners
    runs[:, 1, 1] = [10, 20, 30]  # salaried GPs
    runs[:, 1, 2] = [100, 200, 300]  # nurses, not GPs
    fan = fte_quantiles(runs, quantiles=(0.0, 0.5, 1.0))
    assert list(fan.columns) == ["year", "q00", "q50", "q100"]
    assert fan.loc[1, ["q00", "q50", "q100"]].tolist() == [11, 22, 33]
    nurses = fte_quantiles(runs, roles=("practice_nurse",), quantiles=(0.5,))
    assert nurses["q50"].tolist() == [0, 200]
    assert nurses["year"].tolist() == [0, 1]


def test_the_defaults_are_ten_years_a_thousand_runs_and_the_cases_seed():
    assert project_workforce()["year"].max() == 10
    assert len(gp_fte_needed()) == 11
    runs = fte_runs()
    assert runs.shape == (1_000, 11, 3)
    np.testing.assert_array_equal(runs, fte_runs(seed=2019))
    assert fte_runs(runs=1).shape == (1, 11, 3)  # one run is allowed


def test_a_negative_uncertainty_is_a_sentence():
    with pytest.raises(ValueError, match="^leaver_rate_uncertainty must be 0 or more"):
        fte_runs(leaver_rate_uncertainty=-0.1)
