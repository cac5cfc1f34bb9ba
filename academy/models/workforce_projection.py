"""A PCN's clinical workforce over the next ten years: an age-banded stock-flow projection of headcount
and full-time equivalents (FTE) by role, with retention levers and a Monte Carlo fan over leaver rates.

The flow, once a year for each role. Of the people in each age band at the start of the year, a share
leaves (for any reason: retirement, another practice, out of general practice); of those who stay, a
share moves up to the next band (one in ten of a ten-year band, as if ages were spread evenly within
it); people who age out of a closed top band retire. Then the year's joiners arrive, spread over the
bands by their age mix. So, for each role, with ``s`` the headcount by band::

    leavers = rate * s  (+ those ageing out of a closed top band)
    s_next  = ageing @ ((1 - rate) * s) + joiners * mix

and people are conserved exactly: total next year = total this year + joiners - leavers. With constant
rates the headcount settles at the steady state ``(I - A)^-1 j`` (``steady_state_headcount``), which for
one open band with leaver rate ``r`` and ``J`` joiners a year is the familiar ``J / r``.

FTE is headcount times FTE per head (one FTE is 9 sessions, 37.5 hours, a week), falling each year by
the drift to part-time working. The PCN's need is its patients (growing each year) over the patients
one FTE GP serves.

Uncertainty. Leaver rates are the least certain input: ``fte_runs`` draws, for each Monte Carlo run and
each role, a multiplier on that role's leaver rates (lognormal with mean 1) and projects every run at
once with numpy (a thousand ten-year runs take about a millisecond).

Every default number is cited or said to be an assumption in the ``Workforce`` docstring; the keys are
in ``book/references.bib``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from academy.models.validation import require_non_negative, require_share

ROLES = ("gp_partner", "salaried_gp", "practice_nurse")
GP_ROLES = ("gp_partner", "salaried_gp")
AGE_BANDS = ((25, 35), (35, 50), (50, 60), (60, math.inf))
"""Age bands in years, each from its lower age up to (not including) its upper age; the top one is open."""
SESSIONS_PER_FTE = 9
"""Sessions a week in one full-time equivalent (37.5 hours), as NHS Digital counts GP FTE."""

__all__ = [
    "ROLES", "GP_ROLES", "AGE_BANDS", "Workforce", "RetentionLever", "LEVERS", "band_labels",
    "with_levers", "projection_arrays", "project_workforce", "steady_state_headcount", "gp_fte_needed", "fte_runs",
    "fte_quantiles",
]


@dataclass(frozen=True)
class Workforce:
    """A PCN's clinical staff by role and age band, and the rates that move them (per year).

    Rows of every table are ``roles``, columns are ``age_bands``. Defaults: the fictional Lode Valley
    PCN in Cambridgeshire at 30 September 2019 (keys in ``book/references.bib``).
    - ``headcount`` (people) and ``fte_per_head`` (FTE, sessions a week over 9): the PCN's census from
      its staff records (``case_studies/workforce_retention/data``): 13 partners, 10 salaried GPs and
      14 practice nurses, 23 GPs at 17.0 FTE (153 sessions), so 0.74 FTE a GP against 0.73 in England in September
      2019 (28,315 FTE from 38,944 GPs, ``nhsd_workforce2019``). Cells with nobody in them take an
      assumed FTE per head for whoever joins there.
    - ``leaver_rates``: the share of each band leaving in a year, for any reason. Assumptions,
      calibrated to the published figures and to what the PCN's records show was realised: GPs left at
      about 6% a year in 2007 (``health_committee2008``); salaried GPs move more than partners, and
      those under 35 most of all: four in ten of them leave each year, most within two years of
      starting (the "first five" churn); 62% of GPs over 50 said in 2017 they were likely to leave
      direct patient care within five years (``worklife2017``), which would be about 18% a year,
      while 9-10% a year of GPs aged 50-59 actually left; a quarter of those over 60 retire each year
      (the average age of a GP's first pension claim fell to 58.5 by 2016/17, ``nhsbsa_pension``).
    - ``joiners_per_year`` and ``joiner_age_mix``: the PCN's starters in its records, 2009-2019 (about
      one partner, nearly three salaried GPs and one or two nurses a year, mostly young). With them
      GP headcount rises over ten years while GP FTE stands still and the need grows: the network
      runs to stand still, as England's FTE GPs fell from 29,403 in 2015 to 28,315 in 2019 while
      headcount held (``nhsd_workforce``).
    - ``part_time_drift`` 0.01: FTE per head falls 1% a year, an assumption in line with England's
      GPs working fewer sessions as partners give way to salaried and part-time GPs (partners' share
      of GP FTE fell from 74% in 2015 towards 61% by 2022, ``nhsd_workforce``).
    - ``patients`` 41,300 registered at the PCN (fictional); ``patient_growth`` 0.01 a year, an
      assumption (new housing); ``patients_per_fte_gp`` 2,119: England's ratio in September 2019,
      60.0 million patients (``nhsd_registered``) over 28,315 FTE GPs (``nhsd_workforce2019``).
    """

    roles: tuple[str, ...] = ROLES
    age_bands: tuple[tuple[float, float], ...] = AGE_BANDS
    headcount: tuple[tuple[float, ...], ...] = ((0, 5, 6, 2), (4, 5, 1, 0), (2, 5, 5, 2))
    fte_per_head: tuple[tuple[float, ...], ...] = (
        (0.8, 38 / 45, 46 / 54, 14 / 18),
        (22 / 36, 28 / 45, 5 / 9, 0.5),
        (14 / 18, 32 / 45, 33 / 45, 12 / 18),
    )
    leaver_rates: tuple[tuple[float, ...], ...] = (
        (0.05, 0.03, 0.09, 0.25),
        (0.40, 0.08, 0.10, 0.25),
        (0.10, 0.06, 0.08, 0.25),
    )
    joiners_per_year: tuple[float, ...] = (1.0, 2.8, 1.5)
    joiner_age_mix: tuple[tuple[float, ...], ...] = (
        (0.2, 0.7, 0.1, 0.0),
        (0.7, 0.3, 0.0, 0.0),
        (0.3, 0.5, 0.2, 0.0),
    )
    fte_per_head_from_next_year: tuple[tuple[float, ...], ...] | None = None
    """FTE per head from year one on, where a lever has people change their sessions (None: as now)."""
    part_time_drift: float = 0.01
    patients: float = 41_300
    patient_growth: float = 0.01
    patients_per_fte_gp: float = 2_119


@dataclass(frozen=True)
class RetentionLever:
    """A way to keep staff, as the model sees it: it cuts the leaver rate of the roles and age bands it
    reaches by ``leaver_rate_reduction`` (a share: 0.3 cuts 10% a year to 7%), and may change their FTE
    per head by ``fte_per_head_change`` (people who stay part time rather than leave). It costs
    ``fixed_cost_gbp_per_year`` plus ``cost_gbp_per_head_per_year`` for each person it reaches."""

    label: str
    roles: tuple[str, ...]
    bands: tuple[int, ...]
    """Indices into the workforce's age bands."""
    leaver_rate_reduction: float
    fte_per_head_change: float = 0.0
    cost_gbp_per_head_per_year: float = 0.0
    fixed_cost_gbp_per_year: float = 0.0


