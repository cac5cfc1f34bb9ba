"""Schemas the case data must pass when it is loaded (pandera)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.pandas import Check, Column

from academy.data import workforce
from academy.data.delayed_transfers import REASONS, RESPONSIBLE

LAW_FIRMS = pa.DataFrameSchema(
    {
        "firm": Column(str),
        "financial_year": Column(str, Check.str_matches(r"^\d{4}/\d{2}$")),
        "year": Column(int, Check.in_range(2000, 2030)),
        "lawyers": Column(int, Check.gt(0)),
        "partners": Column(int, Check.ge(0)),
        "equity_partners": Column(int, Check.gt(0)),
        "non_equity_partners": Column(int, Check.ge(0)),
        "fee_income_gbp": Column(float, Check.gt(0)),
        "profit_gbp": Column(float),
        "billed_hours": Column(float, Check.gt(0)),
        "standard_rate_gbp_per_hour": Column(float, Check.in_range(20, 3000)),
    },
    checks=[
        Check(lambda d: d["partners"] == d["equity_partners"] + d["non_equity_partners"],
              error="partners must equal equity plus non-equity partners"),
        Check(lambda d: d["partners"] <= d["lawyers"], error="partners are lawyers, so no more than lawyers"),
        Check(lambda d: ~d.duplicated(["firm", "year"]), error="one row per firm and year"),
    ],
    strict=True,
    coerce=True,
)

PCN_PRACTICES = pa.DataFrameSchema(
    {
        "practice": Column(str, Check.str_length(1, 80), unique=True),
        "registered_patients": Column(int, Check.gt(0)),
        "list_weighting": Column(float, Check.in_range(0.5, 2.0)),
        "partners": Column(float, Check.gt(0)),
        "salaried_gps": Column(float, Check.ge(0)),
        "dispensing_patient_share": Column(float, Check.in_range(0, 1)),
        "other_nhs_income_gbp_per_patient": Column(float, Check.ge(0)),
        "premises_tenure": Column(str, Check.isin(["leased", "owned"])),
        "premises_reimbursement_gbp": Column(float, Check.ge(0)),
        "premises_costs_gbp": Column(float, Check.ge(0)),
        "premises_liability_gbp": Column(float, Check.ge(0)),
        "liability_years": Column(float, Check.gt(0)),
        "fixed_costs_gbp": Column(float, Check.ge(0)),
        "variable_costs_gbp_per_patient": Column(float, Check.ge(0)),
    },
    checks=[
        Check(lambda d: ~d["practice"].isin(["All practices apart", "Merged partnership"]),
              error="a practice must not take a name the merger tables keep for their own rows"),
    ],
    strict=True,
    coerce=True,
)

PCN_PARTNERS = pa.DataFrameSchema(
    {
        "practice": Column(str),
        "partner": Column(str),
        "age": Column(int, Check.in_range(25, 80)),
        "fte": Column(float, Check.in_range(0, 1, include_min=False)),
    },
    checks=[Check(lambda d: ~d.duplicated(["practice", "partner"]), error="one row per partner of a practice")],
    strict=True,
    coerce=True,
)

MARKET_FIGURES = pa.DataFrameSchema(
    {
        "market": Column(str),
        "measure": Column(str),
        "period": Column(str, Check.str_matches(r"^\d{4}(/\d{2})?$")),
        "value": Column(float, Check.ge(0)),
        "unit": Column(str),
        "source_key": Column(str),
    },
    checks=[
        Check(lambda d: (d["unit"] != "share") | (d["value"] <= 1), error="shares lie between 0 and 1"),
        Check(lambda d: ~d.duplicated(["market", "measure", "period"]),
              error="one published figure per market, measure and period"),
    ],
    strict=True,
    coerce=True,
)

# The case "Coordinating health and social care: a winter of delayed discharges" (academy/data/delayed_transfers.py)
DTOC_RESPONSIBLE = list(RESPONSIBLE)
DTOC_REASONS = list(REASONS)
_FIRST_OF_MONTH = Check(lambda s: s.dt.day == 1, element_wise=False, error="months are the first day of the month")

NATIONAL_DELAYED_DAYS = pa.DataFrameSchema(
    {
        "month": Column("datetime64[ns]", [_FIRST_OF_MONTH], unique=True),
        "days_in_month": Column(int, Check.isin([28, 29, 30, 31])),
        "total_delayed_days": Column(int, Check.gt(0)),
        "acute_delayed_days": Column(int, Check.gt(0)),
        "nhs_delayed_days": Column(int, Check.ge(0)),
        "social_care_delayed_days": Column(int, Check.ge(0)),
        "both_delayed_days": Column(int, Check.ge(0)),
        "delayed_per_day": Column(float, Check.gt(0)),
        "provenance": Column(str, Check.isin(["synthetic", "published total, acute and shares",
                                              "published people delayed per day"])),
    },
    checks=[
        Check(lambda d: d["days_in_month"] == d["month"].dt.days_in_month, error="days_in_month must be the month's"),
        Check(lambda d: d["nhs_delayed_days"] + d["social_care_delayed_days"] + d["both_delayed_days"]
              == d["total_delayed_days"], error="days by responsible organisation must add up to the total"),
        Check(lambda d: d["acute_delayed_days"] <= d["total_delayed_days"], error="acute days are part of the total"),
        Check(lambda d: (d["delayed_per_day"] - d["total_delayed_days"] / d["days_in_month"]).abs() <= 0.05,
              error="delayed_per_day must be the total over the days in the month"),
    ],
    strict=True,
    coerce=True,
)

TRUST_DELAYED_TRANSFERS = pa.DataFrameSchema(
    {
        "month": Column("datetime64[ns]", [_FIRST_OF_MONTH]),
        "responsible": Column(str, Check.isin(DTOC_RESPONSIBLE)),
        "reason": Column(str, Check.isin(DTOC_REASONS)),
        "delayed_days": Column(int, Check.in_range(0, 31 * 400)),  # no more than every bed every day
    },
    checks=[Check(lambda d: ~d.duplicated(["month", "responsible", "reason"]),
                  error="one row per month, responsible organisation and reason")],
    strict=True,
    coerce=True,
)

_DATE = Column("datetime64[ns]")
TRUST_SPELLS = pa.DataFrameSchema(
    {
        "spell_id": Column(str, Check.str_matches(r"^OV\d{6}$"), unique=True),
        "age_band": Column(str, Check.isin(["65-74", "75-84", "85+"])),
        "frail": Column(bool),
        "admitted_on": _DATE,
        "medically_fit_on": _DATE,
        "discharged_on": _DATE,
        "destination": Column(str, Check.isin(["home", "home with care package", "care home", "community bed"])),
        "delay_reason": Column(str, Check.isin(["none", *DTOC_REASONS])),
        "responsible": Column(str, Check.isin(["none", *DTOC_RESPONSIBLE])),
    },
    checks=[
        Check(lambda d: d["admitted_on"] <= d["medically_fit_on"],
              error="a patient is admitted before being medically fit"),
        Check(lambda d: d["medically_fit_on"] <= d["discharged_on"], error="a patient is medically fit by discharge"),
        Check(lambda d: ((d["discharged_on"] == d["medically_fit_on"]) == (d["delay_reason"] == "none")),
              error="a delay_reason is given exactly when discharge came after the medically fit date"),
        Check(lambda d: (d["delay_reason"] == "none") == (d["responsible"] == "none"),
              error="a delayed spell names who was responsible, and only a delayed one"),
    ],
    strict=True,
    coerce=True,
)

# The case "Retaining the primary-care workforce" (academy/data/workforce.py)


def _age_at_end(d):
    """Age in whole years on leaving, or at the census for people still in post."""
    end = d["end_date"].fillna(workforce.CENSUS_DATE)
    return d["age_at_start"] + ((end - d["start_date"]).dt.days // workforce.DAYS_PER_YEAR)


STAFF_RECORDS = pa.DataFrameSchema(
    {
        "staff_id": Column(str, Check.str_matches(r"^LV\d{3}$"), unique=True),
        "practice": Column(str, Check.isin(list(workforce.PRACTICES))),
        "role": Column(str, Check.isin(list(workforce.ROLES))),
        "age_at_start": Column(int, Check.in_range(21, workforce.OLDEST_AGE - 1)),
        "start_date": Column("datetime64[ns]", Check.in_range(pd.Timestamp("1950-01-01"), workforce.CENSUS_DATE)),
        "end_date": Column("datetime64[ns]", Check.in_range(workforce.RECORDS_BEGIN, workforce.CENSUS_DATE,
                                                            include_min=False), nullable=True),
        "leaving_reason": Column(str, Check.isin(list(workforce.LEAVING_REASONS)), nullable=True),
        "sessions_per_week": Column(int, Check.in_range(1, workforce.SESSIONS_PER_FTE)),
    },
    checks=[
        Check(lambda d: d["end_date"].isna() | (d["end_date"] > d["start_date"]),
              error="a person leaves after they start"),
        Check(lambda d: d["end_date"].isna() == d["leaving_reason"].isna(),
              error="a leaving_reason is given exactly when there is an end_date"),
        Check(lambda d: (d["leaving_reason"] != "retired") | (_age_at_end(d) >= workforce.YOUNGEST_TO_RETIRE),
              error=f"nobody retires before {workforce.YOUNGEST_TO_RETIRE}"),
        Check(lambda d: _age_at_end(d) < workforce.OLDEST_AGE,
              error=f"everyone has left by {workforce.OLDEST_AGE}"),
    ],
    strict=True,
    coerce=True,
)

_SHARE_MEASURES = ["partner_share_of_fte", "share_over_55"]


def _no_more_than(d, part, whole) -> bool:
    """True if measure ``part`` is at most measure ``whole`` in every year that has both."""
    values = d.pivot_table(index="year", columns="measure", values="value", aggfunc="first")
    if part not in values or whole not in values:
        return True
    both = values[[part, whole]].dropna()
    return bool((both[part] <= both[whole]).all())


NATIONAL_GP_WORKFORCE = pa.DataFrameSchema(
    {
        "year": Column(int, Check.isin(list(workforce.NATIONAL_YEARS))),
        "measure": Column(str, Check.isin(list(workforce.NATIONAL_MEASURES))),
        "value": Column(float, Check.gt(0)),
        "status": Column(str, Check.isin(list(workforce.NATIONAL_STATUSES))),
        "source_key": Column(str, Check.str_length(1, 60)),
    },
    checks=[
        Check(lambda d: ~d.duplicated(["measure", "year"]), error="one row per measure and year"),
        Check(lambda d: ~d["measure"].isin(_SHARE_MEASURES) | (d["value"] <= 1), error="shares lie between 0 and 1"),
        Check(lambda d: _no_more_than(d, "fte_partners", "fte_gps"), error="FTE partners are some of the FTE GPs"),
        Check(lambda d: _no_more_than(d, "fte_gps", "headcount_gps"),
              error="FTE GPs are no more than GPs by headcount"),
    ],
    strict=True,
    coerce=True,
)

PUBLISHED_WORKFORCE_FIGURES = pa.DataFrameSchema(
    {
        "topic": Column(str),
        "measure": Column(str),
        "period": Column(str, Check.str_matches(r"^\d{4}(/\d{2})?$")),
        "value": Column(float, Check.ge(0)),
        "unit": Column(str),
        "source_key": Column(str),
        "published": Column(int, Check.in_range(2000, 2030)),
        "later_than_case": Column(bool),
    },
    checks=[
        Check(lambda d: (d["unit"] != "share") | (d["value"] <= 1), error="shares lie between 0 and 1"),
        Check(lambda d: ~d.duplicated(["measure", "period"]), error="one figure per measure and period"),
        Check(lambda d: d["later_than_case"] == (d["published"] > workforce.CASE_YEAR),
              error=f"later_than_case is True exactly for figures published after {workforce.CASE_YEAR}"),
        Check(lambda d: (d["topic"] == "Projections") | (d["published"] >= d["period"].str[:4].astype(int)),
              error="a figure is published in or after the period it describes (unless it is a projection)"),
    ],
    strict=True,
    coerce=True,
)
