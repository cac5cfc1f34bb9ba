"""A GP partnership's annual accounts: income by line, expenses, profit per partner and cost per patient.

A teaching model of one practice under the 2019/20 General Medical Services (GMS) contract in England.
Every default is a published figure (sources in ``book/references.bib``) or an assumption named as
such below, and every one is a field of ``Practice`` that a faculty member can change.

Income (GBP a year), in the lines a partner sees in the practice accounts
  global sum            = weighted patients x GBP 89.88 per weighted patient (2019/20)
  network payment       = weighted patients x GBP 1.76 (network participation payment, 2019/20)
  QOF                   = registered patients x QOF per patient (about GBP 12 in 2019/20)
  enhanced services     = registered patients x enhanced services per patient (assumption: GBP 13)
  other NHS income      = registered patients x the rest (calibrated, see below)
  premises              = rent and rates reimbursed (a practice-level sum: the case turns on a building)
  dispensing            = dispensing patients x dispensing income per dispensing patient (0 for a
                          practice that does not dispense)
Expenses (GBP a year)
  salaried GPs          = salaried GP FTE x salaried GP cost (pay plus employer on-costs)
  premises              = rent, rates and loan interest on the building (a practice-level sum)
  dispensing            = drugs bought to dispense, a share of dispensing income
  fixed                 = back-office costs that do not grow with the list (practice manager, accounts,
                          IT and the like; assumption: GBP 120,000)
  staff and running     = variable cost per registered patient (nurses, receptionists, consumables)
Profit = income - expenses; profit per partner = profit / FTE partners.

Economic cost. Partners are paid from profit, so the accounts do not price their own clinical time.
``economic_cost_per_patient_gbp`` adds a notional salary for it, at what a salaried GP costs: the cost
of the care whoever owns the practice. Replacing a partner with a salaried GP at the same clinical
capacity leaves it unchanged and moves profit between people: leverage redistributes, it does not save.

Calibration of the average practice (``AVERAGE_PRACTICE``), England, September 2019: 6,876 practices,
8,727 patients on average, 18,303 FTE partners and 28,315 FTE fully qualified GPs (2.66 FTE partners and
1.46 FTE other GPs a practice). Two targets fix the two calibrated numbers:
- NHS payments to general practice of about GBP 155 per registered patient in 2019/20 (all lines,
  premises and QOF included) fix ``other_nhs_income_gbp_per_patient``;
- NHS Digital's mean income before tax of a contractor GP, GBP 109,100 in 2017/18, is per head, not per
  FTE; at an assumed 0.87 FTE per partner (``PARTNER_FTE_PER_HEAD``) it is GBP 125,402 per FTE partner,
  which fixes ``variable_costs_gbp_per_patient``.
The two sources count different practices and years, so the expense share that follows (about 75% of
income) is higher than the earnings survey's 66.6%: the model is for the mechanics, not for a real
practice's accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from academy.models.validation import require_non_negative, require_positive, require_share

# Published figures.
PRACTICES_ENGLAND_SEP_2019 = 6_876
AVERAGE_LIST_SIZE_SEP_2019 = 8_727
FTE_PARTNERS_SEP_2019 = 18_303
FTE_QUALIFIED_GPS_SEP_2019 = 28_315
GLOBAL_SUM_GBP_PER_WEIGHTED_PATIENT_2019_20 = 89.88
NETWORK_PARTICIPATION_GBP_PER_WEIGHTED_PATIENT_2019_20 = 1.76
NHS_PAYMENTS_GBP_PER_PATIENT_2019_20 = 155.0
QOF_GBP_PER_PATIENT_2019_20 = 12.0
PREMISES_GBP_PER_PATIENT_2019_20 = 14.0
CONTRACTOR_GP_INCOME_GBP_PER_HEAD_2017_18 = 109_100
SALARIED_GP_PAY_RANGE_GBP_2019_20 = (58_808, 88_744)

# Assumptions (not in a published source; fields a faculty member may change).
PARTNER_FTE_PER_HEAD = 0.87
EMPLOYER_ON_COST_SHARE = 0.25
ENHANCED_SERVICES_GBP_PER_PATIENT = 13.0
FIXED_COSTS_GBP = 120_000.0
DISPENSING_INCOME_GBP_PER_DISPENSING_PATIENT = 150.0
DISPENSING_COST_SHARE = 0.85

CONTRACTOR_GP_INCOME_GBP_PER_FTE_2017_18 = CONTRACTOR_GP_INCOME_GBP_PER_HEAD_2017_18 / PARTNER_FTE_PER_HEAD


@dataclass(frozen=True)
class Practice:
    """One GP partnership's list, workforce, prices and costs for a year.

    Staff are full-time equivalents (FTE); money is GBP a year unless a name says "per patient".
    Any numeric field may be a numpy array to evaluate many variants at once.
    """

    name: str = "Average practice"
    registered_patients: float = AVERAGE_LIST_SIZE_SEP_2019
    list_weighting: float = 1.0
    """Weighted patients per registered patient (Carr-Hill formula; 1.0 is the national mean)."""
    partners: float = FTE_PARTNERS_SEP_2019 / PRACTICES_ENGLAND_SEP_2019
    salaried_gps: float = (FTE_QUALIFIED_GPS_SEP_2019 - FTE_PARTNERS_SEP_2019) / PRACTICES_ENGLAND_SEP_2019
    dispensing_patient_share: float = 0.0
    """Share of registered patients the practice dispenses medicines to (0 to 1)."""
    global_sum_gbp_per_weighted_patient: float = GLOBAL_SUM_GBP_PER_WEIGHTED_PATIENT_2019_20
    network_payment_gbp_per_weighted_patient: float = NETWORK_PARTICIPATION_GBP_PER_WEIGHTED_PATIENT_2019_20
    qof_gbp_per_patient: float = QOF_GBP_PER_PATIENT_2019_20
    enhanced_services_gbp_per_patient: float = ENHANCED_SERVICES_GBP_PER_PATIENT
    other_nhs_income_gbp_per_patient: float = 0.0  # replaced by the calibrated value below
    premises_reimbursement_gbp: float = PREMISES_GBP_PER_PATIENT_2019_20 * AVERAGE_LIST_SIZE_SEP_2019
    dispensing_income_gbp_per_dispensing_patient: float = DISPENSING_INCOME_GBP_PER_DISPENSING_PATIENT
    dispensing_cost_share: float = DISPENSING_COST_SHARE
    salaried_gp_cost_gbp: float = sum(SALARIED_GP_PAY_RANGE_GBP_2019_20) / 2 * (1 + EMPLOYER_ON_COST_SHARE)
    premises_costs_gbp: float = PREMISES_GBP_PER_PATIENT_2019_20 * AVERAGE_LIST_SIZE_SEP_2019
    fixed_costs_gbp: float = FIXED_COSTS_GBP
    variable_costs_gbp_per_patient: float = 0.0  # replaced by the calibrated value below

    def with_changes(self, **changes) -> "Practice":
        """Return a copy with some fields changed (for explorers and scenarios)."""
        return replace(self, **changes)


NUMERIC_FIELDS = tuple(f.name for f in fields(Practice) if f.name != "name")
SHARE_FIELDS = ("dispensing_patient_share", "dispensing_cost_share")
POSITIVE_FIELDS = ("registered_patients", "list_weighting", "partners")

INCOME_LINES = (
    "global_sum_gbp",
    "network_payment_gbp",
    "qof_gbp",
    "enhanced_services_gbp",
    "other_nhs_income_gbp",
    "premises_reimbursement_gbp",
    "dispensing_income_gbp",
)
EXPENSE_LINES = (
    "salaried_gp_costs_gbp",
    "premises_costs_gbp",
    "dispensing_costs_gbp",
    "fixed_costs_gbp",
    "variable_costs_gbp",
)


def validated(p: Practice) -> dict[str, np.ndarray]:
    """Return the practice's numbers as float arrays, or raise ValueError naming the bad one."""
    values = {}
    for name in NUMERIC_FIELDS:
        value = getattr(p, name)
        if name in POSITIVE_FIELDS:
            values[name] = require_positive(name, value)
        elif name in SHARE_FIELDS:
            values[name] = require_share(name, value)
        else:
            values[name] = require_non_negative(name, value)
    if np.any(values["list_weighting"] > 3):
        raise ValueError("list_weighting must be between 0 and 3 weighted patients per registered patient")
    return values