LEVERS = {
    "flexible_roles": RetentionLever(
        "Flexible and portfolio roles", GP_ROLES, (1, 2), leaver_rate_reduction=0.20,
        cost_gbp_per_head_per_year=1_500),
    "first_five": RetentionLever(
        "Mentoring and a first-five scheme", GP_ROLES, (0,), leaver_rate_reduction=0.35,
        cost_gbp_per_head_per_year=2_000, fixed_cost_gbp_per_year=4_000),
    "retainer": RetentionLever(
        "Retainer scheme", ("salaried_gp",), (0, 1), leaver_rate_reduction=0.25, fte_per_head_change=-0.03,
        cost_gbp_per_head_per_year=1_200),
    "older_part_time": RetentionLever(
        "Support for older GPs to stay part time", GP_ROLES, (2, 3), leaver_rate_reduction=0.30,
        fte_per_head_change=-0.05, cost_gbp_per_head_per_year=2_500),
    "nurse_development": RetentionLever(
        "Practice nurse development", ("practice_nurse",), (0, 1, 2, 3), leaver_rate_reduction=0.25,
        cost_gbp_per_head_per_year=1_000, fixed_cost_gbp_per_year=3_000),
}
"""The five levers of the case. Their effects and costs are assumptions for discussion (what a lever
achieves locally is not published): the case asks delegates to question them."""


