"""A merger of GP practices into one partnership, and how the merged partnership shares its profit.

Lists, staff, income and costs add up. The merged partnership keeps ``1 - back_office_saving_share``
of the practices' combined fixed (back-office) costs, pays new central management costs (GBP a year, a
managing partner's sessions, a business manager) and, in its first year, one-off merger costs (legal
fees, a new partnership agreement, systems, registration). Per-patient prices and costs become
list-weighted averages, so with no saving and no new costs the merged profit is exactly the sum of the
practices' profits: every gain comes from a cost no longer paid twice.

Three ways to share the merged profit among the partners (``SHARING_RULES``):
- ``equal``: every FTE partner takes the same share from the first year;
- ``lockstep``: each practice's partners start from what their practice earned apart and glide to
  parity in equal steps, reaching it in year ``glide_years``;
- ``performance``: each practice's partners take the merged profit in proportion to what their practice
  earned apart, every year (the merger's gain or loss shared pro rata).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from academy.models.gp_partnership import Practice, practice_accounts, validated
from academy.models.validation import require_non_negative, require_share

APART = "All practices apart"
MERGED = "Merged partnership"
SHARING_RULES = ("equal", "lockstep", "performance")

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


def check_practice_names(practices: list[Practice]) -> None:
    """Raise ValueError unless there are at least 2 practices with distinct names that are not the
    names this module gives its own rows."""
    if len(practices) < 2:
        raise ValueError("practices must list at least 2 practices to merge")
    names = [p.name for p in practices]
    if len(set(names)) != len(names):
        raise ValueError("practices must have different names: two are called the same")
    for reserved in (APART, MERGED):
        if reserved in names:
            raise ValueError(f"practices must not be called {reserved!r}: that name is kept for the merged rows")


def merged_practice(
    practices: list[Practice],
    back_office_saving_share: float = 0.3,
    central_management_costs_gbp: float = 0.0,
    partners_becoming_salaried: float = 0.0,
) -> Practice:
    """Return one partnership formed by merging ``practices`` (its first full year, without one-off costs).

    ``back_office_saving_share`` is the share (0 to 1) of the combined fixed costs no longer needed;
    ``central_management_costs_gbp`` is new spending a year; ``partners_becoming_salaried`` FTE partners
    leave the partnership and stay as salaried GPs (from 0 to less than all the partners).
    """
    check_practice_names(practices)
    saving = float(require_share("back_office_saving_share", back_office_saving_share))
    central = float(require_non_negative("central_management_costs_gbp", central_management_costs_gbp))
    moving = float(require_non_negative("partners_becoming_salaried", partners_becoming_salaried))
    for p in practices:
        validated(p)
    registered = np.array([p.registered_patients for p in practices], dtype=float)
    weighted = registered * np.array([p.list_weighting for p in practices], dtype=float)
    dispensing = registered * np.array([p.dispensing_patient_share for p in practices], dtype=float)
    partners = sum(p.partners for p in practices)
    if moving >= partners:
        raise ValueError(f"partners_becoming_salaried must be from 0 to less than the {partners:g} partners")

    def average(field: str, weights: np.ndarray) -> float:
        values = np.array([getattr(p, field) for p in practices], dtype=float)
        return float(np.dot(weights, values) / weights.sum()) if weights.sum() > 0 else float(values[0])

    salaried = np.array([p.salaried_gps for p in practices], dtype=float)
    dispensing_income = dispensing * np.array([p.dispensing_income_gbp_per_dispensing_patient for p in practices])
    # Partners who become salaried are paid what a salaried GP costs on average across the practices.
    return Practice(
        name=MERGED,
        registered_patients=float(registered.sum()),
        list_weighting=float(weighted.sum() / registered.sum()),
        partners=partners - moving,
        salaried_gps=float(salaried.sum()) + moving,
        dispensing_patient_share=float(dispensing.sum() / registered.sum()),
        global_sum_gbp_per_weighted_patient=average("global_sum_gbp_per_weighted_patient", weighted),
        network_payment_gbp_per_weighted_patient=average("network_payment_gbp_per_weighted_patient", weighted),
        qof_gbp_per_patient=average("qof_gbp_per_patient", registered),
        enhanced_services_gbp_per_patient=average("enhanced_services_gbp_per_patient", registered),
        other_nhs_income_gbp_per_patient=average("other_nhs_income_gbp_per_patient", registered),
        premises_reimbursement_gbp=sum(p.premises_reimbursement_gbp for p in practices),
        dispensing_income_gbp_per_dispensing_patient=average("dispensing_income_gbp_per_dispensing_patient", dispensing),
        dispensing_cost_share=average("dispensing_cost_share", dispensing_income),
        salaried_gp_cost_gbp=average("salaried_gp_cost_gbp", salaried if salaried.sum() > 0 else np.ones_like(salaried)),
        premises_costs_gbp=sum(p.premises_costs_gbp for p in practices),
        fixed_costs_gbp=sum(p.fixed_costs_gbp for p in practices) * (1 - saving) + central,
        variable_costs_gbp_per_patient=average("variable_costs_gbp_per_patient", registered),
    )


def merger_comparison(
    practices: list[Practice],
    back_office_saving_share: float = 0.3,
    partners_becoming_salaried: float = 0.0,
    central_management_costs_gbp: float = 0.0,
) -> pd.DataFrame:
    """Return the practices apart and merged, one row each, plus a row for all of them apart.

    Rows: each practice, ``"All practices apart"``, ``"Merged partnership"``. Columns: registered
    patients, FTE partners and salaried GPs, income, expenses and profit (GBP a year), profit per
    partner (GBP per FTE partner), patients per GP and cost per patient (GBP).
    """
    merged = merged_practice(practices, back_office_saving_share, central_management_costs_gbp, partners_becoming_salaried)
    rows = []
    for p in practices + [merged]:
        accounts = practice_accounts(p)
        rows.append(
            {"registered_patients": p.registered_patients, "partners": p.partners, "salaried_gps": p.salaried_gps}
            | {k: accounts[k] for k in MERGER_COLUMNS[3:]}
        )
    table = pd.DataFrame(rows, index=[p.name for p in practices] + [MERGED])
    apart = table.iloc[:-1][MERGER_COLUMNS[:6]].sum()
    apart["profit_per_partner_gbp"] = apart["profit_gbp"] / apart["partners"]
    apart["patients_per_gp"] = apart["registered_patients"] / (apart["partners"] + apart["salaried_gps"])
    apart["cost_per_patient_gbp"] = apart["expenses_gbp"] / apart["registered_patients"]
    table.loc[APART] = apart[MERGER_COLUMNS]
    return table.loc[[p.name for p in practices] + [APART, MERGED], MERGER_COLUMNS]


def profit_sharing(
    practices: list[Practice],
    rule: str = "equal",
    back_office_saving_share: float = 0.3,
    central_management_costs_gbp: float = 0.0,
    one_off_costs_gbp: float = 0.0,
    glide_years: int = 3,
    years: int = 5,
) -> pd.DataFrame:
    """Return each practice's partners' profit per FTE partner apart and merged, year by year.

    One row per practice and year (1 to ``years``). Columns: ``practice``, ``year``, ``partners`` (FTE),
    ``profit_per_partner_apart_gbp``, ``profit_per_partner_merged_gbp`` and ``change_gbp`` (merged minus
    apart, GBP a year per FTE partner). The merged profit pays ``one_off_costs_gbp`` in year 1.
    ``rule`` is one of ``SHARING_RULES``; ``glide_years`` (1 or more) is the year a lockstep reaches parity.
    """
    if rule not in SHARING_RULES:
        raise ValueError(f"rule must be one of {', '.join(SHARING_RULES)}; got {rule!r}")
    one_off = float(require_non_negative("one_off_costs_gbp", one_off_costs_gbp))
    if int(glide_years) != glide_years or glide_years < 1:
        raise ValueError(f"glide_years must be a whole number of years, 1 or more; got {glide_years!r}")
    if int(years) != years or years < 1:
        raise ValueError(f"years must be a whole number of years, 1 or more; got {years!r}")
    table = merger_comparison(practices, back_office_saving_share, 0.0, central_management_costs_gbp)
    names = [p.name for p in practices]
    partners = table.loc[names, "partners"].to_numpy(dtype=float)
    apart = table.loc[names, "profit_per_partner_gbp"].to_numpy(dtype=float)
    average_apart = table.loc[APART, "profit_per_partner_gbp"]
    if rule != "equal" and not average_apart > 0:
        raise ValueError("the practices' profit apart must be above 0 to share the merged profit by what each earned")
    rows = []
    for year in range(1, int(years) + 1):
        merged_profit = table.loc[MERGED, "profit_gbp"] - (one_off if year == 1 else 0.0)
        merged_per_partner = merged_profit / partners.sum()
        parity = {"equal": 1.0, "lockstep": min(year / glide_years, 1.0), "performance": 0.0}[rule]
        relative = (1 - parity) * apart / average_apart + parity if rule != "equal" else np.ones_like(apart)
        merged = merged_per_partner * relative
        for name, p, a, m in zip(names, partners, apart, merged):
            rows.append({"practice": name, "year": year, "partners": p, "profit_per_partner_apart_gbp": a,
                         "profit_per_partner_merged_gbp": m, "change_gbp": m - a})
    return pd.DataFrame(rows)


def break_even_saving_share(practices: list[Practice], practice: str, central_management_costs_gbp: float = 0.0) -> float:
    """Return the back-office saving share (0 to 1) at which the merged profit per partner, shared
    equally, equals ``practice``'s profit per partner apart; ``nan`` if no saving up to 100% is enough.

    Profit is linear in the saving share, so it is solved directly from two points.
    """
    names = [p.name for p in practices]
    if practice not in names:
        raise ValueError(f"practice must be one of {', '.join(names)}; got {practice!r}")
    gap = [
        (t.loc[MERGED, "profit_per_partner_gbp"] - t.loc[practice, "profit_per_partner_gbp"])
        for t in (merger_comparison(practices, s, 0.0, central_management_costs_gbp) for s in (0.0, 1.0))
    ]
    if gap[0] >= 0:
        return 0.0
    if gap[1] < 0:
        return float("nan")
    return float(-gap[0] / (gap[1] - gap[0]))
