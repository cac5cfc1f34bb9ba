"""Synthetic practices of Fen Edge PCN, a fictional Primary Care Network in Cambridgeshire & Peterborough.

Five practices with 30,000-50,000 patients between them (the size of a PCN, shared/FACTS.md seed).
Each practice is the calibrated average English practice of September 2019
(``academy.models.gp_partnership.AVERAGE_PRACTICE``) scaled to its list size, with seeded variation
in list weighting, workforce and costs. No practice, person or patient here is real.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from academy.models.gp_partnership import AVERAGE_PRACTICE

SEED = 21  # Cambridgeshire & Peterborough's 21 PCNs (CCG Primary Care Strategic Delivery Plan, 2019)
PRACTICE_NAMES = (
    "Riverside Surgery",
    "Market Square Practice",
    "Fen View Surgery",
    "Old School Health Centre",
    "Droveway Medical Practice",
)
LIST_SIZES = (4_150, 6_320, 8_480, 10_240, 12_870)  # assumption: a spread around the 8,727 average


def generate_pcn_practices(seed: int = SEED) -> pd.DataFrame:
    """Return Fen Edge PCN's five practices, one row each, seeded and reproducible.

    Columns: practice, registered_patients, list_weighting (weighted per registered patient),
    partners and salaried_gps (FTE, to the nearest 0.25), partners_aged_55_plus (FTE),
    other_income_gbp_per_patient, fixed_costs_gbp (GBP a year) and
    variable_costs_gbp_per_patient (GBP per patient a year).
    """
    rng = np.random.default_rng(seed)
    avg = AVERAGE_PRACTICE
    lists = np.array(LIST_SIZES, dtype=float)
    per_patient = lists / avg.registered_patients

    def quarter(x):
        return np.maximum(np.round(x * 4) / 4, 0.0)

    partners = np.maximum(quarter(avg.partners * per_patient * rng.normal(1, 0.15, lists.size)), 1.0)
    salaried = quarter(avg.salaried_gps * per_patient * rng.normal(1, 0.3, lists.size))
    older = np.minimum(quarter(partners * rng.uniform(0.1, 0.6, lists.size)), partners)
    return pd.DataFrame(
        {
            "practice": PRACTICE_NAMES,
            "registered_patients": lists.astype(int),
            "list_weighting": np.round(rng.normal(1.02, 0.04, lists.size), 3),
            "partners": partners,
            "salaried_gps": salaried,
            "partners_aged_55_plus": older,
            "other_income_gbp_per_patient": np.round(avg.other_income_gbp_per_patient * rng.normal(1, 0.1, lists.size), 2),
            "fixed_costs_gbp": np.round(avg.fixed_costs_gbp * rng.normal(1, 0.1, lists.size), -2),
            "variable_costs_gbp_per_patient": np.round(
                avg.variable_costs_gbp_per_patient * rng.normal(1, 0.06, lists.size), 2
            ),
        }
    )
