"""The cost model: the cover premium and a leaver's cost by hand, and the levers' appraisal identities."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from academy.models.retention_costs import (
    RetentionCosts, break_even_fte_years, cost_of_a_leaver_gbp, cover_premium_gbp_per_fte_year, lever_appraisal,
)
from academy.models.workforce_projection import LEVERS, RetentionLever, Workforce

# By hand: a locum's 9 sessions a week for 42 weeks at £350, less the middle of the salaried range
# (£58,808 to £88,744) with 26% on-costs.
PREMIUM = 350 * 9 * 42 - (58_808 + 88_744) / 2 * 1.26


def test_the_cover_premium_by_hand():
    assert cover_premium_gbp_per_fte_year() == pytest.approx(PREMIUM)  # £39,342
    assert cover_premium_gbp_per_fte_year(role="gp_partner") == pytest.approx(PREMIUM)
    assert cover_premium_gbp_per_fte_year(role="practice_nurse") == 12_000
    cheaper = replace(RetentionCosts(), locum_gbp_per_session=250)
    assert cover_premium_gbp_per_fte_year(cheaper) == pytest.approx(PREMIUM - 100 * 9 * 42)


def test_what_a_leaver_costs_item_by_item():
    table = cost_of_a_leaver_gbp(fte=0.5).set_index("item")
    assert table.loc["vacancy_cover", "cost_gbp"] == pytest.approx(PREMIUM * 0.5 * 6 / 12)
    assert table.loc["recruitment", "cost_gbp"] == 8_000
    assert table.loc["training", "cost_gbp"] == 230_000
    assert table["budget"].tolist() == ["practice", "practice", "nhs"]


def flat(rate=0.1, heads=10.0, drift=0.0) -> Workforce:
    """One role in one open band, nobody joining: easy to follow by hand."""
    return Workforce(roles=("salaried_gp",), age_bands=((25, math.inf),), headcount=((heads,),),
                     fte_per_head=((0.5,),), leaver_rates=((rate,),), joiners_per_year=(0.0,),
                     joiner_age_mix=((1.0,),), part_time_drift=drift)


def test_a_lever_over_one_year_by_hand():
    lever = RetentionLever("half", ("salaried_gp",), (0,), leaver_rate_reduction=0.5,
                           cost_gbp_per_head_per_year=1_000, fixed_cost_gbp_per_year=500)
    row = lever_appraisal(flat(drift=0.1), {"half": lever}, years=1).iloc[0]
    # Without it 1 of 10 leaves; with it 0.5 does: 0.5 people kept, at 0.5 FTE, less 10% drift.
    assert row["leavers_avoided"] == pytest.approx(0.5)
    assert row["gp_fte_years_kept"] == pytest.approx(0.5 * 0.5 * 0.9)
    assert row["nurse_fte_years_kept"] == 0
    assert row["cost_gbp"] == pytest.approx(500 + 1_000 * 10)
    savings = 0.225 * PREMIUM + 0.5 * 8_000
    assert row["savings_gbp"] == pytest.approx(savings)
    assert row["net_gbp"] == pytest.approx(savings - 10_500)
    assert row["break_even_fte_years"] == pytest.approx((10_500 - 0.5 * 8_000) / PREMIUM)


def test_a_lever_that_does_nothing_only_costs():
    nothing = RetentionLever("none", ("salaried_gp",), (0,), leaver_rate_reduction=0, cost_gbp_per_head_per_year=100,
                             fixed_cost_gbp_per_year=1_000)
    row = lever_appraisal(flat(rate=0.0), {"none": nothing}, years=5).iloc[0]
    assert row["gp_fte_years_kept"] == 0 and row["leavers_avoided"] == 0
    assert row["cost_gbp"] == pytest.approx(5 * (1_000 + 100 * 10))
    assert row["net_gbp"] == pytest.approx(-row["cost_gbp"])


def test_the_cost_counts_the_heads_reached_at_the_start_of_each_year():
    # Rate 0.1: 10, 9, 8.1 heads at the start of years one to three.
    lever = RetentionLever("none", ("salaried_gp",), (0,), leaver_rate_reduction=0, cost_gbp_per_head_per_year=100)
    row = lever_appraisal(flat(rate=0.1), {"none": lever}, years=3).iloc[0]
    assert row["cost_gbp"] == pytest.approx(100 * (10 + 9 + 8.1))


@pytest.mark.parametrize("name", LEVERS)
def test_net_value_is_the_fte_years_kept_beyond_break_even_at_the_premium(name):
    row = lever_appraisal(levers={name: LEVERS[name]}).iloc[0]
    gp = name != "nurse_development"
    kept = row["gp_fte_years_kept"] if gp else row["nurse_fte_years_kept"]
    premium = PREMIUM if gp else 12_000
    assert row["net_gbp"] == pytest.approx((kept - row["break_even_fte_years"]) * premium)
    assert row["cost_gbp"] > 0 and row["leavers_avoided"] > 0
    assert (row["nurse_fte_years_kept"] == 0) == gp and (row["gp_fte_years_kept"] == 0) == (not gp)


def test_the_default_appraisal_has_one_row_per_lever_with_its_label():
    table = lever_appraisal()
    assert table["lever"].tolist() == list(LEVERS)
    assert table["label"].tolist() == [lever.label for lever in LEVERS.values()]


def test_a_dearer_locum_makes_keeping_gps_worth_more():
    cheap = lever_appraisal(costs=replace(RetentionCosts(), locum_gbp_per_session=300)).set_index("lever")
    dear = lever_appraisal(costs=replace(RetentionCosts(), locum_gbp_per_session=400)).set_index("lever")
    assert (dear.loc["first_five", "net_gbp"] - cheap.loc["first_five", "net_gbp"]) == pytest.approx(
        dear.loc["first_five", "gp_fte_years_kept"] * 100 * 9 * 42)
    assert dear.loc["nurse_development", "net_gbp"] == pytest.approx(cheap.loc["nurse_development", "net_gbp"])


def test_when_cover_costs_no_more_than_employing_break_even_is_never():
    free = replace(RetentionCosts(), locum_gbp_per_session=0)
    row = lever_appraisal(levers={"first_five": LEVERS["first_five"]}, costs=free).iloc[0]
    assert np.isinf(row["break_even_fte_years"])


def test_a_lever_whose_recruitment_savings_pay_for_it_needs_no_fte_years():
    cheap = RetentionLever("cheap", ("salaried_gp",), (0,), leaver_rate_reduction=0.5, fixed_cost_gbp_per_year=1)
    row = lever_appraisal(flat(), {"cheap": cheap}, years=1).iloc[0]
    assert row["break_even_fte_years"] == 0 and row["net_gbp"] > 0


@pytest.mark.parametrize("change, message", [
    ({"locum_gbp_per_session": -1}, "locum_gbp_per_session must be 0 or more"),
    ({"salaried_gp_gbp_per_year": -1}, "salaried_gp_gbp_per_year must be 0 or more"),
    ({"vacancy_months": -1}, "vacancy_months must be 0 or more"),
    ({"nurse_cover_premium_gbp_per_fte_year": -1}, "nurse_cover_premium_gbp_per_fte_year must be 0 or more"),
    ({"training_cost_gbp": -1}, "training_cost_gbp must be 0 or more"),
    ({"recruitment_gbp_per_hire": (8_000, -3)}, "recruitment_gbp_per_hire must be 0 or more"),
    ({"on_cost_share": 1.3}, "on_cost_share must be a share"),
    ({"weeks_worked_per_year": 60}, "weeks_worked_per_year must be above 0 and at most 52"),
    ({"weeks_worked_per_year": 52.5}, "weeks_worked_per_year must be above 0 and at most 52"),
    ({"weeks_worked_per_year": 0}, "weeks_worked_per_year must be above 0 and at most 52"),
])
def test_bad_prices_are_a_sentence_naming_the_parameter(change, message):
    costs = replace(RetentionCosts(), **change)
    for run in (lambda: cover_premium_gbp_per_fte_year(costs), lambda: cost_of_a_leaver_gbp(costs),
                lambda: lever_appraisal(costs=costs)):
        with pytest.raises(ValueError, match=message):
            run()


def test_break_even_at_its_edges():
    assert break_even_fte_years(30_000, 40_000) == 0.75
    assert break_even_fte_years(0.5, 0.5) == 1  # small sums are still sums
    assert break_even_fte_years(0.5, 1) == 0.5
    assert break_even_fte_years(0, 0) == 0  # nothing left to pay: none needed, even at no premium
    assert break_even_fte_years(-5, 40_000) == 0
    assert np.isinf(break_even_fte_years(100, 0)) and np.isinf(break_even_fte_years(100, -10))


@pytest.mark.parametrize("weeks", [0.5, 52])
def test_any_working_year_up_to_52_weeks_is_allowed(weeks):
    assert cover_premium_gbp_per_fte_year(replace(RetentionCosts(), weeks_worked_per_year=weeks)) == pytest.approx(
        350 * 9 * weeks - (58_808 + 88_744) / 2 * 1.26)


def test_an_unknown_role_and_a_negative_fte_are_sentences():
    with pytest.raises(ValueError, match=r"role must be one of \('gp_partner', 'salaried_gp', 'practice_nurse'\)"):
        cover_premium_gbp_per_fte_year(role="dentist")
    with pytest.raises(ValueError, match="fte must be 0 or more"):
        cost_of_a_leaver_gbp(fte=-1)
