"""The GP partnership model against its sources and a hand-worked practice: calibration, lines that add
up, closed-form slopes, the scale-versus-workload split and leverage at the same clinical capacity."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from academy.models import gp_partnership as gp

# A practice small enough to work by hand (every line below is worked out in the comments).
HAND = gp.Practice(
    name="Hand-worked", registered_patients=10_000, list_weighting=1.1, partners=4, salaried_gps=2,
    dispensing_patient_share=0.5, global_sum_gbp_per_weighted_patient=90, network_payment_gbp_per_weighted_patient=2,
    qof_gbp_per_patient=10, enhanced_services_gbp_per_patient=10, other_nhs_income_gbp_per_patient=20,
    premises_reimbursement_gbp=100_000, dispensing_income_gbp_per_dispensing_patient=150, dispensing_cost_share=0.8,
    salaried_gp_cost_gbp=90_000, premises_costs_gbp=80_000, fixed_costs_gbp=100_000, variable_costs_gbp_per_patient=70,
)
HAND_LINES = {
    "global_sum_gbp": 990_000,  # 11,000 weighted patients x 90
    "network_payment_gbp": 22_000,  # 11,000 x 2
    "qof_gbp": 100_000,
    "enhanced_services_gbp": 100_000,
    "other_nhs_income_gbp": 200_000,
    "premises_reimbursement_gbp": 100_000,
    "dispensing_income_gbp": 750_000,  # 5,000 dispensing patients x 150
    "salaried_gp_costs_gbp": 180_000,
    "premises_costs_gbp": 80_000,
    "dispensing_costs_gbp": 600_000,  # 80% of 750,000
    "fixed_costs_gbp": 100_000,
    "variable_costs_gbp": 700_000,
    "income_gbp": 2_262_000,
    "expenses_gbp": 1_660_000,
    "profit_gbp": 602_000,
    "profit_per_partner_gbp": 150_500,
    "patients_per_gp": 10_000 / 6,
    "income_per_patient_gbp": 226.2,
    "cost_per_patient_gbp": 166.0,
    "economic_cost_per_patient_gbp": 202.0,  # (1,660,000 + 4 x 90,000) / 10,000
    "expense_share": 1_660_000 / 2_262_000,
}


def test_the_hand_worked_practice_line_by_line():
    accounts = gp.practice_accounts(HAND)
    for line, expected in HAND_LINES.items():
        assert accounts[line] == pytest.approx(expected), line
    assert sum(accounts[line] for line in gp.INCOME_LINES) == pytest.approx(accounts["income_gbp"])
    assert sum(accounts[line] for line in gp.EXPENSE_LINES) == pytest.approx(accounts["expenses_gbp"])


def test_average_practice_reproduces_the_published_calibration_targets():
    accounts = gp.practice_accounts(gp.AVERAGE_PRACTICE)
    # NHS Payments to General Practice 2019/20: about 155 pounds per registered patient, all lines.
    assert accounts["income_per_patient_gbp"] == pytest.approx(155.0)
    # GP Earnings and Expenses 2017/18: 109,100 per head; at 0.87 FTE a head, per FTE partner.
    assert accounts["profit_per_partner_gbp"] == pytest.approx(109_100 / 0.87)
    assert gp.AVERAGE_PRACTICE.partners == pytest.approx(18_303 / 6_876)
    assert gp.AVERAGE_PRACTICE.salaried_gps == pytest.approx((28_315 - 18_303) / 6_876)
    assert accounts["global_sum_gbp"] == pytest.approx(8_727 * 89.88)
    assert accounts["network_payment_gbp"] == pytest.approx(8_727 * 1.76)
    assert accounts["qof_gbp"] == pytest.approx(8_727 * 12)
    assert accounts["premises_reimbursement_gbp"] == pytest.approx(8_727 * 14)
    assert accounts["dispensing_income_gbp"] == 0  # the average practice does not dispense
    # Salaried GP: midpoint of the BMA 2019/20 range plus 25% employer costs.
    assert gp.AVERAGE_PRACTICE.salaried_gp_cost_gbp == pytest.approx((58_808 + 88_744) / 2 * 1.25)


@settings(max_examples=60, deadline=None)
@given(rate=st.floats(50, 150), step=st.floats(0.1, 20), weighting=st.floats(0.8, 1.3))
def test_profit_per_partner_rises_with_the_global_sum_at_the_closed_form_slope(rate, step, weighting):
    p = gp.AVERAGE_PRACTICE.with_changes(global_sum_gbp_per_weighted_patient=rate, list_weighting=weighting)
    q = p.with_changes(global_sum_gbp_per_weighted_patient=rate + step)
    slope = p.registered_patients * weighting / p.partners  # weighted patients per partner
    assert gp.profit_per_partner_gbp(q) - gp.profit_per_partner_gbp(p) == pytest.approx(slope * step)


@settings(max_examples=60, deadline=None)
@given(qof=st.floats(0, 30), step=st.floats(0.1, 10), weighting=st.floats(0.8, 1.3))
def test_qof_is_paid_per_registered_patient(qof, step, weighting):
    p = gp.AVERAGE_PRACTICE.with_changes(qof_gbp_per_patient=qof, list_weighting=weighting)
    q = p.with_changes(qof_gbp_per_patient=qof + step)
    assert gp.profit_per_partner_gbp(q) - gp.profit_per_partner_gbp(p) == pytest.approx(
        p.registered_patients * step / p.partners)


@settings(max_examples=60, deadline=None)
@given(share=st.floats(0, 1), income=st.floats(50, 300), cost_share=st.floats(0, 1))
def test_dispensing_adds_its_margin_per_dispensing_patient(share, income, cost_share):
    p = gp.AVERAGE_PRACTICE.with_changes(dispensing_income_gbp_per_dispensing_patient=income, dispensing_cost_share=cost_share)
    q = p.with_changes(dispensing_patient_share=share)
    margin = p.registered_patients * share * income * (1 - cost_share)
    assert gp.practice_accounts(q)["profit_gbp"] - gp.practice_accounts(p)["profit_gbp"] == pytest.approx(margin, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(salaried=st.floats(0, 10), more=st.floats(0.25, 5))
def test_more_salaried_gps_lower_profit_and_patients_per_gp(salaried, more):
    p = gp.AVERAGE_PRACTICE.with_changes(salaried_gps=salaried)
    q = p.with_changes(salaried_gps=salaried + more)
    assert gp.profit_per_partner_gbp(p) - gp.profit_per_partner_gbp(q) == pytest.approx(more * p.salaried_gp_cost_gbp / p.partners)
    assert gp.practice_accounts(q)["patients_per_gp"] < gp.practice_accounts(p)["patients_per_gp"]


def test_premises_reimbursed_at_cost_leave_profit_unchanged_but_an_owned_building_earns():
    leased = gp.AVERAGE_PRACTICE.with_changes(premises_reimbursement_gbp=150_000, premises_costs_gbp=150_000)
    owned = leased.with_changes(premises_costs_gbp=90_000)
    base = gp.AVERAGE_PRACTICE.with_changes(premises_reimbursement_gbp=0, premises_costs_gbp=0)
    assert gp.practice_accounts(leased)["profit_gbp"] == pytest.approx(gp.practice_accounts(base)["profit_gbp"])
    assert gp.practice_accounts(owned)["profit_gbp"] - gp.practice_accounts(leased)["profit_gbp"] == pytest.approx(60_000)


def test_accounts_are_vectorised_over_arrays():
    partners = np.array([1.0, 2.0, 4.0])
    table = gp.practice_accounts(gp.AVERAGE_PRACTICE.with_changes(partners=partners))
    assert len(table) == 3
    single = [gp.profit_per_partner_gbp(gp.AVERAGE_PRACTICE.with_changes(partners=x)) for x in partners]
    assert table["profit_per_partner_gbp"].tolist() == pytest.approx(single)
    assert gp.profit_per_partner_gbp(gp.AVERAGE_PRACTICE.with_changes(partners=partners)).tolist() == pytest.approx(single)


# ---- scale is not workload ------------------------------------------------------------------------

def test_list_growth_splits_by_hand():
    effects = gp.list_growth_effects(HAND, 0.1)
    assert effects["more_work_by_same_gps_gbp"] == pytest.approx(0.1 * 6 * 90_000 / 4)  # 13,500
    assert effects["fixed_costs_spread_gbp"] == pytest.approx(0.1 * (80_000 + 100_000 - 100_000) / 4)  # 2,000
    assert effects["partners_margin_gbp"] == pytest.approx(0.1 * (602_000 - 4 * 90_000) / 4)  # 6,050
    # 1,000 more patients at a margin of 86.20 each (216.20 income less 130 of costs), over 4 partners.
    assert effects["same_gps_total_gbp"] == pytest.approx(1_000 * 86.2 / 4)
    assert effects["gps_grow_with_list_gbp"] == pytest.approx(2_000 + 6_050)


@settings(max_examples=40, deadline=None)
@given(growth=st.floats(0, 1), patients=st.floats(2_000, 30_000), partners=st.floats(0.5, 8), salaried=st.floats(0, 8))
def test_list_growth_effects_match_a_recalculated_practice(growth, patients, partners, salaried):
    p = gp.AVERAGE_PRACTICE.with_changes(registered_patients=patients, partners=partners, salaried_gps=salaried)
    effects = gp.list_growth_effects(p, growth)
    base = gp.profit_per_partner_gbp(p)
    same = gp.profit_per_partner_gbp(gp.practice_with_larger_list(p, growth, gps_grow_with_list=False))
    grown = gp.practice_with_larger_list(p, growth, gps_grow_with_list=True)
    assert effects["same_gps_total_gbp"] == pytest.approx(same - base, abs=1e-6)
    assert effects["gps_grow_with_list_gbp"] == pytest.approx(gp.profit_per_partner_gbp(grown) - base, abs=1e-6)
    parts = effects["more_work_by_same_gps_gbp"] + effects["fixed_costs_spread_gbp"] + effects["partners_margin_gbp"]
    assert parts == pytest.approx(effects["same_gps_total_gbp"], abs=1e-6)
    assert gp.practice_accounts(grown)["patients_per_gp"] == pytest.approx(gp.practice_accounts(p)["patients_per_gp"])


def test_for_the_average_practice_most_of_the_gain_from_a_larger_list_is_workload():
    effects = gp.list_growth_effects(gp.AVERAGE_PRACTICE, 0.1)
    assert 15_000 < effects["same_gps_total_gbp"] < 30_000
    assert effects["more_work_by_same_gps_gbp"] > 0.5 * effects["same_gps_total_gbp"]


# ---- leverage: partners replaced by salaried GPs at the same clinical capacity ---------------------

@settings(max_examples=60, deadline=None)
@given(moved=st.floats(0, 2.5), cost=st.floats(40_000, 200_000))
def test_leverage_keeps_capacity_and_economic_cost_and_moves_profit_by_the_closed_form(moved, cost):
    p = gp.AVERAGE_PRACTICE.with_changes(salaried_gp_cost_gbp=cost)
    q = gp.partners_replaced_by_salaried(p, moved)
    before, after = gp.practice_accounts(p), gp.practice_accounts(q)
    assert q.partners + q.salaried_gps == pytest.approx(p.partners + p.salaried_gps)
    assert after["economic_cost_per_patient_gbp"] == pytest.approx(before["economic_cost_per_patient_gbp"])
    assert after["profit_per_partner_gbp"] == pytest.approx((before["profit_gbp"] - moved * cost) / (p.partners - moved))
    if moved > 0.01 and abs(before["profit_per_partner_gbp"] - cost) > 100:
        rises = after["profit_per_partner_gbp"] > before["profit_per_partner_gbp"]
        assert rises == (before["profit_per_partner_gbp"] > cost)


def test_sensitivity_matches_direct_recalculation_and_teaches_leverage():
    p = gp.AVERAGE_PRACTICE
    table = gp.sensitivity_table(p, change_share=0.1)
    higher_sum = gp.practice_accounts(p.with_changes(global_sum_gbp_per_weighted_patient=p.global_sum_gbp_per_weighted_patient * 1.1))
    assert table.loc["Global sum per weighted patient", "high"] == pytest.approx(higher_sum["profit_per_partner_gbp"])
    assert table.loc["Global sum per weighted patient", "economic_high"] == pytest.approx(higher_sum["economic_cost_per_patient_gbp"])
    assert list(table["swing"].abs()) == sorted(table["swing"].abs(), reverse=True)
    assert table["swing"].tolist() == pytest.approx((table["high"] - table["low"]).tolist())
    leverage = table.loc["Partners' share of GP time (same GPs)"]
    gps = p.partners + p.salaried_gps
    fewer = gp.practice_accounts(p.with_changes(partners=p.partners * 0.9, salaried_gps=gps - p.partners * 0.9))
    assert leverage["low"] == pytest.approx(fewer["profit_per_partner_gbp"])
    assert leverage["low"] > leverage["base"] > leverage["high"]  # fewer partners, each takes more
    assert leverage["economic_low"] == pytest.approx(leverage["economic_base"])  # the care costs the same
    assert leverage["economic_high"] == pytest.approx(leverage["economic_base"])
    assert table.loc["Registered patients (same GPs)", "economic_high"] < table.loc["Registered patients (same GPs)", "economic_base"]


@pytest.mark.parametrize("change, words", [
    (dict(registered_patients=-5), "registered_patients must be above 0"),
    (dict(partners=0), "partners must be above 0"),
    (dict(salaried_gps=-1), "salaried_gps must be 0 or more"),
    (dict(dispensing_patient_share=1.2), "dispensing_patient_share must be a share between 0 and 1"),
    (dict(dispensing_cost_share=-0.1), "dispensing_cost_share must be a share between 0 and 1"),
    (dict(list_weighting=5), "list_weighting must be between 0 and 3"),
    (dict(fixed_costs_gbp="lots"), "fixed_costs_gbp must be a number"),
    (dict(premises_costs_gbp=-1), "premises_costs_gbp must be 0 or more"),
])
def test_bad_practice_inputs_are_named(change, words):
    with pytest.raises(ValueError, match=words):
        gp.practice_accounts(gp.AVERAGE_PRACTICE.with_changes(**change))


@pytest.mark.parametrize("call, words", [
    (lambda: gp.list_growth_effects(gp.AVERAGE_PRACTICE, 2.0), "growth_share must be between 0 and 1"),
    (lambda: gp.list_growth_effects(gp.AVERAGE_PRACTICE, -0.1), "growth_share must be 0 or more"),
    (lambda: gp.partners_replaced_by_salaried(gp.AVERAGE_PRACTICE, 3.0), "partners_moved must be from 0 to less than"),
    (lambda: gp.partners_replaced_by_salaried(gp.AVERAGE_PRACTICE, -1), "partners_moved must be 0 or more"),
    (lambda: gp.sensitivity_table(gp.AVERAGE_PRACTICE, 1.5), "change_share must be a share between 0 and 1"),
])
def test_bad_scenario_inputs_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
