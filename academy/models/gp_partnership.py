"""A GP partnership's annual accounts: income, expenses, profit per partner and patients per GP.

A teaching model of one practice (or of several practices merged into one partnership) under the
2019/20 General Medical Services (GMS) contract in England. Every default is either a published
figure (sources in ``book/references.bib``, rows of ``shared/FACTS.md``) or an assumption that is
named as such below and can be changed.

Income (GBP a year)
  global sum       = weighted patients x global sum per weighted patient (GBP 89.88 in 2019/20)
  network payment  = weighted patients x network participation payment (GBP 1.76 in 2019/20)
  other income     = registered patients x other income per patient (QOF, enhanced services,
                     premises and other payments; calibrated, see below)
  ARRS             = reimbursement for Additional Roles Reimbursement Scheme staff the partnership
                     employs (clinical pharmacists 70% of GBP 54,000; social prescribing link
                     workers 100% of GBP 34,110 in 2019/20)
Expenses (GBP a year)
  salaried GPs     = salaried GP FTE x salaried GP cost (pay plus employer on-costs)
  ARRS staff       = the full cost of the ARRS staff
  other expenses   = fixed costs (the same whatever the list size: a practice manager, a set of
                     accounts, a building's basic running costs) + variable cost per patient x
                     registered patients. Average cost per patient, fixed / patients + variable,
                     falls as the list grows: the economies of scale a merger is after.
Profit = income - expenses; profit per partner = profit / partners (full-time equivalent).

Calibration of the average practice (``AVERAGE_PRACTICE``): in September 2019 England had 6,876
practices with 8,727 patients on average, 18,303 FTE partners and 28,315 FTE fully qualified GPs,
so 2.66 FTE partners and 1.46 FTE other GPs per practice. Other income per patient and variable
cost per patient are set so that this practice reproduces NHS Digital's 2017/18 estimates for a
contractor GP: income before tax GBP 109,100 per partner and expenses 66.6% of gross earnings.
Two numbers are assumptions: fixed costs of GBP 120,000 a year and employer on-costs of 25% on
salaried GP pay (midpoint of the BMA 2019/20 range). Note the 2017/18 earnings are per head, the
partner count is FTE: the model is for teaching the mechanics, not for a practice's real accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from academy.models.validation import require_non_negative, require_positive, require_share

# Published figures (shared/FACTS.md, section B; section D for the workforce).
PRACTICES_ENGLAND_SEP_2019 = 6_876
AVERAGE_LIST_SIZE_SEP_2019 = 8_727
FTE_PARTNERS_SEP_2019 = 18_303
FTE_QUALIFIED_GPS_SEP_2019 = 28_315
GLOBAL_SUM_GBP_PER_WEIGHTED_PATIENT_2019_20 = 89.88
NETWORK_PARTICIPATION_GBP_PER_WEIGHTED_PATIENT_2019_20 = 1.76
CONTRACTOR_GP_INCOME_GBP_2017_18 = 109_100
CONTRACTOR_GP_EXPENSE_SHARE_2017_18 = 0.666
SALARIED_GP_PAY_RANGE_GBP_2019_20 = (58_808, 88_744)
CLINICAL_PHARMACIST_COST_GBP_2019_20 = 54_000
CLINICAL_PHARMACIST_REIMBURSED_SHARE_2019_20 = 0.70
LINK_WORKER_COST_GBP_2019_20 = 34_110
LINK_WORKER_REIMBURSED_SHARE_2019_20 = 1.0

# Assumptions (not in a published source; parameters a faculty member may change).
EMPLOYER_ON_COST_SHARE = 0.25
FIXED_COSTS_GBP = 120_000.0


@dataclass(frozen=True)
class Practice:
    """One GP partnership's list, workforce and prices for a year.

    Counts of staff are full-time equivalents (FTE); money is GBP a year unless a name says
    "per patient". Any field may be a numpy array to evaluate many variants at once.
    """

    name: str = "Average practice"
    registered_patients: float = AVERAGE_LIST_SIZE_SEP_2019
    list_weighting: float = 1.0
    """Weighted patients per registered patient (Carr-Hill formula; 1.0 is the national mean)."""
    partners: float = FTE_PARTNERS_SEP_2019 / PRACTICES_ENGLAND_SEP_2019
    salaried_gps: float = (FTE_QUALIFIED_GPS_SEP_2019 - FTE_PARTNERS_SEP_2019) / PRACTICES_ENGLAND_SEP_2019
    clinical_pharmacists: float = 0.0
    link_workers: float = 0.0
    global_sum_gbp_per_weighted_patient: float = GLOBAL_SUM_GBP_PER_WEIGHTED_PATIENT_2019_20
    network_payment_gbp_per_weighted_patient: float = NETWORK_PARTICIPATION_GBP_PER_WEIGHTED_PATIENT_2019_20
    other_income_gbp_per_patient: float = 0.0  # replaced by the calibrated value below
    salaried_gp_cost_gbp: float = sum(SALARIED_GP_PAY_RANGE_GBP_2019_20) / 2 * (1 + EMPLOYER_ON_COST_SHARE)
    clinical_pharmacist_cost_gbp: float = CLINICAL_PHARMACIST_COST_GBP_2019_20
    clinical_pharmacist_reimbursed_share: float = CLINICAL_PHARMACIST_REIMBURSED_SHARE_2019_20
    link_worker_cost_gbp: float = LINK_WORKER_COST_GBP_2019_20
    link_worker_reimbursed_share: float = LINK_WORKER_REIMBURSED_SHARE_2019_20
    fixed_costs_gbp: float = FIXED_COSTS_GBP
    variable_costs_gbp_per_patient: float = 0.0  # replaced by the calibrated value below

    def with_changes(self, **changes) -> "Practice":
        """Return a copy with some fields changed (for explorers and scenarios)."""
        return replace(self, **changes)


NUMERIC_FIELDS = tuple(f.name for f in fields(Practice) if f.name != "name")


def _validated(p: Practice) -> dict[str, np.ndarray]:
    """Return the practice's numbers as float arrays, or raise ValueError naming the bad one."""
    values = {
        "registered_patients": require_positive("registered_patients", p.registered_patients),
        "list_weighting": require_positive("list_weighting", p.list_weighting),
        "partners": require_positive("partners", p.partners),
        "salaried_gps": require_non_negative("salaried_gps", p.salaried_gps),
        "clinical_pharmacists": require_non_negative("clinical_pharmacists", p.clinical_pharmacists),
        "link_workers": require_non_negative("link_workers", p.link_workers),
        "clinical_pharmacist_reimbursed_share": require_share(
            "clinical_pharmacist_reimbursed_share", p.clinical_pharmacist_reimbursed_share
        ),
        "link_worker_reimbursed_share": require_share("link_worker_reimbursed_share", p.link_worker_reimbursed_share),
    }
    for name in (
        "global_sum_gbp_per_weighted_patient",
        "network_payment_gbp_per_weighted_patient",
        "other_income_gbp_per_patient",
        "salaried_gp_cost_gbp",
        "clinical_pharmacist_cost_gbp",
        "link_worker_cost_gbp",
        "fixed_costs_gbp",
        "variable_costs_gbp_per_patient",
    ):
        values[name] = require_non_negative(name, getattr(p, name))
    if np.any(values["list_weighting"] > 3):
        raise ValueError("list_weighting must be between 0 and 3 weighted patients per registered patient")
    return values


