"""Patients through one acute hospital and out to the services that take them home: a discrete-event
simulation of delayed transfers of care (DTOC), with its pure-queue case (M/M/c) for validation.

The flow. Emergency admissions arrive at random (a Poisson process) with a weekday pattern and a winter
rise. Each patient is frail (older, with more complex needs) or not, and stays until medically fit for
a lognormally distributed time whose mean depends on the group. Then they go home the same day, or need
a downstream service: a home-care package, a care-home place or a community bed. Those who need one
wait first for an assessment (exponential, mean ``assessment_days``), then in a first-come,
first-served queue for one of the service's ``capacity`` places, each held for an exponential time
(mean ``mean_days``). A patient who is medically fit but still in a bed is a delayed transfer of care,
counted at midnight as the NHS statistics count it. Without seven-day discharge, a discharge (home, or
into a place) that falls at the weekend goes ahead only with probability ``weekend_discharge_share``;
otherwise it waits until Monday. With discharge to assess, a share of the patients who need home care
or a care home leave on the day they are fit and wait for assessment and their place at home, with
short-term support paid for by the NHS. Beds are not a hard limit: above 100% the hospital opens
escalation beds and patients wait on trolleys, and the model counts those days.

The engine. Each replication is one compiled pass (numba, ``_one_replication``): it draws the day's
admissions (Poisson counts, drawn with numpy beforehand) and each patient's group, stay and route,
then runs each service's queue with a binary heap of the times places come free, and counts who is
in a bed, delayed or waiting at each midnight as it goes. Replications run in blocks, one per core,
in threads (the compiled code releases the interpreter lock), each replication from its own seed, so
a seed gives the same run on any machine. Why numba and not the alternatives: a queue is sequential
(who gets a place depends on who got one before), so numpy can vectorise it only across
replications, still looping over patients in Python (about 100 times slower); a SimPy model spends
most of its time in Python generators and event bookkeeping (``hospital_flow_simpy`` keeps that
version as the readable reference, about 0.5 s a replication, against about 1.5 ms here); and numba
is a widely used, well-kept compiler that needs no C toolchain. The compiled code is cached on disk
after its first use (about 10 s to compile, 0.2 s to load). Python threads, not numba's own parallel
loops, because numba's thread pool does not survive a fork (mutation testing forks for each mutant).

Every default number is cited or said to be an assumption in the ``Hospital`` docstring; the keys
are in ``book/references.bib``.
"""

from __future__ import annotations

import heapq
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from statistics import NormalDist

import numba
import numpy as np
import pandas as pd

from academy.models.erlang_c import UnstableQueueError, check_servers, check_stable, offered_load
from academy.models.validation import require_non_negative, require_positive, require_share

SERVICES = ("home_care", "care_home", "community_bed")
"""The downstream services, in the order of the destination codes 1, 2, 3 (0 is home)."""
DESTINATIONS = ("home",) + SERVICES
BUDGETS = ("nhs", "council")
DISCHARGE_TO_ASSESS_SERVICES = ("home_care", "care_home")
"""Services whose patients can be discharged to assess (the community bed is itself NHS care)."""

__all__ = [
    "DownstreamService",
    "Hospital",
    "HospitalRun",
    "UnstableQueueError",
    "simulate_hospital",
    "simulate_mmc",
    "service_loads",
    "intervention_scenarios",
    "compare_scenarios",
]


@dataclass(frozen=True)
class DownstreamService:
    """A service that takes patients out of hospital.

    ``capacity``: places (packages, beds) that can be in use at once; ``mean_days``: mean days a patient
    holds a place (exponentially distributed); ``budget``: who pays for it and who is responsible for a
    delay waiting for it ("nhs" or "council").
    """

    capacity: int
    mean_days: float
    budget: str


