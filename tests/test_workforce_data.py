"""The workforce-retention case data: synthetic staff records that reproduce the census, national figures
as published, and a written case that quotes the data as it is.

Expected values are typed in here: the census as the case fixes it, the published figures from their
sources (NHS Digital, the GP Worklife Survey, the Health Committee and the others), and the leaver rates
the generator states as its assumptions. Turnover, stability, ages and the rest are worked out here with
plain pandas, not with the generator's or the models' own functions.
"""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from academy import data
from academy.data import schemas, workforce

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "case_studies" / "workforce_retention" / "index.md"
CENSUS_DATE = pd.Timestamp("2019-09-30")
RECORDS_BEGIN = pd.Timestamp("2009-04-01")
DAYS_PER_YEAR = 365.25

# The census of 30 September 2019 as the case fixes it: (people, sessions a week) by role and age band.
CENSUS = {
    ("gp_partner", "25-34"): (0, 0), ("gp_partner", "35-49"): (5, 38),
    ("gp_partner", "50-59"): (6, 46), ("gp_partner", "60+"): (2, 14),
    ("salaried_gp", "25-34"): (4, 22), ("salaried_gp", "35-49"): (5, 28),
    ("salaried_gp", "50-59"): (1, 5), ("salaried_gp", "60+"): (0, 0),
    ("practice_nurse", "25-34"): (2, 14), ("practice_nurse", "35-49"): (5, 32),
    ("practice_nurse", "50-59"): (5, 33), ("practice_nurse", "60+"): (2, 12),
}
# Published: NHS Digital, General Practice Workforce (nhsd_workforce2019, nhsd_workforce).
FTE_GPS = {2015: 29_403, 2018: 28_654, 2019: 28_315}
HEADCOUNT_GPS_2019 = 38_944
FTE_PARTNERS_2019 = 18_303
SHARE_OVER_55 = {2015: 0.16, 2017: 0.19}
PATIENTS_ENGLAND_2019 = 60.0e6  # nhsd_registered
PCN_PATIENTS = 41_300
# The generator's stated assumptions: annual leaver rates by band (25-34, 35-49, 50-59, 60+).
LEAVER_RATES = {"gp_partner": (0.05, 0.03, 0.09, 0.25), "salaried_gp": (0.15, 0.08, 0.10, 0.25),
                "practice_nurse": (0.10, 0.06, 0.08, 0.25)}


def band(age):
    return pd.cut(age, [0, 35, 50, 60, 200], right=False, labels=["25-34", "35-49", "50-59", "60+"]).astype(str)


def age_on(records, date):
    """Whole years: age at start plus floor(days since start / 365.25)."""
    date = pd.Series(date, index=records.index) if not isinstance(date, pd.Series) else date
    return records["age_at_start"] + np.floor((date - records["start_date"]).dt.days / DAYS_PER_YEAR).astype(int)


def in_post(records, date):
    return (records["start_date"] <= date) & (records["end_date"].isna() | (records["end_date"] > date))


@pytest.fixture(scope="module")
def records():
    return data.load_staff_records()


@pytest.fixture(scope="module")
def census(records):
    people = records[records["end_date"].isna()].copy()
    people["age"] = age_on(people, CENSUS_DATE)
    people["band"] = band(people["age"])
    return people


@pytest.fixture(scope="module")
def leavers(records):
    gone = records[records["end_date"].notna()].copy()
    gone["years_in_post"] = (gone["end_date"] - gone["start_date"]).dt.days / DAYS_PER_YEAR
    gone["age_leaving"] = age_on(gone, gone["end_date"])
    return gone


@pytest.fixture(scope="module")
def years(records):
    """Turnover and stability in each year to 30 September, 2010 to 2019, by hand."""
    rows = []
    for year in range(2010, 2020):
        start, end = pd.Timestamp(f"{year - 1}-09-30"), pd.Timestamp(f"{year}-09-30")
        at_start, at_end = in_post(records, start), in_post(records, end)
        left = records["end_date"].gt(start) & records["end_date"].le(end)
        began = records["start_date"].gt(start) & records["start_date"].le(end)
        rows.append({"year": year, "at_start": at_start.sum(), "at_end": at_end.sum(), "leavers": left.sum(),
                     "starters": began.sum(), "stayers": (at_start & at_end).sum()})
    table = pd.DataFrame(rows).set_index("year")
    table["turnover"] = table["leavers"] / ((table["at_start"] + table["at_end"]) / 2)
    table["stability"] = table["stayers"] / table["at_start"]
    return table


