"""Schemas the case data must pass when it is loaded (pandera)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.pandas import Check, Column

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