@dataclass(frozen=True)
class Hospital:
    """One acute hospital's general and acute beds, its patients and the services downstream.

    Defaults (a fictional 400-bed trust in 2019/20; keys in ``book/references.bib``):
    - ``beds`` 400: an assumption, a middle-sized acute trust (England had 102,194 general and acute
      beds in 2019/20, ``nhse_kh03``).
    - ``admissions_per_day`` 52: the mean outside winter, an assumption chosen so that beds run at
      about 93% occupied over the year, as acute beds averaged over 90% in 2016/17
      (``kingsfund_occupancy2017``).
    - ``weekday_admissions`` (Monday first, mean 1): more on Mondays, fewer at weekends; an assumption
      in the shape of the national pattern. ``winter_uplift`` 0.08: admissions 8% higher in December
      to February, an assumption that puts winter occupancy near 97%, as it was often over 95%
      (``kingsfund_occupancy2017``).
    - ``frail_share`` 0.25 of admissions are frail older patients: an assumption.
    - ``mean_days_to_fit_frail`` 10 and ``mean_days_to_fit_other`` 5.5: days until medically fit, set so
      that with the delays the mean stay is close to the 7.3 days of 2019 and patients aged 85 and over
      stay about 10.8 days (``healthfoundation_los2019``); ``days_to_fit_cv`` 0.8 (spread of a
      lognormal, standard deviation over mean) is an assumption.
    - ``destination_frail`` and ``destination_other``: shares going home, to home care, a care home and
      a community bed (assumptions; most patients go home, NAO 2016 ``nao2016``).
    - ``assessment_days`` 1: mean days to assess care needs before a place is sought (assumption).
    - ``weekend_discharge_share`` 0.7: share of weekend discharges that go ahead (assumption);
      1 is seven-day discharge. ``discharge_to_assess_share`` 0: none at first.
    - ``frail_admissions_avoided`` 0: the share of frail patients' admissions that anticipatory care
      in the community avoids.
    - Services: ``home_care`` 248 packages held 42 days on average (six weeks of reablement, then a
      review), ``care_home`` 292 places held 180 days by patients from this hospital, ``community_bed``
      57 beds held 21 days: assumptions, set so that each runs at 88-90% of its places over the year
      (and below 100% in winter) and delays run at about 5% of beds (about 20 patients a day), nearer
      6% in winter; the national figure was 4,513 patients a day in July 2019 (``nhse_dtoc``), about
      4% of general and acute beds.
    - ``delayed_day_cost_gbp`` 329: what a delayed bed-day costs the NHS, £395 at 2022/23 prices
      (``kingsfund2023``) deflated to 2019/20 prices by the CPI (130.5 in 2023, 108.7 in 2020,
      ``ons_cpi``).
    - ``home_care_gbp_per_hour`` 16.12: councils' average price for an hour of home care, 2018
      (``ukhca2019``; the UK Home Care Association's minimum price was £18.93 for 2019/20).
      ``home_care_hours_per_week`` 10 a package and ``discharge_to_assess_hours_per_day`` 2 of
      support at home while waiting: assumptions.
    - ``start_date`` 1 April 2019: the simulated year is the financial year 2019/20.
    - ``occupancy_thresholds`` 85% and 92%: the summary counts the days above each (``days_above_85``,
      ``days_above_92``). Bagust, Place and Posnett found the risk of a bed crisis discernible above
      about 85% mean occupancy and shortages regular at 90% and over (``bagust1999``); 92% is the
      ceiling NHS England later set for general and acute beds (2023/24, ``nhse_planning2023``).
    """

    beds: int = 400
    admissions_per_day: float = 52.0
    weekday_admissions: tuple[float, ...] = (1.10, 1.04, 1.00, 1.00, 1.01, 0.92, 0.93)
    winter_uplift: float = 0.08
    frail_share: float = 0.25
    mean_days_to_fit_frail: float = 10.0
    mean_days_to_fit_other: float = 5.5
    days_to_fit_cv: float = 0.8
    destination_frail: tuple[float, float, float, float] = (0.52, 0.28, 0.08, 0.12)
    destination_other: tuple[float, float, float, float] = (0.93, 0.04, 0.01, 0.02)
    assessment_days: float = 1.0
    weekend_discharge_share: float = 0.7
    discharge_to_assess_share: float = 0.0
    frail_admissions_avoided: float = 0.0
    home_care: DownstreamService = field(default_factory=lambda: DownstreamService(248, 42.0, "council"))
    care_home: DownstreamService = field(default_factory=lambda: DownstreamService(292, 180.0, "council"))
    community_bed: DownstreamService = field(default_factory=lambda: DownstreamService(57, 21.0, "nhs"))
    delayed_day_cost_gbp: float = 329.0
    home_care_gbp_per_hour: float = 16.12
    home_care_hours_per_week: float = 10.0
    discharge_to_assess_hours_per_day: float = 2.0
    start_date: str = "2019-04-01"
    occupancy_thresholds: tuple[float, float] = (0.85, 0.92)


@dataclass(frozen=True)
class HospitalRun:
    """What a simulation returns: tidy tables, one row per replication and per day.

    ``daily``: replication, day (0 is the first reported day), date, admissions, discharges,
    occupied_beds (at midnight), occupancy (share of beds), delayed_patients (medically fit, still in
    a bed, at midnight), delayed_nhs and delayed_council (by who is responsible), waiting_<service>
    (fit and waiting for a place, in hospital or at home) and discharge_to_assess_at_home.
    ``replications``: one row per replication with the year's totals (see ``summarise_replications``).
    ``patients``: one row per patient (only when asked for): admitted_day, fit_day, left_day,
    destination, frail, discharged_to_assess, place_day (when their place started; NaN for home).
    """

    hospital: Hospital
    daily: pd.DataFrame
    replications: pd.DataFrame
    patients: pd.DataFrame | None = None


# -- checking the inputs ---------------------------------------------------------------------------