@pytest.fixture(scope="module")
def national():
    return data.load_national_gp_workforce().set_index(["measure", "year"])


@pytest.fixture(scope="module")
def case_text():
    return CASE.read_text()


def narrative(text: str) -> str:
    """The case's prose: front matter and code cells removed, line breaks as spaces."""
    text = re.sub(r"\A---.*?---", "", text, flags=re.S)
    text = re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.S)
    return re.sub(r"\s+", " ", text)


# The census -------------------------------------------------------------------------------------------

def test_the_people_in_post_reproduce_the_census_exactly(census):
    counts = census.groupby(["role", "band"]).agg(people=("staff_id", "size"), sessions=("sessions_per_week", "sum"))
    for (role, age_band), (people, sessions) in CENSUS.items():
        got = counts.loc[(role, age_band)] if (role, age_band) in counts.index else pd.Series({"people": 0, "sessions": 0})
        assert (got["people"], got["sessions"]) == (people, sessions), (role, age_band)
    assert len(census) == 37


def test_the_census_makes_23_gps_at_17_fte_and_14_nurses(census):
    gps = census[census["role"] != "practice_nurse"]
    assert len(gps) == 23 and (census["role"] == "gp_partner").sum() == 13
    assert gps["sessions_per_week"].sum() == 153
    assert gps["sessions_per_week"].sum() / 9 == pytest.approx(17.0)
    assert (census["role"] == "practice_nurse").sum() == 14
    # England's ratio: 60.0m patients over 28,315 FTE GPs, about 2,119; the PCN needs 19.5 FTE.
    needed = PCN_PATIENTS / (PATIENTS_ENGLAND_2019 / FTE_GPS[2019])
    assert needed == pytest.approx(19.49, abs=0.01)
    assert needed - 17.0 == pytest.approx(2.49, abs=0.01)


def test_the_practices_hold_41300_patients():
    assert sum(patients for patients, *_ in workforce.PRACTICES.values()) == PCN_PATIENTS
    assert len(workforce.PRACTICES) == 4


# The records ------------------------------------------------------------------------------------------

def test_the_records_cover_everyone_in_post_from_april_2009(records):
    assert 90 <= len(records) <= 110
    assert list(records.columns) == ["staff_id", "practice", "role", "age_at_start", "start_date", "end_date",
                                     "leaving_reason", "sessions_per_week"]
    assert (records["start_date"] <= CENSUS_DATE).all()
    left = records["end_date"].notna()
    assert (records.loc[left, "end_date"] > records.loc[left, "start_date"]).all()
    assert (records.loc[left, "end_date"] <= CENSUS_DATE).all()
    assert (records.loc[left, "end_date"] > RECORDS_BEGIN).all()  # in post at some time from 1 April 2009
    assert set(records["role"]) == {"gp_partner", "salaried_gp", "practice_nurse"}
    assert set(records["practice"]) == set(workforce.PRACTICES)


def test_the_records_hold_pseudonymous_ids_and_no_personal_data(records):
    assert records["staff_id"].is_unique
    assert records["staff_id"].str.fullmatch(r"LV\d{3}").all()
    assert not {"name", "surname", "date_of_birth", "nhs_number", "gmc_number"} & set(records.columns)


def test_leaving_reasons_fit_the_leavers(leavers, records):
    assert records["leaving_reason"].isna().equals(records["end_date"].isna())
    assert (leavers.loc[leavers["leaving_reason"] == "retired", "age_leaving"] >= 55).all()
    assert (leavers["age_leaving"] < 70).all()
    assert (leavers.loc[leavers["age_leaving"] >= 60, "leaving_reason"] == "retired").mean() > 0.6
    assert set(leavers.loc[leavers["role"] == "practice_nurse", "leaving_reason"]) <= {
        "retired", "moved to another practice", "left general practice", "career break", "moved away"}


