"""Synthetic panel of the UK's 50 largest law firms, 2008/09 to 2018/19, calibrated to published totals.

No firm here is real. The generator draws 50 firms (seeded) and scales them each year so that the
totals across the 50 match the published figures in ``shared/FACTS.md`` section A exactly:

- non-equity partners 3,696 in 2008/09 and 7,000 in 2018/19, 40% and 45% of all partners
  (law.com, 11 March 2020);
- 45,655 lawyers in 2014/15 and leverage (lawyers per equity partner) of 5.9 in 2013/14 and 6.2 in
  2014/15 (law.com International, 28 September 2015).

Between cited years the totals follow a straight line in logs. Two anchors are assumptions: leverage
of 5.5 in 2008/09 and 6.6 in 2018/19, continuing the cited trend. The money side (standard rates,
billed hours, realisation, margins) is an assumption too, chosen so that the largest firms' profit
per equity partner is of the order of the Magic Circle's GBP 1.6m (2019/20).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20190920  # the day the Academy launched
FIRMS = 50
YEARS = np.arange(2009, 2020)  # financial years ending (2009 is 2008/09)

NON_EQUITY_ANCHORS = {2009: 3_696, 2019: 7_000}
NON_EQUITY_SHARE_ANCHORS = {2009: 0.40, 2019: 0.45}
LEVERAGE_ANCHORS = {2009: 5.5, 2014: 5.9, 2015: 6.2, 2019: 6.6}  # 2009 and 2019 are assumptions
LAWYERS_2015 = 45_655


def financial_year_label(year_ending: int) -> str:
    """Return '2014/15' for the financial year ending in 2015."""
    return f"{year_ending - 1}/{year_ending % 100:02d}"


def _log_interp(years: np.ndarray, anchors: dict[int, float]) -> np.ndarray:
    """Interpolate between anchors in logs (constant growth); extend the end segments' growth."""
    xs = np.array(sorted(anchors), dtype=float)
    logs = np.log([anchors[int(x)] for x in xs])
    inside = np.interp(years, xs, logs)
    slope_lo = (logs[1] - logs[0]) / (xs[1] - xs[0])
    slope_hi = (logs[-1] - logs[-2]) / (xs[-1] - xs[-2])
    inside = np.where(years < xs[0], logs[0] + slope_lo * (years - xs[0]), inside)
    inside = np.where(years > xs[-1], logs[-1] + slope_hi * (years - xs[-1]), inside)
    return np.exp(inside)


def market_totals() -> pd.DataFrame:
    """Return the calibrated totals across the 50 firms, one row per financial year ending.

    Columns: lawyers, equity_partners, non_equity_partners, partners (head counts, not rounded).
    """
    non_equity = _log_interp(YEARS, NON_EQUITY_ANCHORS)
    # Equity partners at the anchor years follow from the non-equity count and share there.
    equity_anchors = {year: NON_EQUITY_ANCHORS[year] * (1 - s) / s for year, s in NON_EQUITY_SHARE_ANCHORS.items()}
    equity_anchors[2015] = LAWYERS_2015 / LEVERAGE_ANCHORS[2015]
    equity = _log_interp(YEARS, equity_anchors)
    lawyers = _log_interp(YEARS, LEVERAGE_ANCHORS) * equity
    return pd.DataFrame(
        {
            "lawyers": lawyers,
            "equity_partners": equity,
            "non_equity_partners": non_equity,
            "partners": equity + non_equity,
        },
        index=pd.Index(YEARS, name="year"),
    )


def _round_keeping_total(values: np.ndarray, total: float) -> np.ndarray:
    """Round shares of ``total`` to whole numbers that add up to round(total) (largest remainder)."""
    scaled = values / values.sum() * round(total)
    floors = np.floor(scaled).astype(int)
    short = int(round(total)) - floors.sum()
    floors[np.argsort(scaled - floors)[::-1][:short]] += 1
    return floors


def generate_law_firms(seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic firm-year panel (50 firms x 11 years), seeded and reproducible.

    Columns: firm, financial_year ('2014/15'), year (year ending), lawyers, partners,
    equity_partners, non_equity_partners (head counts), fee_income_gbp and profit_gbp (GBP a year),
    billed_hours (hours a year) and standard_rate_gbp_per_hour (GBP per hour).
    """
    rng = np.random.default_rng(seed)
    totals = market_totals()
    size = rng.lognormal(0.0, 0.8, FIRMS)
    size_growth = rng.normal(0.0, 0.03, FIRMS)
    leverage_tilt = rng.lognormal(0.0, 0.25, FIRMS)
    non_equity_tilt = rng.lognormal(0.0, 0.5, FIRMS)
    non_equity_tilt[rng.random(FIRMS) < 0.1] = 0.0  # a few firms keep an all-equity partnership
    base_utilisation = rng.normal(1_400, 70, FIRMS)
    base_realisation = np.clip(rng.normal(0.87, 0.03, FIRMS), 0.75, 0.98)
    base_margin = np.clip(rng.normal(0.32, 0.05, FIRMS), 0.15, 0.5)
    rows = []
    for t, year in enumerate(YEARS):
        total = totals.loc[year]
        weight = size * np.exp(size_growth * t)
        lawyers = _round_keeping_total(weight, total["lawyers"])
        equity = _round_keeping_total(lawyers / leverage_tilt, total["equity_partners"])
        non_equity = _round_keeping_total(equity * non_equity_tilt, total["non_equity_partners"])
        rank = lawyers.argsort().argsort() / (FIRMS - 1)  # 0 smallest, 1 largest
        rate = (200 + 220 * rank**2) * 1.025**t * rng.normal(1, 0.03, FIRMS)
        utilisation = base_utilisation + rng.normal(0, 25, FIRMS)
        realisation = np.clip(base_realisation + rng.normal(0, 0.01, FIRMS), 0.7, 1.0)
        margin = np.clip(base_margin + 0.01 * rank + rng.normal(0, 0.015, FIRMS), 0.1, 0.55)
        hours = np.round(utilisation * lawyers, -2)
        fees = np.round(hours * rate * realisation, -3)
        rows.append(
            pd.DataFrame(
                {
                    "firm": [f"Firm {i + 1:02d}" for i in range(FIRMS)],
                    "financial_year": financial_year_label(int(year)),
                    "year": int(year),
                    "lawyers": lawyers,
                    "partners": equity + non_equity,
                    "equity_partners": equity,
                    "non_equity_partners": non_equity,
                    "fee_income_gbp": fees,
                    "profit_gbp": np.round(fees * margin, -3),
                    "billed_hours": hours,
                    "standard_rate_gbp_per_hour": np.round(rate, 0),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
