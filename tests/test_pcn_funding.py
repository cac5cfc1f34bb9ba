"""The network's 2019/20 money, against the Network Contract DES and the parliamentary answer's figures."""

import pytest

from academy.models.pcn_funding import arrs_reimbursement_gbp, network_funding_gbp


def test_one_pharmacist_and_one_link_worker_at_their_maximum_costs():
    money = arrs_reimbursement_gbp(1, 54_014, 1, 34_113)
    assert money["pharmacist_reimbursed_gbp"] == pytest.approx(37_810, abs=1)  # 70% of 54,014
    assert money["link_worker_reimbursed_gbp"] == pytest.approx(34_113)  # 100%
    assert money["staff_costs_gbp"] == pytest.approx(54_014 + 34_113)
    assert money["net_cost_gbp"] == pytest.approx(54_014 - 0.7 * 54_014)


def test_reimbursement_stops_at_the_maximum_at_one_of_each_role_and_above_the_baseline():
    assert arrs_reimbursement_gbp(1, 60_000, 0, 0)["pharmacist_reimbursed_gbp"] == pytest.approx(0.7 * 54_014)
    assert arrs_reimbursement_gbp(1, 40_000, 0, 0)["pharmacist_reimbursed_gbp"] == pytest.approx(0.7 * 40_000)
    two = arrs_reimbursement_gbp(2, 50_000, 3, 30_000)
    assert two["pharmacist_reimbursed_gbp"] == pytest.approx(0.7 * 50_000)
    assert two["link_worker_reimbursed_gbp"] == pytest.approx(30_000)
    assert two["net_cost_gbp"] == pytest.approx(2 * 50_000 + 3 * 30_000 - 0.7 * 50_000 - 30_000)
    baseline = arrs_reimbursement_gbp(1, 50_000, 1, 30_000, baseline_pharmacists=1, baseline_link_workers=0.5)
    assert baseline["pharmacist_reimbursed_gbp"] == 0
    assert baseline["link_worker_reimbursed_gbp"] == pytest.approx(0.5 * 30_000)


def test_network_funding_lines_for_fen_edge():
    money = network_funding_gbp(42_060, 43_000)
    assert money["network_participation_gbp"] == pytest.approx(43_000 * 1.76)
    assert money["core_pcn_funding_gbp"] == pytest.approx(42_060 * 1.50)
    assert money["clinical_director_gbp"] == pytest.approx(42_060 * 0.514)
    assert money["total_gbp"] == pytest.approx(43_000 * 1.76 + 42_060 * (1.50 + 0.514))


@pytest.mark.parametrize("call, words", [
    (lambda: arrs_reimbursement_gbp(-1, 50_000, 0, 0), "pharmacists must be 0 or more"),
    (lambda: arrs_reimbursement_gbp(1, 50_000, 1, -3), "link_worker_cost_gbp must be 0 or more"),
    (lambda: network_funding_gbp(-1, 0), "registered_patients must be 0 or more"),
])
def test_bad_inputs_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
