"""The facilitator notes quote the model's numbers for Fen Edge in one section, "Figures from the model":
they must be the model's numbers. If the case data or the model change, these tests say which is stale."""

import re
from pathlib import Path

import pytest

from academy.data import load_pcn_partners, load_pcn_practices, practices_from_table
from academy.models.last_partner_standing import first_year_last_partner_standing, partners_and_liability_by_year
from academy.models.practice_merger import APART, MERGED, break_even_saving_share, merger_comparison, profit_sharing
from academy.models.shared_back_office import shared_back_office

NOTES = Path(__file__).resolve().parents[1] / "book" / "facilitator" / "law_firm_scale.md"


def solutions(nb) -> dict[str, str]:
    """The exercise's answers as its source notebook has them: {'q1': '0.84', 'q2': 'B', ...}."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            match = re.search(r"BEGIN SOLUTION\n(q\d+) = (.+)\n### END SOLUTION", cell.source)
            found[match[1]] = match[2].strip().strip('"')
    return found


def figures_section(notes: Path) -> str:
    """The "## Figures from the model" section of a case's facilitator notes, up to the next section."""
    text = notes.read_text()
    start = text.index("## Figures from the model")
    rest = text[start + 3:]
    end = rest.find("\n## ")
    return rest if end < 0 else rest[:end]


@pytest.fixture(scope="module")
def figures() -> str:
    return figures_section(NOTES)


@pytest.fixture(scope="module")
def practices():
    return practices_from_table(load_pcn_practices())


def to_hundred(value: float) -> str:
    return f"£{round(value, -2):,.0f}".replace("£-", "−£")


def to_thousand(value: float) -> str:
    return f"£{round(value, -3):,.0f}"


def table_rows(section: str, columns: int) -> dict[str, list[str]]:
    """Rows of the markdown tables in a section that have this many columns, by their first cell."""
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.strip().startswith("|") and len(cells) == columns and not set(cells[0]) <= set("-"):
            rows[cells[0]] = cells
    return rows


def subsection(figures: str, heading: str) -> str:
    start = figures.index(heading)
    end = figures.find("\n### ", start + 4)
    return figures[start:] if end < 0 else figures[start:end]


def test_the_role_cards_show_the_models_base_run(figures, practices):
    table = merger_comparison(practices, back_office_saving_share=0.0)
    partners = load_pcn_partners()
    older = partners[partners["age"] >= 55].groupby("practice")["fte"].sum()
    rows = table_rows(subsection(figures, "### Role-card figures"), 7)
    assert set(rows) >= {p.name for p in practices} | {"The five apart"}
    for name in [p.name for p in practices] + ["The five apart"]:
        _, patients, partner_cell, salaried, profit, per_gp, cost = rows[name]
        row = table.loc[APART if name == "The five apart" else name]
        assert patients == f"{row['registered_patients']:,.0f}", name
        fte, aged = re.fullmatch(r"([\d.]+) \(([\d.]+)\)", partner_cell).groups()
        assert float(fte) == pytest.approx(row["partners"]), name
        expected_older = older.sum() if name == "The five apart" else older.get(name, 0.0)
        assert float(aged) == pytest.approx(expected_older), name
        assert float(salaried) == pytest.approx(row["salaried_gps"]), name
        assert profit == to_hundred(row["profit_per_partner_gbp"]), name
        assert per_gp.replace(",", "") == f"{round(row['patients_per_gp'], -1):.0f}", name
        assert cost == f"£{row['cost_per_patient_gbp']:.0f}", name


