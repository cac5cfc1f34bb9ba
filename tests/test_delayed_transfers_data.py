"""The delayed-discharges case data: synthetic, seeded, and calibrated to the cited figures.

Expected values are the published figures themselves (NHS England's DTOC statistics, a written
parliamentary answer, KH03, the Health Foundation), typed in here from the sources, not read from the
generator.
"""

from pathlib import Path

import pandas as pd
import pytest

from academy import data
from academy.data import delayed_transfers, schemas

# Published: NHS England, Delayed Transfers of Care statistics (nhse_dtoc).
SEPTEMBER_2016 = {"total": 196_200, "acute": 134_300, "shares": (0.578, 0.344, 0.078), "care_package": 24_800}
JULY_2019 = {"total": 139_903, "acute": 92_100, "shares": (0.606, 0.298, 0.096), "care_package": 14_200}
# Published: people delayed on an average day (pq_dtoc2019; July 2019 from nhse_dtoc).
PEOPLE_DELAYED_PER_DAY = {"2017-02-01": 6_660, "2019-03-01": 4_478, "2019-07-01": 4_513}
ENGLAND_GENERAL_ACUTE_BEDS = 102_194  # KH03 2019/20 (nhse_kh03)
TRUST_BEDS = 400
LOCAL_FACTOR = 1.05  # the generator's stated assumption
MEAN_STAY_85_AND_OVER = 10.8  # Health Foundation, 2019 (healthfoundation_los2019)
SOCIAL_CARE_REASONS = ["completion of assessment", "awaiting public funding",
                       "awaiting residential or nursing home placement", "awaiting care package in own home",
                       "patient or family choice", "other"]


@pytest.fixture(scope="module")
def national():
    return data.load_national_delayed_days().set_index("month")


@pytest.fixture(scope="module")
def trust():
    return data.load_trust_delayed_transfers()


@pytest.fixture(scope="module")
def spells():
    table = data.load_trust_spells()
    return table.assign(
        stay=(table["discharged_on"] - table["admitted_on"]).dt.days,
        until_fit=(table["medically_fit_on"] - table["admitted_on"]).dt.days,
        delay=(table["discharged_on"] - table["medically_fit_on"]).dt.days,
    )


# England ---------------------------------------------------------------------------------------------

def test_the_series_runs_monthly_from_april_2015_to_october_2019(national):
    assert list(national.index) == list(pd.date_range("2015-04-01", "2019-10-01", freq="MS"))
    assert len(national) == 4 * 12 + 7


@pytest.mark.parametrize("month, published", [("2016-09-01", SEPTEMBER_2016), ("2019-07-01", JULY_2019)])
def test_the_anchor_months_reproduce_the_published_days_and_shares(national, month, published):
    row = national.loc[pd.Timestamp(month)]
    assert row["total_delayed_days"] == published["total"]
    assert row["acute_delayed_days"] == published["acute"]
    parts = row[["nhs_delayed_days", "social_care_delayed_days", "both_delayed_days"]].to_numpy() / published["total"]
    assert parts == pytest.approx(published["shares"], abs=0.0005)  # published to one decimal place of a percentage
    assert row["provenance"] == "published total, acute and shares"


@pytest.mark.parametrize("month, per_day", PEOPLE_DELAYED_PER_DAY.items())
def test_people_delayed_per_day_match_the_published_figures(national, month, per_day):
    row = national.loc[pd.Timestamp(month)]
    assert row["delayed_per_day"] == pytest.approx(per_day, abs=0.5)
    assert row["total_delayed_days"] == pytest.approx(per_day * pd.Timestamp(month).days_in_month, abs=16)


def test_only_the_anchor_months_claim_to_be_published(national):
    published = national[national["provenance"] != "synthetic"]
    assert sorted(published.index.strftime("%Y-%m")) == ["2016-09", "2017-02", "2019-03", "2019-07"]


