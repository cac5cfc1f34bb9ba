"""Synthetic panel of the UK's 50 largest law firms, 2008/09 to 2018/19, calibrated to published figures.

No firm here is real. The generator draws 50 firms (seeded) and, year by year, sets each firm's
ratios so that both the published **totals** across the 50 firms and the published **averages of
the firms' ratios** come out. The two differ: a total weights each firm by its size, an average of
ratios gives every firm one vote. Published (sources in ``book/references.bib``):

- non-equity partners: 3,696 in 2008/09 and just over 7,000 (taken as 7,000) in 2018/19; the
  average of the firms' non-equity shares of their partners was 40% and 45% (law.com, 11 March
  2020, key ``lawcom2020``). These are averages of firms' shares, not shares of all partners;
- in 2014/15: 45,655 lawyers, 12,978 partners and 6,363 equity partners; and lawyers per equity
  partner ("leverage") of 5.9 in 2013/14 and 6.2 in 2014/15 (law.com International, 28 September
  2015, key ``lawcom2015``). The ratio of the totals is 45,655 / 6,363 = 7.2, not 6.2, so the 5.9
  and 6.2 are averages of the firms' ratios, and the panel is calibrated to them as such.

The panel hits these exactly (the averages to rounding to whole people): the totals of lawyers,
partners, equity and non-equity partners in 2014/15 (6,615 non-equity = 12,978 - 6,363), the
non-equity totals of 2008/09 and 2018/19, the average firm leverage of 2013/14 and 2014/15 and the
average non-equity share of 2008/09 and 2018/19.

Everything else is an **assumption** of this generator, not a published figure, and a pattern that
comes from it is not a finding:

- equity partners are held at 2014/15's 6,363 in every year: the source says only that the firms
  kept equity partners "relatively flat";
- average firm leverage of 5.5 in 2008/09 and 6.6 in 2018/19, continuing the published trend,
  straight in logs between anchor years; and how much more leveraged larger firms are. That larger
  firms are more leveraged follows from the published figures (the ratio of totals, 7.2, is above
  the average ratio, 6.2); how much, and that it is the same in every year as in 2014/15, is
  assumed. The number of lawyers outside 2014/15 follows from these;
- between anchor years, non-equity partners follow a straight line in logs and the average
  non-equity share a straight line (so 43% in 2014/15);
- how the totals split among firms: firm sizes and growth, each firm's leverage and use of
  non-equity partners are drawn from the seed; one of the ten largest firms stays all-equity; no
  firm's partners are more than half its lawyers. With equity partners flat, the share of all
  partners who are non-equity goes from 37% (below the 40% average of firms' shares, so smaller
  firms must have the higher shares in 2008/09) to 52% (above 45%, which the larger firms' higher
  shares in 2018/19 provide). That swing towards the largest firms is what the calibration needs,
  not evidence of which firms changed;
- the whole money side: standard rates, billed hours, realisation and margins. Standard rates rise
  2.5% a year in money terms, a little above consumer-price inflation (2.2% a year on the CPI from
  2009 to 2019), so they barely grow in real terms. The levels are chosen so that the largest
  firms' profit per equity partner is of the order of the Magic Circle's GBP 1.6m (2019/20, key
  ``legalcheek2020``). Money is in pounds of the day; ``academy.data.prices`` turns it into real
  terms.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

SEED = 20190920  # the day the Academy launched
FIRMS = 50
YEARS = np.arange(2009, 2020)  # financial years ending (2009 is 2008/09)

# Published (sources in book/references.bib: lawcom2020, lawcom2015), by financial year ending.
NON_EQUITY_PARTNERS = {2009: 3_696, 2019: 7_000}  # lawcom2020
MEAN_NON_EQUITY_SHARE = {2009: 0.40, 2019: 0.45}  # lawcom2020: average of the firms' shares
LAWYERS_2015 = 45_655  # lawcom2015
PARTNERS_2015 = 12_978  # lawcom2015
EQUITY_PARTNERS_2015 = 6_363  # lawcom2015
MEAN_LEVERAGE_PUBLISHED = {2014: 5.9, 2015: 6.2}  # lawcom2015: average of the firms' ratios

# Assumptions (see the module docstring).
MEAN_LEVERAGE_ASSUMED = {2009: 5.5, 2019: 6.6}
SIZE_SPREAD = 0.9  # sd of log firm size (equity partners) above a floor ...
SIZE_FLOOR = 0.15  # ... of 0.15 of a typical firm's size
SIZE_GROWTH_SPREAD = 0.02  # sd between firms of their growth in equity partners a year
LEVERAGE_SPREAD = 0.15  # sd of log leverage between firms of the same size
NON_EQUITY_SPREAD = 0.25  # sd of log non-equity partners per equity partner between firms of the same size
MAX_PARTNERS_SHARE_OF_LAWYERS = 0.5  # no firm's partners are more than half its lawyers
RATE_GROWTH_A_YEAR = 0.025  # growth of standard rates in money terms


def financial_year_label(year_ending: int) -> str:
    """Return '2014/15' for the financial year ending in 2015."""
    return f"{year_ending - 1}/{year_ending % 100:02d}"


def _interp(years: np.ndarray, anchors: dict[int, float], logs: bool) -> np.ndarray:
    """Interpolate between anchors (straight in logs if ``logs``); extend the end segments' trend."""
    xs = np.array(sorted(anchors), dtype=float)
    ys = np.array([anchors[int(x)] for x in xs], dtype=float)
    ys = np.log(ys) if logs else ys
    inside = np.interp(years, xs, ys)
    slope_lo = (ys[1] - ys[0]) / (xs[1] - xs[0])
    slope_hi = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    inside = np.where(years < xs[0], ys[0] + slope_lo * (years - xs[0]), inside)
    inside = np.where(years > xs[-1], ys[-1] + slope_hi * (years - xs[-1]), inside)
    return np.exp(inside) if logs else inside


