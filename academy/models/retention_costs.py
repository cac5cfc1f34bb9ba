"""What a leaver costs, what keeping someone is worth, and when a retention lever pays for itself.

The PCN's view. A GP who leaves a PCN that is already short cannot simply be replaced: the sessions
are covered by locums, at a premium over what a salaried GP costs, and a recruitment round follows.
So each FTE-year a lever keeps saves the cover premium for a year (``cover_premium_gbp_per_fte_year``),
and each leaver it avoids saves a recruitment round. A lever pays for itself when::

    FTE-years kept * cover premium + leavers avoided * recruitment cost >= the lever's cost

and its break-even is the FTE-years it must keep for that to hold (``lever_appraisal``). The NHS's view
adds what it spent training the GP (``training_cost_gbp``), which a practice never sees on its books.

Every default is cited or said to be an assumption in the ``RetentionCosts`` docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from academy.models.validation import require_non_negative, require_share
from academy.models.workforce_projection import (
    GP_ROLES, LEVERS, RetentionLever, Workforce, projection_arrays, with_levers,
)

__all__ = ["RetentionCosts", "cover_premium_gbp_per_fte_year", "cost_of_a_leaver_gbp", "lever_appraisal",
           "break_even_fte_years"]


@dataclass(frozen=True)
class RetentionCosts:
    """Prices for the cost model, 2019/20 (keys in ``book/references.bib``).

    - ``salaried_gp_gbp_per_year`` 73,776: the middle of the 2019/20 salaried GP pay range for nine
      sessions, £58,808 to £88,744 (``bma_salaried2019``); ``on_cost_share`` 0.26: employer's pension
      (14.38%) and National Insurance, an assumption in round terms.
    - ``weeks_worked_per_year`` 42: after annual, study and bank-holiday leave (an assumption).
    - ``locum_gbp_per_session`` 350: what a practice pays a locum GP for a session, an assumption
      (rates varied widely by area in 2019; set your own).
    - ``recruitment_gbp_per_hire`` 8,000 for a GP and 3,000 for a nurse: advertising, agency fees,
      interview and induction time (assumptions).
    - ``vacancy_months`` 6: how long a GP post stays open, covered by locums (an assumption).
    - ``nurse_cover_premium_gbp_per_fte_year`` 12,000: what agency or bank cover for a practice nurse
      costs over an employed nurse, a year (an assumption).
    - ``training_cost_gbp`` 230,000: the cost to train a doctor (Department of Health, 2017,
      ``fullfact_training``); a GP's three further years of training add to it.
    """

    salaried_gp_gbp_per_year: float = 73_776
    on_cost_share: float = 0.26
    weeks_worked_per_year: float = 42
    locum_gbp_per_session: float = 350
    recruitment_gbp_per_hire: tuple[float, float] = (8_000, 3_000)
    """For a GP, then for a practice nurse."""
    vacancy_months: float = 6
    nurse_cover_premium_gbp_per_fte_year: float = 12_000
    training_cost_gbp: float = 230_000


def _check(costs: RetentionCosts) -> None:
    for name in ("salaried_gp_gbp_per_year", "locum_gbp_per_session", "vacancy_months",
                 "nurse_cover_premium_gbp_per_fte_year", "training_cost_gbp"):
        require_non_negative(name, getattr(costs, name))
    require_non_negative("recruitment_gbp_per_hire", costs.recruitment_gbp_per_hire)
    require_share("on_cost_share", costs.on_cost_share)
    if not 0 < costs.weeks_worked_per_year <= 52:
        raise ValueError(f"weeks_worked_per_year must be above 0 and at most 52; got {costs.weeks_worked_per_year!r}")


def cover_premium_gbp_per_fte_year(costs: RetentionCosts = RetentionCosts(), role: str = "salaried_gp") -> float:
    """£ a year that covering one FTE with locums (GPs) or agency staff (nurses) costs over employing
    someone: for a GP, the locum's sessions in a working year less a salaried GP's pay and on-costs."""
    _check(costs)
    if role == "practice_nurse":
        return float(costs.nurse_cover_premium_gbp_per_fte_year)
    if role not in GP_ROLES:
        raise ValueError(f"role must be one of {GP_ROLES + ('practice_nurse',)}; got {role!r}")
    sessions = 9 * costs.weeks_worked_per_year
    return costs.locum_gbp_per_session * sessions - costs.salaried_gp_gbp_per_year * (1 + costs.on_cost_share)


def cost_of_a_leaver_gbp(costs: RetentionCosts = RetentionCosts(), fte: float = 1.0) -> pd.DataFrame:
    """What one GP of ``fte`` FTE leaving costs, item by item (£): ``vacancy_cover`` (the locum premium
    while the post is open), ``recruitment``, then ``training`` (the NHS's, not the practice's). Columns
    ``item``, ``budget`` ("practice" or "nhs") and ``cost_gbp``."""
    _check(costs)
    fte = float(require_non_negative("fte", fte))
    premium = cover_premium_gbp_per_fte_year(costs, "salaried_gp")
    return pd.DataFrame({
        "item": ["vacancy_cover", "recruitment", "training"],
        "budget": ["practice", "practice", "nhs"],
        "cost_gbp": [premium * fte * costs.vacancy_months / 12, costs.recruitment_gbp_per_hire[0],
                     costs.training_cost_gbp],
    })


def lever_appraisal(workforce: Workforce = Workforce(), levers=None, costs: RetentionCosts = RetentionCosts(),
                    years: int = 10) -> pd.DataFrame:
    """Each lever against the central projection without it, over ``years`` years. ``levers``: a dict of
    name to RetentionLever (default: the case's five, ``LEVERS``).

    One row per lever: ``cost_gbp`` (its fixed cost plus its cost per head for everyone it reaches, each
    year), ``gp_fte_years_kept`` and ``nurse_fte_years_kept`` (extra FTE summed over the years),
    ``leavers_avoided`` (people), ``savings_gbp`` (cover premium for the FTE-years kept plus a
    recruitment round for each leaver avoided), ``net_gbp`` (savings less cost) and
    ``break_even_fte_years`` (the FTE-years it must keep to pay for itself, with the leavers it avoids;
    for a lever reaching GPs and nurses, in GP FTE-years).
    """
    _check(costs)
    levers = LEVERS if levers is None else levers
    baseline = _totals(workforce, projection_arrays(workforce, years))
    rows = []
    for name, lever in levers.items():
        projection = projection_arrays(with_levers(workforce, [lever]), years)
        kept = {key: value[1:].sum() for key, value in _totals(workforce, projection, baseline).items()}
        cost = _lever_cost_gbp(workforce, lever, projection)
        gp_avoided, nurse_avoided = -kept["gp_leavers"], -kept["nurse_leavers"]
        recruitment = (gp_avoided * costs.recruitment_gbp_per_hire[0]
                       + nurse_avoided * costs.recruitment_gbp_per_hire[1])
        savings = (kept["gp_fte"] * cover_premium_gbp_per_fte_year(costs, "salaried_gp")
                   + kept["nurse_fte"] * cover_premium_gbp_per_fte_year(costs, "practice_nurse") + recruitment)
        premium = cover_premium_gbp_per_fte_year(costs, "salaried_gp" if set(lever.roles) & set(GP_ROLES)
                                                 else "practice_nurse")
        rows.append({"lever": name, "label": lever.label, "cost_gbp": cost,
                     "gp_fte_years_kept": kept["gp_fte"], "nurse_fte_years_kept": kept["nurse_fte"],
                     "leavers_avoided": gp_avoided + nurse_avoided,
                     "savings_gbp": savings, "net_gbp": savings - cost,
                     "break_even_fte_years": break_even_fte_years(cost - recruitment, premium)})
    return pd.DataFrame(rows)


def break_even_fte_years(cost_gbp: float, premium_gbp: float) -> float:
    """FTE-years that pay ``cost_gbp`` (£) at ``premium_gbp`` (£ an FTE-year) each: 0 if nothing is left
    to pay, infinite if keeping someone is worth nothing."""
    if cost_gbp <= 0:
        return 0.0
    return cost_gbp / premium_gbp if premium_gbp > 0 else np.inf


def _totals(workforce: Workforce, projection: dict, baseline: dict | None = None) -> dict[str, np.ndarray]:
    """GP and nurse FTE and leavers by year (less the baseline's, if given)."""
    gp = [workforce.roles.index(role) for role in GP_ROLES if role in workforce.roles]
    nurse = [workforce.roles.index(role) for role in ("practice_nurse",) if role in workforce.roles]
    totals = {"gp_fte": projection["fte"][:, gp].sum(axis=(1, 2)),
              "nurse_fte": projection["fte"][:, nurse].sum(axis=(1, 2)),
              "gp_leavers": projection["leavers"][:, gp].sum(axis=(1, 2)),
              "nurse_leavers": projection["leavers"][:, nurse].sum(axis=(1, 2))}
    return totals if baseline is None else {key: totals[key] - baseline[key] for key in totals}


def _lever_cost_gbp(workforce: Workforce, lever: RetentionLever, projection: dict) -> float:
    """£ over the projection's years 1 to the end: the fixed cost a year, plus the cost per head for the
    people in the cells the lever reaches at the start of each year (years 0 to the end less one)."""
    years = len(projection["headcount"]) - 1
    rows = [workforce.roles.index(role) for role in lever.roles]
    reached = projection["headcount"][:years][:, rows][:, :, list(lever.bands)].sum()
    return float(lever.fixed_cost_gbp_per_year * years + lever.cost_gbp_per_head_per_year * reached)
