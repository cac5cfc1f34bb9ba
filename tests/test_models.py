"""The models against theory: identities, closed forms, monotonicity and rejected inputs."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from academy.models import gp_partnership as gp
from academy.models.law_firm_profit import (
    FACTORS,
    factor_contributions,
    profit_per_partner_factors,
    profit_per_partner_from_factors,
)

money = st.floats(1e3, 1e10)
counts = st.integers(1, 20_000)


# ---- law firms: Maister's five-factor identity -------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(fees=money, margin=st.floats(-0.5, 0.9), hours_per_lawyer=st.floats(100, 3000), rate=st.floats(20, 2000),
       lawyers=counts, partner_share=st.floats(0.01, 1.0))
def test_five_factors_reproduce_profit_per_partner_exactly(fees, margin, hours_per_lawyer, rate, lawyers, partner_share):
    partners = max(1, int(lawyers * partner_share))
    hours = hours_per_lawyer * lawyers
    profit = fees * margin
    factors = profit_per_partner_factors(fees, profit, hours, rate, lawyers, partners)
    product = profit_per_partner_from_factors(*(factors[f].iloc[0] for f in FACTORS))
    assert math.isclose(product, profit / partners, rel_tol=1e-9, abs_tol=1e-6)


@given(factor=st.sampled_from(FACTORS), scale=st.floats(1.01, 3.0))
def test_profit_per_partner_rises_in_proportion_to_each_factor(factor, scale):
    base = {"margin": 0.3, "utilisation_hours_per_lawyer": 1400, "realisation": 0.9,
            "standard_rate_gbp_per_hour": 400, "leverage": 5}
    key = list(base)[FACTORS.index(factor)]
    raised = dict(base, **{key: base[key] * scale})
    if key == "margin":
        raised[key] = min(raised[key], 1.0)
    ratio = profit_per_partner_from_factors(**raised) / profit_per_partner_from_factors(**base)
    assert ratio == pytest.approx(raised[key] / base[key])


def test_factors_are_vectorised_over_a_table():
    table = pd.DataFrame({"fees": [1e8, 2e8], "profit": [3e7, 8e7], "hours": [2e5, 3e5], "rate": [400, 500],
                          "lawyers": [150, 200], "partners": [30, 25]})
    factors = profit_per_partner_factors(table.fees, table.profit, table.hours, table.rate, table.lawyers, table.partners)
    assert list(factors["profit_per_partner_gbp"]) == [1e6, 3.2e6]
    assert list(factors["leverage"]) == [5, 8]


def test_contributions_split_the_log_change_exactly():
    start = profit_per_partner_factors(1e8, 3e7, 2e5, 400, 150, 30).iloc[0]
    end = profit_per_partner_factors(1.5e8, 5e7, 2.6e5, 480, 200, 32).iloc[0]
    shares = factor_contributions(start, end)
    assert shares.sum() == pytest.approx(1.0)
    expected_leverage = np.log(200 / 32 / 5) / np.log(end.profit_per_partner_gbp / start.profit_per_partner_gbp)
    assert shares["leverage"] == pytest.approx(expected_leverage)


@pytest.mark.parametrize("kwargs, words", [
    (dict(fee_income_gbp=-1), "fee_income_gbp must be above 0"),
    (dict(lawyers=0), "lawyers must be above 0"),
    (dict(equity_partners=0), "equity_partners must be above 0"),
    (dict(equity_partners=500), "equity_partners must be no more than lawyers"),
    (dict(standard_rate_gbp_per_hour=float("nan")), "standard_rate_gbp_per_hour must be a number"),
])
def test_bad_firm_inputs_are_named(kwargs, words):
    args = dict(fee_income_gbp=1e8, profit_gbp=3e7, billed_hours=2e5, standard_rate_gbp_per_hour=400,
                lawyers=150, equity_partners=30) | kwargs
    with pytest.raises(ValueError, match=words):
        profit_per_partner_factors(**args)


@pytest.mark.parametrize("kwargs, words", [
    (dict(margin=1.5), "margin must be a share between -1 and 1"),
    (dict(leverage=0.5), "leverage must be at least 1"),
    (dict(utilisation_hours_per_lawyer=9000), "between 0 and 8,760 hours"),
    (dict(realisation=0), "realisation must be above 0"),
])
def test_bad_factors_are_named(kwargs, words):
    args = dict(margin=0.3, utilisation_hours_per_lawyer=1400, realisation=0.9,
                standard_rate_gbp_per_hour=400, leverage=5) | kwargs
    with pytest.raises(ValueError, match=words):
        profit_per_partner_from_factors(**args)


# ---- GP partnership ----------------------------------------------------------------------------

def test_average_practice_reproduces_the_published_calibration_targets():
    accounts = gp.practice_accounts(gp.AVERAGE_PRACTICE)
    assert accounts["profit_per_partner_gbp"] == pytest.approx(109_100)  # NHS Digital 2017/18 mean income
    assert accounts["expense_share"] == pytest.approx(0.666)  # expenses / gross earnings, same source
    assert gp.AVERAGE_PRACTICE.partners == pytest.approx(18_303 / 6_876)
    assert accounts["global_sum_gbp"] == pytest.approx(8_727 * 89.88)


def test_accounts_add_up():
    a = gp.practice_accounts(gp.AVERAGE_PRACTICE.with_changes(clinical_pharmacists=2, link_workers=1))
    income = a[["global_sum_gbp", "network_payment_gbp", "other_income_gbp", "arrs_reimbursement_gbp"]].sum()
    spend = a[["salaried_gp_costs_gbp", "arrs_staff_costs_gbp", "fixed_costs_gbp", "variable_costs_gbp"]].sum()
    assert a["income_gbp"] == pytest.approx(income)
    assert a["expenses_gbp"] == pytest.approx(spend)
    assert a["profit_gbp"] == pytest.approx(income - spend)
    # ARRS in 2019/20: a pharmacist costs the practice 30% of 54,000; a link worker nothing.
    assert a["arrs_staff_costs_gbp"] - a["arrs_reimbursement_gbp"] == pytest.approx(2 * 0.3 * 54_000)


@settings(max_examples=100, deadline=None)
@given(patients=st.floats(1_000, 60_000), bigger=st.floats(1.01, 3))
def test_cost_per_patient_falls_with_list_size_as_fixed_over_n_plus_variable(patients, bigger):
    p = gp.AVERAGE_PRACTICE.with_changes(registered_patients=patients, salaried_gps=0)
    q = p.with_changes(registered_patients=patients * bigger)
    cost_p, cost_q = gp.practice_accounts(p)["cost_per_patient_gbp"], gp.practice_accounts(q)["cost_per_patient_gbp"]
    assert cost_p == pytest.approx(p.fixed_costs_gbp / patients + p.variable_costs_gbp_per_patient)
    assert cost_q < cost_p


@settings(max_examples=100, deadline=None)
@given(rate=st.floats(50, 150), step=st.floats(0.1, 20))
def test_profit_per_partner_rises_with_the_global_sum_at_the_closed_form_slope(rate, step):
    p = gp.AVERAGE_PRACTICE.with_changes(global_sum_gbp_per_weighted_patient=rate)
    q = p.with_changes(global_sum_gbp_per_weighted_patient=rate + step)
    slope = p.registered_patients * p.list_weighting / p.partners
    assert gp.profit_per_partner_gbp(q) - gp.profit_per_partner_gbp(p) == pytest.approx(slope * step)


@settings(max_examples=100, deadline=None)
@given(salaried=st.floats(0, 10), more=st.floats(0.25, 5))
def test_more_salaried_gps_lower_profit_and_patients_per_gp(salaried, more):
    p = gp.AVERAGE_PRACTICE.with_changes(salaried_gps=salaried)
    q = p.with_changes(salaried_gps=salaried + more)
    assert gp.profit_per_partner_gbp(q) < gp.profit_per_partner_gbp(p)
    assert gp.practice_accounts(q)["patients_per_gp"] < gp.practice_accounts(p)["patients_per_gp"]


def test_accounts_are_vectorised_over_arrays():
    partners = np.array([1.0, 2.0, 4.0])
    table = gp.practice_accounts(gp.AVERAGE_PRACTICE.with_changes(partners=partners))
    assert len(table) == 3
    single = [gp.profit_per_partner_gbp(gp.AVERAGE_PRACTICE.with_changes(partners=x)) for x in partners]
    assert table["profit_per_partner_gbp"].tolist() == pytest.approx(single)


@pytest.mark.parametrize("change, words", [
    (dict(registered_patients=-5), "registered_patients must be above 0"),
    (dict(partners=0), "partners must be above 0"),
    (dict(salaried_gps=-1), "salaried_gps must be 0 or more"),
    (dict(clinical_pharmacist_reimbursed_share=1.2), "clinical_pharmacist_reimbursed_share must be a share between 0 and 1"),
    (dict(list_weighting=5), "list_weighting must be between 0 and 3"),
    (dict(fixed_costs_gbp="lots"), "fixed_costs_gbp must be a number"),
])
def test_bad_practice_inputs_are_named(change, words):
    with pytest.raises(ValueError, match=words):
        gp.practice_accounts(gp.AVERAGE_PRACTICE.with_changes(**change))


# ---- merger ------------------------------------------------------------------------------------

practice_strategy = st.builds(
    lambda n, partners, salaried, fixed: gp.AVERAGE_PRACTICE.with_changes(
        registered_patients=n, partners=partners, salaried_gps=salaried, fixed_costs_gbp=fixed),
    st.floats(2_000, 20_000), st.floats(0.5, 8), st.floats(0, 6), st.floats(50_000, 200_000),
)


@settings(max_examples=60, deadline=None)
@given(practices=st.lists(practice_strategy, min_size=2, max_size=6))
def test_merger_without_savings_or_role_changes_just_adds_up(practices):
    merged = gp.practice_accounts(gp.merged_practice(practices, back_office_saving_share=0.0))
    apart = [gp.practice_accounts(p) for p in practices]
    assert merged["profit_gbp"] == pytest.approx(sum(a["profit_gbp"] for a in apart))
    assert merged["profit_per_partner_gbp"] == pytest.approx(
        sum(a["profit_gbp"] for a in apart) / sum(p.partners for p in practices))


@settings(max_examples=60, deadline=None)
@given(practices=st.lists(practice_strategy, min_size=2, max_size=5), saving=st.floats(0, 1))
def test_back_office_saving_adds_exactly_the_fixed_costs_saved(practices, saving):
    table = gp.merger_comparison(practices, back_office_saving_share=saving)
    gain = table.loc["Merged partnership", "profit_gbp"] - table.loc["All practices apart", "profit_gbp"]
    assert gain == pytest.approx(saving * sum(p.fixed_costs_gbp for p in practices), rel=1e-9, abs=1e-3)


def test_partners_becoming_salaried_raise_profit_per_remaining_partner_when_salary_is_below_their_share():
    practices = [gp.AVERAGE_PRACTICE.with_changes(name=f"P{i}") for i in range(3)]
    before = gp.merger_comparison(practices, 0.3, 0).loc["Merged partnership"]
    after = gp.merger_comparison(practices, 0.3, 2).loc["Merged partnership"]
    assert after["partners"] == pytest.approx(before["partners"] - 2)
    assert after["salaried_gps"] == pytest.approx(before["salaried_gps"] + 2)
    # Closed form: profit falls by 2 salaries; it is shared among 2 fewer partners.
    salary = gp.AVERAGE_PRACTICE.salaried_gp_cost_gbp
    expected = (before["profit_gbp"] - 2 * salary) / (before["partners"] - 2)
    assert after["profit_per_partner_gbp"] == pytest.approx(expected)
    assert after["profit_per_partner_gbp"] > before["profit_per_partner_gbp"]


@pytest.mark.parametrize("kwargs, words", [
    (dict(back_office_saving_share=1.5), "back_office_saving_share must be a share between 0 and 1"),
    (dict(partners_becoming_salaried=100), "partners_becoming_salaried must be from 0 to less than"),
    (dict(partners_becoming_salaried=-1), "partners_becoming_salaried must be 0 or more"),
])
def test_bad_merger_inputs_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        gp.merged_practice([gp.AVERAGE_PRACTICE, gp.AVERAGE_PRACTICE], **kwargs)


def test_a_merger_needs_two_practices():
    with pytest.raises(ValueError, match="at least 2 practices"):
        gp.merged_practice([gp.AVERAGE_PRACTICE])


def test_sensitivity_matches_a_direct_recalculation_and_is_sorted():
    table = gp.profit_per_partner_sensitivity(gp.AVERAGE_PRACTICE, change_share=0.1)
    p = gp.AVERAGE_PRACTICE
    higher_sum = gp.profit_per_partner_gbp(p.with_changes(
        global_sum_gbp_per_weighted_patient=p.global_sum_gbp_per_weighted_patient * 1.1))
    assert table.loc["Global sum per weighted patient", "high"] == pytest.approx(higher_sum)
    assert list(table["swing"].abs()) == sorted(table["swing"].abs(), reverse=True)
    assert (table.loc["Partners (FTE)", "high"] < table.loc["Partners (FTE)", "base"])
