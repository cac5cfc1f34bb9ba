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


def test_law_firm_panel_hits_the_published_totals():
    firms = data.load_law_firms()
    totals = firms.groupby("year")[["lawyers", "partners", "equity_partners", "non_equity_partners"]].sum()
    # law.com, 11 March 2020: UK top 50 non-equity partners 3,696 -> just over 7,000; share 40% -> 45%.
    assert totals.loc[2009, "non_equity_partners"] == 3_696
    assert totals.loc[2019, "non_equity_partners"] == 7_000
    share = totals["non_equity_partners"] / totals["partners"]
    assert share[2009] == pytest.approx(0.40, abs=0.001)
    assert share[2019] == pytest.approx(0.45, abs=0.001)
    # law.com International, 28 September 2015: 45,655 lawyers; leverage 5.9 -> 6.2.
    assert totals.loc[2015, "lawyers"] == 45_655
    leverage = totals["lawyers"] / totals["equity_partners"]
    assert leverage[2014] == pytest.approx(5.9, abs=0.01)
    assert leverage[2015] == pytest.approx(6.2, abs=0.01)
    assert firms["firm"].nunique() == 50 and sorted(firms["year"].unique()) == list(range(2009, 2020))


def test_fen_edge_is_the_size_of_a_pcn():
    practices = data.load_pcn_practices()
    assert 30_000 <= practices["registered_patients"].sum() <= 50_000
    assert len(practices) == 5


@pytest.mark.parametrize("loader, schema", [
    (data.load_law_firms, schemas.LAW_FIRMS),
    (data.load_pcn_practices, schemas.PCN_PRACTICES),
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
    bad.loc[0, "partners_aged_55_plus"] = 99
    bad.to_csv(tmp_path / "fen_edge_practices.csv", index=False)
    monkeypatch.setattr(data, "LAW_FIRM_DATA", tmp_path)
    with pytest.raises(ValueError, match="fen_edge_practices.csv does not match its schema"):
        data.load_pcn_practices()


def test_every_published_figure_cites_a_source_in_the_bibliography():
    keys = set(re.findall(r"@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text()))
    missing = set(data.load_market_figures()["source_key"]) - keys
    assert not missing, f"market_figures.csv cites keys not in references.bib: {missing}"


def test_practices_from_table_carry_the_table_values():
    table = data.load_pcn_practices()
    practices = data.practices_from_table(table)
    assert [p.name for p in practices] == list(table["practice"])
    assert [p.registered_patients for p in practices] == list(table["registered_patients"].astype(float))