def check_hospital(hospital: Hospital) -> None:
    """Raise ValueError naming the parameter unless every field of ``hospital`` is valid, and
    UnstableQueueError (a ValueError) if a service could never keep up with its patients."""
    if isinstance(hospital.beds, bool) or not float(hospital.beds).is_integer() or hospital.beds < 1:
        raise ValueError(f"beds must be a whole number, 1 or more; got {hospital.beds!r}")
    require_positive("admissions_per_day", hospital.admissions_per_day)
    weekday = require_positive("weekday_admissions", hospital.weekday_admissions)
    if weekday.shape != (7,):
        raise ValueError(f"weekday_admissions must have 7 values, Monday first; got {weekday.size}")
    require_non_negative("winter_uplift", hospital.winter_uplift)
    require_share("frail_share", hospital.frail_share)
    require_positive("mean_days_to_fit_frail", hospital.mean_days_to_fit_frail)
    require_positive("mean_days_to_fit_other", hospital.mean_days_to_fit_other)
    require_positive("days_to_fit_cv", hospital.days_to_fit_cv)
    for name in ("destination_frail", "destination_other"):
        shares = require_share(name, getattr(hospital, name))
        if shares.shape != (4,) or abs(shares.sum() - 1) > 1e-9:
            raise ValueError(
                f"{name} must be 4 shares (home, home care, care home, community bed) adding up to 1; "
                f"got {tuple(getattr(hospital, name))}"
            )
    require_non_negative("assessment_days", hospital.assessment_days)
    require_share("weekend_discharge_share", hospital.weekend_discharge_share)
    require_share("discharge_to_assess_share", hospital.discharge_to_assess_share)
    require_share("frail_admissions_avoided", hospital.frail_admissions_avoided)
    for name in SERVICES:
        service = getattr(hospital, name)
        if isinstance(service.capacity, bool) or not float(service.capacity).is_integer() or service.capacity < 0:
            raise ValueError(f"{name}.capacity must be a whole number of places, 0 or more; got {service.capacity!r}")
        require_positive(f"{name}.mean_days", service.mean_days)
        if service.budget not in BUDGETS:
            raise ValueError(f"{name}.budget must be one of {BUDGETS}; got {service.budget!r}")
    for name in ("delayed_day_cost_gbp", "home_care_gbp_per_hour", "home_care_hours_per_week",
                 "discharge_to_assess_hours_per_day"):
        require_non_negative(name, getattr(hospital, name))
    thresholds = require_positive("occupancy_thresholds", hospital.occupancy_thresholds)
    if thresholds.shape != (2,) or np.any(thresholds > 1):
        raise ValueError("occupancy_thresholds must be two shares of beds, each above 0 and at most 1 (100%); "
                         f"got {tuple(hospital.occupancy_thresholds)}")
    try:
        pd.Timestamp(hospital.start_date)
    except (TypeError, ValueError):
        raise ValueError(f"start_date must be a date such as '2019-04-01'; got {hospital.start_date!r}") from None
    for name, load in service_loads(hospital).items():
        capacity = getattr(hospital, name).capacity
        if load > 0:
            check_stable(load, capacity, f"{name}.capacity")


