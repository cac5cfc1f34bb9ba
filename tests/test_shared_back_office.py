"""The shared back office: the key decides who gets the saving, never how large it is."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from academy.models import gp_partnership as gp
from academy.models.shared_back_office import SHARING_KEYS, shared_back_office


def pair():
    """Back offices of 100,000 and 50,000 for lists of 6,000 and 3,000 (weightings 1.0 and 1.5)."""
    return [
        gp.AVERAGE_PRACTICE.with_changes(name="Big", registered_patients=6_000, fixed_costs_gbp=100_000, partners=4.0),
        gp.AVERAGE_PRACTICE.with_changes(name="Small", registered_patients=3_000, list_weighting=1.5, fixed_costs_gbp=50_000, partners=2.0),
    ]


def test_shared_by_list_by_hand():
    table = shared_back_office(pair(), saving_share=0.2, key="list")
    # The pool costs 80% of 150,000 = 120,000, split 2:1.
    assert table["back_office_shared_gbp"].tolist() == pytest.approx([80_000, 40_000])
    assert table["saving_gbp"].tolist() == pytest.approx([20_000, 10_000])
    assert table["saving_per_partner_gbp"].tolist() == pytest.approx([5_000, 5_000])


def test_shared_equally_the_small_practice_can_pay_more_than_alone():
    table = shared_back_office(pair(), saving_share=0.2, key="equal")
    assert table["back_office_shared_gbp"].tolist() == pytest.approx([60_000, 60_000])
    assert table["saving_gbp"].tolist() == pytest.approx([40_000, -10_000])


def test_shared_by_weighted_list_by_hand():
    table = shared_back_office(pair(), saving_share=0.0, key="weighted list", coordination_costs_gbp=30_000)
    # Weighted lists 6,000 and 4,500: shares 4/7 and 3/7 of a pool of 150,000 + 30,000.
    assert table["cost_share"].tolist() == pytest.approx([4 / 7, 3 / 7])
    assert table["back_office_shared_gbp"].tolist() == pytest.approx([180_000 * 4 / 7, 180_000 * 3 / 7])


practice_strategy = st.builds(
    lambda n, fixed, partners: gp.AVERAGE_PRACTICE.with_changes(registered_patients=n, fixed_costs_gbp=fixed, partners=partners),
    st.floats(2_000, 20_000), st.floats(30_000, 200_000), st.floats(0.5, 6),
)


@settings(max_examples=60, deadline=None)
@given(practices=st.lists(practice_strategy, min_size=2, max_size=6), saving=st.floats(0, 1),
       key=st.sampled_from(SHARING_KEYS), coordination=st.floats(0, 100_000))
def test_savings_add_up_to_the_saving_less_coordination_whatever_the_key(practices, saving, key, coordination):
    practices = [p.with_changes(name=f"P{i}") for i, p in enumerate(practices)]
    table = shared_back_office(practices, saving, key, coordination)
    fixed = sum(p.fixed_costs_gbp for p in practices)
    assert table["saving_gbp"].sum() == pytest.approx(saving * fixed - coordination, rel=1e-9, abs=1e-6)
    assert table["cost_share"].sum() == pytest.approx(1.0)
    alone = [gp.profit_per_partner_gbp(p) for p in practices]
    assert table["profit_per_partner_alone_gbp"].tolist() == pytest.approx(alone)
    assert table["profit_per_partner_shared_gbp"].tolist() == pytest.approx(
        [a + s / p.partners for a, s, p in zip(alone, table["saving_gbp"], practices)])


@pytest.mark.parametrize("kwargs, words", [
    (dict(saving_share=1.2), "saving_share must be a share between 0 and 1"),
    (dict(key="by partners"), "key must be one of list, weighted list, equal"),
    (dict(coordination_costs_gbp=-1), "coordination_costs_gbp must be 0 or more"),
])
def test_bad_inputs_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        shared_back_office(pair(), **kwargs)


def test_practices_need_different_names():
    with pytest.raises(ValueError, match="different names"):
        shared_back_office([pair()[0], pair()[0]])