def practice_accounts(p: Practice) -> pd.Series | pd.DataFrame:
    """Return the practice's accounts for a year.

    Income lines and expense lines (GBP), ``income_gbp``, ``expenses_gbp``, ``profit_gbp``,
    ``profit_per_partner_gbp`` (GBP per FTE partner), ``expense_share`` (of income),
    ``patients_per_gp`` (registered patients per FTE GP), ``cost_per_patient_gbp`` (expenses per
    registered patient), ``income_per_patient_gbp`` and ``economic_cost_per_patient_gbp`` (expenses plus
    partners' clinical time at the cost of a salaried GP, per registered patient).
    A Series for a practice of plain numbers; a DataFrame (one row per variant) if fields are arrays.
    """
    v = validated(p)
    registered = v["registered_patients"]
    weighted = registered * v["list_weighting"]
    dispensing_income = registered * v["dispensing_patient_share"] * v["dispensing_income_gbp_per_dispensing_patient"]
    lines = {
        "global_sum_gbp": weighted * v["global_sum_gbp_per_weighted_patient"],
        "network_payment_gbp": weighted * v["network_payment_gbp_per_weighted_patient"],
        "qof_gbp": registered * v["qof_gbp_per_patient"],
        "enhanced_services_gbp": registered * v["enhanced_services_gbp_per_patient"],
        "other_nhs_income_gbp": registered * v["other_nhs_income_gbp_per_patient"],
        "premises_reimbursement_gbp": v["premises_reimbursement_gbp"],
        "dispensing_income_gbp": dispensing_income,
    }
    costs = {
        "salaried_gp_costs_gbp": v["salaried_gps"] * v["salaried_gp_cost_gbp"],
        "premises_costs_gbp": v["premises_costs_gbp"],
        "dispensing_costs_gbp": dispensing_income * v["dispensing_cost_share"],
        "fixed_costs_gbp": v["fixed_costs_gbp"],
        "variable_costs_gbp": registered * v["variable_costs_gbp_per_patient"],
    }
    income = sum(lines.values())
    expenses = sum(costs.values())
    profit = income - expenses
    partners_time_gbp = v["partners"] * v["salaried_gp_cost_gbp"]
    result = {
        **lines,
        "income_gbp": income,
        **costs,
        "expenses_gbp": expenses,
        "profit_gbp": profit,
        "profit_per_partner_gbp": profit / v["partners"],
        "expense_share": expenses / np.where(income > 0, income, np.nan),
        "patients_per_gp": registered / (v["partners"] + v["salaried_gps"]),
        "income_per_patient_gbp": income / registered,
        "cost_per_patient_gbp": expenses / registered,
        "economic_cost_per_patient_gbp": (expenses + partners_time_gbp) / registered,
    }
    arrays = {k: np.asarray(x, dtype=float) for k, x in result.items()}
    if all(a.ndim == 0 for a in arrays.values()):
        return pd.Series({k: a.item() for k, a in arrays.items()}, name=p.name)
    shape = np.broadcast_shapes(*(a.shape for a in arrays.values()))
    return pd.DataFrame({k: np.broadcast_to(a, shape).ravel() for k, a in arrays.items()})