def practice_accounts(p: Practice) -> pd.Series | pd.DataFrame:
    """Return the practice's accounts for a year: income and expense lines (GBP), profit (GBP),
    profit per partner (GBP per FTE partner), expense share (share of income), patients per GP
    (registered patients per FTE GP) and average cost per patient (GBP).

    A Series for a practice of plain numbers; a DataFrame (one row per variant) if fields are arrays.
    """
    v = _validated(p)
    registered = v["registered_patients"]
    weighted = registered * v["list_weighting"]
    pharmacists, link_workers = v["clinical_pharmacists"], v["link_workers"]
    pharmacist_pay = pharmacists * v["clinical_pharmacist_cost_gbp"]
    link_worker_pay = link_workers * v["link_worker_cost_gbp"]
    lines = {
        "global_sum_gbp": weighted * v["global_sum_gbp_per_weighted_patient"],
        "network_payment_gbp": weighted * v["network_payment_gbp_per_weighted_patient"],
        "other_income_gbp": registered * v["other_income_gbp_per_patient"],
        "arrs_reimbursement_gbp": pharmacist_pay * v["clinical_pharmacist_reimbursed_share"]
        + link_worker_pay * v["link_worker_reimbursed_share"],
    }
    income = sum(lines.values())
    costs = {
        "salaried_gp_costs_gbp": v["salaried_gps"] * v["salaried_gp_cost_gbp"],
        "arrs_staff_costs_gbp": pharmacist_pay + link_worker_pay,
        "fixed_costs_gbp": v["fixed_costs_gbp"] * np.ones_like(registered),
        "variable_costs_gbp": registered * v["variable_costs_gbp_per_patient"],
    }
    expenses = sum(costs.values())
    profit = income - expenses
    gps = v["partners"] + v["salaried_gps"]
    result = {
        **lines,
        "income_gbp": income,
        **costs,
        "expenses_gbp": expenses,
        "profit_gbp": profit,
        "profit_per_partner_gbp": profit / v["partners"],
        "expense_share": expenses / np.where(income > 0, income, np.nan),
        "patients_per_gp": registered / gps,
        "cost_per_patient_gbp": expenses / registered,
    }
    arrays = {k: np.asarray(x, dtype=float) for k, x in result.items()}
    if all(a.ndim == 0 for a in arrays.values()):
        return pd.Series({k: a.item() for k, a in arrays.items()}, name=p.name)
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    return pd.DataFrame({k: np.broadcast_to(a, shape).ravel() for k, a in arrays.items()})