def test_the_series_is_smooth_and_falls_from_its_2017_peak(national):
    per_day = national["delayed_per_day"]
    assert per_day.pct_change().abs().max() < 0.06  # no month-on-month jump above 6%
    assert per_day.idxmax().year in (2016, 2017)
    assert per_day["2018-11-01":].max() < 5_000  # down towards the Long Term Plan's 4,000 by 2019
    acute_share = national["acute_delayed_days"] / national["total_delayed_days"]
    assert acute_share.between(0.62, 0.72).all()


def test_the_parts_add_up(national):
    parts = national[["nhs_delayed_days", "social_care_delayed_days", "both_delayed_days"]].sum(axis=1)
    assert (parts == national["total_delayed_days"]).all()
    assert (national["acute_delayed_days"] < national["total_delayed_days"]).all()


# The trust -------------------------------------------------------------------------------------------

def _trust_per_day(trust):
    days = trust.groupby("month")["delayed_days"].sum()
    return days / days.index.days_in_month


def test_the_trust_has_ten_to_twenty_patients_delayed_on_an_average_day(trust):
    per_day = _trust_per_day(trust)
    assert per_day.between(9, 22).all()
    financial_year = per_day.index.year - (per_day.index.month < 4)
    assert per_day.groupby(financial_year).mean().between(10, 20).all()


def test_the_trust_is_its_share_of_englands_beds_times_the_local_factor(trust, national):
    share = TRUST_BEDS / ENGLAND_GENERAL_ACUTE_BEDS
    assert share == pytest.approx(0.0039, abs=0.0001)
    days = trust.groupby("month")["delayed_days"].sum()
    whole_years = days["2015-04-01":"2019-03-01"]  # four whole years, so the winter swing averages out
    expected = national.loc[whole_years.index, "acute_delayed_days"].sum() * share * LOCAL_FACTOR
    assert whole_years.sum() == pytest.approx(expected, rel=0.02)


def test_the_trust_peaks_in_winter(trust, national):
    ratio = trust.groupby("month")["delayed_days"].sum() / national["acute_delayed_days"]
    winter = ratio[ratio.index.month.isin([12, 1, 2])].mean()
    summer = ratio[ratio.index.month.isin([6, 7, 8])].mean()
    assert winter > 1.15 * summer


def test_the_trust_splits_its_days_as_england_does_by_responsible_organisation(trust, national):
    shares = trust.groupby("responsible")["delayed_days"].sum() / trust["delayed_days"].sum()
    england = national[["nhs_delayed_days", "social_care_delayed_days", "both_delayed_days"]].sum()
    england = england / england.sum()
    assert shares["NHS"] == pytest.approx(england["nhs_delayed_days"], abs=0.02)
    assert shares["social care"] == pytest.approx(england["social_care_delayed_days"], abs=0.02)


def test_awaiting_a_care_package_is_the_largest_social_care_reason_every_month(trust):
    social = trust[trust["responsible"] == "social care"].pivot(index="month", columns="reason", values="delayed_days")
    assert set(social.columns) == set(SOCIAL_CARE_REASONS)
    assert (social.idxmax(axis=1) == "awaiting care package in own home").all()


@pytest.mark.parametrize("month, published", [("2016-09-01", SEPTEMBER_2016), ("2019-07-01", JULY_2019)])
def test_the_care_package_share_of_social_care_days_follows_england(trust, month, published):
    england_share = published["care_package"] / (published["total"] * published["shares"][1])  # 0.367, 0.341
    rows = trust[(trust["month"] == month) & (trust["responsible"] == "social care")]
    social = rows.set_index("reason")["delayed_days"]
    assert social["awaiting care package in own home"] / social.sum() == pytest.approx(england_share, abs=0.04)


# The winter's spells ---------------------------------------------------------------------------------

def test_the_spells_are_a_few_thousand_older_patients_discharged_that_winter(spells):
    # 52 admissions a day x 45% aged 65 and over x 120 days, 10% more in 90 of them: about 3,000.
    expected = 52 * 0.45 * (30 + 90 * 1.10)
    assert len(spells) == pytest.approx(expected, rel=0.10)
    assert spells["discharged_on"].min() >= pd.Timestamp("2018-11-01")
    assert spells["discharged_on"].max() <= pd.Timestamp("2019-02-28")
    assert set(spells["age_band"]) == {"65-74", "75-84", "85+"}


