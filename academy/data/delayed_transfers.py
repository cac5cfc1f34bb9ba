"""Synthetic delayed transfers of care (DTOC): England, a fictional trust, and one winter's spells.

Three seeded generators for the case "Coordinating health and social care: a winter of delayed
discharges". Nothing here is real patient data, and the trust (Ouse Valley Hospitals NHS Foundation
Trust, 400 general and acute beds) is fictional. Published figures (sources in ``book/references.bib``):

- England's delayed days in a month (NHS England, Delayed Transfers of Care statistics, key
  ``nhse_dtoc``): September 2016, 196,200 in all, 134,300 of them in acute care, of which the NHS was
  responsible for 57.8%, social care for 34.4% and both for 7.8%; July 2019, 139,903 in all (4,513
  people delayed a day), 92,100 in acute care, NHS 60.6%, social care 29.8%, both 9.6%. Delayed days
  while awaiting a care package in the patient's own home, the main social-care reason: 24,800 in
  September 2016 and 14,200 in July 2019;
- people delayed on an average day: 6,660 in February 2017 and 4,478 in March 2019 (written
  parliamentary answer, June 2019, key ``pq_dtoc2019``);
- 102,194 general and acute beds in England in 2019/20 (NHS England, KH03, key ``nhse_kh03``);
- average length of stay of patients aged 85 and over, 10.8 days in 2019 (The Health Foundation, key
  ``healthfoundation_los2019``);
- the official count of delayed days understates the true count: 1.15 million official delayed days
  in a year against up to 2.7 million (National Audit Office, key ``nao2016``).

Everything else is an **assumption** of these generators, stated where it is set below: the months
between anchors (a smooth monotone curve through the anchors, with small seeded noise that is zero in
the anchor months), April 2015 and October 2019, the trust's local factor and winter swing, the split
of delays by reason, and every parameter of the patient spells. The spells follow the hospital-flow
model's defaults (about 51 emergency admissions a day, fewer at weekends, about 8% more from
December to February; frail patients' mean stay until medically fit 10 days, others' 5.5 days),
with a day or more of assessment before a wait for home care, a care-home place or a community bed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20191104  # a Monday in November 2019, when the case is set

RESPONSIBLE = ("NHS", "social care", "both")
REASONS = (
    "completion of assessment",
    "awaiting public funding",
    "awaiting further non-acute NHS care",
    "awaiting residential or nursing home placement",
    "awaiting care package in own home",
    "patient or family choice",
    "other",
)
CARE_PACKAGE = "awaiting care package in own home"
NOT_DELAYED = "none"

# ---------------------------------------------------------------------------------------------------
# England (published anchors, key nhse_dtoc unless marked)
FIRST_MONTH, LAST_MONTH = "2015-04-01", "2019-10-01"
TOTAL_DELAYED_DAYS = {"2016-09-01": 196_200, "2019-07-01": 139_903}
ACUTE_DELAYED_DAYS = {"2016-09-01": 134_300, "2019-07-01": 92_100}
RESPONSIBLE_SHARES = {  # NHS, social care, both
    "2016-09-01": (0.578, 0.344, 0.078),
    "2019-07-01": (0.606, 0.298, 0.096),
}
PEOPLE_DELAYED_PER_DAY = {"2017-02-01": 6_660, "2019-03-01": 4_478}  # key pq_dtoc2019
CARE_PACKAGE_SOCIAL_CARE_DAYS = {"2016-09-01": 24_800, "2019-07-01": 14_200}

# Assumptions for the ends of the series, where no figure is cited: people delayed per day and shares.
ASSUMED_PEOPLE_DELAYED_PER_DAY = {"2015-04-01": 4_750, "2019-10-01": 4_550}
ASSUMED_RESPONSIBLE_SHARES_APRIL_2015 = (0.62, 0.31, 0.07)  # social care's share rising into 2016
NATIONAL_NOISE_SD = 0.01  # relative, on people delayed per day
ACUTE_SHARE_NOISE_SD = 0.004  # absolute, on the acute share of delayed days
SHARE_NOISE_SD = 0.006  # absolute, on the NHS and social-care shares

PROVENANCE_SYNTHETIC = "synthetic"
PROVENANCE_FULL = "published total, acute and shares"
PROVENANCE_PER_DAY = "published people delayed per day"

# ---------------------------------------------------------------------------------------------------
# The fictional trust (assumptions unless marked)
TRUST_BEDS = 400
ENGLAND_GENERAL_ACUTE_BEDS = 102_194  # KH03 2019/20, key nhse_kh03
LOCAL_FACTOR = 1.05  # assumption: delays per bed 5% above England's, the trust running above 90% occupied
WINTER_SWING = 0.10  # assumption: delays 10% above the year's average at the peak (mid-January), 10% below mid-July
PEAK_MONTH = 1.5  # the middle of January into February
TRUST_NOISE_SD = 0.03  # relative, month to month
REASON_NOISE_SD = 0.05  # relative, on each reason's share
# Shares of each organisation's delayed days by reason (assumptions; the social-care share awaiting a
# care package follows the national figures above, month by month, and "other" takes the remainder).
REASON_SHARES = {
    "NHS": {
        "awaiting further non-acute NHS care": 0.38,
        "completion of assessment": 0.20,
        "patient or family choice": 0.14,
        "awaiting residential or nursing home placement": 0.08,
        CARE_PACKAGE: 0.08,
        "other": 0.12,
    },
    "social care": {
        CARE_PACKAGE: None,  # national share, interpolated
        "awaiting residential or nursing home placement": 0.27,
        "completion of assessment": 0.14,
        "awaiting public funding": 0.06,
        "patient or family choice": 0.08,
        "other": None,  # the remainder
    },
    "both": {
        "awaiting residential or nursing home placement": 0.32,
        CARE_PACKAGE: 0.22,
        "completion of assessment": 0.20,
        "patient or family choice": 0.10,
        "other": 0.16,
    },
}

# ---------------------------------------------------------------------------------------------------
# One winter's spells, patients aged 65 and over (assumptions unless marked)
WINTER_FIRST, WINTER_LAST = "2018-11-01", "2019-02-28"
ADMISSIONS_PER_DAY = 51.0  # emergency admissions to the trust's general and acute beds, all ages
WINTER_RISE = 0.08  # December to February
WEEKDAY_ADMISSIONS = (1.10, 1.04, 1.00, 1.00, 1.01, 0.92, 0.93)  # Monday first, averaging 1 (the model's)
AGED_65_AND_OVER_SHARE = 0.45
AGE_BANDS = ("65-74", "75-84", "85+")
AGE_BAND_SHARES = (0.36, 0.37, 0.27)
FRAIL_SHARE_BY_BAND = (0.30, 0.55, 0.78)
DAYS_UNTIL_FIT = {True: 10.0, False: 5.5}  # mean, frail and others (the hospital-flow model's defaults)
DAYS_UNTIL_FIT_SHAPE = 2.0  # gamma shape: a long right tail
WEEKEND_FIT_DEFERRED = 0.4  # share of patients fit at a weekend not declared fit until the Monday (no senior review)
DESTINATIONS = ("home", "home with care package", "care home", "community bed")
DESTINATION_SHARES = {True: (0.52, 0.28, 0.08, 0.12), False: (0.93, 0.04, 0.01, 0.02)}  # the model's
ASSESSMENT_DAYS = (1, 3)  # whole days, uniform: about 2 on average
MEAN_WAIT_DAYS = {"home with care package": 1.5, "care home": 3.5, "community bed": 1.5}  # after assessment
WEEKEND_DISCHARGE_DEFERRED = 0.4  # share of discharges to a service falling at a weekend put off to Monday
HOME_DELAY_SHARE = 0.02  # patients going home without services delayed a day or two (transport, medicines, equipment)
CARE_HOME_REASONS = {  # reason: (share, responsible shares NHS / social care / both)
    "awaiting residential or nursing home placement": (0.75, (0.30, 0.50, 0.20)),
    "patient or family choice": (0.15, (0.30, 0.60, 0.10)),
    "awaiting public funding": (0.10, (0.0, 1.0, 0.0)),
}
CARE_PACKAGE_RESPONSIBLE = (0.30, 0.60, 0.10)  # the NHS pays for some packages (continuing healthcare, reablement)
ASSESSMENT_RESPONSIBLE = (0.50, 0.40, 0.10)  # assessing for home care or a care home: NHS staff, social workers, both
ID_PREFIX = "OV"


def _months(first: str = FIRST_MONTH, last: str = LAST_MONTH) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="MS")


def _pchip(x: np.ndarray, y: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Monotone piecewise cubic through the points (Fritsch-Carlson): no overshoot between them."""
    h = np.diff(x)
    delta = np.diff(y) / h
    slopes = np.zeros_like(y)
    for k in range(1, len(x) - 1):
        if delta[k - 1] * delta[k] > 0:
            w1, w2 = 2 * h[k] + h[k - 1], h[k] + 2 * h[k - 1]
            slopes[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k])
    slopes[0], slopes[-1] = delta[0], delta[-1]
    k = np.clip(np.searchsorted(x, at, side="right") - 1, 0, len(x) - 2)
    t = (at - x[k]) / h[k]
    h00, h10 = 2 * t**3 - 3 * t**2 + 1, t**3 - 2 * t**2 + t
    h01, h11 = -2 * t**3 + 3 * t**2, t**3 - t**2
    return h00 * y[k] + h10 * h[k] * slopes[k] + h01 * y[k + 1] + h11 * h[k] * slopes[k + 1]