def band_labels(age_bands=AGE_BANDS) -> list[str]:
    """Labels for age bands: "25-34", ..., "60+"."""
    return [f"{lower:g}+" if math.isinf(upper) else f"{lower:g}-{upper - 1:g}" for lower, upper in age_bands]


def _checked(workforce: Workforce) -> dict[str, np.ndarray]:
    """The workforce's tables as arrays, or ValueError naming the parameter that is wrong."""
    roles, bands = len(workforce.roles), len(workforce.age_bands)
    if roles == 0 or len(set(workforce.roles)) != roles:
        raise ValueError(f"roles must be one or more different names; got {workforce.roles!r}")
    try:
        edges = np.array(workforce.age_bands, dtype=float).reshape(bands, 2)
    except (TypeError, ValueError):
        raise ValueError(f"age_bands must be pairs of ages (lower, upper); got {workforce.age_bands!r}") from None
    if (bands == 0 or np.isnan(edges).any() or np.any(~np.isfinite(edges[:, 0])) or np.any(edges[:, 0] < 0)
            or np.any(edges[:, 1] <= edges[:, 0]) or np.any(edges[1:, 0] != edges[:-1, 1])):
        raise ValueError("age_bands must run one after another, each from its lower age up to the next "
                         f"band's lower age, with no overlap or gap; got {workforce.age_bands!r}")
    if np.any(np.isinf(edges[:-1, 1])):
        raise ValueError("age_bands: only the last band can be open-ended")

    def table(name, value, check, shape):
        array = check(name, value)
        if array.shape != shape:
            raise ValueError(f"{name} must have {' by '.join(map(str, shape))} values (roles by age bands); "
                             f"got shape {array.shape}")
        return array

    arrays = {
        "headcount": table("headcount", workforce.headcount, require_non_negative, (roles, bands)),
        "fte_per_head": table("fte_per_head", workforce.fte_per_head, require_non_negative, (roles, bands)),
        "fte_later": table("fte_per_head_from_next_year", workforce.fte_per_head if workforce.fte_per_head_from_next_year
                           is None else workforce.fte_per_head_from_next_year, require_non_negative, (roles, bands)),
        "leaver_rates": table("leaver_rates", workforce.leaver_rates, require_share, (roles, bands)),
        "joiners_per_year": table("joiners_per_year", workforce.joiners_per_year, require_non_negative, (roles,)),
        "joiner_age_mix": table("joiner_age_mix", workforce.joiner_age_mix, require_share, (roles, bands)),
    }
    if np.any(np.abs(arrays["joiner_age_mix"].sum(axis=1) - 1) > 1e-9):
        raise ValueError("joiner_age_mix: each role's shares must add up to 1")
    require_share("part_time_drift", workforce.part_time_drift)
    require_non_negative("patients", workforce.patients)
    require_non_negative("patient_growth", workforce.patient_growth)
    if not workforce.patients_per_fte_gp > 0:
        raise ValueError(f"patients_per_fte_gp must be above 0; got {workforce.patients_per_fte_gp!r}")
    arrays["ageing"] = 1 / (edges[:, 1] - edges[:, 0])  # share of a band's stayers moving up a year
    return arrays


def with_levers(workforce: Workforce, levers) -> Workforce:
    """The workforce with each lever applied: leaver rates cut, and FTE per head changed from next year
    on (the census stays as it is), where it reaches. ``levers``: RetentionLever objects, or keys of
    ``LEVERS``. Raises ValueError for a lever that names a role or band the workforce does not have, or
    a reduction outside 0 to 1."""
    arrays = _checked(workforce)
    rates, fte = arrays["leaver_rates"], arrays["fte_later"]
    for lever in levers:
        lever = LEVERS[lever] if isinstance(lever, str) else lever
        require_share("leaver_rate_reduction", lever.leaver_rate_reduction)
        rows, columns = _reach(workforce, lever)
        rates[np.ix_(rows, columns)] *= 1 - lever.leaver_rate_reduction
        fte[np.ix_(rows, columns)] = np.maximum(fte[np.ix_(rows, columns)] + lever.fte_per_head_change, 0)
    return replace(workforce, leaver_rates=_as_tuples(rates), fte_per_head_from_next_year=_as_tuples(fte))


