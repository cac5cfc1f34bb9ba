"""Consumer prices, to turn pounds of different years into pounds of one year ("real terms").

The index is the Office for National Statistics' Consumer Prices Index, all items, series D7BT
(annual average, 2015 = 100); its reference is the key ``ons_cpi`` in ``book/references.bib``.

A financial year is deflated by the CPI of the calendar year in which it ends: 2018/19 (the year
ending 2019) by the 2019 average. That is a convention, not a measurement: most of a financial year
that ends in the spring falls in the calendar year before, so the deflator runs a few months ahead
of the year's prices.
"""

from __future__ import annotations

import numpy as np

CPI_2015_100 = {
    2008: 84.7,
    2009: 86.6,
    2010: 89.4,
    2011: 93.4,
    2012: 96.1,
    2013: 98.5,
    2014: 100.0,
    2015: 100.0,
    2016: 100.7,
    2017: 103.4,
    2018: 105.9,
    2019: 107.8,
    2020: 108.7,
    2021: 111.6,
    2022: 121.7,
}
"""ONS CPI, all items, annual average, 2015 = 100 (series D7BT), by calendar year (key ``ons_cpi``)."""

CPI_SOURCE_KEY = "ons_cpi"


def cpi(years, name: str = "years") -> np.ndarray:
    """Return the CPI (2015 = 100) for each calendar year, or raise ValueError naming ``name`` and the years covered."""
    years = np.atleast_1d(np.asarray(years))
    try:
        whole = years.astype(int)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be whole calendar years, not {years!r}") from None
    if not np.array_equal(whole, years.astype(float)):
        raise ValueError(f"{name} must be whole calendar years (2019 for 2018/19), not {years!r}")
    missing = sorted(set(whole.tolist()) - set(CPI_2015_100))
    if missing:
        raise ValueError(
            f"{name} must lie between {min(CPI_2015_100)} and {max(CPI_2015_100)} (the CPI held here); got {missing}"
        )
    return np.array([CPI_2015_100[y] for y in whole], dtype=float)


def to_real_gbp(values_gbp, years, base_year: int = 2019):
    """Return money in pounds of ``base_year`` prices: value x CPI(base year) / CPI(year).

    ``values_gbp`` are pounds of their own year (nominal); ``years`` are the calendar years they
    belong to, a financial year being counted as the year in which it ends (2019 for 2018/19). Both
    may be numbers, arrays or pandas Series of the same length (a Series keeps its index). A year
    outside the CPI held here raises ValueError naming the years covered.
    """
    factor = cpi(base_year, "base_year")[0] / cpi(years)
    values = np.asarray(values_gbp, dtype=float)
    if values.ndim == 0 and np.ndim(years) == 0:
        return float(values * factor[0])
    if values.ndim and factor.size not in (1, values.size):
        raise ValueError(f"values_gbp and years must be the same length; got {values.size} and {factor.size}")
    real = values * factor
    if hasattr(values_gbp, "index") and hasattr(values_gbp, "name"):  # a pandas Series keeps its index
        return type(values_gbp)(real, index=values_gbp.index, name=values_gbp.name)
    return real
