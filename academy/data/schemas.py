"""Schemas the case data must pass when it is loaded (pandera)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.pandas import Check, Column

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
