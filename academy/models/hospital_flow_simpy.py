"""The hospital of ``hospital_flow``, written in SimPy: the readable reference that healthcare
modellers know, kept to check the fast engine against (the tests run both and compare them) and to
measure how much faster the fast one is (``make bench``). About 0.5 s a replication of a 400-bed
year here, against about 2 ms for the compiled engine; use ``hospital_flow.simulate_hospital``.

The model is the same, written as processes: admissions arrive through each day; each patient stays
until medically fit; those going home (or discharged to assess) leave, unless it is the weekend and
their discharge is not one that goes ahead; the others are assessed, then request a place from their
service (a ``simpy.Resource`` with one slot per place, first come, first served), start it (on
Monday if it falls at the weekend and is deferred), leave hospital, and hold the place for their
service time. Each service starts the warm-up in its long-run state, drawn as the fast engine draws
it (``initial_patients_in_services``): its places busy, and any patients beyond them waiting in
hospital. Every time is recorded, and the midnight censuses are counted from the records as in the
fast engine, into the same tidy tables.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import simpy

from academy.models.hospital_flow import (
    DISCHARGE_TO_ASSESS_SERVICES,
    SERVICES,
    Hospital,
    HospitalRun,
    admissions_rate_per_day,
    check_hospital,
    daily_table,
    frail_share_of_admissions,
    initial_patients_in_services,
    summarise_replications,
)


def simulate_hospital_simpy(hospital: Hospital = Hospital(), days: int = 365, replications: int = 1,
                            seed: int = 2019, warm_up_days: int = 90) -> HospitalRun:
    """Simulate the hospital with SimPy and return the same tables as ``simulate_hospital``."""
    check_hospital(hospital)
    start = pd.Timestamp(hospital.start_date)
    calendar = pd.date_range(start - pd.Timedelta(days=warm_up_days), periods=warm_up_days + days, freq="D")
    rates = admissions_rate_per_day(hospital, calendar)
    records = []
    for r in range(replications):
        rng = np.random.default_rng([seed, r])
        in_system = initial_patients_in_services(hospital, 1, rng)[0]
        records.append(_one_replication(hospital, rates, warm_up_days, days, int(start.weekday()), in_system, rng))
    arrays = {name: np.array([census[name] for census in records]) for name in records[0]}
    daily = daily_table(hospital, calendar[warm_up_days:], arrays)
    return HospitalRun(hospital, daily, summarise_replications(hospital, daily))


def weekend_deferred(time: float, draw: float, share: float, first_weekday: int) -> float:
    """Return the departure time, moved to Monday midday if it falls at the weekend and the draw
    says this is not one of the ``share`` of weekend discharges that go ahead."""
    day = math.floor(time)
    weekday = (first_weekday + day) % 7
    if weekday >= 5 and draw >= share:
        return day + (7 - weekday) + 0.5
    return time


def _one_replication(hospital, rates, warm_up_days, days, first_weekday, in_system, rng) -> dict[str, np.ndarray]:
    env = simpy.Environment(initial_time=-warm_up_days)
    places = {name: simpy.Resource(env, capacity=max(getattr(hospital, name).capacity, 1)) for name in SERVICES}
    sigma = math.sqrt(math.log1p(hospital.days_to_fit_cv**2))
    frail_share = frail_share_of_admissions(hospital)
    stays = []  # (admitted, fit, left, service, place started, discharged to assess)

    def occupant(resource, hold):
        with resource.request() as request:
            yield request
            yield env.timeout(hold)

    def waiting_from_the_start(service):
        stay = [env.now, env.now, math.inf, service, math.inf, False]
        stays.append(stay)
        with places[service].request() as request:
            yield request
            begins = weekend_deferred(env.now, rng.random(), hospital.weekend_discharge_share, first_weekday)
            yield env.timeout(begins - env.now)
            stay[2] = stay[4] = begins
            yield env.timeout(rng.exponential(getattr(hospital, service).mean_days))

    def patient():
        stay = [env.now, math.inf, math.inf, None, math.inf, False]
        stays.append(stay)
        frail = rng.random() < frail_share
        mean = hospital.mean_days_to_fit_frail if frail else hospital.mean_days_to_fit_other
        yield env.timeout(math.exp(math.log(mean) - sigma**2 / 2 + sigma * rng.standard_normal()))
        fit = stay[1] = env.now
        shares = hospital.destination_frail if frail else hospital.destination_other
        destination = int(np.searchsorted(np.cumsum(shares)[:3], rng.random(), side="right"))
        if destination == 0:
            stay[2] = weekend_deferred(fit, rng.random(), hospital.weekend_discharge_share, first_weekday)
            return
        service = SERVICES[destination - 1]
        stay[3] = service
        if service in DISCHARGE_TO_ASSESS_SERVICES and rng.random() < hospital.discharge_to_assess_share:
            stay[5] = True
            stay[2] = weekend_deferred(fit, rng.random(), hospital.weekend_discharge_share, first_weekday)
        if hospital.assessment_days > 0:
            yield env.timeout(rng.exponential(hospital.assessment_days))
        with places[service].request() as request:
            yield request
            begins = weekend_deferred(env.now, rng.random(), hospital.weekend_discharge_share, first_weekday)
            yield env.timeout(begins - env.now)
            stay[4] = begins
            if not stay[5]:
                stay[2] = begins
            yield env.timeout(rng.exponential(getattr(hospital, service).mean_days))

    def admissions():
        for day, rate in enumerate(rates, start=-warm_up_days):
            for time in np.sort(day + rng.random(rng.poisson(rate))):
                yield env.timeout(time - env.now)
                env.process(patient())
            yield env.timeout(day + 1 - env.now)

    for name, patients in zip(SERVICES, in_system):
        service = getattr(hospital, name)
        for _ in range(min(service.capacity, patients)):
            env.process(occupant(places[name], rng.exponential(service.mean_days)))
        for _ in range(max(patients - service.capacity, 0)):
            env.process(waiting_from_the_start(name))
    env.process(admissions())
    env.run(until=days)
    return _censuses(hospital, stays, warm_up_days, days)


def _censuses(hospital, stays, warm_up_days, days) -> dict[str, np.ndarray]:
    """Count, for each reported day, admissions, discharges and who is where at midnight."""
    admitted, fit, left, service, started, at_home = (np.array(column, dtype=object) for column in zip(*stays))
    admitted, fit, left, started = (np.asarray(a, dtype=float) for a in (admitted, fit, left, started))
    at_home = at_home.astype(bool)

    def on_day(times):  # how many times fall on each reported day
        days_of = np.floor(times[np.isfinite(times)]).astype(int)
        return np.bincount(days_of[(days_of >= 0) & (days_of < days)], minlength=days)

    def at_midnight(begin, end):  # how many intervals [begin, end) hold the midnight ending each day
        midnights = np.arange(1, days + 1)
        return ((begin[:, None] < midnights) & (end[:, None] >= midnights)).sum(axis=0)

    in_bed = ~at_home & (service != None)  # noqa: E711 (an object array)
    council = np.array([s is not None and getattr(hospital, s).budget == "council" for s in service]) & in_bed
    arrays = {
        "admissions": on_day(admitted),
        "discharges": on_day(left),
        "occupied_beds": at_midnight(admitted, left),
        "delayed_patients": at_midnight(fit, left),
        "delayed_council": at_midnight(fit[council], left[council]),
    }
    for name in SERVICES:
        mine = service == name
        arrays[f"waiting_{name}"] = at_midnight(fit[mine], started[mine])
    arrays["discharge_to_assess_at_home"] = at_midnight(left[at_home], started[at_home])
    return arrays