def _check_count(name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not float(value).is_integer() or value < minimum:
        raise ValueError(f"{name} must be a whole number, {minimum} or more; got {value!r}")
    return int(value)


# -- the calendar and the patients -----------------------------------------------------------------


def admissions_rate_per_day(hospital: Hospital, dates: pd.DatetimeIndex) -> np.ndarray:
    """Return the mean emergency admissions on each date (patients a day), after anticipatory care."""
    weekday = np.asarray(hospital.weekday_admissions, dtype=float)
    weekday = weekday / weekday.mean()
    winter = np.isin(dates.month, (12, 1, 2))
    avoided = hospital.frail_share * hospital.frail_admissions_avoided
    return hospital.admissions_per_day * weekday[dates.day_of_week] * (1 + hospital.winter_uplift * winter) * (1 - avoided)


def frail_share_of_admissions(hospital: Hospital) -> float:
    """Return the share of admissions that are frail once anticipatory care has avoided some."""
    frail = hospital.frail_share * (1 - hospital.frail_admissions_avoided)
    return frail / (frail + 1 - hospital.frail_share)


def service_loads(hospital: Hospital) -> dict[str, float]:
    """Return each service's offered load over a year, in places: the mean patients a day who need it
    (admissions through the year, weekdays and winter included) x the mean days each holds a place.
    A service is stable only if its capacity is above its load."""
    dates = pd.date_range(hospital.start_date, periods=365, freq="D")
    admissions = admissions_rate_per_day(hospital, dates).mean()
    frail = frail_share_of_admissions(hospital)
    loads = {}
    for code, name in enumerate(SERVICES, start=1):
        share = frail * hospital.destination_frail[code] + (1 - frail) * hospital.destination_other[code]
        loads[name] = admissions * share * getattr(hospital, name).mean_days
    return loads


def _lognormal_parameters(mean: np.ndarray, cv: float) -> tuple[np.ndarray, float]:
    """Return (mu, sigma) of the lognormal with these means and coefficient of variation."""
    sigma2 = np.log1p(cv**2)
    return np.log(mean) - sigma2 / 2, float(np.sqrt(sigma2))


# -- the compiled engine ---------------------------------------------------------------------------
# Times are in days from the first reported day (the warm-up is negative). A day's column in the
# count arrays is its day number less ``first_day``; the last column collects what happens after the
# horizon. A patient is in a census at midnight if they began on or before that day and had not ended
# by it, so the running sum of "began" less "ended" along a row is the midnight census.

ROWS = ("admissions", "discharges", "delayed_patients", "delayed_council") \
    + tuple(f"waiting_{s}" for s in SERVICES) + ("discharge_to_assess_at_home",)
"""The rows of the engine's count array: admissions and discharges a day, then the changes whose
running sums are the midnight censuses."""
PATIENT_COLUMNS = ("admitted_day", "fit_day", "left_day", "destination", "frail", "discharged_to_assess",
                   "place_day")


@numba.njit(cache=True)
def _weekend_deferred(time, draw, share, first_weekday):
    """Return a departure time, moved to Monday midday if it falls on a Saturday or Sunday and is
    not one of the ``share`` of weekend discharges that go ahead (``draw`` uniform on [0, 1) below
    ``share``). ``first_weekday`` is the weekday of day 0, Monday 0."""
    day = np.floor(time)
    weekday = (first_weekday + int(day)) % 7
    if weekday >= 5 and draw >= share:
        return day + (7 - weekday) + 0.5
    return time


@numba.njit(cache=True)
def _first_come_first_served(join, hold, free_at, weekend_draw, weekend_share, first_weekday):
    """Return when each patient's place starts, for one queue whose patients are sorted by ``join``
    (when they join it) and whose places are first free at ``free_at``. Each patient takes the place
    that is free first, no earlier than they join (a binary heap of the times places come free);
    a start at the weekend moves to Monday under the weekend rule. The place is then held ``hold``."""
    start = np.empty_like(join)
    free = [t for t in free_at]
    heapq.heapify(free)
    for i in range(join.size):
        t = _weekend_deferred(max(join[i], free[0]), weekend_draw[i], weekend_share, first_weekday)
        start[i] = t
        heapq.heapreplace(free, t + hold[i])
    return start


@numba.njit(cache=True)
def _column(time, first_day, columns):
    """Return the column of the day in which ``time`` falls; the last column for after the horizon."""
    return min(max(int(np.floor(time)) - first_day, 0), columns - 1)


@numba.njit(cache=True)
def _mark(row, begin, end, first_day):
    """Count an interval [begin, end) in a census row: one begun on its first day, one ended on its last."""
    row[_column(begin, first_day, row.size)] += 1
    row[_column(end, first_day, row.size)] -= 1


@numba.njit(cache=True)
def _one_replication(seed, counts, first_day, frail_share, mu, sigma, thresholds, weekend_share,
                     first_weekday, assessment_days, capacity, in_system, mean_days, council, at_home_share,
                     at_home_allowed, out, patients):
    """Simulate one replication into ``out`` (``ROWS`` x days + 1 counts) and, if ``patients`` has a
    row for each admission, one row per patient (``PATIENT_COLUMNS``).

    Each of ``counts[d]`` patients admitted on day d arrives at a uniform time in the day, is frail
    with probability ``frail_share``, is medically fit after a lognormal stay (``mu``, ``sigma`` by
    group) and goes to destination 0 (home) to 3 as a uniform draw passes the group's cumulative
    ``thresholds``. Patients going home, and those discharged to assess, leave when fit, subject to the
    weekend rule. The others are assessed (exponential, mean ``assessment_days``), then queue for their
    service's places, first come, first served. At the start of the warm-up each service holds
    ``in_system`` patients: as many in places as there are places (exponential time left, which is
    memoryless), the rest waiting in hospital, fit and assessed (and counted as admitted then).
    """
    np.random.seed(seed)
    keep = patients.shape[0] > 0
    total = counts.sum() + np.maximum(in_system - capacity, 0).sum()
    need_fit = np.empty(total)
    need_join = np.empty(total)
    need_hold = np.empty(total)
    need_code = np.empty(total, np.int64)
    need_at_home = np.empty(total, np.bool_)
    need_left = np.empty(total)
    need_draw = np.empty(total)
    need_patient = np.empty(total, np.int64)
    n = 0
    k = 0
    for code in range(3):
        for _ in range(max(in_system[code] - capacity[code], 0)):
            out[0, 0] += 1
            need_fit[n] = first_day
            need_join[n] = first_day
            need_hold[n] = np.random.exponential(mean_days[code])
            need_code[n] = code
            need_at_home[n] = False
            need_left[n] = np.nan
            need_draw[n] = np.random.random()
            need_patient[n] = k
            n += 1
            if keep:
                patients[k, 0] = first_day
                patients[k, 1] = first_day
                patients[k, 2] = np.nan
                patients[k, 3] = code + 1
                patients[k, 4] = 1
                patients[k, 5] = False
                patients[k, 6] = np.nan
            k += 1
    for d in range(counts.size):
        for _ in range(counts[d]):
            admitted = first_day + d + np.random.random()
            group = 1 if np.random.random() < frail_share else 0
            fit = admitted + np.exp(mu[group] + sigma * np.random.standard_normal())
            route = np.random.random()
            destination = 0
            for j in range(3):
                if route >= thresholds[group, j]:
                    destination += 1
            out[0, d] += 1
            at_home = False
            if destination > 0:
                code = destination - 1
                at_home = at_home_allowed[code] and np.random.random() < at_home_share
                need_fit[n] = fit
                need_join[n] = fit + np.random.exponential(assessment_days) if assessment_days > 0 else fit
                need_hold[n] = np.random.exponential(mean_days[code])
                need_code[n] = code
                need_at_home[n] = at_home
                need_draw[n] = np.random.random()
                need_patient[n] = k
            left = np.nan
            if destination == 0 or at_home:
                left = _weekend_deferred(fit, np.random.random(), weekend_share, first_weekday)
                out[1, _column(left, first_day, out.shape[1])] += 1
                _mark(out[2], fit, left, first_day)
            if destination > 0:
                need_left[n] = left
                n += 1
            if keep:
                patients[k, 0] = admitted
                patients[k, 1] = fit
                patients[k, 2] = left
                patients[k, 3] = destination
                patients[k, 4] = group
                patients[k, 5] = at_home
                patients[k, 6] = np.nan
            k += 1
    for code in range(3):
        mine = np.flatnonzero(need_code[:n] == code)
        mine = mine[np.argsort(need_join[mine])]
        free_at = np.full(capacity[code], float(first_day))
        for place in range(min(in_system[code], capacity[code])):
            free_at[place] += np.random.exponential(mean_days[code])
        start = _first_come_first_served(need_join[mine], need_hold[mine], free_at, need_draw[mine],
                                         weekend_share, first_weekday)
        for i in range(mine.size):
            p = mine[i]
            _mark(out[4 + code], need_fit[p], start[i], first_day)
            if need_at_home[p]:
                _mark(out[7], need_left[p], start[i], first_day)
            else:
                out[1, _column(start[i], first_day, out.shape[1])] += 1
                _mark(out[2], need_fit[p], start[i], first_day)
                if council[code]:
                    _mark(out[3], need_fit[p], start[i], first_day)
            if keep:
                patients[need_patient[p], 6] = start[i]
                if not need_at_home[p]:
                    patients[need_patient[p], 2] = start[i]


@numba.njit(cache=True, nogil=True)
def _replication_block(first, last, seeds, counts, first_day, frail_share, mu, sigma, thresholds, weekend_share,
                       first_weekday, assessment_days, capacity, in_system, mean_days, council, at_home_share,
                       at_home_allowed, out, patients, patient_ends):
    """Run ``_one_replication`` for replications ``first`` to ``last - 1``, each from its own seed,
    into its row of ``out`` and (when ``patients`` has rows) its slice of ``patients``. Compiled
    without the interpreter lock, so blocks run side by side in threads."""
    keep = patients.shape[0] > 0
    for r in range(first, last):
        begin = patient_ends[r - 1] if (keep and r > 0) else 0
        end = patient_ends[r] if keep else 0
        _one_replication(seeds[r], counts[r], first_day, frail_share, mu, sigma, thresholds, weekend_share,
                         first_weekday, assessment_days, capacity, in_system[r], mean_days, council,
                         at_home_share, at_home_allowed, out[r], patients[begin:end])


def _run_replications(seeds, counts, capacity, in_system, keep, *parameters):
    """Run every replication, split into one block per processor core, each block in its own thread
    (Python threads, started afresh for each call, so a forked process can run them too). Returns
    the counts (replications x ROWS x days + 1) and, if ``keep``, one row per patient, replications in
    order. Each replication has its own seed, so the result does not depend on the number of cores."""
    replications, days = counts.shape
    out = np.zeros((replications, len(ROWS), days + 1), np.int64)
    sizes = counts.sum(axis=1) + np.maximum(in_system - capacity, 0).sum(axis=1)
    patient_ends = np.cumsum(sizes)
    patients = np.empty((patient_ends[-1] if keep else 0, len(PATIENT_COLUMNS)))
    first_day, frail_share, mu, sigma, thresholds, weekend_share, first_weekday, assessment_days, mean_days, \
        council, at_home_share, at_home_allowed = parameters
    bounds = np.linspace(0, replications, min(os.cpu_count() or 1, replications) + 1).astype(int)

    def block(first: int, last: int) -> None:
        _replication_block(first, last, seeds, counts, first_day, frail_share, mu, sigma, thresholds,
                           weekend_share, first_weekday, assessment_days, capacity, in_system, mean_days,
                           council, at_home_share, at_home_allowed, out, patients, patient_ends)

    with ThreadPoolExecutor(max_workers=len(bounds) - 1) as pool:
        list(pool.map(block, bounds[:-1], bounds[1:]))
    return out, patients


# -- the simulation ------------------------------------------------------------------------------


def simulate_hospital(hospital: Hospital = Hospital(), days: int = 365, replications: int = 100,
                      seed: int = 2019, warm_up_days: int = 90, keep_patients: bool = False) -> HospitalRun:
    """Simulate ``replications`` runs of ``days`` days (after ``warm_up_days`` not reported) and return
    a ``HospitalRun`` of tidy tables. Each service starts the warm-up in its long-run state
    (``initial_patients_in_services``); 90 days then bring the wards and the winter's queues to
    within a few per cent of where three years of warm-up would. The same seed gives the same run;
    scenarios run with one seed share their random admissions (common random numbers), so their
    differences are sharper."""
    check_hospital(hospital)
    days = _check_count("days", days, 1)
    replications = _check_count("replications", replications, 1)
    warm_up_days = _check_count("warm_up_days", warm_up_days, 0)
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(hospital.start_date)
    calendar = pd.date_range(start - pd.Timedelta(days=warm_up_days), periods=warm_up_days + days, freq="D")
    counts = rng.poisson(admissions_rate_per_day(hospital, calendar), size=(replications, calendar.size))
    mu, sigma = _lognormal_parameters(
        np.array([hospital.mean_days_to_fit_other, hospital.mean_days_to_fit_frail]), hospital.days_to_fit_cv)
    services = [getattr(hospital, s) for s in SERVICES]
    capacity = np.array([s.capacity for s in services], dtype=np.int64)
    in_system = initial_patients_in_services(hospital, replications, rng)
    out, patients = _run_replications(
        rng.integers(2**31, size=replications), counts, capacity, in_system, keep_patients,
        -warm_up_days, frail_share_of_admissions(hospital), mu, sigma,
        np.cumsum([hospital.destination_other, hospital.destination_frail], axis=1)[:, :3],
        float(hospital.weekend_discharge_share), int(start.weekday()), float(hospital.assessment_days),
        np.array([s.mean_days for s in services], dtype=float), np.array([s.budget == "council" for s in services]),
        float(hospital.discharge_to_assess_share), np.array([s in DISCHARGE_TO_ASSESS_SERVICES for s in SERVICES]))

    window = slice(warm_up_days, warm_up_days + days)
    arrays = {"admissions": out[:, 0, window], "discharges": out[:, 1, window]}
    arrays["occupied_beds"] = np.cumsum(out[:, 0] - out[:, 1], axis=1)[:, window]
    for row, name in enumerate(ROWS[2:], start=2):
        arrays[name] = np.cumsum(out[:, row], axis=1)[:, window]
    daily = daily_table(hospital, calendar[warm_up_days:], arrays)
    table = None
    if keep_patients:
        table = pd.DataFrame(patients, columns=PATIENT_COLUMNS)
        sizes = counts.sum(axis=1) + np.maximum(in_system - capacity, 0).sum(axis=1)
        table.insert(0, "replication", np.repeat(np.arange(replications), sizes))
        table["destination"] = np.asarray(DESTINATIONS)[table["destination"].astype(int)]
        table["frail"] = table["frail"].astype(bool)
        table["discharged_to_assess"] = table["discharged_to_assess"].astype(bool)
    return HospitalRun(hospital, daily, summarise_replications(hospital, daily), table)


def stationary_patients_in_system(load: float, places: int, size: int, rng) -> np.ndarray:
    """Draw ``size`` numbers of patients in a service (holding a place or waiting for one) from the
    long-run distribution of the M/M/c queue with this load and these places:
    ``P(n) = P(0) a**n / n!`` below ``c`` places and ``P(0) a**n / (c! c**(n - c))`` from ``c`` on."""
    if load <= 0:
        return np.zeros(size, dtype=np.int64)
    utilisation = load / places
    longest = places + int(np.ceil(np.log(1e-12) / np.log(utilisation)))  # the tail beyond is negligible
    n = np.arange(longest + 1)
    log_factorial = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, longest + 1)))])
    log_weight = np.where(n < places, n * np.log(load) - log_factorial[n],
                          n * np.log(load) - log_factorial[places] - (n - places) * np.log(places))
    weight = np.exp(log_weight - log_weight.max())
    return rng.choice(n, size=size, p=weight / weight.sum())


