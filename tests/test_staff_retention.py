"""Turnover, stability and retention curves on small records worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from academy.models.staff_retention import (
    in_post, median_tenure_years, retention_curves, tenure_table, turnover_and_stability,
)

CENSUS = pd.Timestamp("2019-09-30")


def records(rows) -> pd.DataFrame:
    """Staff records from (role, age at start, start, end or None)."""
    table = pd.DataFrame(rows, columns=["role", "age_at_start", "start_date", "end_date"])
    table["start_date"] = pd.to_datetime(table["start_date"])
    table["end_date"] = pd.to_datetime(table["end_date"])
    return table


def after(start: str, days: int) -> str:
    return str((pd.Timestamp(start) + pd.Timedelta(days=days)).date())


# Six people who all started after the records begin: leaving after 1, 2, 2, 3 and 5 "years" of 365
# days, and one still in post (censored) after 4.
SIX = records([
    ("a", 30, "2010-01-01", after("2010-01-01", 365)),
    ("a", 30, "2011-01-01", after("2011-01-01", 730)),
    ("a", 40, "2011-06-01", after("2011-06-01", 730)),
    ("a", 40, "2012-01-01", after("2012-01-01", 1095)),
    ("a", 55, str((CENSUS - pd.Timedelta(days=1460)).date()), None),
    ("a", 55, "2013-01-01", after("2013-01-01", 1825)),
])


def test_kaplan_meier_matches_the_hand_product_limit_with_censoring():
    curve = retention_curves(SIX, by=None)
    year = 365 / 365.25
    # At 1: 1 of 6 leaves -> 5/6. At 2: 2 of 5 -> 1/2. At 3: 1 of 3 -> 1/3. At 4: censored, no step.
    # At 5: 1 of 1 -> 0.
    expected = {0: 1.0, 1: 5 / 6, 2: 1 / 2, 3: 1 / 3, 4: 1 / 3, 5: 0.0}
    at_risk = {1: 6, 2: 5, 3: 3, 5: 1}
    for years, share in expected.items():
        row = curve[np.isclose(curve["years"], years * year, atol=1e-3)]
        assert len(row) == 1, years
        assert row["still_in_post"].iloc[0] == pytest.approx(share)
        if years in at_risk:
            assert row["at_risk"].iloc[0] == at_risk[years]
    assert (curve["lower"] <= curve["still_in_post"] + 1e-12).all()
    assert (curve["still_in_post"] <= curve["upper"] + 1e-12).all()


def test_the_median_tenure_is_where_half_have_left():
    median = median_tenure_years(SIX, by=None).iloc[0]
    assert median["median_years"] == pytest.approx(730 / 365.25)
    assert (median["people"], median["leavers"]) == (6, 5)


def test_a_median_is_infinite_while_most_are_still_in_post():
    staying = records([("a", 30, "2010-01-01", None), ("a", 30, "2011-01-01", None),
                       ("a", 30, "2012-01-01", "2013-01-01")])
    assert np.isinf(median_tenure_years(staying, by=None)["median_years"].iloc[0])


def test_staff_who_started_before_the_records_enter_at_their_tenure():
    # One person started in 2005 and left in 2014: when the records begin (April 2009) they have
    # four years' tenure, so they are not at risk at 1 year; at 1 year only the other two are.
    table = records([("a", 30, "2005-01-01", "2014-01-01"), ("a", 30, "2010-01-01", after("2010-01-01", 365)),
                     ("a", 30, "2011-01-01", None)])
    tenure = tenure_table(table)
    assert tenure["entry_years"].tolist() == pytest.approx([(pd.Timestamp("2009-04-01") - pd.Timestamp("2005-01-01")).days / 365.25, 0, 0])
    curve = retention_curves(table, by=None)
    first = curve[np.isclose(curve["years"], 365 / 365.25)]
    assert first["at_risk"].iloc[0] == 2 and first["still_in_post"].iloc[0] == pytest.approx(0.5)
    # Ignoring the late entry would put three at risk and give 2/3.


def test_tenure_is_to_leaving_or_to_the_census():
    tenure = tenure_table(SIX)
    assert tenure["left"].tolist() == [True, True, True, True, False, True]
    assert tenure["years_in_post"].iloc[4] == pytest.approx(1460 / 365.25)
    assert tenure["years_in_post"].iloc[3] == pytest.approx(1095 / 365.25)
    assert tenure["age_group_at_start"].astype(str).tolist() == ["under 35", "under 35", "35 to 49", "35 to 49",
                                                                  "50 and over", "50 and over"]


def test_curves_by_group_are_fitted_separately():
    table = pd.concat([SIX, records([("b", 30, "2010-01-01", after("2010-01-01", 365)),
                                     ("b", 30, "2010-01-01", None)])], ignore_index=True)
    curves = retention_curves(table, by="role")
    assert set(curves["group"]) == {"a", "b"}
    b = curves[curves["group"] == "b"]
    assert b["still_in_post"].min() == pytest.approx(0.5)
    medians = median_tenure_years(table, by="role").set_index("group")
    assert medians.loc["b", "people"] == 2 and medians.loc["b", "leavers"] == 1
    by_age = median_tenure_years(SIX, by="age_group_at_start").set_index("group")
    assert by_age.loc["under 35", "median_years"] == pytest.approx(365 / 365.25)  # one of two gone after 1
    assert by_age.loc["50 and over", "median_years"] == pytest.approx(1825 / 365.25)


def test_in_post_counts_starters_on_the_day_and_not_leavers_on_the_day():
    table = records([("a", 30, "2018-09-30", None), ("a", 30, "2015-01-01", "2018-09-30"),
                     ("a", 30, "2018-10-01", None)])
    assert in_post(table, "2018-09-30").tolist() == [True, False, False]


def test_turnover_and_stability_by_hand():
    # Year to 30 Sep 2019: at the start, A, B, C, D in post; B leaves; E joins and leaves; F joins.
    table = records([
        ("a", 30, "2010-01-01", None),          # A stays
        ("a", 30, "2011-01-01", "2019-03-01"),  # B leaves
        ("b", 30, "2012-01-01", None),          # C stays
        ("b", 30, "2013-01-01", None),          # D stays
        ("a", 30, "2018-11-01", "2019-05-01"),  # E joins and leaves within the year
        ("a", 30, "2019-06-01", None),          # F joins
    ])
    year = turnover_and_stability(table, years=1).iloc[0]
    assert year["year_ending"] == CENSUS
    assert (year["headcount_start"], year["headcount_end"], year["leavers"]) == (4, 4, 2)
    assert year["turnover"] == pytest.approx(2 / 4)
    assert year["stability"] == pytest.approx(3 / 4)
    by_role = turnover_and_stability(table, years=1, by="role").set_index("role")
    assert by_role.loc["a", "turnover"] == pytest.approx(2 / 2) and by_role.loc["a", "stability"] == pytest.approx(1 / 2)
    assert by_role.loc["b", "turnover"] == 0 and by_role.loc["b", "stability"] == 1


def test_years_run_back_from_the_census_in_order():
    table = turnover_and_stability(records([("a", 30, "2017-01-01", "2018-01-01")]), years=3)
    assert table["year_ending"].dt.year.tolist() == [2017, 2018, 2019]
    assert table["leavers"].tolist() == [0, 1, 0]
    assert table["turnover"].tolist()[:2] == [0.0, pytest.approx(1 / 0.5)]
    assert np.isnan(table["turnover"].iloc[2]) and np.isnan(table["stability"].iloc[2])  # nobody in post


@pytest.mark.parametrize("years", [0, 1.5, True])
def test_years_must_be_whole(years):
    with pytest.raises(ValueError, match="years must be a whole number"):
        turnover_and_stability(SIX, years=years)


def test_records_that_cannot_be_right_are_a_sentence():
    backwards = records([("a", 30, "2015-01-01", "2014-01-01")])
    with pytest.raises(ValueError, match="end_date falls before its start_date"):
        turnover_and_stability(backwards)
    future = records([("a", 30, "2015-01-01", "2020-01-01")])
    with pytest.raises(ValueError, match="after the census date"):
        retention_curves(future)
    with pytest.raises(ValueError, match="missing"):
        in_post(SIX.drop(columns="end_date"), CENSUS)


def test_the_days_at_the_edges_of_a_year_by_hand():
    # Year to 30 Sep 2019 starts on 30 Sep 2018. Starting on that day: in post at the start. Leaving on
    # it: a leaver in the year before, not this one. Leaving on 30 Sep 2019: a leaver this year, not in
    # post at its end.
    table = records([
        ("a", 30, "2018-09-30", None),
        ("a", 30, "2015-01-01", "2018-09-30"),
        ("a", 30, "2016-01-01", "2019-09-30"),
        ("a", 30, "2019-09-30", None),  # starts on the last day: in post at the end only
    ])
    last = turnover_and_stability(table, years=2).set_index("year_ending")
    this_year = last.loc[CENSUS]
    assert (this_year["headcount_start"], this_year["headcount_end"], this_year["leavers"]) == (2, 2, 1)
    assert this_year["stability"] == pytest.approx(1 / 2)
    year_before = last.loc[pd.Timestamp("2018-09-30")]
    assert (year_before["headcount_end"], year_before["leavers"]) == (2, 1)


def test_nobody_in_post_gives_no_rate_rather_than_infinity():
    # Someone who came and went within the year: turnover has no average headcount to divide by.
    table = records([("a", 30, "2018-11-01", "2019-02-01"), ("b", 30, "2010-01-01", None)])
    year = turnover_and_stability(table, years=1, by="role").set_index("role")
    assert year.loc["a", "leavers"] == 1 and np.isnan(year.loc["a", "turnover"])
    assert np.isnan(year.loc["a", "stability"])
    assert year.loc["b", "stability"] == 1  # one person in post, still there: 1 of 1


def test_an_end_on_the_start_day_is_allowed_and_a_backwards_one_is_named():
    same_day = records([("a", 30, "2015-01-01", "2015-01-01")])
    assert turnover_and_stability(same_day, years=1)["headcount_end"].iloc[0] == 0
    wrong = records([("a", 30, "2015-01-01", "2014-01-01")] * 4 + [("a", 30, "2015-01-01", None)])
    with pytest.raises(ValueError, match=r"^records: an end_date falls before its start_date \(staff 0, 1, 2\)$"):
        turnover_and_stability(wrong)


def test_dates_on_the_census_day_are_allowed_and_later_ones_are_not():
    on_census = records([("a", 30, "2019-09-30", None), ("a", 30, "2010-01-01", "2019-09-30")])
    assert tenure_table(on_census)["years_in_post"].tolist() == pytest.approx([0, (CENSUS - pd.Timestamp("2010-01-01")).days / 365.25])
    with pytest.raises(ValueError, match="^records: a start_date or end_date falls after the census date$"):
        tenure_table(records([("a", 30, "2019-10-01", None)]))


def test_one_curve_for_everyone_is_labelled_all_and_numbered_from_zero():
    curve = retention_curves(SIX, by=None)
    assert set(curve["group"]) == {"all"}
    assert list(curve.index) == list(range(len(curve)))
    by_role = retention_curves(pd.concat([SIX, SIX.assign(role="b")], ignore_index=True))
    assert list(by_role.index) == list(range(len(by_role)))
    assert median_tenure_years(SIX, by=None)["group"].tolist() == ["all"]


def test_an_age_group_with_nobody_in_it_gets_no_curve():
    older = records([("a", 55, "2012-01-01", "2014-01-01"), ("a", 60, "2013-01-01", None)])
    assert set(retention_curves(older, by="age_group_at_start")["group"]) == {"50 and over"}
    assert median_tenure_years(older, by="age_group_at_start")["group"].tolist() == ["50 and over"]


def test_the_records_can_begin_on_another_date():
    # Someone who started in 2005: if the records begin in 2004, they enter at 0 and are at risk from
    # the start, so the first leaver at one year is one of three, not one of two.
    table = records([("a", 30, "2005-01-01", "2014-01-01"), ("a", 30, "2010-01-01", after("2010-01-01", 365)),
                     ("a", 30, "2011-01-01", None)])
    early = retention_curves(table, by=None, records_begin="2004-01-01")
    first = early[np.isclose(early["years"], 365 / 365.25)]
    assert first["at_risk"].iloc[0] == 3 and first["still_in_post"].iloc[0] == pytest.approx(2 / 3)
    medians = median_tenure_years(table, by=None, records_begin="2004-01-01")
    late = median_tenure_years(table, by=None)
    assert medians["median_years"].iloc[0] != late["median_years"].iloc[0]