def profit_per_partner_gbp(p: Practice):
    """Return profit per FTE partner in GBP a year (a number, or an array if fields are arrays)."""
    profit_per_partner = practice_accounts(p)["profit_per_partner_gbp"]
    return profit_per_partner.to_numpy() if isinstance(profit_per_partner, pd.Series) else profit_per_partner


def _calibrated_average_practice() -> Practice:
    """Return the average English practice with other income and variable costs calibrated.

    Solves two linear equations so that profit per partner equals the 2017/18 mean contractor GP
    income (GBP 109,100) and expenses are 66.6% of income.
    """
    base = Practice()
    profit = base.partners * CONTRACTOR_GP_INCOME_GBP_2017_18
    income = profit / (1 - CONTRACTOR_GP_EXPENSE_SHARE_2017_18)
    expenses = income - profit
    n = base.registered_patients
    capitation = n * base.list_weighting * (
        base.global_sum_gbp_per_weighted_patient + base.network_payment_gbp_per_weighted_patient
    )
    other_income_per_patient = (income - capitation) / n
    variable_per_patient = (expenses - base.salaried_gps * base.salaried_gp_cost_gbp - base.fixed_costs_gbp) / n
    return base.with_changes(
        other_income_gbp_per_patient=other_income_per_patient,
        variable_costs_gbp_per_patient=variable_per_patient,
    )


AVERAGE_PRACTICE = _calibrated_average_practice()
"""The average practice in England, September 2019, calibrated as the module docstring says."""


def merged_practice(
    practices: list[Practice],
    back_office_saving_share: float = 0.3,
    partners_becoming_salaried: float = 0.0,
    name: str = "Merged partnership",
) -> Practice:
    """Return one partnership formed by merging ``practices``.

    Lists, staff and income add up. The merged partnership keeps ``1 - back_office_saving_share``
    of the practices' combined fixed costs (a share, 0 to 1: the duplicated back office it no longer
    needs). ``partners_becoming_salaried`` FTE partners leave the partnership but stay as salaried
    GPs (0 up to, but not including, all the partners): the GP-partnership version of a law firm's
    non-equity partners. Per-patient prices and costs become list-weighted averages.
    """
    if len(practices) < 2:
        raise ValueError("practices must list at least 2 practices to merge")
    saving = float(require_share("back_office_saving_share", back_office_saving_share))
    moving = float(require_non_negative("partners_becoming_salaried", partners_becoming_salaried))
    for p in practices:
        _validated(p)
    registered = np.array([p.registered_patients for p in practices], dtype=float)
    weighted = registered * np.array([p.list_weighting for p in practices], dtype=float)
    partners = sum(p.partners for p in practices)
    if moving >= partners:
        raise ValueError(f"partners_becoming_salaried must be from 0 to less than the {partners:g} partners")

    def per_registered(field: str) -> float:
        return float(np.dot(registered, [getattr(p, field) for p in practices]) / registered.sum())

    def per_weighted(field: str) -> float:
        return float(np.dot(weighted, [getattr(p, field) for p in practices]) / weighted.sum())

    def staff_weighted(field: str, staff: str) -> float:
        counts = np.array([getattr(p, staff) for p in practices], dtype=float)
        values = [getattr(p, field) for p in practices]
        return float(np.dot(counts, values) / counts.sum()) if counts.sum() > 0 else float(values[0])

    salaried = sum(p.salaried_gps for p in practices)
    # Partners who become salaried are paid what a salaried GP costs in the first practice listed.
    salaried_cost = (
        (staff_weighted("salaried_gp_cost_gbp", "salaried_gps") * salaried + moving * practices[0].salaried_gp_cost_gbp)
        / (salaried + moving)
        if salaried + moving > 0
        else practices[0].salaried_gp_cost_gbp
    )
    return Practice(
        name=name,
        registered_patients=float(registered.sum()),
        list_weighting=float(weighted.sum() / registered.sum()),
        partners=partners - moving,
        salaried_gps=salaried + moving,
        clinical_pharmacists=sum(p.clinical_pharmacists for p in practices),
        link_workers=sum(p.link_workers for p in practices),
        global_sum_gbp_per_weighted_patient=per_weighted("global_sum_gbp_per_weighted_patient"),
        network_payment_gbp_per_weighted_patient=per_weighted("network_payment_gbp_per_weighted_patient"),
        other_income_gbp_per_patient=per_registered("other_income_gbp_per_patient"),
        salaried_gp_cost_gbp=salaried_cost,
        clinical_pharmacist_cost_gbp=staff_weighted("clinical_pharmacist_cost_gbp", "clinical_pharmacists"),
        clinical_pharmacist_reimbursed_share=staff_weighted(
            "clinical_pharmacist_reimbursed_share", "clinical_pharmacists"
        ),
        link_worker_cost_gbp=staff_weighted("link_worker_cost_gbp", "link_workers"),
        link_worker_reimbursed_share=staff_weighted("link_worker_reimbursed_share", "link_workers"),
        fixed_costs_gbp=sum(p.fixed_costs_gbp for p in practices) * (1 - saving),
        variable_costs_gbp_per_patient=per_registered("variable_costs_gbp_per_patient"),
    )