def initial_patients_in_services(hospital: Hospital, replications: int, rng) -> np.ndarray:
    """Return (replications x services) patients in each service at the start of the warm-up, drawn
    from the service's long-run state at the year's average load (``service_loads``). Starting the
    queues empty instead would take years of simulated time to settle for a service whose places are
    held for months at over 90% of capacity."""
    loads = service_loads(hospital)
    return np.column_stack([
        stationary_patients_in_system(loads[name], getattr(hospital, name).capacity, replications, rng)
        for name in SERVICES
    ]).astype(np.int64)


DAILY_COLUMNS = ["replication", "day", "date", "admissions", "discharges", "occupied_beds", "occupancy",
                 "delayed_patients", "delayed_nhs", "delayed_council"] + [f"waiting_{s}" for s in SERVICES] \
    + ["discharge_to_assess_at_home"]


def daily_table(hospital: Hospital, dates: pd.DatetimeIndex, arrays: dict) -> pd.DataFrame:
    """Return the tidy daily table from (replications x days) arrays of counts."""
    replications, days = arrays["admissions"].shape
    table = {
        "replication": np.repeat(np.arange(replications), days),
        "day": np.tile(np.arange(days), replications),
        "date": np.tile(dates.values, replications),
    }
    table.update({name: values.ravel() for name, values in arrays.items()})
    table["occupancy"] = table["occupied_beds"] / hospital.beds
    table["delayed_nhs"] = table["delayed_patients"] - table["delayed_council"]
    return pd.DataFrame(table)[DAILY_COLUMNS]


