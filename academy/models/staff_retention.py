"""What a practice's staff records say about retention: turnover, stability, and how long people stay.

The records are one row per person in post: ``role``, ``age_at_start`` (years), ``start_date``,
``end_date`` (missing for someone still in post) and ``sessions_per_week``.

- **Turnover** in a year: leavers in the year over the average headcount (at its start and its end).
  It counts every leaver, so two short-lived appointments to the same post count twice.
- **Stability**: the share of the people in post at the start of a year who are still in post at its
  end. A team can have high turnover and high stability at once, when the leavers are the newest
  arrivals and the established staff stay; turnover alone would call that a crisis.
- **Retention curves**: the Kaplan-Meier estimate (by lifelines) of the share of staff still in post
  a given number of years after they started, by role or age at start. People still in post are
  censored (we know only that they have stayed so far), and people who started before the records
  begin enter the estimate at the tenure they had then (left truncation), so long-serving staff are
  not over-counted. The median tenure is where the curve crosses one half.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter

DAYS_PER_YEAR = 365.25
AGE_AT_START_BANDS = {"under 35": (0, 35), "35 to 49": (35, 50), "50 and over": (50, np.inf)}
"""Groups by age at start (years), for retention curves."""

__all__ = ["in_post", "tenure_table", "turnover_and_stability", "retention_curves", "median_tenure_years"]


def _dates(records: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    missing = {"start_date", "end_date"} - set(records.columns)
    if missing:
        raise ValueError(f"records must have the columns start_date and end_date; missing {sorted(missing)}")
    start, end = pd.to_datetime(records["start_date"]), pd.to_datetime(records["end_date"])
    if (end < start).any():
        raise ValueError("records: an end_date falls before its start_date (staff "
                         f"{', '.join(map(str, records.index[end < start][:3]))})")
    return start, end


def in_post(records: pd.DataFrame, date) -> pd.Series:
    """True for each person in post on ``date``: started on or before it and not left by it."""
    start, end = _dates(records)
    date = pd.Timestamp(date)
    return (start <= date) & (end.isna() | (end > date))


def turnover_and_stability(records: pd.DataFrame, census_date="2019-09-30", years: int = 10,
                           by: str | None = None) -> pd.DataFrame:
    """Turnover and stability in each of the ``years`` years ending on ``census_date``'s anniversaries.

    One row per year (and per group of column ``by``, if given): ``year_ending`` (date),
    ``headcount_start`` and ``headcount_end`` (people in post), ``leavers`` (people who left during the
    year), ``turnover`` (leavers over the average headcount; a share) and ``stability`` (the share of
    those in post at the start still in post at the end; NaN if nobody was).
    """
    start, end = _dates(records)
    census = pd.Timestamp(census_date)
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 1:
        raise ValueError(f"years must be a whole number, 1 or more; got {years!r}")
    groups = records[by] if by else pd.Series("all", index=records.index)
    rows = []
    for back in range(int(years) - 1, -1, -1):
        year_end = census - pd.DateOffset(years=back)
        year_start = year_end - pd.DateOffset(years=1)
        at_start = (start <= year_start) & (end.isna() | (end > year_start))
        at_end = (start <= year_end) & (end.isna() | (end > year_end))
        left = (end > year_start) & (end <= year_end)
        for group in sorted(groups.unique()):
            mine = groups == group
            row = {"year_ending": year_end, "headcount_start": int((at_start & mine).sum()),
                   "headcount_end": int((at_end & mine).sum()), "leavers": int((left & mine).sum()),
                   "stayers": int((at_start & at_end & mine).sum())}
            if by:
                row = {by: group, **row}
            rows.append(row)
    table = pd.DataFrame(rows)
    average = (table["headcount_start"] + table["headcount_end"]) / 2
    table["turnover"] = table["leavers"] / average.where(average > 0)
    table["stability"] = table["stayers"] / table["headcount_start"].where(table["headcount_start"] > 0)
    return table.drop(columns="stayers")


def tenure_table(records: pd.DataFrame, census_date="2019-09-30", records_begin="2009-04-01") -> pd.DataFrame:
    """The records with what survival analysis needs: ``years_in_post`` (to leaving, or to the census
    for those still in post), ``left`` (True if they left; False is censored), ``entry_years`` (their
    tenure when the records begin, 0 for people who started after) and ``age_group_at_start``."""
    start, end = _dates(records)
    census, begin = pd.Timestamp(census_date), pd.Timestamp(records_begin)
    if (start > census).any() or (end > census).any():
        raise ValueError("records: a start_date or end_date falls after the census date")
    stop = end.fillna(census)
    table = records.copy()
    table["years_in_post"] = (stop - start).dt.days / DAYS_PER_YEAR
    table["left"] = end.notna()
    table["entry_years"] = ((begin - start).dt.days / DAYS_PER_YEAR).clip(lower=0)
    if "age_at_start" in records:
        labels = list(AGE_AT_START_BANDS)
        edges = [bounds[0] for bounds in AGE_AT_START_BANDS.values()] + [np.inf]
        table["age_group_at_start"] = pd.cut(records["age_at_start"], edges, right=False, labels=labels)
    return table


def _fitters(tenure: pd.DataFrame, by: str | None):
    groups = tenure.groupby(by, observed=True) if by else [("all", tenure)]
    for group, rows in groups:
        fitter = KaplanMeierFitter(label=str(group))
        fitter.fit(rows["years_in_post"], event_observed=rows["left"], entry=rows["entry_years"])
        yield group, rows, fitter


def retention_curves(records: pd.DataFrame, by: str | None = "role", census_date="2019-09-30",
                     records_begin="2009-04-01") -> pd.DataFrame:
    """Kaplan-Meier retention curves (lifelines), one per group of column ``by`` (or one for all).

    Returns one row per group and time: ``years`` (since starting), ``still_in_post`` (estimated share),
    ``lower`` and ``upper`` (its 95% confidence interval) and ``at_risk`` (people under observation just
    before that time). ``by`` may be ``"age_group_at_start"``.
    """
    tenure = tenure_table(records, census_date, records_begin)
    frames = []
    for group, _, fitter in _fitters(tenure, by):
        interval = fitter.confidence_interval_survival_function_
        frames.append(pd.DataFrame({
            "group": group,
            "years": fitter.survival_function_.index.to_numpy(),
            "still_in_post": fitter.survival_function_.iloc[:, 0].to_numpy(),
            "lower": interval.iloc[:, 0].to_numpy(),
            "upper": interval.iloc[:, 1].to_numpy(),
            "at_risk": fitter.event_table["at_risk"].to_numpy(),
        }))
    return pd.concat(frames, ignore_index=True)


def median_tenure_years(records: pd.DataFrame, by: str | None = "role", census_date="2019-09-30",
                        records_begin="2009-04-01") -> pd.DataFrame:
    """Median years in post by group (Kaplan-Meier): ``median_years`` is infinite where more than half
    are still in post at the longest tenure observed. Also ``people`` and ``leavers`` in each group."""
    tenure = tenure_table(records, census_date, records_begin)
    rows = [{"group": group, "people": len(rows), "leavers": int(rows["left"].sum()),
             "median_years": _median(fitter.survival_function_.iloc[:, 0])}
            for group, rows, fitter in _fitters(tenure, by)]
    return pd.DataFrame(rows)


def _median(still_in_post: pd.Series) -> float:
    """The first time the curve is at or below one half. (lifelines' own median misses a curve that lands
    exactly on one half, as 5/6 x 3/5 does, by a rounding error in the last digit.)"""
    half_gone = still_in_post.index[still_in_post <= 0.5 + 1e-12]
    return float(half_gone[0]) if len(half_gone) else np.inf
