"""Profit per equity partner of a professional service firm, and its five factors.

Maister (1993, *Managing the Professional Service Firm*) traced a firm's profit per partner to three
drivers: margin, productivity and leverage. Law-firm management texts expand those three drivers
into an identity of five factors, splitting productivity into utilisation, realisation and the
standard rate (the expansion is theirs, not Maister's own):

    profit per partner = margin x utilisation x realisation x standard rate x leverage

where, for one year,

- margin       = profit / fee income                                (a share, 0 to 1)
- utilisation  = billed hours / lawyers                             (hours per lawyer per year)
- realisation  = fee income / (billed hours x standard rate)        (a share: fees collected
                                                                     per pound of time recorded)
- standard rate = the firm's average list price of an hour          (GBP per hour)
- leverage     = lawyers / equity partners                          (lawyers per equity partner,
                                                                     = 1 + other lawyers per partner)

Multiplying the five, every term cancels but profit / equity partners, so the identity is exact.
The functions accept numbers, numpy arrays or pandas Series and work element by element.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from academy.models.validation import require_positive

FACTORS = ("margin", "utilisation", "realisation", "standard_rate", "leverage")
"""The five factors, in the order of the identity: an expansion of Maister's three drivers (margin,
productivity, leverage) used in law-firm management texts, not Maister's own split."""

MAISTER_DRIVERS = {
    "margin": "margin",
    "utilisation": "productivity",
    "realisation": "productivity",
    "standard_rate": "productivity",
    "leverage": "leverage",
}
"""Which of Maister's three drivers each of the five factors expands."""

FACTOR_LABELS = {
    "margin": "Margin (profit / fees)",
    "utilisation": "Utilisation (billed hours per lawyer)",
    "realisation": "Realisation (fees / value of time billed)",
    "standard_rate": "Standard rate (£ per hour)",
    "leverage": "Leverage (lawyers per equity partner)",
}


def profit_per_partner_factors(
    fee_income_gbp,
    profit_gbp,
    billed_hours,
    standard_rate_gbp_per_hour,
    lawyers,
    equity_partners,
) -> pd.DataFrame:
    """Return the five factors of profit per equity partner, one row per firm-year.

    Parameters are totals for one year: fee income and profit in GBP, billed hours in hours,
    the standard (list) rate in GBP per hour, and head counts of all lawyers (partners included)
    and of equity partners. Columns of the result: margin (share), utilisation (hours per lawyer),
    realisation (share), standard_rate (GBP per hour), leverage (lawyers per equity partner) and
    profit_per_partner_gbp.
    """
    fees = require_positive("fee_income_gbp", fee_income_gbp)
    profit = np.asarray(profit_gbp, dtype=float)
    hours = require_positive("billed_hours", billed_hours)
    rate = require_positive("standard_rate_gbp_per_hour", standard_rate_gbp_per_hour)
    lawyers = require_positive("lawyers", lawyers)
    partners = require_positive("equity_partners", equity_partners)
    if np.any(partners > lawyers):
        raise ValueError("equity_partners must be no more than lawyers (partners are lawyers too)")
    columns = {
        "margin": profit / fees,
        "utilisation": hours / lawyers,
        "realisation": fees / (hours * rate),
        "standard_rate": rate,
        "leverage": lawyers / partners,
        "profit_per_partner_gbp": profit / partners,
    }
    arrays = np.broadcast_arrays(*(np.atleast_1d(c) for c in columns.values()))
    index = fee_income_gbp.index if isinstance(fee_income_gbp, pd.Series) else None
    return pd.DataFrame(dict(zip(columns, arrays)), index=index)


def profit_per_partner_from_factors(
    margin, utilisation_hours_per_lawyer, realisation, standard_rate_gbp_per_hour, leverage
):
    """Return profit per equity partner in GBP a year from the five factors.

    margin and realisation are shares (margin may be negative in a loss-making year; realisation
    is above 0 and normally no more than about 1.2), utilisation is billed hours per lawyer a year
    (0 to 8,760), the standard rate is GBP per hour and leverage is lawyers per equity partner
    (at least 1).
    """
    margin = np.asarray(margin, dtype=float)
    if np.any(margin > 1) or np.any(margin < -1):
        raise ValueError("margin must be a share between -1 and 1 (for example 0.35 for 35%)")
    utilisation = require_positive("utilisation_hours_per_lawyer", utilisation_hours_per_lawyer)
    if np.any(utilisation > 8760):
        raise ValueError("utilisation_hours_per_lawyer must be between 0 and 8,760 hours a year")
    realisation = require_positive("realisation", realisation)
    rate = require_positive("standard_rate_gbp_per_hour", standard_rate_gbp_per_hour)
    leverage = np.asarray(leverage, dtype=float)
    if np.any(~(leverage >= 1)):
        raise ValueError("leverage must be at least 1 lawyer per equity partner")
    result = margin * utilisation * realisation * rate * leverage
    return result.item() if result.ndim == 0 else result


def factor_contributions(start: pd.Series, end: pd.Series) -> pd.Series:
    """Return how much of the change in log profit per partner each factor explains.

    ``start`` and ``end`` are two rows of :func:`profit_per_partner_factors` (or anything with the
    five factors, all above 0: a loss-making year cannot be split this way). Because the identity
    is a product, log(PPP) is a sum, so the change in log profit per partner splits exactly into the
    five factors' changes in log; the result is each factor's share of that total, and the shares
    add up to 1. When profit per partner falls the total is negative, so a factor that fell has a
    positive share (it pushed profit down, the way profit went) and a factor that rose has a
    negative one: each share has the sign of the factor's own change in log times the sign of the
    total. Useful to ask "was it leverage or rate?".
    """
    for name, row in (("start", start), ("end", end)):
        for factor in FACTORS:
            value = row[factor]
            if not (np.isfinite(value) and value > 0):
                raise ValueError(
                    f"{name} must have every factor above 0 to split the change in logs; {factor} is {value:g}"
                )
    logs = pd.Series({f: np.log(end[f]) - np.log(start[f]) for f in FACTORS})
    total = logs.sum()
    if np.isclose(total, 0.0, atol=1e-12):
        raise ValueError("profit per partner did not change, so there is nothing to split")
    return logs / total