def summarise_replications(hospital: Hospital, daily: pd.DataFrame) -> pd.DataFrame:
    """Return one row per replication: the year's admissions and discharges; mean and peak occupancy
    (share of beds); days above the two ``occupancy_thresholds`` (``days_above_85`` and ``days_above_92``
    with the defaults) and days over 100%; delayed bed-days (patients
    delayed at midnight, summed over days) in all and by who is responsible; what the delayed days
    cost the NHS (GBP, at ``delayed_day_cost_gbp``) by who is responsible; and the cost of support at
    home for patients discharged to assess (GBP, paid by the NHS)."""
    by = daily.groupby("replication")
    low, high = hospital.occupancy_thresholds
    days_at_home = by["discharge_to_assess_at_home"].sum()
    summary = pd.DataFrame({
        "admissions": by["admissions"].sum(),
        "discharges": by["discharges"].sum(),
        "mean_occupancy": by["occupancy"].mean(),
        "peak_occupancy": by["occupancy"].max(),
        f"days_above_{low * 100:.0f}": (daily["occupancy"] > low).groupby(daily["replication"]).sum(),
        f"days_above_{high * 100:.0f}": (daily["occupancy"] > high).groupby(daily["replication"]).sum(),
        "days_over_capacity": (daily["occupancy"] > 1).groupby(daily["replication"]).sum(),
        "mean_delayed_patients": by["delayed_patients"].mean(),
        "delayed_bed_days": by["delayed_patients"].sum(),
        "delayed_bed_days_nhs": by["delayed_nhs"].sum(),
        "delayed_bed_days_council": by["delayed_council"].sum(),
    })
    summary["delay_cost_gbp"] = summary["delayed_bed_days"] * hospital.delayed_day_cost_gbp
    summary["delay_cost_nhs_responsible_gbp"] = summary["delayed_bed_days_nhs"] * hospital.delayed_day_cost_gbp
    summary["delay_cost_council_responsible_gbp"] = summary["delayed_bed_days_council"] * hospital.delayed_day_cost_gbp
    summary["discharge_to_assess_cost_gbp"] = (
        days_at_home * hospital.discharge_to_assess_hours_per_day * hospital.home_care_gbp_per_hour)
    return summary.reset_index()


