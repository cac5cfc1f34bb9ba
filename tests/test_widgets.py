"""The explorers: they recompute on a slider, show the model's sentence for bad input, and describe their charts."""

import re

import pytest

from academy.data import load_law_firms, load_pcn_practices, practices_from_table
from academy.models.gp_partnership import AVERAGE_PRACTICE, merger_comparison, practice_accounts
from academy.widgets.charts import pounds
from academy.widgets.law_firm_explorer import FirmFactorExplorer
from academy.widgets.partnership_explorer import MergerExplorer, PartnershipExplorer


def alt_text(html: str) -> str:
    match = re.search(r'<img [^>]*alt="([^"]+)"', html)
    assert match, "the chart has no alt text"
    return match.group(1)


def test_partnership_explorer_recomputes_when_a_slider_moves():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    assert pounds(109_100) in explorer.summary.value
    explorer.sliders["salaried_gps"].value = 3.0
    expected = practice_accounts(AVERAGE_PRACTICE.with_changes(salaried_gps=3.0))["profit_per_partner_gbp"]
    assert pounds(expected) in explorer.summary.value
    assert pounds(expected) in alt_text(explorer.chart.value)


def test_partnership_explorer_shows_the_sentence_not_a_traceback():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    explorer.sliders["partners"].value = 0.0
    assert "partners must be above 0" in explorer.summary.value
    assert "Traceback" not in explorer.summary.value
    explorer.sliders["partners"].value = 2.0  # and it recovers
    assert "Profit per partner" in explorer.summary.value


def test_merger_explorer_matches_the_model():
    practices = practices_from_table(load_pcn_practices())
    explorer = MergerExplorer(practices)
    explorer.saving.value = 0.5
    merged = merger_comparison(practices, 0.5, 0).loc["Merged partnership", "profit_per_partner_gbp"]
    assert pounds(merged) in explorer.table.value
    assert pounds(merged) in alt_text(explorer.chart.value)


def test_firm_explorer_describes_the_chosen_firm():
    explorer = FirmFactorExplorer(load_law_firms())
    explorer.picker.value = "Firm 07"
    assert "Firm 07" in alt_text(explorer.chart.value)
    assert "2008/09" in explorer.numbers.value and "2018/19" in explorer.numbers.value


def test_an_explorer_starts_at_the_practice_it_was_given_even_beyond_its_sliders_usual_range():
    large = AVERAGE_PRACTICE.with_changes(registered_patients=95_000.0, partners=24.0, salaried_gps=30.0)
    explorer = PartnershipExplorer(large)
    assert explorer.practice() == large
    assert pounds(practice_accounts(large)["profit_per_partner_gbp"]) in explorer.summary.value