def profit_per_partner_gbp(p: Practice):
    """Return profit per FTE partner in GBP a year (a number, or an array if fields are arrays)."""
    value = practice_accounts(p)["profit_per_partner_gbp"]
    return value.to_numpy() if isinstance(value, pd.Series) else value


def _calibrated_average_practice() -> Practice:
    """Return the average English practice with its two calibrated numbers solved for.

    Income per registered patient comes to ``NHS_PAYMENTS_GBP_PER_PATIENT_2019_20`` and profit per FTE
    partner to ``CONTRACTOR_GP_INCOME_GBP_PER_FTE_2017_18`` (both linear, so solved directly).
    """
    base = Practice()
    n = base.registered_patients
    known_income = practice_accounts(base)["income_gbp"]
    other = (NHS_PAYMENTS_GBP_PER_PATIENT_2019_20 * n - known_income) / n
    calibrated = base.with_changes(other_nhs_income_gbp_per_patient=other)
    accounts = practice_accounts(calibrated)
    target_expenses = accounts["income_gbp"] - base.partners * CONTRACTOR_GP_INCOME_GBP_PER_FTE_2017_18
    variable = (target_expenses - accounts["expenses_gbp"]) / n
    return calibrated.with_changes(other_nhs_income_gbp_per_patient=float(other), variable_costs_gbp_per_patient=float(variable))


AVERAGE_PRACTICE = _calibrated_average_practice()
"""The average practice in England, September 2019, calibrated as the module docstring says."""


def partners_replaced_by_salaried(p: Practice, partners_moved: float) -> Practice:
    """Return the practice with ``partners_moved`` FTE partners replaced by salaried GPs.

    Clinical capacity (FTE GPs) stays the same: this is leverage, not fewer doctors.
    ``partners_moved`` is from 0 up to, but not including, all the partners.
    """
    moved = float(require_non_negative("partners_moved", partners_moved))
    if moved >= p.partners:
        raise ValueError(f"partners_moved must be from 0 to less than the {p.partners:g} FTE partners")
    return p.with_changes(partners=p.partners - moved, salaried_gps=p.salaried_gps + moved)