# -- the pure queue, for validation -----------------------------------------------------------------


def simulate_mmc(arrivals_per_day: float, mean_service_days: float, servers: int, days: float,
                 replications: int, seed: int = 2019) -> pd.DataFrame:
    """Simulate an M/M/c queue with the same engine as the hospital and return one row per
    replication: ``mean_wait_days`` (mean days from arrival to a place, over patients who arrive
    after a warm-up of the first fifth of ``days``) and ``patients`` (how many such arrivals). Starts
    empty; no weekend rule. Raises UnstableQueueError if the load is at or above ``servers``; compare
    with ``erlang_c.erlang_c_mean_wait_days``."""
    load = offered_load(arrivals_per_day, mean_service_days)
    servers = check_servers(servers)
    days = float(require_positive("days", days))
    replications = _check_count("replications", replications, 1)
    check_stable(load, servers)
    rng = np.random.default_rng(seed)
    expected = arrivals_per_day * days
    most = int(np.ceil(expected + 8 * np.sqrt(expected) + 20))  # enough arrivals to pass the horizon
    rows = []
    for _ in range(replications):
        arrived = np.cumsum(rng.exponential(1 / arrivals_per_day, most))
        arrived = arrived[arrived < days]
        hold = rng.exponential(mean_service_days, arrived.size)
        start = _first_come_first_served(arrived, hold, np.zeros(servers), np.zeros(arrived.size), 1.0, 0)
        counted = arrived >= days / 5
        wait = start[counted] - arrived[counted]
        rows.append((wait.mean() if wait.size else np.nan, int(wait.size)))
    table = pd.DataFrame(rows, columns=["mean_wait_days", "patients"])
    table.insert(0, "replication", np.arange(replications))
    return table


# -- interventions ---------------------------------------------------------------------------------