def test_the_spells_hold_no_personal_data_and_opaque_ids(spells):
    assert list(spells.columns[:9]) == ["spell_id", "age_band", "frail", "admitted_on", "medically_fit_on",
                                        "discharged_on", "destination", "delay_reason", "responsible"]
    assert spells["spell_id"].is_unique
    numbers = spells["spell_id"].str[2:].astype(int)
    assert not numbers.is_monotonic_increasing and not numbers.is_monotonic_decreasing


def test_each_spell_is_fit_between_admission_and_discharge(spells):
    assert (spells["admitted_on"] <= spells["medically_fit_on"]).all()
    assert (spells["medically_fit_on"] <= spells["discharged_on"]).all()


def test_a_delay_has_a_reason_and_only_a_delay_has_one(spells):
    delayed = spells["delay"] > 0
    assert (delayed == (spells["delay_reason"] != "none")).all()
    assert (delayed == (spells["responsible"] != "none")).all()
    # The reason fits the destination.
    waiting = spells[delayed & (spells["delay_reason"] != "completion of assessment")]
    for destination, reasons in [
        ("home with care package", {"awaiting care package in own home"}),
        ("community bed", {"awaiting further non-acute NHS care"}),
        ("care home", {"awaiting residential or nursing home placement", "patient or family choice",
                       "awaiting public funding"}),
    ]:
        assert set(waiting.loc[waiting["destination"] == destination, "delay_reason"]) == reasons
    assert (spells.loc[spells["delay_reason"] == "awaiting further non-acute NHS care", "responsible"] == "NHS").all()


def test_patients_aged_85_and_over_stay_about_as_long_as_in_england(spells):
    assert spells.loc[spells["age_band"] == "85+", "stay"].mean() == pytest.approx(MEAN_STAY_85_AND_OVER, abs=0.5)
    by_band = spells.groupby("age_band")["stay"].mean()
    assert by_band["65-74"] < by_band["75-84"] < by_band["85+"]


def test_frail_patients_take_longer_to_be_fit(spells):
    until_fit = spells.groupby("frail")["until_fit"].mean()
    assert until_fit[True] == pytest.approx(10.0, abs=0.8)  # the model's 10 days, plus weekends without review
    assert until_fit[False] == pytest.approx(5.5, abs=0.8)


def test_delays_fall_on_patients_going_to_home_care_and_care_homes(spells):
    delay = spells.groupby("destination")["delay"].mean()
    assert delay["home"] < 0.2
    assert min(delay["home with care package"], delay["care home"]) > 2  # assessment (about 2 days) then a wait
    assert spells.loc[spells["destination"] != "home", "delay"].sum() > 0.9 * spells["delay"].sum()


def test_fewer_discharges_at_weekends(spells):
    weekday = spells["discharged_on"].dt.day_of_week
    per_day = weekday.value_counts() / pd.Series(pd.date_range("2018-11-01", "2019-02-28").day_of_week).value_counts()
    assert per_day[[5, 6]].max() < 0.7 * per_day[[0, 1, 2, 3, 4]].min()


def test_the_spells_count_more_delayed_days_than_the_official_statistics(spells, trust):
    # The National Audit Office: 1.15 million official delayed days against up to 2.7 million (nao2016).
    official = _trust_per_day(trust)["2018-11-01":"2019-02-01"].mean()
    all_delays = spells["delay"].sum() / 120
    assert 1.5 * official < all_delays < 3.5 * official


# Schemas, loaders and seeds --------------------------------------------------------------------------

