"""The case data: seeded generators, schema-checked loaders, and where the files live.

``python -m academy.data`` writes the synthetic CSV files from their generators; ``make test`` checks
that the committed files are exactly what the generators make.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.errors

from academy.data import schemas
from academy.models.gp_partnership import AVERAGE_PRACTICE, Practice

CASE_STUDIES = Path(__file__).resolve().parents[2] / "case_studies"
LAW_FIRM_DATA = CASE_STUDIES / "law_firm_scale" / "data"
DELAYED_DISCHARGES_DATA = CASE_STUDIES / "delayed_discharges" / "data"
WORKFORCE_DATA = CASE_STUDIES / "workforce_retention" / "data"


def _load(path: Path, schema) -> pd.DataFrame:
    """Read a CSV and check it against its schema; say plainly which file is wrong and why."""
    if not path.exists():
        raise FileNotFoundError(f"The case data file {path} is missing: run `python -m academy.data` to make it")
    try:
        return schema.validate(pd.read_csv(path))
    # SchemaErrors (plural) is what pandera raises when a value will not coerce to the column's type.
    except (pandera.errors.SchemaError, pandera.errors.SchemaErrors) as error:
        raise ValueError(f"{path.name} does not match its schema: {error}") from None


def load_law_firms() -> pd.DataFrame:
    """Return the synthetic panel of the UK's 50 largest law firms, 2008/09 to 2018/19 (schema-checked)."""
    return _load(LAW_FIRM_DATA / "uk_law_firms.csv", schemas.LAW_FIRMS)


def load_pcn_practices() -> pd.DataFrame:
    """Return the five synthetic practices of Fen Edge PCN, one row each (schema-checked)."""
    return _load(LAW_FIRM_DATA / "fen_edge_practices.csv", schemas.PCN_PRACTICES)


def load_pcn_partners() -> pd.DataFrame:
    """Return Fen Edge PCN's partners, one row each: practice, partner label, age, FTE (schema-checked).

    Raises ValueError if a practice's partners' FTE do not add up to its ``partners`` in the practices file.
    """
    partners = _load(LAW_FIRM_DATA / "fen_edge_partners.csv", schemas.PCN_PARTNERS)
    practices = load_pcn_practices().set_index("practice")["partners"]
    fte = partners.groupby("practice")["fte"].sum().reindex(practices.index, fill_value=0.0)
    wrong = fte[(fte - practices).abs() > 1e-9]
    if len(wrong):
        raise ValueError(f"fen_edge_partners.csv: the partners' FTE do not add up to the practices file for {', '.join(wrong.index)}")
    return partners


def load_market_figures() -> pd.DataFrame:
    """Return the published law-firm and GP-practice figures the case quotes (schema-checked)."""
    return _load(LAW_FIRM_DATA / "market_figures.csv", schemas.MARKET_FIGURES)


def load_national_delayed_days() -> pd.DataFrame:
    """Return England's delayed days a month, April 2015 to October 2019: a synthetic series anchored to
    published figures, by responsible organisation (schema-checked; ``month`` as dates)."""
    return _load(DELAYED_DISCHARGES_DATA / "national_delayed_days.csv", schemas.NATIONAL_DELAYED_DAYS)


def load_trust_delayed_transfers() -> pd.DataFrame:
    """Return the fictional Ouse Valley trust's delayed days a month, April 2015 to October 2019, one row
    per month, responsible organisation and reason (synthetic, schema-checked; ``month`` as dates)."""
    return _load(DELAYED_DISCHARGES_DATA / "trust_delayed_transfers.csv", schemas.TRUST_DELAYED_TRANSFERS)


def load_trust_spells() -> pd.DataFrame:
    """Return the trust's synthetic spells of patients aged 65 and over discharged in winter 2018/19, one row
    per spell (schema-checked; the three dates as dates)."""
    return _load(DELAYED_DISCHARGES_DATA / "trust_spells.csv", schemas.TRUST_SPELLS)


def load_staff_records() -> pd.DataFrame:
    """Return the fictional Lode Valley PCN's staff records: one row per GP partner, salaried GP or practice
    nurse in post at any time from 1 April 2009 to 30 September 2019 (synthetic, schema-checked;
    ``start_date`` and ``end_date`` as dates, ``end_date`` and ``leaving_reason`` missing for people still
    in post at the census)."""
    return _load(WORKFORCE_DATA / "staff_records.csv", schemas.STAFF_RECORDS)


def load_national_gp_workforce() -> pd.DataFrame:
    """Return England's fully qualified GPs in September, 2015 to 2019, one row per measure and year, each
    marked published, derived or interpolated (schema-checked)."""
    return _load(WORKFORCE_DATA / "national_gp_workforce.csv", schemas.NATIONAL_GP_WORKFORCE)


def load_published_workforce_figures() -> pd.DataFrame:
    """Return the published workforce figures the retention case quotes, with their sources and the year
    each was published (schema-checked)."""
    return _load(WORKFORCE_DATA / "published_figures.csv", schemas.PUBLISHED_WORKFORCE_FIGURES)


def practices_from_table(table: pd.DataFrame) -> list[Practice]:
    """Return one model ``Practice`` per row of a practices table (as ``load_pcn_practices`` gives).

    Prices and costs not in the table keep the calibrated national defaults.
    """
    fields = ["registered_patients", "list_weighting", "partners", "salaried_gps", "dispensing_patient_share",
              "other_nhs_income_gbp_per_patient", "premises_reimbursement_gbp", "premises_costs_gbp",
              "fixed_costs_gbp", "variable_costs_gbp_per_patient"]
    return [
        AVERAGE_PRACTICE.with_changes(name=row["practice"], **{f: float(row[f]) for f in fields})
        for _, row in table.iterrows()
    ]