def intervention_scenarios(hospital: Hospital = Hospital(), extra_home_care_packages: int = 20,
                           shorter_stay_days: float = 0.5, discharge_to_assess_share: float = 0.5,
                           frail_admissions_avoided: float = 0.1,
                           seven_day_discharge_gbp_per_year: float = 250_000.0,
                           anticipatory_care_gbp_per_year: float = 150_000.0) -> pd.DataFrame:
    """Return the five interventions beside the hospital as it is: one row per scenario with
    ``scenario`` (a plain name), ``hospital`` (the changed Hospital), ``pays`` (whose budget) and the
    intervention's fixed yearly cost by budget (GBP a year). Costs:
    - more home-care packages: packages x ``home_care_hours_per_week`` x 52 weeks x the hourly price (council);
    - a shorter stay until fit (by ``shorter_stay_days``): no added cost assumed (NHS process change);
    - discharge to assess: no fixed cost; its support at home is costed in the simulation (NHS);
    - seven-day discharge: weekend therapy, pharmacy and social-work cover, an assumption (NHS);
    - anticipatory care of frail patients by the PCN avoiding a share of their admissions: a frailty
      team's cost, an assumption (NHS).
    """
    check_hospital(hospital)
    extra = _check_count("extra_home_care_packages", extra_home_care_packages, 0)
    shorter = float(require_non_negative("shorter_stay_days", shorter_stay_days))
    for name, value in (("mean_days_to_fit_frail", hospital.mean_days_to_fit_frail),
                        ("mean_days_to_fit_other", hospital.mean_days_to_fit_other)):
        if shorter >= value:
            raise ValueError(f"shorter_stay_days must be less than {name} ({value:g} days); got {shorter:g}")
    require_share("discharge_to_assess_share", discharge_to_assess_share)
    require_share("frail_admissions_avoided", frail_admissions_avoided)
    require_non_negative("seven_day_discharge_gbp_per_year", seven_day_discharge_gbp_per_year)
    require_non_negative("anticipatory_care_gbp_per_year", anticipatory_care_gbp_per_year)
    home_care_cost = extra * hospital.home_care_hours_per_week * 52 * hospital.home_care_gbp_per_hour
    rows = [
        ("As now", hospital, "nobody", 0.0, 0.0),
        (f"{extra} more home-care packages",
         replace(hospital, home_care=replace(hospital.home_care, capacity=hospital.home_care.capacity + extra)),
         "council", 0.0, home_care_cost),
        (f"Medically fit {shorter:g} days sooner",
         replace(hospital, mean_days_to_fit_frail=hospital.mean_days_to_fit_frail - shorter,
                 mean_days_to_fit_other=hospital.mean_days_to_fit_other - shorter),
         "NHS", 0.0, 0.0),
        (f"Discharge to assess for {discharge_to_assess_share:.0%}",
         replace(hospital, discharge_to_assess_share=discharge_to_assess_share), "NHS", 0.0, 0.0),
        ("Seven-day discharge", replace(hospital, weekend_discharge_share=1.0), "NHS",
         float(seven_day_discharge_gbp_per_year), 0.0),
        (f"Anticipatory care: {frail_admissions_avoided:.0%} fewer frail admissions",
         replace(hospital, frail_admissions_avoided=frail_admissions_avoided), "NHS",
         float(anticipatory_care_gbp_per_year), 0.0),
    ]
    return pd.DataFrame(rows, columns=["scenario", "hospital", "pays", "fixed_cost_nhs_gbp", "fixed_cost_council_gbp"])




def compare_scenarios(scenarios: pd.DataFrame, days: int = 365, replications: int = 100, seed: int = 2019,
                      confidence: float = 0.95) -> pd.DataFrame:
    """Simulate each scenario (rows of ``intervention_scenarios``) with the same seed and return a tidy
    table, one row per scenario and measure: ``mean`` across replications and a normal-approximation
    confidence interval (``ci_low``, ``ci_high``) for it; and for ``delayed_bed_days_saved`` (against
    the first scenario, replication by replication, so the shared admissions cancel) the same.
    ``net_cost_nhs_gbp`` and ``net_cost_council_gbp`` are each budget's cost of the intervention less
    what the delayed bed-days saved are worth to it (the NHS; beds freed are capacity, not cash)."""
    require_share("confidence", confidence)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    runs = [simulate_hospital(h, days, replications, seed).replications for h in scenarios["hospital"]]
    high = scenarios["hospital"].iloc[0].occupancy_thresholds[1]
    compared = ("delayed_bed_days", f"days_above_{high * 100:.0f}", "mean_occupancy", "delay_cost_gbp",
                "discharge_to_assess_cost_gbp")
    baseline = runs[0]
    rows = []
    for (_, scenario), run in zip(scenarios.iterrows(), runs):
        measures = {name: run[name] for name in compared}
        measures["delayed_bed_days_saved"] = baseline["delayed_bed_days"] - run["delayed_bed_days"]
        saving = measures["delayed_bed_days_saved"] * scenario["hospital"].delayed_day_cost_gbp
        measures["net_cost_nhs_gbp"] = scenario["fixed_cost_nhs_gbp"] + run["discharge_to_assess_cost_gbp"] \
            - baseline["discharge_to_assess_cost_gbp"] - saving
        measures["net_cost_council_gbp"] = pd.Series(scenario["fixed_cost_council_gbp"], index=run.index)
        for name, values in measures.items():
            values = np.asarray(values, dtype=float)
            half = z * values.std(ddof=1) / np.sqrt(values.size) if values.size > 1 else np.nan
            rows.append((scenario["scenario"], scenario["pays"], name, values.mean(),
                         values.mean() - half, values.mean() + half))
    return pd.DataFrame(rows, columns=["scenario", "pays", "measure", "mean", "ci_low", "ci_high"])