def _linear(months: pd.DatetimeIndex, anchors: dict[str, float]) -> np.ndarray:
    """Straight lines between anchors, held flat beyond the first and last."""
    index = np.arange(len(months), dtype=float)
    where = np.array([months.get_loc(pd.Timestamp(m)) for m in sorted(anchors)], dtype=float)
    return np.interp(index, where, [anchors[m] for m in sorted(anchors)])


def _round_keeping_total(values: np.ndarray, total: int) -> np.ndarray:
    """Whole numbers in proportion to ``values`` that add up to ``total`` (largest remainder)."""
    scaled = values / values.sum() * total
    floors = np.floor(scaled).astype(int)
    floors[np.argsort(floors - scaled)[: total - floors.sum()]] += 1
    return floors


def generate_national_delayed_days(seed: int = SEED) -> pd.DataFrame:
    """Return a synthetic monthly series of delayed days in England, April 2015 to October 2019.

    One row per month. Columns: ``month`` (first day, ISO date); ``days_in_month``;
    ``total_delayed_days`` and ``acute_delayed_days`` (days, all settings and acute care);
    ``nhs_delayed_days``, ``social_care_delayed_days`` and ``both_delayed_days`` (by the organisation
    responsible, adding up to the total); ``delayed_per_day`` (people delayed on an average day: total
    / days in the month); ``provenance`` (``synthetic``, or which published figures the month
    reproduces).

    **Synthetic**, calibrated to published figures. September 2016 and July 2019 reproduce the
    published totals, acute days and shares by responsible organisation (to the nearest day);
    February 2017 and March 2019 the published people delayed per day (total = per day x days in the
    month). Other months: people delayed per day follow a monotone cubic through the anchors and two
    assumed end points (4,750 in April 2015, 4,550 in October 2019); the acute share a straight line
    between its anchors (68.5% and 65.8%), flat beyond; the shares by organisation straight lines from
    an assumed April 2015 (NHS 62%, social care 31%, both 7%) through the anchors, flat after July
    2019; all with small seeded noise. For real figures use NHS England's monthly DTOC statistics.
    """
    rng = np.random.default_rng(seed)
    months = _months()
    days = months.days_in_month.to_numpy()
    index = np.arange(len(months), dtype=float)

    per_day_anchors = {m: v for m, v in ASSUMED_PEOPLE_DELAYED_PER_DAY.items()}
    per_day_anchors |= {m: v / pd.Timestamp(m).days_in_month for m, v in TOTAL_DELAYED_DAYS.items()}
    per_day_anchors |= PEOPLE_DELAYED_PER_DAY
    where = np.array([months.get_loc(pd.Timestamp(m)) for m in sorted(per_day_anchors)], dtype=float)
    per_day = _pchip(where, np.array([per_day_anchors[m] for m in sorted(per_day_anchors)], float), index)

    anchored = np.isin(months, pd.to_datetime(list(TOTAL_DELAYED_DAYS) + list(PEOPLE_DELAYED_PER_DAY)))
    full = np.isin(months, pd.to_datetime(list(TOTAL_DELAYED_DAYS)))
    per_day = per_day * np.where(anchored, 1.0, 1 + rng.normal(0, NATIONAL_NOISE_SD, len(months)))
    total = np.rint(per_day * days).astype(int)
    for month, value in TOTAL_DELAYED_DAYS.items():
        total[months.get_loc(pd.Timestamp(month))] = value
    for month, value in PEOPLE_DELAYED_PER_DAY.items():
        i = months.get_loc(pd.Timestamp(month))
        total[i] = value * days[i]

    acute_share = _linear(months, {m: ACUTE_DELAYED_DAYS[m] / TOTAL_DELAYED_DAYS[m] for m in ACUTE_DELAYED_DAYS})
    acute_share = acute_share + np.where(full, 0.0, rng.normal(0, ACUTE_SHARE_NOISE_SD, len(months)))
    acute = np.rint(total * acute_share).astype(int)
    for month, value in ACUTE_DELAYED_DAYS.items():
        acute[months.get_loc(pd.Timestamp(month))] = value

    shares = {FIRST_MONTH: ASSUMED_RESPONSIBLE_SHARES_APRIL_2015} | RESPONSIBLE_SHARES
    nhs_share = _linear(months, {m: s[0] for m, s in shares.items()})
    social_share = _linear(months, {m: s[1] for m, s in shares.items()})
    noise = rng.normal(0, SHARE_NOISE_SD, (2, len(months))) * ~full
    nhs = np.rint(total * (nhs_share + noise[0])).astype(int)
    social = np.rint(total * (social_share + noise[1])).astype(int)

    provenance = np.where(full, PROVENANCE_FULL, np.where(anchored, PROVENANCE_PER_DAY, PROVENANCE_SYNTHETIC))
    return pd.DataFrame(
        {
            "month": months.strftime("%Y-%m-%d"),
            "days_in_month": days,
            "total_delayed_days": total,
            "acute_delayed_days": acute,
            "nhs_delayed_days": nhs,
            "social_care_delayed_days": social,
            "both_delayed_days": total - nhs - social,
            "delayed_per_day": np.round(total / days, 1),
            "provenance": provenance,
        }
    )


