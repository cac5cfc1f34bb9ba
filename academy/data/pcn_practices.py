"""Synthetic practices and partners of Fen Edge PCN, a fictional Primary Care Network in Cambridgeshire.

Five practices with 42,060 patients between them (a PCN serves 30,000-50,000 people). Their lists,
partners, ages, premises and dispensing are written below as the case's assumptions (no practice,
person or patient here is real); their prices and costs start from the calibrated average English
practice (``academy.models.gp_partnership.AVERAGE_PRACTICE``) with seeded variation. Fen View Surgery
dispenses to most of its patients, as many rural Fenland practices do, and has the oldest partners.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from academy.models.gp_partnership import AVERAGE_PRACTICE, PREMISES_GBP_PER_PATIENT_2019_20

SEED = 21  # Cambridgeshire & Peterborough's 21 PCNs (CCG Primary Care Strategic Delivery Plan, 2019)

# Assumptions of the case, one entry per practice:
# list size, list weighting, salaried GP FTE, share of patients dispensed to, partners as (age in 2019, FTE),
# premises as (tenure, liability still owed in GBP, years until the lease or loan ends).
PRACTICES = {
    "Riverside Surgery": (4_150, 1.06, 0.5, 0.0, [(44, 1.0), (52, 0.5)], ("leased", 290_000, 5)),
    "Market Square Practice": (6_320, 1.02, 1.0, 0.0, [(39, 1.0), (47, 0.75), (56, 0.5)], ("leased", 1_056_000, 12)),
    "Fen View Surgery": (8_480, 1.05, 1.5, 0.4, [(59, 1.0), (57, 1.0), (55, 0.75)], ("owned", 420_000, 9)),
    "Old School Health Centre": (10_240, 0.98, 2.5, 0.0, [(36, 1.0), (42, 1.0), (50, 0.75), (57, 0.75)], ("leased", 420_000, 3)),
    "Droveway Medical Practice": (12_870, 1.04, 3.5, 0.0, [(45, 1.0), (49, 1.0), (55, 1.0), (59, 1.0)], ("leased", 3_885_000, 21)),
}
# An owned building: the NHS reimburses a notional rent; the partners pay the loan's interest and rates.
OWNED_PREMISES_COST_SHARE = 0.55  # assumption: costs are 55% of the notional rent reimbursed


def generate_pcn_practices(seed: int = SEED) -> pd.DataFrame:
    """Return Fen Edge PCN's five practices, one row each, seeded and reproducible.

    Columns: practice, registered_patients, list_weighting (weighted per registered patient), partners
    and salaried_gps (FTE), dispensing_patient_share (0 to 1), other_nhs_income_gbp_per_patient,
    premises_tenure (leased or owned), premises_reimbursement_gbp and premises_costs_gbp (GBP a year),
    premises_liability_gbp (GBP owed in 2019), liability_years (years to run), fixed_costs_gbp (GBP a
    year) and variable_costs_gbp_per_patient (GBP per registered patient a year).
    """
    rng = np.random.default_rng(seed)
    avg = AVERAGE_PRACTICE
    rows = []
    for name, (patients, weighting, salaried, dispensing, partners, (tenure, liability, years)) in PRACTICES.items():
        rent = round(PREMISES_GBP_PER_PATIENT_2019_20 * patients * rng.normal(1, 0.1), -2)
        rows.append({
            "practice": name,
            "registered_patients": patients,
            "list_weighting": weighting,
            "partners": sum(fte for _, fte in partners),
            "salaried_gps": salaried,
            "dispensing_patient_share": dispensing,
            "other_nhs_income_gbp_per_patient": round(avg.other_nhs_income_gbp_per_patient * rng.normal(1, 0.08), 2),
            "premises_tenure": tenure,
            "premises_reimbursement_gbp": rent,
            "premises_costs_gbp": rent if tenure == "leased" else round(rent * OWNED_PREMISES_COST_SHARE, -2),
            "premises_liability_gbp": float(liability),
            "liability_years": years,
            "fixed_costs_gbp": round(avg.fixed_costs_gbp * rng.normal(1, 0.08), -2),
            "variable_costs_gbp_per_patient": round(avg.variable_costs_gbp_per_patient * rng.normal(1, 0.04), 2),
        })
    return pd.DataFrame(rows)


def generate_pcn_partners() -> pd.DataFrame:
    """Return Fen Edge's partners, one row each: practice, partner (a label such as 'Partner 1', no
    names), age (years, in November 2019) and fte (full-time equivalent). Written, not drawn."""
    return pd.DataFrame(
        [
            {"practice": name, "partner": f"Partner {i + 1}", "age": age, "fte": fte}
            for name, spec in PRACTICES.items()
            for i, (age, fte) in enumerate(spec[4])
        ]
    )
