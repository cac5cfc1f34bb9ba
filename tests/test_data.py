"""The case data: reproducible from seeded generators, calibrated to cited totals, schema-checked."""

import re
from pathlib import Path

import pandas as pd
import pytest

from academy import data
from academy.data import law_firms, pcn_practices, schemas
from academy.data.__main__ import GENERATED

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", list(GENERATED), ids=lambda p: p.name)
def test_committed_files_are_exactly_what_the_seeded_generators_make(path, tmp_path):
    fresh = tmp_path / path.name
    GENERATED[path]().to_csv(fresh, index=False)
    assert fresh.read_text() == path.read_text(), f"{path.name} differs from its generator: run python -m academy.data"


def test_generators_are_seeded():
    assert law_firms.generate_law_firms().equals(law_firms.generate_law_firms())
    assert not law_firms.generate_law_firms(seed=1).equals(law_firms.generate_law_firms())
    assert pcn_practices.generate_pcn_practices().equals(pcn_practices.generate_pcn_practices())


def test_fen_edge_is_the_size_of_a_pcn():
    practices = data.load_pcn_practices()
    assert 30_000 <= practices["registered_patients"].sum() <= 50_000
    assert len(practices) == 5


@pytest.mark.parametrize("loader, schema", [
    (data.load_law_firms, schemas.LAW_FIRMS),
    (data.load_pcn_practices, schemas.PCN_PRACTICES),
    (data.load_pcn_partners, schemas.PCN_PARTNERS),
    (data.load_market_figures, schemas.MARKET_FIGURES),
])
def test_schemas_reject_broken_data(loader, schema):
    good = loader()
    broken = good.copy()
    numeric = broken.select_dtypes("number").columns[0]
    broken.loc[0, numeric] = -1 if numeric != "year" else 1066
    with pytest.raises(Exception):
        schema.validate(broken)
    with pytest.raises(Exception):
        schema.validate(good.assign(unexpected_column=1))


def test_loader_names_the_file_and_the_fault(tmp_path, monkeypatch):
    bad = data.load_pcn_practices()
    bad.loc[0, "practice"] = "Merged partnership"
    bad.to_csv(tmp_path / "fen_edge_practices.csv", index=False)
    monkeypatch.setattr(data, "LAW_FIRM_DATA", tmp_path)
    with pytest.raises(ValueError, match="fen_edge_practices.csv does not match its schema"):
        data.load_pcn_practices()


def test_every_published_figure_cites_a_source_in_the_bibliography():
    keys = set(re.findall(r"@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text()))
    missing = set(data.load_market_figures()["source_key"]) - keys
    assert not missing, f"market_figures.csv cites keys not in references.bib: {missing}"


def test_fen_view_dispenses_has_the_oldest_partners_and_the_highest_profit_per_partner():
    from academy.models.gp_partnership import practice_accounts

    table = data.load_pcn_practices().set_index("practice")
    partners = data.load_pcn_partners()
    mean_age = partners.groupby("practice").apply(lambda d: (d["age"] * d["fte"]).sum() / d["fte"].sum())
    profit = {p.name: practice_accounts(p)["profit_per_partner_gbp"] for p in data.practices_from_table(table.reset_index())}
    assert mean_age.idxmax() == "Fen View Surgery"
    assert max(profit, key=profit.get) == "Fen View Surgery"
    assert table["dispensing_patient_share"].idxmax() == "Fen View Surgery"
    # A GP partner recognises these: every practice's profit per FTE partner between 60,000 and 200,000 pounds.
    assert all(60_000 < value < 200_000 for value in profit.values())


def test_partners_add_up_to_each_practices_partners(tmp_path, monkeypatch):
    table = data.load_pcn_practices().set_index("practice")
    fte = data.load_pcn_partners().groupby("practice")["fte"].sum()
    assert fte.to_dict() == pytest.approx(table["partners"].to_dict())
    broken = data.load_pcn_partners()
    broken.loc[0, "fte"] = 0.25
    for name in ("fen_edge_practices.csv", "fen_edge_partners.csv"):
        (tmp_path / name).write_text((data.LAW_FIRM_DATA / name).read_text())
    broken.to_csv(tmp_path / "fen_edge_partners.csv", index=False)
    monkeypatch.setattr(data, "LAW_FIRM_DATA", tmp_path)
    with pytest.raises(ValueError, match="do not add up to the practices file for Riverside Surgery"):
        data.load_pcn_partners()


def test_the_partners_schema_rejects_an_impossible_age_or_fte():
    partners = data.load_pcn_partners()
    for column, value in (("age", 95), ("fte", 1.5), ("fte", 0.0)):
        with pytest.raises(Exception):
            schemas.PCN_PARTNERS.validate(partners.assign(**{column: value}))


def test_practices_from_table_carry_the_table_values():
    table = data.load_pcn_practices()
    practices = data.practices_from_table(table)
    assert [p.name for p in practices] == list(table["practice"])
    assert [p.registered_patients for p in practices] == list(table["registered_patients"].astype(float))
    for field in ("dispensing_patient_share", "premises_reimbursement_gbp", "premises_costs_gbp",
                  "other_nhs_income_gbp_per_patient", "fixed_costs_gbp", "variable_costs_gbp_per_patient"):
        assert [getattr(p, field) for p in practices] == list(table[field].astype(float)), field