@pytest.mark.parametrize("loader, schema, column, value", [
    (data.load_national_delayed_days, schemas.NATIONAL_DELAYED_DAYS, "nhs_delayed_days", 0),  # parts no longer add up
    (data.load_national_delayed_days, schemas.NATIONAL_DELAYED_DAYS, "days_in_month", 27),
    (data.load_trust_delayed_transfers, schemas.TRUST_DELAYED_TRANSFERS, "reason", "awaiting a miracle"),
    (data.load_trust_delayed_transfers, schemas.TRUST_DELAYED_TRANSFERS, "delayed_days", -1),
    (data.load_trust_spells, schemas.TRUST_SPELLS, "age_band", "50-64"),
    (data.load_trust_spells, schemas.TRUST_SPELLS, "delay_reason", "none"),  # a delayed spell without a reason
])
def test_schemas_reject_a_broken_row(loader, schema, column, value):
    table = loader()
    row = table.index[-1] if column != "delay_reason" else table.index[(table["delay_reason"] != "none").argmax()]
    broken = table.copy()
    broken.loc[row, column] = value
    with pytest.raises(Exception):
        schema.validate(broken)
    with pytest.raises(Exception):
        schema.validate(table.assign(unexpected_column=1))
    schema.validate(table)


def test_the_spells_schema_rejects_a_fit_date_after_discharge_and_a_repeated_id():
    spells = data.load_trust_spells()
    late = spells.copy()
    late.loc[0, "medically_fit_on"] = late.loc[0, "discharged_on"] + pd.Timedelta(days=1)
    with pytest.raises(Exception):
        schemas.TRUST_SPELLS.validate(late)
    repeated = spells.copy()
    repeated.loc[1, "spell_id"] = repeated.loc[0, "spell_id"]
    with pytest.raises(Exception):
        schemas.TRUST_SPELLS.validate(repeated)


@pytest.mark.parametrize("loader, name", [
    ("load_national_delayed_days", "national_delayed_days.csv"),
    ("load_trust_delayed_transfers", "trust_delayed_transfers.csv"),
    ("load_trust_spells", "trust_spells.csv"),
])
def test_loader_names_the_file_and_the_fault(tmp_path, monkeypatch, loader, name):
    table = pd.read_csv(data.DELAYED_DISCHARGES_DATA / name)
    table[table.columns[-1]] = table[table.columns[-1]].astype(object)
    table.loc[0, table.columns[-1]] = "not a value"
    table.to_csv(tmp_path / name, index=False)
    monkeypatch.setattr(data, "DELAYED_DISCHARGES_DATA", tmp_path)
    with pytest.raises(ValueError, match=f"{name} does not match its schema"):
        getattr(data, loader)()


@pytest.mark.parametrize("generate", [
    delayed_transfers.generate_national_delayed_days,
    delayed_transfers.generate_trust_delayed_transfers,
    delayed_transfers.generate_trust_spells,
])
def test_the_generators_are_reproducible_by_seed(generate):
    assert generate().equals(generate())
    assert generate(seed=1).equals(generate(seed=1))
    assert not generate(seed=1).equals(generate())


def test_the_written_case_quotes_the_spells_as_they_are(spells):
    # The narrative and the alt text of Exhibit 4 are typed; they must be the data's figures.
    text = (Path(__file__).resolve().parents[1] / "case_studies" / "delayed_discharges" / "index.md").read_text()
    assert f"{len(spells):,} spells (Exhibit 3)" in text
    days = pd.Series(pd.date_range("2018-11-01", "2019-02-28"))
    per_day = spells["discharged_on"].dt.day_of_week.value_counts() / days.dt.day_of_week.value_counts()
    names = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]
    for weekday, name in enumerate(names):
        assert f"{per_day[weekday]:.0f} on {name}" in text, name
    delayed = (spells["discharged_on"] - spells["medically_fit_on"]).dt.days
    assert f"about {round(delayed.sum(), -2):,.0f} days, {delayed.sum() / len(days):.0f} beds every day" in text
    stay = (spells["discharged_on"] - spells["admitted_on"]).dt.days[spells["age_band"] == "85+"].mean()
    assert f"stayed {stay:.1f} days on average" in text