def _reach(workforce: Workforce, lever: RetentionLever) -> tuple[list[int], list[int]]:
    """The row and column indices of the cells a lever reaches."""
    unknown = [role for role in lever.roles if role not in workforce.roles]
    if unknown:
        raise ValueError(f"roles: the lever {lever.label!r} names roles the workforce does not have: {unknown}")
    if any(not 0 <= band < len(workforce.age_bands) for band in lever.bands):
        raise ValueError(f"bands: the lever {lever.label!r} names an age band beyond the workforce's "
                         f"{len(workforce.age_bands)}: {lever.bands}")
    return [workforce.roles.index(role) for role in lever.roles], list(lever.bands)


def _as_tuples(array: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(value) for value in row) for row in array)


def _one_year(stock: np.ndarray, rates: np.ndarray, ageing: np.ndarray, arrivals: np.ndarray):
    """Advance headcount ``stock`` (..., roles, bands) one year; return (next stock, leavers by cell)."""
    leavers = stock * rates
    stayers = stock - leavers
    moving = stayers * ageing  # ageing is 0 for an open top band
    next_stock = stayers - moving + arrivals
    next_stock[..., 1:] += moving[..., :-1]
    leavers = leavers.copy()
    leavers[..., -1] += moving[..., -1]  # ageing out of a closed top band is retirement
    return next_stock, leavers


def projection_arrays(workforce: Workforce = Workforce(), years: int = 10) -> dict[str, np.ndarray]:
    """The projection as arrays of shape (years + 1, roles, bands): ``headcount`` and ``fte`` at the start
    of each year, and ``joiners`` and ``leavers`` in the year just ended (0 in year 0). What
    ``project_workforce`` tabulates; for code that needs speed more than a table."""
    arrays = _checked(workforce)
    years = _check_years(years)
    shape = (years + 1,) + arrays["headcount"].shape
    result = {name: np.zeros(shape) for name in ("headcount", "fte", "joiners", "leavers")}
    arrivals = arrays["joiners_per_year"][:, None] * arrays["joiner_age_mix"]
    stock = arrays["headcount"]
    for year in range(years + 1):
        per_head = arrays["fte_per_head"] if year == 0 else arrays["fte_later"]
        result["headcount"][year] = stock
        result["fte"][year] = stock * per_head * (1 - workforce.part_time_drift) ** year
        if year < years:
            stock, result["leavers"][year + 1] = _one_year(stock, arrays["leaver_rates"], arrays["ageing"], arrivals)
            result["joiners"][year + 1] = arrivals
    return result


def project_workforce(workforce: Workforce = Workforce(), years: int = 10) -> pd.DataFrame:
    """Project headcount and FTE by role and age band, year by year.

    Returns one row per year (0 is now) per role per band: ``headcount`` (people at the start of the
    year), ``fte`` (full-time equivalents), and the flows of the year just ended, ``joiners`` and
    ``leavers`` (people; 0 in year 0). People are not rounded: 0.4 of a person is an expected value.
    """
    arrays = projection_arrays(workforce, years)
    labels = band_labels(workforce.age_bands)
    rows = len(arrays["headcount"])
    table = pd.DataFrame({
        "year": np.repeat(np.arange(rows), len(workforce.roles) * len(labels)),
        "role": np.tile(np.repeat(workforce.roles, len(labels)), rows),
        "age_band": np.tile(labels, len(workforce.roles) * rows),
    })
    for name in ("headcount", "fte", "joiners", "leavers"):
        table[name] = arrays[name].ravel()
    return table


def _check_years(years) -> int:
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or years < 1:
        raise ValueError(f"years must be a whole number of years, 1 or more; got {years!r}")
    return int(years)


