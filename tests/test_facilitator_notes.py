"""The facilitator notes quote the model's numbers for Fen Edge: they must be the model's numbers.

If the case data or the model change, these tests say which figure in the notes is now stale.
"""

import re
from pathlib import Path

import pytest

from academy.data import load_pcn_practices, practices_from_table
from academy.models.gp_partnership import merger_comparison

NOTES = Path(__file__).resolve().parents[1] / "book" / "facilitator" / "law_firm_scale.md"


@pytest.fixture(scope="module")
def notes() -> str:
    return NOTES.read_text()


@pytest.fixture(scope="module")
def practices():
    return practices_from_table(load_pcn_practices())


def pounds_to_hundred(value: float) -> str:
    return f"£{round(value, -2):,.0f}"


def role_cards(notes: str) -> dict[str, list[str]]:
    """The rows of the role-card table, by practice name."""
    rows = {}
    for line in notes.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[1].replace(",", "").isdigit():
            rows[cells[0]] = cells
    return rows


def test_the_role_cards_show_the_models_base_run(notes, practices):
    table = merger_comparison(practices, back_office_saving_share=0.0)
    cards = role_cards(notes)
    assert set(cards) == {p.name for p in practices} | {"The five apart"}
    for name, (_, patients, partners, salaried, profit, per_gp, cost) in cards.items():
        row = table.loc["All practices apart" if name == "The five apart" else name]
        assert patients == f"{row['registered_patients']:,.0f}", name
        assert float(partners.split()[0]) == pytest.approx(row["partners"]), name
        assert float(salaried) == pytest.approx(row["salaried_gps"]), name
        assert profit == pounds_to_hundred(row["profit_per_partner_gbp"]), name
        assert per_gp.replace(",", "") == f"{round(row['patients_per_gp'], -1):.0f}", name
        assert cost == f"£{row['cost_per_patient_gbp']:.0f}", name


def test_the_merger_figures_in_the_notes_are_the_models(notes, practices):
    merged = {share: merger_comparison(practices, share).loc["Merged partnership"] for share in (0.3, 0.5)}
    fixed = sum(p.fixed_costs_gbp for p in practices)
    partners = sum(p.partners for p in practices)
    assert f"£{fixed:,.0f}" in notes
    assert f"£{fixed * 0.1:,.0f}" in notes  # each 10% saved
    assert f"£{round(fixed * 0.1 / partners, -1):,.0f}" in notes  # per FTE partner
    assert pounds_to_hundred(merged[0.3]["profit_per_partner_gbp"]) in notes
    assert pounds_to_hundred(merged[0.5]["profit_per_partner_gbp"]) in notes
    two_salaried = merger_comparison(practices, 0.3, partners_becoming_salaried=2).loc["Merged partnership"]
    assert pounds_to_hundred(two_salaried["profit_per_partner_gbp"]) in notes
    fall = merged[0.3]["profit_gbp"] - two_salaried["profit_gbp"]
    assert f"£{round(fall, -3):,.0f}" in notes


def test_fen_views_loss_under_equal_sharing_is_the_models(notes, practices):
    table = merger_comparison(practices, 0.3)
    loss = table.loc["Fen View Surgery", "profit_per_partner_gbp"] - table.loc["Merged partnership", "profit_per_partner_gbp"]
    assert re.search(rf"Fen View loses about £{round(loss, -3):,.0f} per partner", notes)
