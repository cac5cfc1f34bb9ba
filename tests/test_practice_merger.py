"""The merger model: lines add up, savings are exactly what is no longer paid twice, and every
profit-sharing rule shares out exactly the merged profit, as each rule's closed form says."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from academy.models import gp_partnership as gp
from academy.models import practice_merger as pm

practice_strategy = st.builds(
    lambda n, weighting, partners, salaried, fixed, rate, dispensing, rent, cost: gp.AVERAGE_PRACTICE.with_changes(
        registered_patients=n, list_weighting=weighting, partners=partners, salaried_gps=salaried, fixed_costs_gbp=fixed,
        global_sum_gbp_per_weighted_patient=rate, dispensing_patient_share=dispensing, premises_reimbursement_gbp=rent,
        salaried_gp_cost_gbp=cost),
    st.floats(2_000, 20_000), st.floats(0.8, 1.3), st.floats(0.5, 8), st.floats(0, 6), st.floats(50_000, 200_000),
    st.floats(80, 100), st.floats(0, 0.8), st.floats(0, 300_000), st.floats(70_000, 110_000),
)


def named(practices):
    return [p.with_changes(name=f"Practice {i}") for i, p in enumerate(practices)]


@settings(max_examples=50, deadline=None)
@given(practices=st.lists(practice_strategy, min_size=2, max_size=6))
def test_merger_without_savings_adds_up_line_by_line(practices):
    practices = named(practices)
    merged = gp.practice_accounts(pm.merged_practice(practices, back_office_saving_share=0.0))
    apart = [gp.practice_accounts(p) for p in practices]
    for line in gp.INCOME_LINES + gp.EXPENSE_LINES + ("profit_gbp",):
        assert merged[line] == pytest.approx(sum(a[line] for a in apart), rel=1e-9, abs=1e-3), line
    assert merged["profit_per_partner_gbp"] == pytest.approx(
        sum(a["profit_gbp"] for a in apart) / sum(p.partners for p in practices))


@settings(max_examples=50, deadline=None)
@given(practices=st.lists(practice_strategy, min_size=2, max_size=5), saving=st.floats(0, 1), central=st.floats(0, 200_000))
def test_back_office_saving_adds_exactly_the_fixed_costs_saved_less_central_costs(practices, saving, central):
    table = pm.merger_comparison(named(practices), back_office_saving_share=saving, central_management_costs_gbp=central)
    gain = table.loc[pm.MERGED, "profit_gbp"] - table.loc[pm.APART, "profit_gbp"]
    assert gain == pytest.approx(saving * sum(p.fixed_costs_gbp for p in practices) - central, rel=1e-9, abs=1e-3)
    assert table.loc[pm.APART, "registered_patients"] == pytest.approx(sum(p.registered_patients for p in practices))


def test_partners_becoming_salaried_raise_profit_per_remaining_partner_by_the_closed_form():
    practices = [gp.AVERAGE_PRACTICE.with_changes(name=f"P{i}") for i in range(3)]
    before = pm.merger_comparison(practices, 0.3, 0).loc[pm.MERGED]
    after = pm.merger_comparison(practices, 0.3, 2).loc[pm.MERGED]
    assert after["partners"] == pytest.approx(before["partners"] - 2)
    assert after["salaried_gps"] == pytest.approx(before["salaried_gps"] + 2)
    salary = gp.AVERAGE_PRACTICE.salaried_gp_cost_gbp
    assert after["profit_per_partner_gbp"] == pytest.approx((before["profit_gbp"] - 2 * salary) / (before["partners"] - 2))


# ---- sharing the merged profit --------------------------------------------------------------------

def two_practices():
    """Two practices alike but for fixed costs of 200,000 and 100,000: B earns 100,000 more a year."""
    a = gp.AVERAGE_PRACTICE.with_changes(name="A", fixed_costs_gbp=200_000)
    b = gp.AVERAGE_PRACTICE.with_changes(name="B", fixed_costs_gbp=100_000)
    return [a, b]


def test_break_even_saving_by_hand():
    # Merged profit per partner at saving s is (profit A + profit B + 300,000 s) / 2P; B's alone is profit B / P.
    # Equal when 300,000 s = profit B - profit A = 100,000, so s = 1/3.
    assert pm.break_even_saving_share(two_practices(), "B") == pytest.approx(1 / 3)
    assert pm.break_even_saving_share(two_practices(), "A") == 0.0  # A gains from any merger
    # With 150,000 of central management costs B needs 300,000 s = 250,000: more than 80% ...
    assert pm.break_even_saving_share(two_practices(), "B", 150_000) == pytest.approx(250_000 / 300_000)
    # ... and with 400,000 no saving is enough.
    assert math.isnan(pm.break_even_saving_share(two_practices(), "B", 400_000))


@pytest.mark.parametrize("rule", pm.SHARING_RULES)
def test_every_rule_shares_out_exactly_the_merged_profit_and_one_off_costs_fall_in_year_one(rule):
    practices = two_practices() + [gp.AVERAGE_PRACTICE.with_changes(name="C", partners=4.0)]
    shares = pm.profit_sharing(practices, rule, 0.3, 50_000, 120_000, glide_years=3, years=4)
    merged_profit = pm.merger_comparison(practices, 0.3, 0, 50_000).loc[pm.MERGED, "profit_gbp"]
    paid = (shares["partners"] * shares["profit_per_partner_merged_gbp"]).groupby(shares["year"]).sum()
    assert paid[1] == pytest.approx(merged_profit - 120_000)
    for year in (2, 3, 4):
        assert paid[year] == pytest.approx(merged_profit)
    assert shares["change_gbp"].tolist() == pytest.approx(
        (shares["profit_per_partner_merged_gbp"] - shares["profit_per_partner_apart_gbp"]).tolist())
    apart = {p.name: gp.profit_per_partner_gbp(p) for p in practices}
    assert shares["profit_per_partner_apart_gbp"].tolist() == pytest.approx([apart[n] for n in shares["practice"]])


def test_equal_shares_are_equal_and_performance_shares_keep_each_practices_place():
    practices = two_practices()
    equal = pm.profit_sharing(practices, "equal", 0.3, years=1)
    assert equal["profit_per_partner_merged_gbp"].nunique() == 1
    performance = pm.profit_sharing(practices, "performance", 0.3, years=1)
    ratio = performance["profit_per_partner_merged_gbp"] / performance["profit_per_partner_apart_gbp"]
    assert ratio.iloc[0] == pytest.approx(ratio.iloc[1])  # the merger's gain shared pro rata
    assert ratio.iloc[0] > 1


def test_lockstep_glides_from_performance_to_parity_in_equal_steps():
    practices = two_practices()
    lockstep = pm.profit_sharing(practices, "lockstep", 0.3, glide_years=3, years=4).set_index(["practice", "year"])
    equal = pm.profit_sharing(practices, "equal", 0.3, years=4).set_index(["practice", "year"])
    performance = pm.profit_sharing(practices, "performance", 0.3, years=4).set_index(["practice", "year"])
    column = "profit_per_partner_merged_gbp"
    for year, parity in ((1, 1 / 3), (2, 2 / 3), (3, 1.0), (4, 1.0)):
        for name in ("A", "B"):
            expected = parity * equal.loc[(name, year), column] + (1 - parity) * performance.loc[(name, year), column]
            assert lockstep.loc[(name, year), column] == pytest.approx(expected)


@pytest.mark.parametrize("call, words", [
    (lambda ps: pm.merged_practice(ps, back_office_saving_share=1.5), "back_office_saving_share must be a share between 0 and 1"),
    (lambda ps: pm.merged_practice(ps, partners_becoming_salaried=100), "partners_becoming_salaried must be from 0 to less than"),
    (lambda ps: pm.merged_practice(ps, partners_becoming_salaried=-1), "partners_becoming_salaried must be 0 or more"),
    (lambda ps: pm.merged_practice(ps, central_management_costs_gbp=-1), "central_management_costs_gbp must be 0 or more"),
    (lambda ps: pm.merged_practice(ps[:1]), "at least 2 practices"),
    (lambda ps: pm.merged_practice([ps[0], ps[0]]), "different names"),
    (lambda ps: pm.merged_practice([ps[0], ps[1].with_changes(name=pm.MERGED)]), "must not be called 'Merged partnership'"),
    (lambda ps: pm.merger_comparison([ps[0], ps[1].with_changes(name=pm.APART)]), "must not be called 'All practices apart'"),
    (lambda ps: pm.profit_sharing(ps, "seniority"), "rule must be one of equal, lockstep, performance"),
    (lambda ps: pm.profit_sharing(ps, "lockstep", glide_years=0), "glide_years must be a whole number"),
    (lambda ps: pm.profit_sharing(ps, "lockstep", glide_years=1.5), "glide_years must be a whole number"),
    (lambda ps: pm.profit_sharing(ps, years=0), "years must be a whole number"),
    (lambda ps: pm.profit_sharing(ps, one_off_costs_gbp=-5), "one_off_costs_gbp must be 0 or more"),
    (lambda ps: pm.break_even_saving_share(ps, "Nowhere Surgery"), "practice must be one of A, B"),
])
def test_bad_merger_inputs_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call(two_practices())


def test_sharing_by_what_each_earned_needs_a_profit_apart():
    losing = [p.with_changes(fixed_costs_gbp=2_000_000) for p in two_practices()]
    with pytest.raises(ValueError, match="profit apart must be above 0"):
        pm.profit_sharing(losing, "performance")
    assert len(pm.profit_sharing(losing, "equal", years=1)) == 2  # equal shares need no such thing