MERGER_COLUMNS = [
    "registered_patients",
    "partners",
    "salaried_gps",
    "income_gbp",
    "expenses_gbp",
    "profit_gbp",
    "profit_per_partner_gbp",
    "patients_per_gp",
    "cost_per_patient_gbp",
]


def merger_comparison(
    practices: list[Practice], back_office_saving_share: float = 0.3, partners_becoming_salaried: float = 0.0
) -> pd.DataFrame:
    """Return the practices apart and merged, one row each, plus a row for all of them apart.

    Columns: registered patients, FTE partners and salaried GPs, income, expenses and profit (GBP a
    year), profit per partner (GBP per FTE partner), patients per GP and cost per patient (GBP).
    """
    merged = merged_practice(practices, back_office_saving_share, partners_becoming_salaried)
    rows = []
    for p in practices + [merged]:
        accounts = practice_accounts(p)
        rows.append(
            {"registered_patients": p.registered_patients, "partners": p.partners, "salaried_gps": p.salaried_gps}
            | {k: accounts[k] for k in MERGER_COLUMNS[3:]}
        )
    table = pd.DataFrame(rows, index=[p.name for p in practices] + [merged.name])
    apart = table.iloc[:-1][["registered_patients", "partners", "salaried_gps", "income_gbp", "expenses_gbp", "profit_gbp"]].sum()
    apart["profit_per_partner_gbp"] = apart["profit_gbp"] / apart["partners"]
    apart["patients_per_gp"] = apart["registered_patients"] / (apart["partners"] + apart["salaried_gps"])
    apart["cost_per_patient_gbp"] = apart["expenses_gbp"] / apart["registered_patients"]
    table.loc["All practices apart"] = apart[MERGER_COLUMNS]
    return table.loc[[p.name for p in practices] + ["All practices apart", merged.name], MERGER_COLUMNS]


SENSITIVITY_LABELS = {
    "global_sum_gbp_per_weighted_patient": "Global sum per weighted patient",
    "other_income_gbp_per_patient": "Other income per patient",
    "registered_patients": "Registered patients",
    "partners": "Partners (FTE)",
    "salaried_gps": "Salaried GPs (FTE)",
    "salaried_gp_cost_gbp": "Cost of a salaried GP",
    "fixed_costs_gbp": "Fixed costs",
    "variable_costs_gbp_per_patient": "Variable cost per patient",
}


def profit_per_partner_sensitivity(p: Practice, change_share: float = 0.1) -> pd.DataFrame:
    """Return profit per partner (GBP) when each input moves down and up by ``change_share``.

    One row per input (labels in ``SENSITIVITY_LABELS``), columns ``low`` and ``high`` (GBP per FTE
    partner), ``swing`` (high - low) and ``base``; sorted with the largest absolute swing first.
    ``change_share`` is a share between 0 and 1 (0.1 means plus or minus 10%).
    """
    change = float(require_share("change_share", change_share))
    base = float(profit_per_partner_gbp(p))
    factors = np.array([1 - change, 1 + change])
    rows = {}
    for field, label in SENSITIVITY_LABELS.items():
        low, high = profit_per_partner_gbp(p.with_changes(**{field: getattr(p, field) * factors}))
        rows[label] = {"low": low, "high": high, "swing": high - low, "base": base}
    table = pd.DataFrame(rows).T
    return table.reindex(table["swing"].abs().sort_values(ascending=False).index)
