"""Synthetic staff records of a fictional PCN, and England's GP workforce, 2015 to 2019.

Three generators for the case "Retaining the primary-care workforce: who leaves, when, and what
keeping them is worth". Nothing here is a real person: Lode Valley Primary Care Network (PCN), its
four practices and everyone in its records are fictional, and staff ids are made up. Published figures
(sources in ``book/references.bib``):

- England's fully qualified GPs in September (NHS Digital, General Practice Workforce, the series
  before its re-basing in February 2022, key ``nhsd_workforce2019``): 29,403 full-time equivalent
  (FTE) in 2015, 28,654 in 2018 and 28,315 in 2019; 38,944 GPs by headcount in 2019; 18,303 FTE
  partners in 2019, 5% fewer than a year before;
- GPs aged over 55: 16% of headcount in 2015, 19% in 2017 (NHS Digital, key ``nhsd_workforce``);
- the figures the written case quotes, listed in ``PUBLISHED_FIGURES`` with their keys.

The staff records are **synthetic**. Everyone in post on 30 September 2019 reproduces the PCN's
census (``CENSUS``: headcount and sessions a week by role and age band) exactly. How people came and
went is drawn from the same assumptions as the case's workforce model: each person leaves at the
annual rate of their role and age band (``LEAVER_RATES``), ageing through the bands, except that
salaried GPs who start under 35 leave at a higher rate in their first two years in post
(``FIRST_TWO_YEARS_LEAVER_RATE``, the "first five" churn). These rates are assumptions, calibrated to
the published figures: GPs left at 6% a year in 2007 (``health_committee2008``); 62% of GPs over 50
said in 2017 that they were likely to leave direct patient care within five years (``worklife2017``),
more than the 9% a year assumed for partners aged 50 to 59 would realise; GPs claimed their pensions
at 58.5 on average by 2016/17 (``nhsbsa_pension``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20190930  # the census date

CENSUS_DATE = pd.Timestamp("2019-09-30")
RECORDS_BEGIN = pd.Timestamp("2009-04-01")
DAYS_PER_YEAR = 365.25
SESSIONS_PER_FTE = 9  # one FTE is 9 sessions (37.5 hours) a week, for every role

ROLES = ("gp_partner", "salaried_gp", "practice_nurse")
AGE_BANDS = ("25-34", "35-49", "50-59", "60+")
BAND_LOWER_AGES = (25, 35, 50, 60)
OLDEST_AGE = 70  # assumption: everyone has left by their 70th birthday
LEAVING_REASONS = (
    "retired",
    "moved to another practice",
    "left to work as a locum",
    "left general practice",
    "career break",
    "moved away",
)
YOUNGEST_TO_RETIRE = 55  # the earliest age the NHS Pension Scheme pays a pension on retirement

# ---------------------------------------------------------------------------------------------------
# The fictional PCN: four practices, 41,300 registered patients (assumptions of the case)
PRACTICES = {  # practice: (registered patients, partners, salaried GPs, practice nurses in post at the census)
    "Mill Lane Surgery": (12_900, 4, 3, 4),
    "Lodeside Medical Centre": (11_200, 4, 3, 4),
    "Cam Meadows Practice": (9_800, 3, 2, 3),
    "Swaffham Road Surgery": (7_400, 2, 2, 3),
}
REGISTERED_PATIENTS = sum(patients for patients, *_ in PRACTICES.values())

# The census at 30 September 2019: (headcount, sessions a week) by role and age band.
CENSUS = {
    "gp_partner": {"25-34": (0, 0), "35-49": (5, 38), "50-59": (6, 46), "60+": (2, 14)},
    "salaried_gp": {"25-34": (4, 22), "35-49": (5, 28), "50-59": (1, 5), "60+": (0, 0)},
    "practice_nurse": {"25-34": (2, 14), "35-49": (5, 32), "50-59": (5, 33), "60+": (2, 12)},
}

# ---------------------------------------------------------------------------------------------------
# How people come and go (assumptions: the leaver rates and age mix are the workforce model's defaults)
LEAVER_RATES = {  # share of the band leaving in a year, any reason, by age band
    "gp_partner": (0.05, 0.03, 0.09, 0.25),
    "salaried_gp": (0.15, 0.08, 0.10, 0.25),
    "practice_nurse": (0.10, 0.06, 0.08, 0.25),
}
FIRST_TWO_YEARS_LEAVER_RATE = 0.45  # salaried GPs who start under 35, in their first two years in post
FIRST_YEARS = 2.0
JOINER_AGE_MIX = {  # share of each role's joiners starting in each age band
    "gp_partner": (0.2, 0.7, 0.1, 0.0),
    "salaried_gp": (0.7, 0.3, 0.0, 0.0),
    "practice_nurse": (0.3, 0.5, 0.2, 0.0),
}
# Ages at start within a band are equally likely; a GP finishes training at 28 at the earliest, and
# becomes a partner at 30 at the earliest (assumptions).
YOUNGEST_JOINER = {"gp_partner": 30, "salaried_gp": 28, "practice_nurse": 25}
# Joiners a year to the PCN's posts, by the calendar year they started: straight lines between the
# years given, flat before the first and after the last (assumptions). Fewer new partners and more
# salaried GPs, as in England. Chosen so that, under the leaver rates, the expected headcount at the
# census is close to the census in each role (partners 12.9 against 13, salaried GPs 12.6 against
# 10, nurses 13.1 against 14): then the leavers the records hold match the people at risk, and the
# records' leaver rates come out close to LEAVER_RATES. (The workforce model's joiners are for the
# years ahead; these are the history.)
JOINERS_PER_YEAR = {
    "gp_partner": {1990: 1.6, 2005: 1.4, 2012: 0.7},
    "salaried_gp": {2000: 0.5, 2008: 1.0, 2014: 2.5, 2017: 3.5},
    "practice_nurse": {1985: 1.5, 2005: 1.4, 2015: 1.2},
}
FIRST_START_YEAR = 1960
SESSION_RANGE = {"gp_partner": (5, 9), "salaried_gp": (3, 8), "practice_nurse": (4, 9)}  # at the census
LEAVER_SESSIONS = {  # sessions a week at leaving: (values, shares), assumptions
    "gp_partner": ((6, 7, 8, 9), (0.15, 0.30, 0.40, 0.15)),
    "salaried_gp": ((4, 5, 6, 7, 8), (0.20, 0.30, 0.25, 0.15, 0.10)),
    "practice_nurse": ((4, 5, 6, 7, 8, 9), (0.10, 0.20, 0.25, 0.20, 0.15, 0.10)),
}
TAPER_FROM = pd.Timestamp("2016-04-06")  # the tapered annual allowance applied from 2016/17
TAPER_SESSIONS_CUT = 1  # assumption: partners aged 55+ leaving after that had first cut a session
REASON_SHARES = {  # (who, age at leaving) -> shares of LEAVING_REASONS, assumptions
    ("GP", "60+"): (0.80, 0.0, 0.08, 0.05, 0.0, 0.07),
    ("GP", "55-59"): (0.55, 0.05, 0.15, 0.15, 0.0, 0.10),
    ("GP", "first two years"): (0.0, 0.35, 0.30, 0.05, 0.10, 0.20),
    ("GP", "under 55"): (0.0, 0.35, 0.20, 0.15, 0.10, 0.20),
    ("nurse", "60+"): (0.85, 0.0, 0.0, 0.05, 0.0, 0.10),
    ("nurse", "55-59"): (0.50, 0.15, 0.0, 0.20, 0.0, 0.15),
    ("nurse", "under 55"): (0.0, 0.35, 0.0, 0.30, 0.15, 0.20),
}
ID_PREFIX = "LV"


def _years_between(earlier, later) -> np.ndarray:
    """Whole years from ``earlier`` to ``later`` (days over 365.25, rounded down)."""
    days = (pd.DatetimeIndex(later) - pd.DatetimeIndex(earlier)).days.to_numpy()
    return np.floor(days / DAYS_PER_YEAR).astype(int)


def age_on(age_at_start, start_date, date) -> np.ndarray:
    """Age in whole years on ``date``: the age at start plus the whole years (of 365.25 days) since."""
    start = pd.DatetimeIndex(pd.to_datetime(start_date))
    on = pd.DatetimeIndex(np.broadcast_to(np.asarray(pd.to_datetime(date), dtype="datetime64[ns]"), start.shape))
    return np.asarray(age_at_start, dtype=int) + _years_between(start, on)


def age_band(age) -> np.ndarray:
    """The age band ("25-34", "35-49", "50-59", "60+") of each age in whole years."""
    return np.array(AGE_BANDS)[np.searchsorted(BAND_LOWER_AGES, np.asarray(age), side="right") - 1]


def _hazards(role: str) -> np.ndarray:
    """Continuous leaving hazards (a year) by band, from the annual leaver rates."""
    return -np.log(1 - np.array(LEAVER_RATES[role]))


def cumulative_hazard(role: str, start_age, years) -> np.ndarray:
    """The expected number of 'leaving events' from starting at ``start_age`` to ``years`` later.

    The hazard is constant within an age band and the person ages through the bands; a salaried GP who
    starts under 35 has the first-two-years rate for two years; nobody stays to ``OLDEST_AGE`` (the
    hazard is infinite there). exp(-H) is the chance of still being in post.
    """
    start_age, years = np.broadcast_arrays(np.asarray(start_age, float), np.asarray(years, float))
    end_age = start_age + years
    lower = np.array((0, *BAND_LOWER_AGES[1:]), float)
    upper = np.array((*BAND_LOWER_AGES[1:], OLDEST_AGE), float)
    overlap = np.clip(np.minimum(end_age[..., None], upper) - np.maximum(start_age[..., None], lower), 0, None)
    total = (overlap * _hazards(role)).sum(axis=-1)
    if role == "salaried_gp":
        extra = -np.log(1 - FIRST_TWO_YEARS_LEAVER_RATE) - _hazards(role)[0]
        total = total + np.where(start_age < BAND_LOWER_AGES[1], extra * np.minimum(years, FIRST_YEARS), 0.0)
    return np.where(end_age >= OLDEST_AGE, np.inf, total)


def joiners_per_year(role: str, year) -> np.ndarray:
    """Joiners a year to the role's posts in the PCN, by calendar year started (an assumption)."""
    anchors = JOINERS_PER_YEAR[role]
    return np.interp(np.asarray(year, float), sorted(anchors), [anchors[y] for y in sorted(anchors)])