def test_sessions_are_whole_and_at_most_nine(records):
    assert records["sessions_per_week"].between(1, 9).all()
    mean = records.groupby("role")["sessions_per_week"].mean()
    assert mean["gp_partner"] > mean["practice_nurse"] > mean["salaried_gp"]


def _person_years(records):
    """Person-years in post and leavers by role and age band from 1 April 2009, by hand."""
    rows = []
    for _, person in records.iterrows():
        first = max(person["start_date"], RECORDS_BEGIN)
        last = person["end_date"] if pd.notna(person["end_date"]) else CENSUS_DATE
        for lower, upper, name in [(0, 35, "25-34"), (35, 50, "35-49"), (50, 60, "50-59"), (60, 200, "60+")]:
            enter = person["start_date"] + pd.Timedelta(days=max(lower - person["age_at_start"], 0) * DAYS_PER_YEAR)
            leave = person["start_date"] + pd.Timedelta(days=max(upper - person["age_at_start"], 0) * DAYS_PER_YEAR)
            days = (min(last, leave) - max(first, enter)).days
            rows.append((person["role"], name, max(days, 0) / DAYS_PER_YEAR, 0))
        if pd.notna(person["end_date"]):
            age = person["age_at_start"] + int((person["end_date"] - person["start_date"]).days // DAYS_PER_YEAR)
            rows.append((person["role"], band(pd.Series([age])).iloc[0], 0.0, 1))
    return pd.DataFrame(rows, columns=["role", "band", "years", "left"]).groupby(["role", "band"]).sum()


def test_people_leave_at_about_the_stated_rates_where_there_is_most_experience(records):
    table = _person_years(records)
    annual = 1 - np.exp(-table["left"] / table["years"])
    for role, name, index in [("gp_partner", "50-59", 2), ("gp_partner", "60+", 3), ("salaried_gp", "35-49", 1),
                              ("practice_nurse", "50-59", 2), ("practice_nurse", "60+", 3)]:
        assert table.loc[(role, name), "years"] > 25
        assert annual[(role, name)] == pytest.approx(LEAVER_RATES[role][index], abs=0.05), (role, name)
    # Young salaried GPs leave far faster than the band's 15%: the first two years.
    assert annual[("salaried_gp", "25-34")] > 2 * LEAVER_RATES["salaried_gp"][0]
    # GPs aged 50 to 59, partners and salaried together: 9-10% a year, as the workforce model says.
    gps = table.loc[["gp_partner", "salaried_gp"]].xs("50-59", level="band").sum()
    assert 1 - np.exp(-gps["left"] / gps["years"]) == pytest.approx(0.10, abs=0.02)


def test_young_salaried_gps_churn_while_established_staff_stay(records, leavers, years):
    young = records[(records["role"] == "salaried_gp") & (records["age_at_start"] < 35)
                    & (records["start_date"] >= RECORDS_BEGIN)]
    soon = young["end_date"].notna() & ((young["end_date"] - young["start_date"]).dt.days < 2 * DAYS_PER_YEAR)
    assert soon.mean() > 0.5
    established = leavers[leavers["years_in_post"] >= 2]
    assert (leavers["years_in_post"] < 2).sum() > len(leavers) / 4
    assert len(established) > len(leavers) / 2
    assert years["turnover"].mean() > 0.12 and years["stability"].mean() > 0.85


def test_the_headcount_moves_from_partners_to_salaried_gps(records):
    before, after = in_post(records, pd.Timestamp("2009-09-30")), in_post(records, CENSUS_DATE)
    partners = (records["role"] == "gp_partner")
    salaried = (records["role"] == "salaried_gp")
    assert (before & partners).sum() > (after & partners).sum()
    assert (before & salaried).sum() < (after & salaried).sum()


def test_the_headcount_adds_up_year_by_year(years):
    assert (years["at_start"] + years["starters"] - years["leavers"] == years["at_end"]).all()
    assert (years["at_end"].iloc[:-1].to_numpy() == years["at_start"].iloc[1:].to_numpy()).all()


# England ----------------------------------------------------------------------------------------------

def test_the_national_anchors_are_the_published_figures(national):
    for year, value in FTE_GPS.items():
        assert national.loc[("fte_gps", year), "value"] == value
        assert national.loc[("fte_gps", year), "status"] == "published"
    assert national.loc[("headcount_gps", 2019), "value"] == HEADCOUNT_GPS_2019
    assert national.loc[("fte_partners", 2019), "value"] == FTE_PARTNERS_2019
    for year, value in SHARE_OVER_55.items():
        assert national.loc[("share_over_55", year), "value"] == value
        assert national.loc[("share_over_55", year), "status"] == "published"
    published = national[national["status"] == "published"]
    assert len(published) == len(FTE_GPS) + 2 + len(SHARE_OVER_55)


def test_the_workings_between_anchors_are_marked_and_right(national):
    # Straight lines between 2015 and 2018: a third and two thirds of the way.
    step = (FTE_GPS[2018] - FTE_GPS[2015]) / 3
    assert national.loc[("fte_gps", 2016), "value"] == round(FTE_GPS[2015] + step)
    assert national.loc[("fte_gps", 2017), "value"] == round(FTE_GPS[2015] + 2 * step)
    assert national.loc[("share_over_55", 2016), "value"] == pytest.approx(0.175)
    for key in [("fte_gps", 2016), ("fte_gps", 2017), ("share_over_55", 2016)]:
        assert national.loc[key, "status"] == "interpolated"
    # FTE partners fell 5% in the year to September 2019.
    assert national.loc[("fte_partners", 2018), "value"] == round(FTE_PARTNERS_2019 / 0.95)
    assert national.loc[("fte_partners", 2018), "status"] == "derived"
    assert national.loc[("partner_share_of_fte", 2019), "value"] == pytest.approx(FTE_PARTNERS_2019 / FTE_GPS[2019], abs=0.0005)
    # Nothing before the first anchor or after the last.
    assert ("headcount_gps", 2018) not in national.index and ("share_over_55", 2018) not in national.index
    assert ("fte_partners", 2017) not in national.index


def test_the_published_figures_are_as_published_and_dated():
    figures = data.load_published_workforce_figures().set_index(["measure", "period"])
    expected = {
        ("GPs over 50 likely to leave direct patient care within five years", "2017"): 0.62,
        ("GPs under 50 likely to leave direct patient care within five years", "2017"): 0.13,
        ("GPs likely to leave direct patient care within five years", "2017"): 0.39,
        ("GPs over 50 likely to leave direct patient care within five years", "2019"): 0.63,
        ("GPs' average weekly hours", "2017"): 41.8,
        ("GPs leaving", "2007"): 2_018,
        ("GP leaver rate", "2007"): 0.06,
        ("GPs' average age at first pension claim", "2016/17"): 58.5,
        ("locums' share of GP FTE (December)", "2019"): 0.033,
        ("practice nurses due to retire by 2020", "2015"): 0.334,
        ("cost to train a doctor", "2017"): 230_000,
        ("salaried GP pay for nine sessions, bottom of range", "2019/20"): 58_808,
        ("salaried GP pay for nine sessions, top of range", "2019/20"): 88_744,
    }
    for key, value in expected.items():
        assert figures.loc[key, "value"] == pytest.approx(value), key
    later = set(figures.loc[figures["later_than_case"], "source_key"])
    assert later == {"worklife2019", "grigoroglou2022", "healthfoundation_real2022"}


def test_every_source_key_is_in_the_bibliography(case_text):
    keys = set(re.findall(r"@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text()))
    used = set(data.load_national_gp_workforce()["source_key"]) | set(data.load_published_workforce_figures()["source_key"])
    for cited in re.findall(r"\{cite:p\}`([^`]+)`", case_text):
        used |= set(cited.split(","))
    assert used - keys == set()


# Schemas, loaders and seeds ---------------------------------------------------------------------------

@pytest.mark.parametrize("change", [
    {"sessions_per_week": 10},
    {"role": "locum_gp"},
    {"practice": "Fen View Surgery"},
    {"staff_id": "LV001"},  # a repeated id
    {"end_date": pd.Timestamp("2019-10-01")},  # after the census
    {"end_date": pd.Timestamp("2009-03-01")},  # before the records begin
    {"leaving_reason": "fired from a cannon"},
])
def test_the_staff_records_schema_rejects_a_broken_row(records, change):
    broken = records.copy()
    row = broken.index[broken["end_date"].notna()][-1]
    for column, value in change.items():
        broken[column] = broken[column].astype(object)
        broken.loc[row, column] = value
    with pytest.raises(Exception):
        schemas.STAFF_RECORDS.validate(broken)


def test_the_staff_records_schema_rejects_impossible_careers(records):
    schemas.STAFF_RECORDS.validate(records)
    with pytest.raises(Exception):
        schemas.STAFF_RECORDS.validate(records.assign(unexpected_column=1))
    leaver = records.index[records["end_date"].notna()][0]
    stayer = records.index[records["end_date"].isna()][0]
    backwards = records.copy()
    backwards.loc[leaver, "end_date"] = backwards.loc[leaver, "start_date"] - pd.Timedelta(days=1)
    no_reason = records.copy()
    no_reason["leaving_reason"] = no_reason["leaving_reason"].astype(object)
    no_reason.loc[leaver, "leaving_reason"] = None
    reason_in_post = records.copy()
    reason_in_post.loc[stayer, "leaving_reason"] = "moved away"
    young_retiree = records.copy()
    young_retiree.loc[leaver, ["age_at_start", "leaving_reason"]] = [30, "retired"]
    young_retiree.loc[leaver, "end_date"] = young_retiree.loc[leaver, "start_date"] + pd.Timedelta(days=400)
    too_old = records.copy()
    too_old.loc[stayer, "age_at_start"] = 69
    too_old.loc[stayer, "start_date"] = pd.Timestamp("2015-01-01")
    for broken in (backwards, no_reason, reason_in_post, young_retiree, too_old):
        with pytest.raises(Exception):
            schemas.STAFF_RECORDS.validate(broken)


def test_the_national_schema_rejects_impossible_figures():
    table = data.load_national_gp_workforce()
    schemas.NATIONAL_GP_WORKFORCE.validate(table)
    share = table.copy()
    share.loc[share["measure"] == "share_over_55", "value"] = 19.0  # a percentage, not a share
    partners = table.copy()
    partners.loc[(partners["measure"] == "fte_partners") & (partners["year"] == 2019), "value"] = 30_000
    fte = table.copy()
    fte.loc[(fte["measure"] == "fte_gps") & (fte["year"] == 2019), "value"] = 40_000
    repeated = pd.concat([table, table.tail(1)])
    status = table.assign(status=lambda d: d["status"].where(d.index > 0, "guessed"))
    for broken in (share, partners, fte, repeated, status):
        with pytest.raises(Exception):
            schemas.NATIONAL_GP_WORKFORCE.validate(broken)


def test_the_published_figures_schema_rejects_an_undated_later_figure():
    table = data.load_published_workforce_figures()
    schemas.PUBLISHED_WORKFORCE_FIGURES.validate(table)
    hidden = table.copy()
    hidden.loc[hidden["source_key"] == "worklife2019", "later_than_case"] = False
    early = table.copy()
    early.loc[0, "published"] = 2010  # before the 2017 survey it reports
    share = table.copy()
    share.loc[0, "value"] = 62.0
    for broken in (hidden, early, share):
        with pytest.raises(Exception):
            schemas.PUBLISHED_WORKFORCE_FIGURES.validate(broken)


@pytest.mark.parametrize("loader, name", [
    ("load_staff_records", "staff_records.csv"),
    ("load_national_gp_workforce", "national_gp_workforce.csv"),
    ("load_published_workforce_figures", "published_figures.csv"),
])
def test_loader_names_the_file_and_the_fault(tmp_path, monkeypatch, loader, name):
    table = pd.read_csv(data.WORKFORCE_DATA / name)
    table[table.columns[2]] = table[table.columns[2]].astype(object)
    table.loc[0, table.columns[2]] = "not a value"
    table.to_csv(tmp_path / name, index=False)
    monkeypatch.setattr(data, "WORKFORCE_DATA", tmp_path)
    with pytest.raises(ValueError, match=f"{name} does not match its schema"):
        getattr(data, loader)()


def test_a_missing_file_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "WORKFORCE_DATA", tmp_path)
    with pytest.raises(FileNotFoundError, match="python -m academy.data"):
        data.load_staff_records()


def test_the_staff_records_are_reproducible_by_seed():
    first = workforce.generate_staff_records()
    assert first.equals(workforce.generate_staff_records())
    assert workforce.generate_staff_records(seed=1).equals(workforce.generate_staff_records(seed=1))
    assert not workforce.generate_staff_records(seed=1).equals(first)
    assert workforce.generate_national_gp_workforce().equals(workforce.generate_national_gp_workforce())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_seed_reproduces_the_census(seed):
    table = workforce.generate_staff_records(seed=seed)
    table["start_date"] = pd.to_datetime(table["start_date"])
    table["end_date"] = pd.to_datetime(table["end_date"])
    people = table[table["end_date"].isna()].copy()
    people["band"] = band(age_on(people, CENSUS_DATE))
    counts = people.groupby(["role", "band"])["sessions_per_week"].agg(["size", "sum"])
    for (role, age_band), (number, sessions) in CENSUS.items():
        if number:
            assert tuple(counts.loc[(role, age_band)]) == (number, sessions), (seed, role, age_band)
    assert len(people) == 37
    assert (table["end_date"].dropna() < CENSUS_DATE).all()


# The written case quotes the data as it is --------------------------------------------------------------

def test_the_case_quotes_the_census_as_it_is(census, case_text):
    text = narrative(case_text)
    gps = census[census["role"] != "practice_nurse"]
    nurses = census[census["role"] == "practice_nurse"]
    partners = census[census["role"] == "gp_partner"]
    sessions = gps["sessions_per_week"].sum()
    assert (f"23 GPs, 13 of them partners and 10 salaried, and 14 practice nurses" in text)
    assert f"the GPs worked {sessions} sessions a week, {sessions / 9:.1f} FTE" in text
    assert f"the nurses {nurses['sessions_per_week'].sum()} sessions, {nurses['sessions_per_week'].sum() / 9:.1f} FTE" in text
    means = census.groupby("role")["sessions_per_week"].mean()
    assert (f"A partner worked {means['gp_partner']:.1f} sessions on average, a salaried GP "
            f"{means['salaried_gp']:.1f} and a nurse {means['practice_nurse']:.1f}") in text
    older = gps[gps["age"] >= 50]
    assert f"{len(older)} of the 23 GPs were 50 or over, among them {(partners['age'] >= 50).sum()} of the 13 partners" in text.replace("Nine", "9")
    assert (f"they worked {older['sessions_per_week'].sum()} of the {sessions} GP sessions, "
            f"{older['sessions_per_week'].sum() / sessions:.0%}") in text
    assert f"Half the nurses, {(nurses['age'] >= 50).sum()} of 14, were 50 or over" in text
    assert ["one", "two", "three", "four"][(nurses["age"] >= 59).sum() - 1] + " of them were 59 or older" in text
    assert (f"partners over 50 who hold {partners.loc[partners['age'] >= 50, 'sessions_per_week'].sum()} of the "
            f"network's {partners['sessions_per_week'].sum()} partner sessions") in text
    needed = PCN_PATIENTS / (PATIENTS_ENGLAND_2019 / FTE_GPS[2019])
    assert f"{PATIENTS_ENGLAND_2019 / FTE_GPS[2019]:,.0f} patients for each FTE GP" in text
    assert f"needed {needed:.1f} FTE GPs. The network was {needed - sessions / 9:.1f} FTE short, about {round(needed * 9 - sessions)} sessions a week" in text


def test_the_case_quotes_ten_years_of_records_as_they_are(records, leavers, years, case_text):
    text = narrative(case_text)
    assert f"{years.at[2019, 'leavers']} clinicians left, {years.at[2019, 'turnover']:.0%} of the average headcount" in text
    assert f"in the year to September 2017, {years.at[2017, 'leavers']} left, {years.at[2017, 'turnover']:.0%}" in text
    assert f"turnover averaged {years['turnover'].mean():.0%} a year" in text
    assert f"in an average year {years['stability'].mean():.0%} of the people in post" in text
    assert (f"{years['leavers'].sum()} clinicians left and {years['starters'].sum()} started, and the network shrank "
            f"from {years.at[2010, 'at_start']} clinicians to {years.at[2019, 'at_end']}") in text
    before, after = in_post(records, pd.Timestamp("2009-09-30")), in_post(records, CENSUS_DATE)
    count = lambda mask, role: (mask & (records["role"] == role)).sum()  # noqa: E731
    assert (f"Partners fell from {count(before, 'gp_partner')} to {count(after, 'gp_partner')} and nurses from "
            f"{count(before, 'practice_nurse')} to {count(after, 'practice_nurse')}, while salaried GPs rose from "
            f"{count(before, 'salaried_gp')} to {count(after, 'salaried_gp')}") in text
    assert f"the {len(leavers)} leavers since April 2009" in text

    early = (leavers["role"] == "salaried_gp") & (leavers["age_at_start"] < 35) & (leavers["years_in_post"] < 2)
    older = ~early & (leavers["age_leaving"] >= 50)
    words = {16: "Sixteen", 36: "Thirty-six"}
    assert f"{words[early.sum()]} were salaried GPs who had started under 35 and left within two years" in text
    assert round(leavers.loc[early, "years_in_post"].median() * 12) == 7 and "after about seven months" in text
    young = records[(records["role"] == "salaried_gp") & (records["age_at_start"] < 35) & (records["start_date"] >= RECORDS_BEGIN)]
    gone = (young["end_date"].notna() & ((young["end_date"] - young["start_date"]).dt.days < 2 * DAYS_PER_YEAR)).sum()
    assert f"of the {len(young)} salaried GPs who started under 35 in those years, {gone} had gone within two" in text
    retired = (leavers.loc[older, "leaving_reason"] == "retired").sum()
    assert f"{words[older.sum()]} leavers were 50 or over when they went, {retired} of them to retire" in text
    assert f"in post for {leavers.loc[older, 'years_in_post'].median():.0f} years (the median)" in text
    assert (f"they had worked {leavers.loc[older, 'sessions_per_week'].sum()} sessions a week, against "
            f"{leavers.loc[early, 'sessions_per_week'].sum()} for the sixteen") in text


def test_exhibit_4s_description_is_the_data(leavers, years, case_text):
    alt = re.search(r'alt: "Two charts of Lode Valley.*', case_text).group(0)
    early = (leavers["role"] == "salaried_gp") & (leavers["age_at_start"] < 35) & (leavers["years_in_post"] < 2)
    older = ~early & (leavers["age_leaving"] >= 50)

    def per_year(mask):
        counts = []
        for year in years.index:
            start, end = pd.Timestamp(f"{year - 1}-09-30"), pd.Timestamp(f"{year}-09-30")
            counts.append(int((mask & leavers["end_date"].gt(start) & leavers["end_date"].le(end)).sum()))
        return counts

    def listed(values):
        values = [str(int(v)) for v in values]
        return ", ".join(values[:-1]) + " and " + values[-1]

    assert f"Leavers: {listed(years['leavers'])}." in alt
    assert f"left within two years: {listed(per_year(early))};" in alt
    assert f"aged 50 or over when they left: {listed(per_year(older))};" in alt
    assert f"others: {listed(per_year(~early & ~older))}." in alt
    assert f"Starters: {listed(years['starters'])}." in alt
    assert (f"between {years['turnover'].min():.0%} and {years['turnover'].max():.0%}, averaging "
            f"{years['turnover'].mean():.0%}") in alt
    assert (f"between {years['stability'].min():.0%} and {years['stability'].max():.0%}, averaging "
            f"{years['stability'].mean():.0%}") in alt


def test_exhibit_1s_description_is_the_census(case_text):
    alt = re.search(r'alt: "Three horizontal bar charts.*', case_text).group(0)
    names = {"gp_partner": "GP partners", "salaried_gp": "Salaried GPs", "practice_nurse": "Practice nurses"}
    for role, name in names.items():
        part = alt[alt.index(name):]
        for age_band, (people, sessions) in [(b, CENSUS[(role, b)]) for b in ("25-34", "35-49", "50-59")]:
            expected = f"none aged {age_band}" if people == 0 else f"{people} aged {age_band} ({sessions} sessions)"
            assert expected in part[:200], (role, age_band)


def test_the_case_quotes_englands_figures_as_published(national, case_text):
    text = narrative(case_text)
    assert f"{FTE_GPS[2019]:,} against {FTE_GPS[2015]:,} in 2015" in text
    assert f"{HEADCOUNT_GPS_2019:,} GPs in September 2019, each working {FTE_GPS[2019] / HEADCOUNT_GPS_2019:.2f}" in text
    assert f"to {FTE_PARTNERS_2019:,}, {FTE_PARTNERS_2019 / FTE_GPS[2019]:.0%} of GP FTE" in text
    assert "from 16% of all GPs in 2015 to 19% in 2017" in text
    assert "nearly two in three (62%) of those over 50, and 13% of those under 50" in text


def test_the_voices_match_people_in_the_records(records, census, leavers):
    def one(frame, **where):
        mask = pd.Series(True, index=frame.index)
        for column, value in where.items():
            mask &= frame[column] == value
        return frame[mask]

    # Dr Daniel Osei, 42, a partner at Mill Lane Surgery since 2012.
    daniel = one(census, role="gp_partner", practice="Mill Lane Surgery", age=42)
    assert (daniel["start_date"].dt.year == 2012).any()
    # Dr Alison Crane, 57, partner at Lodeside Medical Centre since 1998, five sessions.
    alison = one(census, role="gp_partner", practice="Lodeside Medical Centre", age=57, sessions_per_week=5)
    assert (alison["start_date"].dt.year == 1998).any()
    # Dr Megan Lowe, 30, salaried GP at Lodeside since June 2018, four sessions.
    megan = one(census, role="salaried_gp", practice="Lodeside Medical Centre", age=30, sessions_per_week=4)
    assert (megan["start_date"].dt.strftime("%Y-%m") == "2018-06").any()
    # Sue Brennan, 62, practice nurse at Swaffham Road Surgery since 1983.
    sue = one(census, role="practice_nurse", practice="Swaffham Road Surgery", age=62)
    assert (sue["start_date"].dt.year == 1983).any()
    # Dr Tom Hadley, 36: salaried at Cam Meadows for eighteen months until 2017, now a locum.
    tom = one(leavers, role="salaried_gp", practice="Cam Meadows Practice", leaving_reason="left to work as a locum")
    tom = tom[(tom["end_date"].dt.year == 2017) & tom["years_in_post"].between(1.3, 1.7)]
    assert (age_on(tom, CENSUS_DATE) == 36).any()
    # Claire Dunmore: eight salaried GPs have left Cam Meadows, most of them inside two years.
    cam = one(leavers, role="salaried_gp", practice="Cam Meadows Practice")
    assert len(cam) == 8 and (cam["years_in_post"] < 2).sum() > 4


def test_later_figures_appear_only_as_later_figures(case_text):
    box = re.search(r"```\{admonition\} Since then.*?```", case_text, re.S).group(0)
    outside = case_text.replace(box, "")
    for key in ("worklife2019", "healthfoundation_real2022", "hmt_budget2020", "nhse_gpcontract2020"):
        assert key in box and key not in outside, key
    locums = [s for s in re.split(r"(?<=\.) ", narrative(case_text)) if "grigoroglou2022" in s]
    assert locums and all("published later" in s for s in locums)
    assert "63%" not in narrative(outside) and "10,700" not in outside


def test_the_case_is_the_length_the_programme_asks_for(case_text):
    words = len(narrative(case_text).split())
    assert 1_500 <= words <= 2_500, words


def test_every_figure_in_the_case_has_alt_text_and_a_caption(case_text):
    figures = [block for block in re.findall(r"```\{code-cell\}.*?```", case_text, re.S) if "display(figure)" in block]
    assert len(figures) == 3
    for block in figures:
        assert re.search(r':    alt: "[^"]{100,}"', block) and ":    caption:" in block
