"""The last-partner-standing timeline against a practice worked by hand."""

import math

import pandas as pd
import pytest

from academy.models.last_partner_standing import first_year_last_partner_standing, partners_and_liability_by_year


def hand_practice(liability_years=10):
    partners = pd.DataFrame({"practice": ["A", "A"], "age": [58, 50], "fte": [1.0, 0.5]})
    premises = pd.DataFrame({"practice": ["A"], "premises_liability_gbp": [100_000.0], "liability_years": [liability_years]})
    return partners, premises


def test_a_practice_worked_by_hand():
    timeline = partners_and_liability_by_year(*hand_practice(), start_year=2019, years=10, retirement_age=60).set_index("year")
    # 2019: both in post, 100,000 owed, 50,000 each.
    assert timeline.loc[2019, "partners_in_post"] == 2
    assert timeline.loc[2019, "partner_fte"] == pytest.approx(1.5)
    assert timeline.loc[2019, "liability_per_partner_gbp"] == pytest.approx(50_000)
    assert not timeline.loc[2019, "last_partner_standing"]
    # 2021: the partner aged 58 in 2019 reaches 60 and retires; 80,000 is left on one partner.
    assert timeline.loc[2021, "partners_in_post"] == 1
    assert timeline.loc[2021, "liability_gbp"] == pytest.approx(80_000)
    assert timeline.loc[2021, "liability_per_partner_gbp"] == pytest.approx(80_000)
    assert timeline.loc[2021, "last_partner_standing"]
    # 2029: the lease has run out, so nobody is left holding it.
    assert timeline.loc[2029, "liability_gbp"] == 0
    assert not timeline.loc[2029, "last_partner_standing"]
    assert first_year_last_partner_standing(timeline.reset_index())["A"] == 2021


def test_no_partner_left_with_a_liability_is_an_infinite_share():
    timeline = partners_and_liability_by_year(*hand_practice(liability_years=20), years=12, retirement_age=60).set_index("year")
    assert timeline.loc[2029, "partners_in_post"] == 0
    assert math.isinf(timeline.loc[2029, "liability_per_partner_gbp"])
    assert timeline.loc[2029, "last_partner_standing"]


def test_recruiting_partners_postpones_the_last_partner():
    timeline = partners_and_liability_by_year(*hand_practice(), years=10, retirement_age=60, new_partners_per_year=0.5)
    by_year = timeline.set_index("year")
    assert by_year.loc[2021, "partners_in_post"] == pytest.approx(2.0)  # one left, one joined over two years
    assert math.isnan(first_year_last_partner_standing(timeline)["A"])


def test_a_later_retirement_age_moves_the_year():
    early = first_year_last_partner_standing(partners_and_liability_by_year(*hand_practice(), retirement_age=60))["A"]
    late = first_year_last_partner_standing(partners_and_liability_by_year(*hand_practice(), retirement_age=62))["A"]
    assert (early, late) == (2021, 2023)


@pytest.mark.parametrize("change, words", [
    (lambda p, q: (p.drop(columns="fte"), q), "partners must have the columns practice, age, fte; missing fte"),
    (lambda p, q: (p.assign(age=-1), q), "age must be above 0"),
    (lambda p, q: (p, q.assign(liability_years=0)), "liability_years must be above 0"),
    (lambda p, q: (p, q.assign(premises_liability_gbp=-1.0)), "premises_liability_gbp must be 0 or more"),
    (lambda p, q: (p, pd.concat([q, q])), "one row per practice"),
    (lambda p, q: (p.assign(practice="B"), q), "missing B"),
])
def test_bad_tables_are_named(change, words):
    with pytest.raises(ValueError, match=words):
        partners_and_liability_by_year(*change(*hand_practice()))


@pytest.mark.parametrize("kwargs, words", [
    (dict(retirement_age=0), "retirement_age must be above 0"),
    (dict(new_partners_per_year=-1), "new_partners_per_year must be 0 or more"),
    (dict(years=0), "years must be a whole number"),
])
def test_bad_settings_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        partners_and_liability_by_year(*hand_practice(), **kwargs)
