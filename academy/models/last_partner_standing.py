"""Premises liabilities and the "last partner standing" risk as a practice's partners retire.

Partners of a GP partnership share its liabilities without limit: the lease or the loan on the
building, staff contracts. As partners retire and are not replaced, the same liability falls on fewer
of them; the last partner left carries it all (GP Partnership Review, 2019). Since April 2019 clinical
negligence cover for NHS work is state-backed (CNSGP), so indemnity is no longer part of this risk.

For each practice and year the model counts the partners still in post (each retires in the year they
reach ``retirement_age``; ``new_partners_per_year`` FTE join each year, an assumption a practice can try)
and the premises liability still to run (a lease's remaining rent, or a loan's remaining balance, run
down in equal steps to the end of its term), and divides one by the other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from academy.models.validation import require_non_negative, require_positive

PARTNER_COLUMNS = ("practice", "age", "fte")
PREMISES_COLUMNS = ("practice", "premises_liability_gbp", "liability_years")


def partners_and_liability_by_year(
    partners: pd.DataFrame,
    premises: pd.DataFrame,
    start_year: int = 2019,
    years: int = 15,
    retirement_age: float = 60.0,
    new_partners_per_year: float = 0.0,
) -> pd.DataFrame:
    """Return, for each practice and year, the partners in post and the premises liability each carries.

    ``partners``: one row per partner with ``practice``, ``age`` (years, in ``start_year``) and ``fte``.
    ``premises``: one row per practice with ``premises_liability_gbp`` (GBP still owed in ``start_year``)
    and ``liability_years`` (years until the lease or loan ends, above 0).
    Result columns: ``practice``, ``year``, ``partners_in_post`` (head count), ``partner_fte``,
    ``liability_gbp``, ``liability_per_partner_gbp`` (GBP per partner in post; ``inf`` with none left
    but a liability) and ``last_partner_standing`` (True when one partner or none is left while a
    liability remains).
    """
    for name, table, columns in (("partners", partners, PARTNER_COLUMNS), ("premises", premises, PREMISES_COLUMNS)):
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise ValueError(f"{name} must have the columns {', '.join(columns)}; missing {', '.join(missing)}")
    retire = float(require_positive("retirement_age", retirement_age))
    joining = float(require_non_negative("new_partners_per_year", new_partners_per_year))
    if int(years) != years or years < 1:
        raise ValueError(f"years must be a whole number of years, 1 or more; got {years!r}")
    require_positive("age", partners["age"])
    require_positive("fte", partners["fte"])
    require_non_negative("premises_liability_gbp", premises["premises_liability_gbp"])
    require_positive("liability_years", premises["liability_years"])
    if premises["practice"].duplicated().any():
        raise ValueError("premises must have one row per practice")
    unknown = set(partners["practice"]) - set(premises["practice"])
    if unknown:
        raise ValueError(f"premises must have a row for every practice with partners; missing {', '.join(sorted(unknown))}")

    offsets = np.arange(int(years) + 1)  # 0 is start_year
    rows = []
    for _, place in premises.iterrows():
        own = partners[partners["practice"] == place["practice"]]
        ages = own["age"].to_numpy(dtype=float)
        fte = own["fte"].to_numpy(dtype=float)
        for t in offsets:
            staying = ages + t < retire
            joined = joining * t
            count = int(staying.sum()) + joined
            remaining = max(0.0, 1.0 - t / float(place["liability_years"]))
            liability = float(place["premises_liability_gbp"]) * remaining
            per_partner = liability / count if count > 0 else (np.inf if liability > 0 else 0.0)
            rows.append(
                {
                    "practice": place["practice"],
                    "year": int(start_year + t),
                    "partners_in_post": count,
                    "partner_fte": float(fte[staying].sum()) + joined,
                    "liability_gbp": liability,
                    "liability_per_partner_gbp": per_partner,
                    "last_partner_standing": bool(count <= 1 and liability > 0),
                }
            )
    return pd.DataFrame(rows)


def first_year_last_partner_standing(timeline: pd.DataFrame) -> pd.Series:
    """Return, per practice, the first year one partner or none is left with a liability (``NaN`` if never)."""
    flagged = timeline[timeline["last_partner_standing"]]
    first = flagged.groupby("practice")["year"].min()
    return first.reindex(timeline["practice"].unique()).astype(float)