def trust_share_of_england_beds() -> float:
    """The trust's 400 general and acute beds as a share of England's 102,194 (KH03, 2019/20): about 0.39%."""
    return TRUST_BEDS / ENGLAND_GENERAL_ACUTE_BEDS


def winter_factor(months: pd.DatetimeIndex) -> np.ndarray:
    """The trust's assumed seasonal swing: 1 + 10% x cos(months from mid-January), averaging 1 over a year."""
    return 1 + WINTER_SWING * np.cos(2 * np.pi * (months.month.to_numpy() - PEAK_MONTH) / 12)


def generate_trust_delayed_transfers(seed: int = SEED) -> pd.DataFrame:
    """Return the fictional trust's delayed days, April 2015 to October 2019, in long form.

    One row per month, organisation responsible and reason. Columns: ``month`` (first day, ISO
    date); ``responsible`` (NHS, social care or both); ``reason``; ``delayed_days``.

    **Synthetic.** A month's delayed days are England's acute delayed days (from
    ``generate_national_delayed_days``) times the trust's share of England's general and acute beds
    (400 / 102,194, KH03 2019/20) times an assumed local factor of 1.05, times an assumed winter swing
    of plus or minus 10% (peaking in January), with 3% seeded noise: about 10 to 21 patients delayed on
    an average day. They are split by responsible organisation in England's shares for the month, then
    by reason in assumed shares, except that social care's share awaiting a care package in the
    patient's own home follows England's (24,800 of the social-care days in September 2016, 14,200 in
    July 2019), which makes it social care's largest reason. For real figures use NHS England's
    trust-level DTOC statistics.
    """
    rng = np.random.default_rng(seed + 1)
    national = generate_national_delayed_days(seed)
    months = pd.DatetimeIndex(pd.to_datetime(national["month"]))
    scale = trust_share_of_england_beds() * LOCAL_FACTOR * winter_factor(months)
    totals = np.rint(national["acute_delayed_days"].to_numpy() * scale
                     * np.exp(rng.normal(0, TRUST_NOISE_SD, len(months)))).astype(int)
    by_responsible = national[["nhs_delayed_days", "social_care_delayed_days", "both_delayed_days"]].to_numpy(float)
    care_package_share = _linear(months, {
        m: CARE_PACKAGE_SOCIAL_CARE_DAYS[m] / round(TOTAL_DELAYED_DAYS[m] * RESPONSIBLE_SHARES[m][1])
        for m in CARE_PACKAGE_SOCIAL_CARE_DAYS
    })

    rows = []
    for i, month in enumerate(national["month"]):
        split = _round_keeping_total(by_responsible[i], int(totals[i]))
        for responsible, days in zip(RESPONSIBLE, split):
            shares = dict(REASON_SHARES[responsible])
            if responsible == "social care":
                shares[CARE_PACKAGE] = care_package_share[i]
                shares["other"] = 1 - sum(v for k, v in shares.items() if k != "other" and v is not None)
            reasons = [r for r in REASONS if r in shares]
            weights = np.array([shares[r] for r in reasons]) * (1 + rng.normal(0, REASON_NOISE_SD, len(reasons)))
            for reason, value in zip(reasons, _round_keeping_total(weights, int(days))):
                rows.append((month, responsible, reason, int(value)))
    return pd.DataFrame(rows, columns=["month", "responsible", "reason", "delayed_days"])