def list_growth_effects(p: Practice, growth_share: float = 0.1) -> pd.Series:
    """Return what a list ``growth_share`` larger (0.1 is 10%) is worth per FTE partner, in GBP a year.

    ``same_gps_total_gbp``: the gain if the same GPs see the extra patients. It splits exactly into
      ``more_work_by_same_gps_gbp`` (the extra GP time the practice did not pay for, priced at what a
      salaried GP costs: the doctors work harder),
      ``fixed_costs_spread_gbp`` (practice-level costs net of practice-level income, no longer
      growing with the list: the real economy of scale), and
      ``partners_margin_gbp`` (partners' profit above a salaried GP's cost, earned on the extra work).
    ``gps_grow_with_list_gbp``: the gain if salaried GPs are hired so that patients per GP stay the same
      (= fixed costs spread + partners' margin).
    """
    g = float(require_non_negative("growth_share", growth_share))
    if g > 1:
        raise ValueError(f"growth_share must be between 0 and 1 (0.1 for a list 10% larger); got {g:g}")
    a = practice_accounts(p)
    gps = p.partners + p.salaried_gps
    practice_level_net = (a["premises_costs_gbp"] + a["fixed_costs_gbp"]) - a["premises_reimbursement_gbp"]
    work = g * gps * p.salaried_gp_cost_gbp / p.partners
    spread = g * practice_level_net / p.partners
    margin = g * (a["profit_gbp"] - p.partners * p.salaried_gp_cost_gbp) / p.partners
    return pd.Series(
        {
            "same_gps_total_gbp": work + spread + margin,
            "more_work_by_same_gps_gbp": work,
            "fixed_costs_spread_gbp": spread,
            "partners_margin_gbp": margin,
            "gps_grow_with_list_gbp": spread + margin,
        },
        name=p.name,
    )


def practice_with_larger_list(p: Practice, growth_share: float, gps_grow_with_list: bool) -> Practice:
    """Return the practice with a list ``growth_share`` larger; if ``gps_grow_with_list``, salaried GPs
    are added so that patients per GP stay the same (partners stay as they are)."""
    g = float(require_non_negative("growth_share", growth_share))
    extra_gps = g * (p.partners + p.salaried_gps) if gps_grow_with_list else 0.0
    return p.with_changes(registered_patients=p.registered_patients * (1 + g), salaried_gps=p.salaried_gps + extra_gps)


SENSITIVITY_LABELS = {
    "global_sum_gbp_per_weighted_patient": "Global sum per weighted patient",
    "qof_gbp_per_patient": "QOF per patient",
    "registered_patients": "Registered patients (same GPs)",
    "partner_share_of_gps": "Partners' share of GP time (same GPs)",
    "salaried_gp_cost_gbp": "Cost of a salaried GP",
    "fixed_costs_gbp": "Fixed costs",
    "variable_costs_gbp_per_patient": "Staff and running costs per patient",
}


def _varied(p: Practice, field: str, factors: np.ndarray) -> Practice:
    if field == "partner_share_of_gps":
        gps = p.partners + p.salaried_gps
        partners = np.minimum(p.partners * factors, gps)
        return p.with_changes(partners=partners, salaried_gps=gps - partners)
    return p.with_changes(**{field: getattr(p, field) * factors})


def sensitivity_table(p: Practice, change_share: float = 0.1) -> pd.DataFrame:
    """Return profit per partner and economic cost per patient (GBP) when each input moves down and up
    by ``change_share`` (a share, 0 to 1; 0.1 is plus or minus 10%), all else unchanged.

    One row per input (labels in ``SENSITIVITY_LABELS``). Columns: ``low``, ``high``, ``swing`` (high -
    low) and ``base`` of profit per partner (GBP per FTE partner), and ``economic_low``,
    ``economic_high``, ``economic_base`` of economic cost per patient (GBP). Sorted by the absolute
    swing in profit per partner, largest first. "Partners' share of GP time" moves partners into or
    out of salaried posts at the same total of GP time.
    """
    change = float(require_share("change_share", change_share))
    base = practice_accounts(p)
    factors = np.array([1 - change, 1 + change])
    rows = {}
    for field, label in SENSITIVITY_LABELS.items():
        varied = practice_accounts(_varied(p, field, factors))
        low, high = varied["profit_per_partner_gbp"]
        economic_low, economic_high = varied["economic_cost_per_patient_gbp"]
        rows[label] = {
            "low": low, "high": high, "swing": high - low, "base": base["profit_per_partner_gbp"],
            "economic_low": economic_low, "economic_high": economic_high,
            "economic_base": base["economic_cost_per_patient_gbp"],
        }
    table = pd.DataFrame(rows).T
    return table.reindex(table["swing"].abs().sort_values(ascending=False).index)