def test_the_merger_figures_are_the_models(figures, practices):
    section = subsection(figures, "### The merger")
    fixed = sum(p.fixed_costs_gbp for p in practices)
    partners = sum(p.partners for p in practices)
    merged = {s: merger_comparison(practices, s).loc[MERGED] for s in (0.0, 0.3, 0.5)}
    assert f"£{fixed:,.0f}" in section
    assert f"£{fixed * 0.1:,.0f}, about £{round(fixed * 0.1 / partners, -1):,.0f} per FTE partner" in section
    for share in (0.0, 0.3, 0.5):
        assert to_hundred(merged[share]["profit_per_partner_gbp"]) in section, share
    two = merger_comparison(practices, 0.3, partners_becoming_salaried=2).loc[MERGED]
    assert f"down about {to_thousand(merged[0.3]['profit_gbp'] - two['profit_gbp'])}" in section
    assert f"per remaining partner {to_hundred(two['profit_per_partner_gbp'])}" in section


def test_who_gains_and_loses_under_equal_shares_is_the_models(figures, practices):
    section = " ".join(subsection(figures, "### The merger").split())  # sentences wrap across lines
    table = merger_comparison(practices, 0.3)
    change = table.loc[MERGED, "profit_per_partner_gbp"] - table["profit_per_partner_gbp"]
    short = {"Fen View Surgery": "Fen View", "Old School Health Centre": "Old School", "Riverside Surgery": "Riverside",
             "Market Square Practice": "Market Square", "Droveway Medical Practice": "Droveway"}
    for name, label in short.items():
        value = change[name]
        words = "loses" if value < 0 else "gains"
        found = re.search(rf"{label}(?: {words})? about £([\d,]+)", section)
        assert found, f"{label}: no figure"
        assert float(found.group(1).replace(",", "")) == pytest.approx(abs(value), abs=550 if abs(value) < 20_000 else 1_000), label
    droveway = break_even_saving_share(practices, "Droveway Medical Practice")
    assert f"break even at a saving of about {round(droveway * 100):.0f}%" in section
    assert break_even_saving_share(practices, "Fen View Surgery") != break_even_saving_share(practices, "Fen View Surgery")  # nan
    assert "No saving up to 100% brings Fen View" in section
    lockstep = profit_sharing(practices, "lockstep", 0.3, glide_years=3, years=3)
    fen = lockstep[lockstep["practice"] == "Fen View Surgery"].set_index("year")["change_gbp"]
    assert f"about {to_thousand(-fen[1])} each in year 1, {to_thousand(-fen[2])} in year 2" in section


def test_the_shared_back_office_table_is_the_models(figures, practices):
    rows = table_rows(subsection(figures, "### The shared back office"), 4)
    for column, key in enumerate(("list", "weighted list", "equal"), start=1):
        savings = shared_back_office(practices, 0.2, key)["saving_per_partner_gbp"]
        for name, value in savings.items():
            assert rows[name][column] == to_hundred(value), (name, key)


def test_the_last_partner_table_is_the_models(figures):
    timeline = partners_and_liability_by_year(load_pcn_partners(), load_pcn_practices(), retirement_age=60)
    first = first_year_last_partner_standing(timeline)
    in_post = timeline.pivot(index="practice", columns="year", values="partners_in_post")
    rows = table_rows(subsection(figures, "### Last partner standing"), 6)
    for name, year in first.items():
        expected = "not within 15 years" if year != year else f"{year:.0f}"
        assert rows[name][2] == expected, name
        assert rows[name][3] == ", ".join(f"{in_post.loc[name, y]:.0f}" for y in (2019, 2024, 2029)), name
    recruiting = partners_and_liability_by_year(load_pcn_partners(), load_pcn_practices(), retirement_age=60,
                                                new_partners_per_year=0.25)
    assert not recruiting["last_partner_standing"].any()  # "a quarter of an FTE new partner a year removes every flag"
    assert "removes every flag" in figures


def test_nothing_outside_the_section_quotes_a_model_profit(figures, practices):
    """Profit per partner figures belong in the one section the tests check, nowhere else in the notes."""
    outside = NOTES.read_text().replace(figures, "")
    for p in practices:
        assert to_hundred(merger_comparison(practices, 0.0).loc[p.name, "profit_per_partner_gbp"]) not in outside, p.name