def generate_trust_spells(seed: int = SEED) -> pd.DataFrame:
    """Return synthetic spells of patients aged 65 and over discharged from the trust, November 2018 to February 2019.

    One row per spell (emergency admission to a general and acute bed, discharged alive between 1
    November 2018 and 28 February 2019). Columns: ``spell_id`` (opaque); ``age_band`` (65-74, 75-84,
    85+); ``frail`` (True or False); ``admitted_on``, ``medically_fit_on``, ``discharged_on`` (ISO
    dates); ``destination`` (home, home with care package, care home, community bed);
    ``delay_reason`` (``none`` if discharged the day the patient was medically fit, else a DTOC
    reason); ``responsible`` (``none``, or NHS, social care or both).

    **Synthetic; no real patient.** Admissions: Poisson, 51 a day at all ages times 45% aged 65 and
    over, times the hospital-flow model's weekday pattern (fewer at weekends) and 8% more from
    December to February. Age band (36%, 37%, 27%) and frailty (30%, 55%, 78% of each band, so about
    half of these patients and nearly a quarter of all admissions) are assumptions. Days until medically fit:
    gamma, shape 2, mean 10 for frail and 5.5 for other patients (the model's defaults); 40% of those
    fit at a weekend are not declared fit until the Monday. Destinations by frailty are the model's
    (frail: 52% home, 28% home care, 8% care home, 12% community bed; others: 93%, 4%, 1%, 2%). A
    patient going to a service is assessed for 1 to 3 days, then waits for a place (exponential,
    means: home care 1.5 days, care home 3.5, community bed 1.5: assumptions), and 40% of such
    discharges that fall at a weekend wait until Monday; 2% of patients going home without services
    wait a day or two. Who is responsible for a delay is drawn in assumed shares (a wait for a care
    package: NHS 30%, social care 60%, both 10%; see the constants). The delay counts every day from medically fit to discharge, so it runs at more
    than twice the trust's official count for the same months, as the National Audit Office found
    nationally (up to 2.7 million delayed days against 1.15 million counted). The frailty of the 85+
    band is set so that patients aged 85 and over stay about 10.8 days on average (Health Foundation,
    2019).
    """
    rng = np.random.default_rng(seed + 2)
    first, last = pd.Timestamp(WINTER_FIRST), pd.Timestamp(WINTER_LAST)
    days = pd.date_range(first - pd.Timedelta(days=150), last, freq="D")
    weekday = np.array(WEEKDAY_ADMISSIONS)[days.day_of_week]
    winter = np.where(np.isin(days.month, (12, 1, 2)), 1 + WINTER_RISE, 1.0)
    counts = rng.poisson(ADMISSIONS_PER_DAY * AGED_65_AND_OVER_SHARE * weekday * winter)
    admitted = np.repeat(days.to_numpy(), counts)
    n = admitted.size

    band = rng.choice(len(AGE_BANDS), size=n, p=AGE_BAND_SHARES)
    frail = rng.random(n) < np.array(FRAIL_SHARE_BY_BAND)[band]
    mean_fit = np.where(frail, DAYS_UNTIL_FIT[True], DAYS_UNTIL_FIT[False])
    until_fit = np.maximum(1, np.rint(rng.gamma(DAYS_UNTIL_FIT_SHAPE, mean_fit / DAYS_UNTIL_FIT_SHAPE)))
    fit = admitted + until_fit.astype("timedelta64[D]")
    fit_weekday = pd.DatetimeIndex(fit).day_of_week.to_numpy()
    defer = (fit_weekday >= 5) & (rng.random(n) < WEEKEND_FIT_DEFERRED)
    fit = fit + np.where(defer, 7 - fit_weekday, 0).astype("timedelta64[D]")

    destination = np.empty(n, dtype=object)
    for is_frail in (True, False):
        chosen = frail == is_frail
        destination[chosen] = rng.choice(DESTINATIONS, size=chosen.sum(), p=DESTINATION_SHARES[is_frail])
    to_service = destination != "home"
    assessment = rng.integers(ASSESSMENT_DAYS[0], ASSESSMENT_DAYS[1] + 1, n)
    mean_wait = np.array([MEAN_WAIT_DAYS.get(d, 0.0) for d in destination])
    wait = np.floor(rng.exponential(1.0, n) * mean_wait + 0.5).astype(int)
    home_delay = (~to_service) & (rng.random(n) < HOME_DELAY_SHARE)
    delay = np.where(to_service, assessment + wait, np.where(home_delay, rng.integers(1, 3, n), 0))
    discharged = fit + delay.astype("timedelta64[D]")
    out_weekday = pd.DatetimeIndex(discharged).day_of_week.to_numpy()
    push = to_service & (out_weekday >= 5) & (rng.random(n) < WEEKEND_DISCHARGE_DEFERRED)
    discharged = discharged + np.where(push, 7 - out_weekday, 0).astype("timedelta64[D]")

    reason = np.full(n, NOT_DELAYED, dtype=object)
    responsible = np.full(n, NOT_DELAYED, dtype=object)
    draw, pick = rng.random(n), rng.random(n)

    def assign(mask, reason_name, responsible_shares):
        reason[mask] = reason_name
        cumulative = np.cumsum(responsible_shares)
        chosen = np.searchsorted(cumulative, pick[mask] * cumulative[-1], side="right")
        responsible[mask] = np.array(RESPONSIBLE)[chosen]

    assessing = to_service & (wait == 0)
    social_service = np.isin(destination, ("home with care package", "care home"))
    assign(assessing & social_service, "completion of assessment", ASSESSMENT_RESPONSIBLE)
    assign(assessing & (destination == "community bed"), "completion of assessment", (1.0, 0.0, 0.0))
    waiting = to_service & (wait > 0)
    assign(waiting & (destination == "home with care package"), CARE_PACKAGE, CARE_PACKAGE_RESPONSIBLE)
    assign(waiting & (destination == "community bed"), "awaiting further non-acute NHS care", (1.0, 0.0, 0.0))
    lower = 0.0
    for name, (share, split) in CARE_HOME_REASONS.items():
        assign(waiting & (destination == "care home") & (draw >= lower) & (draw < lower + share), name, split)
        lower += share
    assign(home_delay, "other", (1.0, 0.0, 0.0))

    keep = (discharged >= first.to_datetime64()) & (discharged <= last.to_datetime64())
    spells = pd.DataFrame(
        {
            "age_band": np.array(AGE_BANDS)[band],
            "frail": frail,
            "admitted_on": pd.DatetimeIndex(admitted).strftime("%Y-%m-%d"),
            "medically_fit_on": pd.DatetimeIndex(fit).strftime("%Y-%m-%d"),
            "discharged_on": pd.DatetimeIndex(discharged).strftime("%Y-%m-%d"),
            "destination": destination,
            "delay_reason": reason,
            "responsible": responsible,
        }
    )[keep].sort_values(["discharged_on", "admitted_on"], kind="stable").reset_index(drop=True)
    numbers = rng.choice(np.arange(100_000, 1_000_000), size=len(spells), replace=False)
    spells.insert(0, "spell_id", [f"{ID_PREFIX}{k}" for k in numbers])
    return spells