def calibration_targets() -> pd.DataFrame:
    """Return what the panel is calibrated to, one row per financial year ending.

    Columns: equity_partners and non_equity_partners (totals across the 50 firms), lawyers (total;
    published for 2014/15 only, missing otherwise), mean_leverage (average of firms' lawyers per
    equity partner) and mean_non_equity_share (average of firms' non-equity partners / partners).
    Which of these are published and which are assumptions is set out in the module docstring.
    """
    non_equity = dict(NON_EQUITY_PARTNERS)
    non_equity[2015] = PARTNERS_2015 - EQUITY_PARTNERS_2015
    return pd.DataFrame(
        {
            "equity_partners": np.full(len(YEARS), float(EQUITY_PARTNERS_2015)),
            "non_equity_partners": _interp(YEARS, non_equity, logs=True),
            "lawyers": np.where(YEARS == 2015, float(LAWYERS_2015), np.nan),
            "mean_leverage": _interp(YEARS, MEAN_LEVERAGE_PUBLISHED | MEAN_LEVERAGE_ASSUMED, logs=True),
            "mean_non_equity_share": _interp(YEARS, MEAN_NON_EQUITY_SHARE, logs=False),
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


def _root(f: Callable[[float], float], lo: float, hi: float, what: str) -> float:
    """Return the largest x in [lo, hi] with f(x) = 0: scan a grid from ``hi`` down for the first
    change of sign, then bisect (f continuous)."""
    grid = np.linspace(hi, lo, 201)
    values = np.array([f(x) for x in grid])
    crossings = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    if crossings.size == 0:
        raise ValueError(f"cannot calibrate {what}: no solution between {lo} and {hi}")
    upper, lower = grid[crossings[0]], grid[crossings[0] + 1]
    sign_upper = np.sign(values[crossings[0]])
    for _ in range(60):
        mid = (upper + lower) / 2
        if np.sign(f(mid)) == sign_upper:
            upper = mid
        else:
            lower = mid
    return (upper + lower) / 2


def _bisect_increasing(f: Callable[[float], float], target: float, lo: float, hi: float) -> float:
    """Return x in [lo, hi] with f(x) = target, for f increasing (bisection)."""
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
    return (lo + hi) / 2


def _leverage(shape: np.ndarray, floor: np.ndarray, mean: float) -> np.ndarray:
    """Return firms' leverage max(a x shape, floor), with a set so that the leverage averages ``mean``."""
    if floor.mean() > mean:
        raise ValueError(f"cannot calibrate leverage: the firms' floors alone average more than {mean:.2f}")
    scale = _bisect_increasing(lambda a: np.maximum(a * shape, floor).mean(), mean, 0.0, 10 * mean / shape.min())
    return np.maximum(scale * shape, floor)


def _leverage_slope(equity: np.ndarray, size_score: np.ndarray, noise: np.ndarray, floor: np.ndarray,
                    mean: float, total_lawyers: float) -> float:
    """Return b such that firms' leverage, shaped exp(b x size_score + noise) and averaging ``mean``
    (see :func:`_leverage`), gives ``total_lawyers`` across the firms."""

    def excess(b: float) -> float:
        return (_leverage(np.exp(b * size_score + noise), floor, mean) * equity).sum() - total_lawyers

    return _root(excess, -3.0, 3.0, "leverage")


def _non_equity_ratios(equity: np.ndarray, size_score: np.ndarray, noise: np.ndarray, adopters: np.ndarray,
                       total: float, mean_share: float) -> np.ndarray:
    """Return each firm's non-equity partners per equity partner, c x exp(d x size_score + noise) for
    firms that use them (0 for all-equity firms), with c and d set so that the total across firms and
    the average of the firms' shares are both on target. Where two values of d would do, the larger is
    taken: the smaller puts implausibly many non-equity partners in the smallest firms."""

    def ratios(d: float) -> np.ndarray:
        raw = np.where(adopters, np.exp(d * size_score + noise), 0.0)
        return raw * total / (raw * equity).sum()

    def excess(d: float) -> float:
        r = ratios(d)
        return (r / (1 + r)).mean() - mean_share

    return ratios(_root(excess, -3.0, 3.0, "non-equity partners"))


def generate_law_firms(seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic firm-year panel (50 firms x 11 years), seeded and reproducible.

    Columns: firm, financial_year ('2014/15'), year (year ending), lawyers, partners,
    equity_partners, non_equity_partners (head counts), fee_income_gbp and profit_gbp (GBP a year,
    money of the day), billed_hours (hours a year) and standard_rate_gbp_per_hour (GBP per hour,
    money of the day).
    """
    rng = np.random.default_rng(seed)
    targets = calibration_targets()
    size = SIZE_FLOOR + rng.lognormal(0.0, SIZE_SPREAD, FIRMS)
    size_growth = rng.normal(0.0, SIZE_GROWTH_SPREAD, FIRMS)
    size_score = (np.log(size) - np.log(size).mean()) / np.log(size).std()
    leverage_noise = rng.normal(0, LEVERAGE_SPREAD, FIRMS)
    non_equity_noise = rng.normal(0, NON_EQUITY_SPREAD, FIRMS)
    adopters = np.ones(FIRMS, dtype=bool)  # firms with non-equity partners
    adopters[rng.choice(np.argsort(size)[-10:])] = False  # one of the ten largest stays all-equity
    base_utilisation = rng.normal(1_400, 70, FIRMS)
    base_realisation = np.clip(rng.normal(0.87, 0.03, FIRMS), 0.75, 0.98)
    base_margin = np.clip(rng.normal(0.32, 0.05, FIRMS), 0.15, 0.5)

    def partners_in(t: int, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Return each firm's equity partners and non-equity partners per equity partner."""
        target = targets.loc[year]
        equity = _round_keeping_total(size * np.exp(size_growth * t), target["equity_partners"])
        ratio = _non_equity_ratios(equity, size_score, non_equity_noise, adopters, target["non_equity_partners"],
                                   target["mean_non_equity_share"])
        return equity, ratio

    def lawyers_floor(ratio: np.ndarray) -> np.ndarray:
        return (1 + ratio) / MAX_PARTNERS_SHARE_OF_LAWYERS

    # 2014/15, the one year with both the total and the average of leverage published, fixes how
    # leverage rises with a firm's size; the same slope is assumed in every other year.
    t_2015 = int(np.flatnonzero(YEARS == 2015)[0])
    equity, ratio = partners_in(t_2015, 2015)
    slope = _leverage_slope(equity, size_score, leverage_noise, lawyers_floor(ratio),
                            targets.loc[2015, "mean_leverage"], LAWYERS_2015)

    rows = []
    for t, year in enumerate(YEARS):
        equity, ratio = partners_in(t, int(year))
        leverage = _leverage(np.exp(slope * size_score + leverage_noise), lawyers_floor(ratio),
                             targets.loc[year, "mean_leverage"])
        lawyers = _round_keeping_total(leverage * equity, (leverage * equity).sum())
        non_equity = _round_keeping_total(ratio * equity, targets.loc[year, "non_equity_partners"])
        rank = lawyers.argsort().argsort() / (FIRMS - 1)  # 0 smallest, 1 largest
        rate = (200 + 170 * rank**2) * (1 + RATE_GROWTH_A_YEAR) ** t * rng.normal(1, 0.03, FIRMS)
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