def steady_state_headcount(workforce: Workforce = Workforce()) -> pd.DataFrame:
    """The headcount by role and age band that constant rates settle at: the solution of
    ``s = A s + j`` (``A`` the year's staying-and-ageing matrix, ``j`` the joiners), one row per role and
    band with column ``headcount`` (people). Raises ValueError if a role never settles (nobody in an
    open top band ever leaves while people keep arriving there)."""
    arrays = _checked(workforce)
    bands = len(workforce.age_bands)
    rows = []
    for role, rates, joiners, mix in zip(workforce.roles, arrays["leaver_rates"], arrays["joiners_per_year"],
                                         arrays["joiner_age_mix"]):
        stay = 1 - rates
        matrix = np.diag(stay * (1 - arrays["ageing"])) + np.diag((stay * arrays["ageing"])[:-1], k=-1)
        try:
            steady = np.linalg.solve(np.eye(bands) - matrix, joiners * mix)
        except np.linalg.LinAlgError:
            raise ValueError(f"leaver_rates: the {role} headcount never settles (nobody leaves the top "
                             "age band); give it a leaver rate above 0") from None
        rows.append(steady)
    labels = band_labels(workforce.age_bands)
    return pd.DataFrame({"role": np.repeat(workforce.roles, bands), "age_band": labels * len(workforce.roles),
                         "headcount": np.concatenate(rows)})


def gp_fte_needed(workforce: Workforce = Workforce(), years: int = 10) -> np.ndarray:
    """FTE GPs the PCN needs in each year 0 to ``years``: its patients, growing, over patients per FTE GP."""
    _checked(workforce)
    growth = (1 + workforce.patient_growth) ** np.arange(_check_years(years) + 1)
    return workforce.patients * growth / workforce.patients_per_fte_gp


def fte_runs(workforce: Workforce = Workforce(), years: int = 10, runs: int = 1_000,
             leaver_rate_uncertainty: float = 0.25, seed: int = 2019) -> np.ndarray:
    """FTE by role in each Monte Carlo run and year: an array of shape (runs, years + 1, roles).

    Each run multiplies each role's leaver rates by its own draw from a lognormal with mean 1 and
    ``leaver_rate_uncertainty`` the standard deviation of its logarithm (0.25 by assumption: a role's
    rates could plausibly be a quarter higher or lower), capped at 1. With no uncertainty every run is
    the central projection. The same seed gives the same runs.
    """
    arrays = _checked(workforce)
    years = _check_years(years)
    if isinstance(runs, bool) or not isinstance(runs, (int, np.integer)) or runs < 1:
        raise ValueError(f"runs must be a whole number, 1 or more; got {runs!r}")
    sigma = float(require_non_negative("leaver_rate_uncertainty", leaver_rate_uncertainty))
    normal = np.random.default_rng(seed).standard_normal((runs, len(workforce.roles), 1))
    rates = np.minimum(arrays["leaver_rates"] * np.exp(sigma * normal - sigma**2 / 2), 1)
    stock = np.broadcast_to(arrays["headcount"], rates.shape).copy()
    arrivals = arrays["joiners_per_year"][:, None] * arrays["joiner_age_mix"]
    result = np.empty((runs, years + 1, len(workforce.roles)))
    for year in range(years + 1):
        per_head = arrays["fte_per_head"] if year == 0 else arrays["fte_later"]
        result[:, year] = (stock * per_head).sum(axis=-1) * (1 - workforce.part_time_drift) ** year
        stock, _ = _one_year(stock, rates, arrays["ageing"], arrivals)
    return result


def fte_quantiles(runs: np.ndarray, roles=GP_ROLES, workforce: Workforce = Workforce(),
                  quantiles=(0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.DataFrame:
    """The fan of a Monte Carlo projection: for each year, quantiles across runs of the FTE of ``roles``
    added together. ``runs`` is ``fte_runs``'s array; columns ``year`` and ``q05``, ``q25``, ... (FTE)."""
    columns = [workforce.roles.index(role) for role in roles]
    total = runs[:, :, columns].sum(axis=-1)
    fan = np.quantile(total, quantiles, axis=0)
    table = pd.DataFrame({f"q{round(q * 100):02d}": values for q, values in zip(quantiles, fan)})
    table.insert(0, "year", np.arange(runs.shape[1]))
    return table
