"""What a Primary Care Network receives in 2019/20, and the new roles the Additional Roles Reimbursement
Scheme (ARRS) pays for, under the 2019/20 Network Contract Directed Enhanced Service (DES).

Money is GBP for the year 2019/20 (the clinical director payment covers July 2019 to March 2020).
- Network participation payment: GBP 1.76 per weighted patient, paid to each member practice.
- Core PCN funding: GBP 1.50 per registered patient, from the CCG to the network.
- Clinical director: GBP 0.514 per registered patient (July 2019 to March 2020).
- ARRS in 2019/20: one clinical pharmacist (70% of up to GBP 54,014, so at most GBP 37,810) and one
  social prescribing link worker (100% of up to GBP 34,113) per network, each additional to the
  network's baseline of such staff, paid to the network's nominated payee, not to each practice.
These lines are part of the GBP 296m planned for all networks in 2019/20, not all of it.
"""

from __future__ import annotations

import pandas as pd

from academy.models.validation import require_non_negative

NETWORK_PARTICIPATION_GBP_PER_WEIGHTED_PATIENT = 1.76
CORE_PCN_FUNDING_GBP_PER_PATIENT = 1.50
CLINICAL_DIRECTOR_GBP_PER_PATIENT = 0.514
PHARMACIST_MAXIMUM_GBP = 54_014.0
PHARMACIST_REIMBURSED_SHARE = 0.70
LINK_WORKER_MAXIMUM_GBP = 34_113.0
LINK_WORKER_REIMBURSED_SHARE = 1.0
ADDITIONAL_ROLES_REIMBURSED_2019_20 = 1  # of each role, per network


def arrs_reimbursement_gbp(
    pharmacists: float, pharmacist_cost_gbp: float, link_workers: float, link_worker_cost_gbp: float,
    baseline_pharmacists: float = 0.0, baseline_link_workers: float = 0.0,
) -> pd.Series:
    """Return ARRS money for a network's new roles in 2019/20 (GBP a year).

    Staff counts are FTE employed by the network (or for it); costs are GBP a year per FTE (pay and
    employer's costs). Only staff above the baseline count, and at most one of each role.
    Result: ``pharmacist_reimbursed_gbp``, ``link_worker_reimbursed_gbp``, ``staff_costs_gbp`` (all the
    staff named) and ``net_cost_gbp`` (what the network's practices pay, costs minus reimbursement).
    """
    values = {name: float(require_non_negative(name, value)) for name, value in (
        ("pharmacists", pharmacists), ("pharmacist_cost_gbp", pharmacist_cost_gbp),
        ("link_workers", link_workers), ("link_worker_cost_gbp", link_worker_cost_gbp),
        ("baseline_pharmacists", baseline_pharmacists), ("baseline_link_workers", baseline_link_workers))}
    extra_pharmacists = min(max(values["pharmacists"] - values["baseline_pharmacists"], 0.0), ADDITIONAL_ROLES_REIMBURSED_2019_20)
    extra_link_workers = min(max(values["link_workers"] - values["baseline_link_workers"], 0.0), ADDITIONAL_ROLES_REIMBURSED_2019_20)
    pharmacist = extra_pharmacists * PHARMACIST_REIMBURSED_SHARE * min(values["pharmacist_cost_gbp"], PHARMACIST_MAXIMUM_GBP)
    link_worker = extra_link_workers * LINK_WORKER_REIMBURSED_SHARE * min(values["link_worker_cost_gbp"], LINK_WORKER_MAXIMUM_GBP)
    costs = values["pharmacists"] * values["pharmacist_cost_gbp"] + values["link_workers"] * values["link_worker_cost_gbp"]
    return pd.Series({
        "pharmacist_reimbursed_gbp": pharmacist,
        "link_worker_reimbursed_gbp": link_worker,
        "staff_costs_gbp": costs,
        "net_cost_gbp": costs - pharmacist - link_worker,
    })


def network_funding_gbp(registered_patients: float, weighted_patients: float) -> pd.Series:
    """Return the network's 2019/20 per-patient funding lines (GBP): ``network_participation_gbp`` (to the
    practices), ``core_pcn_funding_gbp`` and ``clinical_director_gbp`` (to the network), and ``total_gbp``."""
    registered = float(require_non_negative("registered_patients", registered_patients))
    weighted = float(require_non_negative("weighted_patients", weighted_patients))
    lines = {
        "network_participation_gbp": weighted * NETWORK_PARTICIPATION_GBP_PER_WEIGHTED_PATIENT,
        "core_pcn_funding_gbp": registered * CORE_PCN_FUNDING_GBP_PER_PATIENT,
        "clinical_director_gbp": registered * CLINICAL_DIRECTOR_GBP_PER_PATIENT,
    }
    return pd.Series(lines | {"total_gbp": sum(lines.values())})