def _joiner_ages(role: str) -> tuple[np.ndarray, np.ndarray]:
    """Ages at start and their chances: each band's share spread evenly over its ages."""
    ages, weights = [], []
    uppers = (*BAND_LOWER_AGES[1:], OLDEST_AGE)
    for share, lower, upper in zip(JOINER_AGE_MIX[role], BAND_LOWER_AGES, uppers):
        lower = max(lower, YOUNGEST_JOINER[role])
        if share > 0 and upper > lower:
            band_ages = np.arange(lower, upper)
            ages.append(band_ages)
            weights.append(np.full(band_ages.size, share / band_ages.size))
    ages, weights = np.concatenate(ages), np.concatenate(weights)
    return ages, weights / weights.sum()


def _census_people(rng: np.random.Generator, role: str, band: str, people: int):
    """Start dates and ages at start for ``people`` in post at the census in ``role`` and ``band``.

    Drawn from the joiners who would still be in post under the leaver rates: the chance of a start
    month and age is the joiners that month at that age times the chance of staying to the census.
    """
    ages, age_weights = _joiner_ages(role)
    months = pd.date_range(f"{FIRST_START_YEAR}-01-01", CENSUS_DATE, freq="MS")
    middle = months + pd.Timedelta(days=14)
    years = ((CENSUS_DATE - middle).days.to_numpy() / DAYS_PER_YEAR)[:, None]
    census_age = ages[None, :] + np.floor(years)
    staying = np.exp(-cumulative_hazard(role, ages[None, :], years))
    weight = joiners_per_year(role, months.year.to_numpy())[:, None] * age_weights[None, :] * staying
    weight = np.where(age_band(census_age.astype(int)) == band, weight, 0.0)
    weight = np.where(middle.to_numpy()[:, None] <= CENSUS_DATE.to_numpy(), weight, 0.0).ravel()
    starts, start_ages = [], []
    while len(starts) < people:
        cell = rng.choice(weight.size, p=weight / weight.sum())
        month, age = months[cell // ages.size], int(ages[cell % ages.size])
        start = month + pd.Timedelta(days=int(rng.integers(0, month.days_in_month)))
        if start <= CENSUS_DATE and age_band(age_on([age], [start], CENSUS_DATE))[0] == band:
            starts.append(start)
            start_ages.append(age)
    return starts, start_ages


def _split_sessions(rng: np.random.Generator, total: int, people: int, low: int, high: int) -> np.ndarray:
    """Whole sessions for ``people`` adding up to ``total``, each between ``low`` and ``high``."""
    sessions = np.full(people, total // people)
    sessions[rng.permutation(people)[: total % people]] += 1
    for _ in range(2 * people):
        give, take = rng.integers(0, people, 2)
        if give != take and sessions[give] < high and sessions[take] > low:
            sessions[give] += 1
            sessions[take] -= 1
    return sessions


def _leaving_reason(rng: np.random.Generator, role: str, age: int, first_two_years: bool) -> str:
    who = "nurse" if role == "practice_nurse" else "GP"
    if age >= 60:
        group = "60+"
    elif age >= YOUNGEST_TO_RETIRE:
        group = "55-59"
    elif first_two_years and who == "GP":
        group = "first two years"
    else:
        group = "under 55"
    return str(rng.choice(LEAVING_REASONS, p=REASON_SHARES[(who, group)]))


def _slots(role: str) -> list[str]:
    column = 1 + ROLES.index(role)
    return [practice for practice, row in PRACTICES.items() for _ in range(row[column])]


def generate_staff_records(seed: int = SEED) -> pd.DataFrame:
    """Return Lode Valley PCN's synthetic staff records: everyone in a clinical post from 1 April 2009.

    One row per person who held a post as a GP partner, salaried GP or practice nurse in one of the
    four practices at any time from 1 April 2009 to 30 September 2019. Columns: ``staff_id`` (``LV``
    and three digits, numbered by start date; no meaning beyond that); ``practice``; ``role``
    (``gp_partner``, ``salaried_gp``, ``practice_nurse``); ``age_at_start`` (whole years);
    ``start_date`` (before 2009 for people already in post); ``end_date`` (the day they left; empty
    if still in post at the census); ``leaving_reason`` (empty if in post); ``sessions_per_week``
    (whole sessions, at the census or at leaving).

    A person is in post on a date if they started on or before it and had not left by it; their age on
    a date is ``age_at_start`` plus the whole years (of 365.25 days) since they started. The people in
    post on 30 September 2019 reproduce ``CENSUS`` exactly. **Synthetic**: the census people's start
    dates and ages are drawn from the joiners who would still be in post under the leaver rates;
    the leavers are a forward simulation of joiners since 1960 (``JOINERS_PER_YEAR``, ages by
    ``JOINER_AGE_MIX``), each leaving at the rates of ``LEAVER_RATES`` for their role and age, the
    first-two-years rate for salaried GPs who start under 35, and by 70 at the latest, kept if they
    left between 1 April 2009 and the census. (Joiners who would have stayed to the census are left
    out: the census takes their place. Leavers and stayers are independent in such a model, so this
    is a draw of the history given the census.) Leaving reasons, sessions at leaving and practices
    are drawn in assumed shares (see the constants).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for role in ROLES:
        practices = rng.permutation(_slots(role))
        census_rows = []
        for band in AGE_BANDS:
            people, sessions = CENSUS[role][band]
            if people == 0:
                continue
            starts, ages = _census_people(rng, role, band, people)
            split = _split_sessions(rng, sessions, people, *SESSION_RANGE[role])
            census_rows += [(start, age, int(s)) for start, age, s in zip(starts, ages, split)]
        for practice, (start, age, sessions) in zip(practices, census_rows, strict=True):
            rows.append((practice, role, age, start, pd.NaT, None, sessions))

    for role in ROLES:
        ages, age_weights = _joiner_ages(role)
        slots = _slots(role)
        years = np.arange(FIRST_START_YEAR, CENSUS_DATE.year + 1)
        part_year = np.where(years == CENSUS_DATE.year, CENSUS_DATE.day_of_year / 365, 1.0)
        counts = rng.poisson(joiners_per_year(role, years) * part_year)
        year_of = np.repeat(years, counts)
        first_day = pd.to_datetime([f"{y}-01-01" for y in year_of])
        length = np.where(year_of == CENSUS_DATE.year, CENSUS_DATE.day_of_year, 365 + pd.DatetimeIndex(first_day).is_leap_year)
        starts = first_day + pd.to_timedelta((rng.random(year_of.size) * length).astype(int), unit="D")
        start_ages = rng.choice(ages, size=year_of.size, p=age_weights)
        # Years to leaving: the time at which the cumulative hazard reaches an exponential draw.
        grid = np.arange(1, (OLDEST_AGE - min(ages)) * 366) / DAYS_PER_YEAR
        draws = rng.exponential(1.0, year_of.size)
        hazard = cumulative_hazard(role, start_ages[:, None], grid[None, :])
        days = 1 + np.argmax(hazard >= draws[:, None], axis=1)
        days = np.minimum(days, np.ceil((OLDEST_AGE - start_ages) * DAYS_PER_YEAR).astype(int) - 1)  # gone by 70
        ends = starts + pd.to_timedelta(days, unit="D")
        keep = (ends > RECORDS_BEGIN) & (ends < CENSUS_DATE)
        values, shares = LEAVER_SESSIONS[role]
        for start, end, age, stay in zip(starts[keep], ends[keep], start_ages[keep], days[keep]):
            age_leaving = int(age_on([age], [start], end)[0])
            first_two = role == "salaried_gp" and age < BAND_LOWER_AGES[1] and stay < FIRST_YEARS * DAYS_PER_YEAR
            sessions = int(rng.choice(values, p=shares))
            if role == "gp_partner" and age_leaving >= YOUNGEST_TO_RETIRE and end >= TAPER_FROM:
                sessions -= TAPER_SESSIONS_CUT
            reason = _leaving_reason(rng, role, age_leaving, first_two)
            rows.append((str(rng.choice(slots)), role, int(age), start, end, reason, sessions))

    records = pd.DataFrame(rows, columns=["practice", "role", "age_at_start", "start_date", "end_date",
                                          "leaving_reason", "sessions_per_week"])
    records = records.sort_values(["start_date", "role", "age_at_start"], kind="stable").reset_index(drop=True)
    records.insert(0, "staff_id", [f"{ID_PREFIX}{k:03d}" for k in range(1, len(records) + 1)])
    records["start_date"] = records["start_date"].dt.strftime("%Y-%m-%d")
    records["end_date"] = records["end_date"].dt.strftime("%Y-%m-%d")
    return records


# ---------------------------------------------------------------------------------------------------
# England's fully qualified GPs, September each year (published, keys nhsd_workforce2019 and nhsd_workforce)
NATIONAL_YEARS = (2015, 2016, 2017, 2018, 2019)
NATIONAL_PUBLISHED = {  # (measure, year): (value, source key)
    ("fte_gps", 2015): (29_403, "nhsd_workforce2019"),
    ("fte_gps", 2018): (28_654, "nhsd_workforce2019"),
    ("fte_gps", 2019): (28_315, "nhsd_workforce2019"),
    ("headcount_gps", 2019): (38_944, "nhsd_workforce2019"),
    ("fte_partners", 2019): (18_303, "nhsd_workforce2019"),
    ("share_over_55", 2015): (0.16, "nhsd_workforce"),
    ("share_over_55", 2017): (0.19, "nhsd_workforce"),
}
PARTNER_FTE_FALL_2018_19 = 0.05  # FTE partners fell 5% in the year to September 2019 (nhsd_workforce2019)
NATIONAL_MEASURES = ("fte_gps", "headcount_gps", "fte_partners", "partner_share_of_fte", "share_over_55")
NATIONAL_STATUSES = ("published", "derived", "interpolated")
NATIONAL_DECIMALS = {"fte_gps": 0, "headcount_gps": 0, "fte_partners": 0, "partner_share_of_fte": 3,
                     "share_over_55": 3}


def generate_national_gp_workforce() -> pd.DataFrame:
    """Return England's fully qualified GPs in September, 2015 to 2019, in long form.

    One row per measure and year. Columns: ``year``; ``measure`` (``fte_gps``, full-time equivalent
    GPs; ``headcount_gps``, people; ``fte_partners``, FTE GP partners; ``partner_share_of_fte``,
    partners' FTE over all GPs' FTE; ``share_over_55``, the share of GPs by headcount aged over 55);
    ``value``; ``status``; ``source_key`` (in ``book/references.bib``).

    ``status`` says where each value comes from. ``published``: the figure as published (NHS Digital,
    the series before the February 2022 re-basing). ``derived``: calculated from published figures:
    FTE partners in 2018 from 2019's 18,303 and the published fall of 5% in a year (18,303 / 0.95);
    partners' share of FTE in 2018 and 2019 as FTE partners over FTE GPs. ``interpolated``: a straight
    line between the published values either side (2016 and 2017 for FTE GPs; 2016 for GPs over 55),
    not a figure anyone published. Nothing is extrapolated: a measure appears only in the years it can
    be anchored. (Partners' share of GP FTE was also reported, in 2022, as 74% in 2015; it is left out,
    as it may not be on the same basis as this series.) No randomness: the same table every time.
    """
    values: dict[tuple[str, int], tuple[float, str, str]] = {
        key: (value, "published", source) for key, (value, source) in NATIONAL_PUBLISHED.items()
    }
    partners_2019 = NATIONAL_PUBLISHED[("fte_partners", 2019)][0]
    values[("fte_partners", 2018)] = (partners_2019 / (1 - PARTNER_FTE_FALL_2018_19), "derived", "nhsd_workforce2019")
    for year in (2018, 2019):
        share = values[("fte_partners", year)][0] / values[("fte_gps", year)][0]
        values[("partner_share_of_fte", year)] = (share, "derived", "nhsd_workforce2019")
    for measure in NATIONAL_MEASURES:
        known = sorted(year for m, year in values if m == measure)
        for year in range(known[0] + 1, known[-1]):
            if (measure, year) not in values:
                before = max(y for y in known if y < year)
                after = min(y for y in known if y > year)
                share = (year - before) / (after - before)
                value = values[(measure, before)][0] * (1 - share) + values[(measure, after)][0] * share
                values[(measure, year)] = (value, "interpolated", values[(measure, before)][2])
    rows = [
        (year, measure, round(float(values[(measure, year)][0]), NATIONAL_DECIMALS[measure]),
         *values[(measure, year)][1:])
        for measure in NATIONAL_MEASURES for year in NATIONAL_YEARS if (measure, year) in values
    ]
    return pd.DataFrame(rows, columns=["year", "measure", "value", "status", "source_key"])


# ---------------------------------------------------------------------------------------------------
# The published figures the written case quotes (topic, measure, period, value, unit, source key,
# year first published). A figure published after the case is set (autumn 2019) may be quoted only as a
# later figure.
PUBLISHED_FIGURES = (
    ("GP intentions", "GPs likely to leave direct patient care within five years", "2017", 0.39, "share", "worklife2017", 2018),
    ("GP intentions", "GPs over 50 likely to leave direct patient care within five years", "2017", 0.62, "share", "worklife2017", 2018),
    ("GP intentions", "GPs under 50 likely to leave direct patient care within five years", "2017", 0.13, "share", "worklife2017", 2018),
    ("GP intentions", "GPs over 50 likely to leave direct patient care within five years", "2019", 0.63, "share", "worklife2019", 2021),
    ("GP intentions", "GPs under 50 likely to leave direct patient care within five years", "2019", 0.11, "share", "worklife2019", 2021),
    ("GP working lives", "GPs' average weekly hours", "2017", 41.8, "hours", "worklife2017", 2018),
    ("GP leavers and joiners", "GPs leaving", "2007", 2_018, "people", "health_committee2008", 2008),
    ("GP leavers and joiners", "GP leaver rate", "2007", 0.060, "share", "health_committee2008", 2008),
    ("GP leavers and joiners", "GPs joining", "2007", 2_402, "people", "health_committee2008", 2008),
    ("GP leavers and joiners", "GP joiner rate", "2007", 0.072, "share", "health_committee2008", 2008),
    ("Retirement", "GPs' average age at first pension claim", "2016/17", 58.5, "years", "nhsbsa_pension", 2017),
    ("Retirement", "GPs who had reduced their hours because of pension taxation", "2019", 0.42, "share", "bma_pensions2019", 2019),
    ("Locums", "locums' share of GP FTE (December)", "2019", 0.033, "share", "grigoroglou2022", 2022),
    ("Practice nurses", "practice nurses due to retire by 2020", "2015", 0.334, "share", "qni2015", 2016),
    ("Costs", "cost to train a doctor", "2017", 230_000, "gbp", "fullfact_training", 2017),
    ("Costs", "salaried GP pay for nine sessions, bottom of range", "2019/20", 58_808, "gbp a year", "bma_salaried2019", 2019),
    ("Costs", "salaried GP pay for nine sessions, top of range", "2019/20", 88_744, "gbp a year", "bma_salaried2019", 2019),
    ("National policy", "more GPs pledged by 2020", "2016", 5_000, "people", "nhse_gpfv2016", 2016),
    ("National policy", "clinical pharmacist reimbursed per PCN, 70% of a maximum of £54,014", "2019/20", 37_810, "gbp a year", "des2019", 2019),
    ("National policy", "social prescribing link worker reimbursed per PCN, up to", "2019/20", 34_113, "gbp a year", "des2019", 2019),
    ("Patients", "patients registered at GP practices in England (September)", "2019", 60_000_000, "people", "nhsd_registered", 2019),
    ("Projections", "FTE GPs short of what is needed", "2022", 4_200, "people", "healthfoundation_real2022", 2022),
    ("Projections", "FTE GPs short of what is needed, projected", "2030/31", 10_700, "people", "healthfoundation_real2022", 2022),
)
CASE_YEAR = 2019


def generate_published_figures() -> pd.DataFrame:
    """Return the published figures the written case quotes, one row each.

    Columns: ``topic``; ``measure``; ``period`` (the year or financial year the figure describes);
    ``value``; ``unit`` (``share`` is between 0 and 1); ``source_key`` (in ``book/references.bib``);
    ``published`` (the year it was first published); ``later_than_case`` (True if published after
    2019, when the case is set: the case may quote it only as a later figure). Typed in from the sources;
    nothing is synthetic.
    """
    table = pd.DataFrame(list(PUBLISHED_FIGURES), columns=["topic", "measure", "period", "value", "unit",
                                                            "source_key", "published"])
    table["later_than_case"] = table["published"] > CASE_YEAR
    return table
