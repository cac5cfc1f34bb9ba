"""The explorers: they recompute when a control moves, show the model's sentence for a bad input (and
clear the chart and table it no longer matches), and describe their charts in alt text.

Expected numbers come from the models, called here with the same inputs, and are written out with this
file's own formatters (``money``, ``count``), never with the widgets' formatting functions.
"""

import base64
import html
import math
import re
import struct
from html.parser import HTMLParser

import ipywidgets
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from academy.data import load_law_firms, load_pcn_partners, load_pcn_practices, practices_from_table
from academy.models.gp_partnership import (
    AVERAGE_PRACTICE,
    EXPENSE_LINES,
    INCOME_LINES,
    list_growth_effects,
    partners_replaced_by_salaried,
    practice_accounts,
    practice_with_larger_list,
    sensitivity_table,
)
from academy.models.last_partner_standing import partners_and_liability_by_year
from academy.models.practice_merger import merger_comparison, profit_sharing
from academy.models.shared_back_office import shared_back_office
from academy.widgets.back_office_explorer import BackOfficeExplorer, back_office_explorer
from academy.widgets.charts import pounds, sensitivity_alt_text, sensitivity_figure, signed_pounds
from academy.widgets.hospital_flow_explorer import HospitalFlowExplorer, InterventionsExplorer
from academy.widgets.law_firm_explorer import FirmFactorExplorer
from academy.widgets.last_partner_explorer import LastPartnerExplorer, last_partner_explorer
from academy.widgets.merger_explorer import MergerExplorer, merger_explorer
from academy.widgets.partnership_explorer import PartnershipExplorer, partnership_explorer

VERMILLION, BLUE = "#D55E00", "#0072B2"
FEN_VIEW = "Fen View Surgery"


# ---- this file's own formatters and readers -------------------------------------------------------


def money(value: float, nearest: float = 1, sign: bool = False) -> str:
    """£12,300 / −£12,300 (a true minus sign), rounded to ``nearest``; with ``sign``, +£12,300."""
    steps = round(value / nearest)
    decimals = 2 if nearest == 0.01 else 0
    text = f"£{abs(steps * nearest):,.{decimals}f}"
    if steps < 0:
        return "\u2212" + text
    return "+" + text if sign and steps > 0 else text


def count(value: float) -> str:
    """A head count: 3, or 2.25 with partners joining part-time."""
    return str(int(value)) if float(value).is_integer() else str(value)


def alt_text(page: str) -> str:
    match = re.search(r'<img [^>]*alt="([^"]+)"', page)
    assert match, "the chart has no image with alt text"
    return html.unescape(match.group(1))


def has_image(page: str) -> bool:
    return "<img" in page


def png_size(page: str) -> tuple[int, int]:
    """Width and height in pixels of the PNG in an <img> tag (read from the PNG's own header)."""
    match = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert match, "no PNG image"
    data = base64.b64decode(match.group(1))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def alert(page: str) -> str:
    """The model's sentence in the page's role="alert" element, which must be all the page shows."""
    match = re.fullmatch(r'<p role="alert" style="color:#A4161A"><strong>Check the inputs:</strong> (.*?)</p>', page)
    assert match, f"not an alert alone: {page[:200]!r}"
    return html.unescape(match.group(1))


def plain(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


class _Table(HTMLParser):
    """Reads one HTML table, refusing text outside its caption and cells and unclosed tags."""

    def __init__(self):
        super().__init__()
        self.caption, self.rows, self._cell, self._in, self.open = "", [], None, None, []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("th", "td", "caption"):
            self._in, self._cell = tag, ""
            scope = dict(attrs).get("scope")
            assert tag != "th" or scope in ("col", "row"), "a header cell needs a scope for screen readers"

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing"
        if tag == "caption":
            self.caption = self._cell
        elif tag in ("th", "td"):
            self.rows[-1].append(self._cell)
        self._in = None

    def handle_data(self, data):
        assert self._in, f"text outside a cell: {data!r}"
        self._cell += data


def read_table(page: str) -> tuple[str, list[str], dict[str, list[str]]]:
    """Return a table's caption, its column headers and its rows by name (the first cell)."""
    assert page.startswith("<table") and page.endswith("</table>")
    parser = _Table()
    parser.feed(page)
    assert not parser.open
    header, *rows = parser.rows
    assert header[0] == ""
    return parser.caption, header[1:], {row[0]: row[1:] for row in rows}


def in_order(text: str, fragments: list[str]) -> None:
    """Assert that each fragment is in the text, each after the one before."""
    position = -1
    for fragment in fragments:
        found = text.find(fragment, position + 1)
        assert found > position, f"{fragment!r} is not after the fragment before it in {text!r}"
        position = found


@pytest.fixture(scope="module")
def practices():
    return practices_from_table(load_pcn_practices())


# ---- charts: money and the sensitivity figure -----------------------------------------------------


def test_pounds_keeps_a_loss_minus_sign():
    assert pounds(-12_300) == "\u2212£12,300"
    assert pounds(12_300) == "£12,300"
    assert pounds(1_234_567.891) == "£1,234,568"
    assert pounds(-0.4) == "£0"  # never −£0
    assert pounds(144.8789, 0.01) == "£144.88"
    assert pounds(-3.456, 0.01) == "\u2212£3.46"
    assert pounds(22_092.9, 100) == "£22,100"
    assert pounds(22_049.0, 100) == "£22,000"
    assert pounds(float("nan")) == "not known"


def test_signed_pounds_says_which_way():
    assert signed_pounds(22_092.9, 100) == "+£22,100"
    assert signed_pounds(-3_318.2, 100) == "\u2212£3,300"
    assert signed_pounds(0.2) == "£0"
    assert signed_pounds(-0.2) == "£0"
    assert signed_pounds(1.0) == "+£1"
    assert signed_pounds(float("nan")) == "not known"


def test_sensitivity_figure_has_two_panels_drawn_from_the_table():
    table = sensitivity_table(AVERAGE_PRACTICE, 0.1)
    figure = sensitivity_figure(table, 0.1)
    assert len(figure.axes) == 2
    rows = table.iloc[::-1]  # drawn from the bottom up: the largest swing at the top
    n = len(rows)
    for axis, prefix in zip(figure.axes, ("", "economic_")):
        base = rows[f"{prefix}base"].iloc[0]
        low, high = axis.patches[:n], axis.patches[n:]
        assert len(axis.patches) == 2 * n
        np.testing.assert_allclose([b.get_x() for b in low], base)
        np.testing.assert_allclose([b.get_width() for b in low], rows[f"{prefix}low"] - base, atol=1e-9)
        np.testing.assert_allclose([b.get_width() for b in high], rows[f"{prefix}high"] - base, atol=1e-9)
        assert to_rgba(low[0].get_facecolor()) == to_rgba(VERMILLION)
        assert to_rgba(high[0].get_facecolor()) == to_rgba(BLUE)
    left, right = figure.axes
    assert [t.get_text() for t in left.get_yticklabels()] == list(rows.index)
    assert left.get_xlabel() == "Profit per partner (£ a year)"
    assert right.get_xlabel() == "Economic cost per patient (£ a year)"
    assert left.xaxis.get_major_formatter()(-12_300, 0) == "\u2212£12,300"
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == ["input 10% lower", "input 10% higher"]
    assert left.get_shared_y_axes().joined(left, right)  # one set of input labels for both panels
    assert right.get_position().x0 > left.get_position().x1  # side by side
    assert figure.get_suptitle() == "What moves profit per partner, and what moves the cost of care"
    for axis, prefix in zip(figure.axes, ("", "economic_")):
        base = rows[f"{prefix}base"].iloc[0]
        np.testing.assert_allclose([b.get_x() for b in axis.patches[n:]], base)  # the bars start at the base
        assert list(axis.lines[0].get_xdata()) == [base, base]  # and a line marks it


def test_leverage_moves_profit_per_partner_but_not_the_economic_cost():
    table = sensitivity_table(AVERAGE_PRACTICE, 0.1)
    figure = sensitivity_figure(table, 0.1)
    left, right = figure.axes
    rows = list(table.index[::-1])
    leverage = rows.index("Partners' share of GP time (same GPs)")
    n = len(rows)
    assert abs(left.patches[leverage].get_width()) > 1_000
    assert right.patches[leverage].get_width() == pytest.approx(0) and right.patches[n + leverage].get_width() == pytest.approx(0)
    unchanged = {label for label, row in table.iterrows() if abs(row["economic_high"] - row["economic_low"]) < 0.005}
    assert "Partners' share of GP time (same GPs)" in unchanged and "Cost of a salaried GP" not in unchanged
    marked = {text.xy[1] for text in right.texts if text.get_text() == "no change"}
    assert marked == unchanged
    assert not left.texts


def test_no_change_is_marked_only_where_neither_side_moves():
    table = pd.DataFrame(
        {"low": [90.0, 95.0, 99.0], "high": [110.0, 105.0, 101.0], "swing": [20.0, 10.0, 2.0], "base": 100.0,
         "economic_low": [50.0, 50.0, 49.5], "economic_high": [50.0, 51.0, 50.0], "economic_base": 50.0},
        index=["Moves profit only", "Moves cost one way", "Moves cost by 50p"],
    )
    figure = sensitivity_figure(table, 0.05, title="A made-up table")
    left, right = figure.axes
    assert [t.get_text() for t in right.texts] == ["no change"]
    assert right.texts[0].xy == (50.0, "Moves profit only")
    assert figure.get_suptitle() == "A made-up table"
    tall = sensitivity_figure(sensitivity_table(AVERAGE_PRACTICE, 0.1), 0.1)  # 7 inputs
    assert tall.get_size_inches()[1] - figure.get_size_inches()[1] == pytest.approx(4 * 0.45)
    assert figure.get_size_inches()[0] == tall.get_size_inches()[0]
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["input 5% lower", "input 5% higher"]
    assert sensitivity_alt_text(table, 0.05) == (
        "Two tornado charts of what happens when each input moves 5% down or up. Profit per partner starts at £100 "
        "a year and economic cost per patient at £50.00. Moves profit only moves profit per partner by £10 either "
        "way and leaves economic cost per patient unchanged; Moves cost one way moves profit per partner by £5 "
        "either way and moves economic cost per patient by £0.50 either way; Moves cost by 50p moves profit per "
        "partner by £1 either way and moves economic cost per patient by £0.25 either way."
    )


def test_sensitivity_alt_text_quotes_both_panels():
    table = sensitivity_table(AVERAGE_PRACTICE, 0.2)
    alt = sensitivity_alt_text(table, 0.2)
    assert alt.startswith("Two tornado charts of what happens when each input moves 20% down or up.")
    assert f"Profit per partner starts at {money(table['base'].iloc[0])} a year" in alt
    assert f"economic cost per patient at {money(table['economic_base'].iloc[0], 0.01)}." in alt
    fragments = []
    for label, row in table.iterrows():
        economic = row["economic_high"] - row["economic_low"]
        effect = ("leaves economic cost per patient unchanged" if abs(economic) < 0.005
                  else f"moves economic cost per patient by {money(abs(economic) / 2, 0.01)} either way")
        fragments.append(f"{label} moves profit per partner by {money(abs(row['high'] - row['low']) / 2)} either way and {effect}")
    assert alt == (
        f"Two tornado charts of what happens when each input moves 20% down or up. Profit per partner starts at "
        f"{money(table['base'].iloc[0])} a year and economic cost per patient at {money(table['economic_base'].iloc[0], 0.01)}. "
        + "; ".join(fragments) + "."
    )
    assert "Partners' share of GP time (same GPs) moves profit per partner by" in alt


# ---- the partnership explorer ---------------------------------------------------------------------


def summary_fragments(accounts) -> list[str]:
    return [
        f"Profit per partner: {money(accounts['profit_per_partner_gbp'])} a year",
        f"Patients per GP: {accounts['patients_per_gp']:,.0f}",
        f"Expenses: {100 * accounts['expense_share']:.1f}% of income",
        f"Cost per patient: {money(accounts['cost_per_patient_gbp'], 0.01)} a year",
        f"Economic cost per patient: {money(accounts['economic_cost_per_patient_gbp'], 0.01)} a year, "
        "including partners' own clinical time at a salaried GP's cost",
    ]


def test_partnership_explorer_recomputes_when_a_slider_moves():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    before = practice_accounts(AVERAGE_PRACTICE)
    assert plain(explorer.summary.value) == "".join(summary_fragments(before))
    old_alt = alt_text(explorer.chart.value)
    for field, value in (("salaried_gps", 3.0), ("registered_patients", 12_000.0), ("qof_gbp_per_patient", 20.0)):
        explorer.sliders[field].value = value
    changed = AVERAGE_PRACTICE.with_changes(salaried_gps=3.0, registered_patients=12_000.0, qof_gbp_per_patient=20.0)
    after = practice_accounts(changed)
    assert plain(explorer.summary.value) == "".join(summary_fragments(after))
    alt = alt_text(explorer.chart.value)
    assert alt != old_alt
    assert f"which is {money(after['profit_per_partner_gbp'])} per partner" in alt


@pytest.mark.parametrize("field, value", [
    ("list_weighting", 1.2), ("partners", 4.0), ("dispensing_patient_share", 0.5),
    ("global_sum_gbp_per_weighted_patient", 100.0), ("fixed_costs_gbp", 200_000.0),
    ("variable_costs_gbp_per_patient", 60.0),
])
def test_each_practice_slider_moves_its_own_field(field, value):
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    explorer.sliders[field].value = value
    assert explorer.practice() == AVERAGE_PRACTICE.with_changes(**{field: value})
    accounts = practice_accounts(AVERAGE_PRACTICE.with_changes(**{field: value}))
    assert f"Profit per partner: {money(accounts['profit_per_partner_gbp'])} a year" in plain(explorer.summary.value)


def test_the_partnership_chart_says_income_then_where_it_goes(practices):
    fen_view = next(p for p in practices if p.name == FEN_VIEW)  # a dispensing practice: no line is £0
    accounts = practice_accounts(fen_view)
    income = [("global sum", "global_sum_gbp"), ("network payment", "network_payment_gbp"), ("QOF", "qof_gbp"),
              ("enhanced services", "enhanced_services_gbp"), ("other NHS income", "other_nhs_income_gbp"),
              ("premises", "premises_reimbursement_gbp"), ("dispensing", "dispensing_income_gbp")]
    costs = [("salaried GPs", "salaried_gp_costs_gbp"), ("premises", "premises_costs_gbp"),
             ("dispensing (drugs)", "dispensing_costs_gbp"), ("fixed costs", "fixed_costs_gbp"),
             ("staff and running", "variable_costs_gbp")]
    assert [key for _, key in income] == list(INCOME_LINES) and [key for _, key in costs] == list(EXPENSE_LINES)
    alt = alt_text(PartnershipExplorer(fen_view).chart.value)
    assert alt.startswith("Bar chart of the practice's year. Income ")
    assert alt == (
        f"Bar chart of the practice's year. Income {money(accounts['income_gbp'])}: "
        + ", ".join(f"{label} {money(accounts[key])}" for label, key in income)
        + f". Where it goes: expenses {money(accounts['expenses_gbp'])} ("
        + ", ".join(f"{label} {money(accounts[key])}" for label, key in costs)
        + f") and profit to partners {money(accounts['profit_gbp'])}, which is "
        f"{money(accounts['profit_per_partner_gbp'])} per partner."
    )


def test_the_partnership_chart_stacks_each_line_after_the_one_before(practices):
    fen_view = next(p for p in practices if p.name == FEN_VIEW)
    accounts = practice_accounts(fen_view)
    explorer = PartnershipExplorer(fen_view)
    for row, keys in ((1, INCOME_LINES), (0, (*EXPENSE_LINES, "profit_gbp"))):
        left = 0.0
        for key in keys:
            bar = explorer.bars[row, key]
            assert bar.get_y() + bar.get_height() / 2 == pytest.approx(row)
            assert bar.get_x() == pytest.approx(left) and bar.get_width() == pytest.approx(accounts[key])
            left += accounts[key]
        assert left == pytest.approx(accounts["income_gbp"])
    assert explorer.axis.get_xlim() == pytest.approx((0, accounts["income_gbp"] * 1.03))
    ticks = dict(zip(explorer.axis.get_yticks(), (t.get_text() for t in explorer.axis.get_yticklabels())))
    assert ticks == {1: "Income", 0: "Where it goes"}  # income on top
    assert alt_text(explorer.key.value) == (
        "Key to the colours: Global sum, Network payment, QOF, Enhanced services, Other NHS income, Premises (in and out), "
        "Dispensing (income, drugs), Salaried GPs, Fixed costs, Staff and running, Profit to partners.")
    assert explorer.axis.xaxis.get_major_formatter()(1_000_000, 0) == "£1,000k"
    colour = {key: to_rgba(bar.get_facecolor()) for key, bar in explorer.bars.items()}
    assert colour[1, "global_sum_gbp"] == to_rgba(BLUE) and colour[0, "profit_gbp"] == to_rgba("#009E73")
    assert colour[1, "premises_reimbursement_gbp"] == colour[0, "premises_costs_gbp"]  # in and out alike
    assert colour[1, "dispensing_income_gbp"] == colour[0, "dispensing_costs_gbp"]
    for row in (0, 1):  # on one bar, no two lines look alike
        looks = [(colour[r, key], explorer.bars[r, key].get_hatch()) for r, key in explorer.bars if r == row]
        assert len(set(looks)) == len(looks)
    assert explorer.bars[1, "enhanced_services_gbp"].get_hatch() == "///"
    assert to_rgba(explorer.bars[1, "global_sum_gbp"].get_edgecolor()) == to_rgba("white")


def test_a_loss_is_not_drawn_as_a_negative_bar():
    losing = AVERAGE_PRACTICE.with_changes(variable_costs_gbp_per_patient=120.0)
    accounts = practice_accounts(losing)
    assert accounts["profit_gbp"] < 0
    explorer = PartnershipExplorer(losing)
    assert explorer.bars[0, "profit_gbp"].get_width() == 0
    assert f"profit to partners {money(accounts['profit_gbp'])}" in alt_text(explorer.chart.value)
    widest = accounts["expenses_gbp"]  # the costs outrun the income
    assert explorer.axis.get_xlim()[1] == pytest.approx(widest * 1.03)


def test_partners_slider_cannot_reach_zero():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    slider = explorer.sliders["partners"]
    assert slider.min > 0
    slider.value = 0.0
    assert slider.value == slider.min
    accounts = practice_accounts(AVERAGE_PRACTICE.with_changes(partners=slider.min))
    assert f"Profit per partner: {money(accounts['profit_per_partner_gbp'])} a year" in plain(explorer.summary.value)
    assert 'role="alert"' not in explorer.summary.value


def test_partnership_explorer_shows_the_sentence_and_clears_the_chart():
    bad = AVERAGE_PRACTICE.with_changes(list_weighting=3.5)
    with pytest.raises(ValueError) as raised:
        practice_accounts(bad)
    explorer = PartnershipExplorer(bad)  # the slider widens to 3.5 so it can start there
    assert alert(explorer.summary.value) == str(raised.value)
    assert "Traceback" not in explorer.summary.value
    assert explorer.chart.value == explorer.scale.value == explorer.leverage.value == ""
    explorer.sliders["list_weighting"].value = 1.0  # fixed: it recovers
    assert has_image(explorer.chart.value) and "Profit per partner" in explorer.summary.value
    assert explorer.scale.value and explorer.leverage.value
    explorer.sliders["list_weighting"].value = 3.5  # and a stale chart does not survive a bad input
    assert not has_image(explorer.chart.value)
    assert alert(explorer.summary.value) == str(raised.value)


def test_the_panels_give_the_sentence_for_a_bad_practice_too():
    bad = AVERAGE_PRACTICE.with_changes(list_weighting=3.5)
    with pytest.raises(ValueError) as raised:
        list_growth_effects(bad, 0.2)
    explorer = PartnershipExplorer(bad)
    explorer.growth.value = 0.2
    assert alert(explorer.scale.value) == str(raised.value)
    explorer.moved.value = 1.0
    assert alert(explorer.leverage.value) == str(raised.value)


def test_the_partnership_explorer_is_laid_out_for_a_projector():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    top, chart, key, scale_heading, growth, grow, scale, leverage_heading, moved, leverage = explorer.widget.children
    controls, summary = top.children
    assert list(controls.children) == list(explorer.sliders.values()) and summary is explorer.summary
    assert top.layout.flex_flow == "row wrap"  # the summary drops below the sliders in a narrow window
    assert controls.layout.flex == "0 0 auto" and summary.layout.min_width == "220px"
    assert (chart, key, growth, grow, scale, moved, leverage) == (
        explorer.chart, explorer.key, explorer.growth, explorer.gps_grow, explorer.scale, explorer.moved, explorer.leverage)
    assert plain(scale_heading.value) == "Scale is not workload"
    assert plain(leverage_heading.value) == "Leverage: partners replaced by salaried GPs"
    assert "ARRS" not in " ".join(s.description for s in explorer.sliders.values())


def test_an_explorer_starts_at_the_practice_it_was_given_even_beyond_its_sliders_usual_range():
    large = AVERAGE_PRACTICE.with_changes(registered_patients=95_000.0, partners=24.0, salaried_gps=30.0)
    explorer = PartnershipExplorer(large)
    assert explorer.practice() == large
    assert explorer.sliders["registered_patients"].max == 95_000.0
    assert explorer.sliders["registered_patients"].min == 1_000
    assert f"Profit per partner: {money(practice_accounts(large)['profit_per_partner_gbp'])}" in plain(explorer.summary.value)


def test_scale_panel_splits_a_larger_lists_gain_per_partner():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    assert explorer.growth.value == pytest.approx(0.1) and explorer.gps_grow.value is False
    for growth in (0.1, 0.25):
        explorer.growth.value = growth
        effects = list_growth_effects(AVERAGE_PRACTICE, growth)
        before = practice_accounts(AVERAGE_PRACTICE)["patients_per_gp"]
        after = practice_accounts(practice_with_larger_list(AVERAGE_PRACTICE, growth, False))["patients_per_gp"]
        assert plain(explorer.scale.value) == (
            f"A list {round(growth * 100)}% larger with the same GPs: {money(effects['same_gps_total_gbp'], 100, sign=True)} "
            f"per partner a year, of which {money(effects['more_work_by_same_gps_gbp'], 100)} is the same doctors seeing "
            f"more patients, {money(effects['fixed_costs_spread_gbp'], 100)} fixed costs spread and "
            f"{money(effects['partners_margin_gbp'], 100)} partners' margin on the extra work. "
            f"Each GP would have {after:,.0f} patients instead of {before:,.0f}."
        )


def test_scale_panel_when_gps_grow_with_the_list():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    explorer.gps_grow.value = True
    effects = list_growth_effects(AVERAGE_PRACTICE, 0.1)
    same = practice_accounts(practice_with_larger_list(AVERAGE_PRACTICE, 0.1, True))["patients_per_gp"]
    assert plain(explorer.scale.value) == (
        f"A list 10% larger, with salaried GPs hired so that each GP has the same number of patients ({same:,.0f}): "
        f"{money(effects['gps_grow_with_list_gbp'], 100, sign=True)} per partner a year, of which "
        f"{money(effects['fixed_costs_spread_gbp'], 100)} is fixed costs spread and "
        f"{money(effects['partners_margin_gbp'], 100)} partners' margin on the extra work. With the same GPs it would "
        f"be {money(effects['same_gps_total_gbp'], 100, sign=True)}, but {money(effects['more_work_by_same_gps_gbp'], 100)} "
        "of that is the same doctors seeing more patients."
    )


def test_scale_and_leverage_panels_follow_the_practice_sliders():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    explorer.moved.value = 0.5
    explorer.sliders["registered_patients"].value = 15_000.0
    practice = AVERAGE_PRACTICE.with_changes(registered_patients=15_000.0)
    effects = list_growth_effects(practice, 0.1)
    assert f"same GPs: {money(effects['same_gps_total_gbp'], 100, sign=True)} per partner" in plain(explorer.scale.value)
    remaining = practice_accounts(partners_replaced_by_salaried(practice, 0.5))["profit_per_partner_gbp"]
    assert f"profit per remaining partner {money(remaining)} a year" in plain(explorer.leverage.value)


def test_leverage_panel_moves_profit_not_the_economic_cost():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    explorer.moved.value = 1.0
    before = practice_accounts(AVERAGE_PRACTICE)
    after = practice_accounts(partners_replaced_by_salaried(AVERAGE_PRACTICE, 1.0))
    assert plain(explorer.leverage.value) == (
        f"With 1.00 FTE of the {AVERAGE_PRACTICE.partners:.2f} FTE partners replaced by salaried GPs (the same GP time): "
        f"profit per remaining partner {money(after['profit_per_partner_gbp'])} a year, from "
        f"{money(before['profit_per_partner_gbp'])}. Economic cost per patient is unchanged at "
        f"{money(before['economic_cost_per_patient_gbp'], 0.01)}: leverage moves money between people, it does not save."
    )


def test_leverage_panel_says_so_if_the_economic_cost_moves(monkeypatch):
    # The model prices partners' time at a salaried GP's cost, so leverage never moves it; were a model
    # to pay the new salaried GPs more, the panel must give both numbers, not a false "unchanged".
    import academy.widgets.partnership_explorer as module

    def dearer(p, moved):
        return p.with_changes(partners=p.partners - moved, salaried_gps=p.salaried_gps + moved,
                              salaried_gp_cost_gbp=p.salaried_gp_cost_gbp * 1.2)

    monkeypatch.setattr(module, "partners_replaced_by_salaried", dearer)
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    explorer.moved.value = 1.0
    before = practice_accounts(AVERAGE_PRACTICE)["economic_cost_per_patient_gbp"]
    after = practice_accounts(dearer(AVERAGE_PRACTICE, 1.0))["economic_cost_per_patient_gbp"]
    assert plain(explorer.leverage.value).endswith(
        f"Economic cost per patient is {money(before, 0.01)} before and {money(after, 0.01)} after.")


def test_leverage_panel_shows_the_sentence_for_too_many_partners_and_recovers():
    explorer = PartnershipExplorer(AVERAGE_PRACTICE)
    explorer.moved.value = 3.0
    with pytest.raises(ValueError) as raised:
        partners_replaced_by_salaried(AVERAGE_PRACTICE, 3.0)
    assert alert(explorer.leverage.value) == str(raised.value)
    assert has_image(explorer.chart.value)  # the rest of the explorer still stands
    explorer.sliders["partners"].value = 4.0
    assert "profit per remaining partner" in explorer.leverage.value


def test_partnership_explorer_function_returns_the_widget():
    widget = partnership_explorer(AVERAGE_PRACTICE)
    assert isinstance(widget, ipywidgets.VBox)
    assert any(isinstance(child, ipywidgets.HTML) and has_image(child.value) for child in widget.children)


# ---- the shared back-office explorer --------------------------------------------------------------


def back_office_rows(result: pd.DataFrame) -> dict[str, list[str]]:
    return {
        name: [f"{100 * row['cost_share']:.1f}%", money(row["back_office_alone_gbp"]), money(row["back_office_shared_gbp"]),
               money(row["saving_gbp"]), money(row["saving_per_partner_gbp"]),
               money(row["profit_per_partner_alone_gbp"]), money(row["profit_per_partner_shared_gbp"])]
        for name, row in result.iterrows()
    }


def test_back_office_explorer_matches_the_model(practices):
    explorer = BackOfficeExplorer(practices)
    caption, header, rows = read_table(explorer.table.value)
    assert header == ["Share of pool", "Back office alone", "Back office shared", "Saving a year", "Saving per partner",
                      "Profit per partner alone", "Profit per partner shared"]
    assert rows == back_office_rows(shared_back_office(practices, 0.2, "list", 0.0))
    assert caption == "Back office costs a year, alone and shared by list size, with 20% of the pooled costs saved and a coordination cost of £0"
    old_alt = alt_text(explorer.chart.value)
    explorer.saving.value = 0.35
    explorer.sharing.value = "weighted list"
    explorer.coordination.value = 40_000.0
    result = shared_back_office(practices, 0.35, "weighted list", 40_000.0)
    caption, _, rows = read_table(explorer.table.value)
    assert rows == back_office_rows(result)
    assert caption == "Back office costs a year, alone and shared by weighted list, with 35% of the pooled costs saved and a coordination cost of £40,000"
    alt = alt_text(explorer.chart.value)
    assert alt != old_alt
    assert alt.startswith("Bar chart of each practice's saving per partner a year from sharing the back office by weighted list: ")
    assert alt == (
        "Bar chart of each practice's saving per partner a year from sharing the back office by weighted list: "
        + "; ".join(f"{name} {money(v, sign=True)}" for name, v in result["saving_per_partner_gbp"].items())
        + ". A practice below 0 pays more for its share than for its own back office."
    )
    explorer.sharing.value = "equal"
    assert read_table(explorer.table.value)[2] == back_office_rows(shared_back_office(practices, 0.35, "equal", 40_000.0))
    assert "in equal shares" in alt_text(explorer.chart.value)


def test_back_office_chart_marks_a_loss_in_vermillion(practices):
    explorer = BackOfficeExplorer(practices)
    savings = shared_back_office(practices, 0.2, "list", 0.0)["saving_per_partner_gbp"]
    assert (savings < 0).any() and (savings > 0).any()
    for bar, value in zip(explorer.bars, savings):
        assert bar.get_width() == pytest.approx(value)
        assert to_rgba(bar.get_facecolor()) == to_rgba(VERMILLION if value < 0 else BLUE)
    assert [t.get_text() for t in explorer.axis.get_yticklabels()] == list(savings.index)
    assert explorer.axis.get_ylim()[0] > explorer.axis.get_ylim()[1]  # the first practice at the top
    low, high = explorer.axis.get_xlim()
    assert low < savings.min() and high > savings.max()
    assert low == pytest.approx(savings.min() - 0.05 * (savings.max() - savings.min()))
    assert high == pytest.approx(savings.max() + 0.05 * (savings.max() - savings.min()))
    explorer.saving.value = 0.5  # every practice saves: the axis still starts from 0
    savings = shared_back_office(practices, 0.5, "list", 0.0)["saving_per_partner_gbp"]
    assert (savings > 0).all()
    assert all(to_rgba(bar.get_facecolor()) == to_rgba(BLUE) for bar in explorer.bars)
    assert explorer.axis.get_xlim() == pytest.approx((-0.05 * savings.max(), 1.05 * savings.max()))


@pytest.mark.parametrize("rename", [
    {"Riverside Surgery": "Market Square Practice"},
    {"Riverside Surgery": "Merged partnership"},
    {"Riverside Surgery": "All practices apart"},
])
def test_back_office_explorer_gives_the_sentence_for_a_bad_name(practices, rename):
    named = [p.with_changes(name=rename.get(p.name, p.name)) for p in practices]
    with pytest.raises(ValueError) as raised:
        shared_back_office(named)
    explorer = BackOfficeExplorer(practices)
    assert has_image(explorer.chart.value)
    explorer.practices = named
    explorer.refresh()
    assert alert(explorer.table.value) == str(raised.value)
    assert explorer.chart.value == "" and "<table" not in explorer.table.value
    explorer.practices = practices  # fixed: it recovers
    explorer.saving.value = 0.3
    assert has_image(explorer.chart.value) and "<table" in explorer.table.value


def test_back_office_explorer_redraws_for_other_practices(practices):
    explorer = BackOfficeExplorer(practices)
    explorer.practices = practices[:2]
    explorer.refresh()
    assert len(explorer.bars) == 2
    assert [t.get_text() for t in explorer.axis.get_yticklabels()] == [p.name for p in practices[:2]]
    assert list(read_table(explorer.table.value)[2]) == [p.name for p in practices[:2]]
    assert isinstance(back_office_explorer(practices), ipywidgets.VBox)


# ---- the merger explorer --------------------------------------------------------------------------


def merger_rows(table: pd.DataFrame) -> dict[str, list[str]]:
    return {
        name: [f"{row['registered_patients']:,.0f}", f"{row['partners']:.2f}", money(row["profit_per_partner_gbp"]),
               f"{row['patients_per_gp']:,.0f}", money(row["cost_per_patient_gbp"], 0.01)]
        for name, row in table.iterrows()
    }


def merger_alt(sharing: pd.DataFrame, rule: str, one_off: str) -> str:
    first, last = sharing[sharing["year"] == 1], sharing[sharing["year"] == 5]
    each = "; ".join(
        f"{name} {money(a)} apart, {money(y1)} in year 1, {money(y5)} in year 5"
        for name, a, y1, y5 in zip(first["practice"], first["profit_per_partner_apart_gbp"],
                                   first["profit_per_partner_merged_gbp"], last["profit_per_partner_merged_gbp"])
    )
    return (f"Bar chart of profit per partner a year at each practice, apart and merged, with the merged profit {rule}. "
            f"Year 1 pays the one-off costs of {one_off}; year 5 is when every rule has settled. {each}.")


def test_merger_explorer_matches_the_model(practices):
    explorer = MergerExplorer(practices)
    caption, header, rows = read_table(explorer.table.value)
    assert header == ["Patients", "Partners (FTE)", "Profit per partner", "Patients per GP", "Cost per patient"]
    assert rows == merger_rows(merger_comparison(practices, 0.3, 0.0, 0.0))
    assert list(rows)[-2:] == ["All practices apart", "Merged partnership"]
    assert caption.endswith("with 30% of fixed costs saved and central management of £0 a year")
    assert alt_text(explorer.chart.value) == merger_alt(
        profit_sharing(practices, "equal", 0.3, 0.0, 0.0, 3, 5), "shared equally from the first year", "£0")
    assert explorer.glide.disabled


def test_merger_explorer_recomputes_for_every_control(practices):
    explorer = MergerExplorer(practices)
    old_alt = alt_text(explorer.chart.value)
    explorer.rule.value = "lockstep"
    explorer.saving.value = 0.5
    explorer.central.value = 60_000.0
    explorer.one_off.value = 150_000.0
    explorer.glide.value = 4
    assert not explorer.glide.disabled
    sharing = profit_sharing(practices, "lockstep", 0.5, 60_000.0, 150_000.0, 4, 5)
    alt = alt_text(explorer.chart.value)
    assert alt != old_alt
    assert alt == merger_alt(sharing, "shared in lockstep, reaching equal shares in year 4", "£150,000")
    assert read_table(explorer.table.value)[2] == merger_rows(merger_comparison(practices, 0.5, 0.0, 60_000.0))
    first = sharing[sharing["year"] == 1]
    np.testing.assert_allclose([b.get_width() for b in explorer.bars["apart"]], first["profit_per_partner_apart_gbp"])
    np.testing.assert_allclose([b.get_width() for b in explorer.bars[1]], first["profit_per_partner_merged_gbp"])
    np.testing.assert_allclose([b.get_width() for b in explorer.bars[5]], sharing[sharing["year"] == 5]["profit_per_partner_merged_gbp"])
    explorer.rule.value = "performance"
    assert alt_text(explorer.chart.value) == merger_alt(
        profit_sharing(practices, "performance", 0.5, 60_000.0, 150_000.0, 4, 5),
        "shared in proportion to what each practice earned apart", "£150,000")
    assert explorer.glide.disabled


def test_merger_chart_groups_three_bars_a_practice(practices):
    explorer = MergerExplorer(practices)
    axis = explorer.axis
    assert [t.get_text() for t in axis.get_yticklabels()] == [p.name for p in practices]
    centres = [[bar.get_y() + bar.get_height() / 2 for bar in explorer.bars[key]] for key in ("apart", 1, 5)]
    np.testing.assert_allclose(centres[1], range(len(practices)))
    np.testing.assert_allclose(np.array(centres[0]) + 0.26, centres[1])
    np.testing.assert_allclose(np.array(centres[2]) - 0.26, centres[1])
    assert alt_text(explorer.key.value) == "Key: Apart, Merged, year 1, Merged, year 5."
    every = [b.get_width() for bars in explorer.bars.values() for b in bars]
    assert min(every) > 0
    assert axis.get_xlim() == pytest.approx((-0.05 * max(every), max(every) * 1.05))


@pytest.mark.parametrize("rename", [
    {"Riverside Surgery": "Market Square Practice"},
    {"Riverside Surgery": "Merged partnership"},
    {"Riverside Surgery": "All practices apart"},
])
def test_merger_explorer_gives_the_sentence_for_a_bad_name(practices, rename):
    named = [p.with_changes(name=rename.get(p.name, p.name)) for p in practices]
    with pytest.raises(ValueError) as raised:
        merger_comparison(named)
    explorer = MergerExplorer(named)
    assert alert(explorer.table.value) == str(raised.value)
    assert not has_image(explorer.chart.value) and "<table" not in explorer.table.value
    explorer.practices = practices  # fixed: it recovers
    explorer.saving.value = 0.4
    assert has_image(explorer.chart.value) and "<table" in explorer.table.value


def test_merger_explorer_clears_a_stale_chart_when_a_rule_cannot_apply():
    losing = [AVERAGE_PRACTICE.with_changes(name=f"Practice {k}", variable_costs_gbp_per_patient=120.0) for k in "AB"]
    explorer = MergerExplorer(losing)
    assert has_image(explorer.chart.value)  # equal shares of a loss are still shares
    explorer.rule.value = "lockstep"
    with pytest.raises(ValueError) as raised:
        profit_sharing(losing, "lockstep", 0.3)
    assert alert(explorer.table.value) == str(raised.value)
    assert explorer.chart.value == ""
    explorer.rule.value = "equal"
    assert has_image(explorer.chart.value)
    merged = profit_sharing(losing, "equal", 0.3)
    every = [*merged["profit_per_partner_apart_gbp"], *merged["profit_per_partner_merged_gbp"]]
    assert max(every) < 0  # all losses: the axis runs from the largest loss to 0
    assert explorer.axis.get_xlim() == pytest.approx((1.05 * min(every), -0.05 * min(every)))
    assert isinstance(merger_explorer(losing), ipywidgets.VBox)


# ---- the last-partner-standing explorer -----------------------------------------------------------


@pytest.fixture(scope="module")
def pcn():
    return load_pcn_partners(), load_pcn_practices()


def by_hand(partners: pd.DataFrame, practices: pd.DataFrame, practice: str, retirement_age: int, years: int = 15,
            joining: float = 0.0) -> dict:
    """A practice's partners in post by year, and the first year one or none is left with a liability:
    a partner aged a in 2019 retires in the year 2019 + (retirement_age - a)."""
    ages = partners.loc[partners["practice"] == practice, "age"]
    place = practices.set_index("practice").loc[practice]
    in_post = {y: sum(2019 + (retirement_age - a) > y for a in ages) + joining * (y - 2019) for y in range(2019, 2019 + years + 1)}
    owed = {y: place["premises_liability_gbp"] * max(0.0, 1 - (y - 2019) / place["liability_years"]) for y in in_post}
    first = next((y for y in in_post if in_post[y] <= 1 and owed[y] > 0), None)
    return {"in_post": in_post, "first": first, "now": owed[2019] / in_post[2019] if in_post[2019] else math.inf}


def test_last_partner_table_shows_fen_views_first_year_by_hand(pcn):
    partners, practices = pcn
    explorer = LastPartnerExplorer(partners, practices)
    for age in (55, 60, 64, 68):
        explorer.retirement.value = age
        caption, header, rows = read_table(explorer.table.value)
        assert header == ["First year with one partner or none left", "Partners in post, 2024", "Partners in post, 2029",
                          "Premises liability per partner, 2019"]
        assert caption == f"When each practice has one partner or none left, partners retiring at {age} and 0 new partners joining each a year"
        for name in practices["practice"]:
            hand = by_hand(partners, practices, name, age)
            first = "not by 2034" if hand["first"] is None else str(hand["first"])
            now = "all of it, no partner left" if math.isinf(hand["now"]) else money(hand["now"])
            assert rows[name] == [first, count(hand["in_post"][2024]), count(hand["in_post"][2029]), now], (name, age)
    assert by_hand(partners, practices, FEN_VIEW, 60)["first"] is not None  # the case's point: Fen View runs out first
    assert math.isinf(by_hand(partners, practices, FEN_VIEW, 55)["now"])  # at 55, no partner is left even now


def test_last_partner_explorer_highlights_fen_view_and_recomputes(pcn):
    partners, practices = pcn
    explorer = LastPartnerExplorer(partners, practices)
    assert explorer.highlight.value == FEN_VIEW  # its partners are the oldest
    widths = {name: line.get_linewidth() for name, line in explorer.lines.items()}
    assert widths[FEN_VIEW] > max(w for name, w in widths.items() if name != FEN_VIEW)
    hand = by_hand(partners, practices, FEN_VIEW, 60)
    timeline = partners_and_liability_by_year(partners, practices, 2019, 15, 60, 0.0)
    values = timeline["liability_per_partner_gbp"]
    each = []
    for name in practices["practice"]:
        first = by_hand(partners, practices, name, 60)["first"]
        when = "not by 2034" if first is None else f"from {first}"
        each.append(f"{name}{' (highlighted)' if name == FEN_VIEW else ''}: one partner or none left {when}")
    assert alt_text(explorer.chart.value) == (
        "Line chart of premises liability per partner in post, one line per practice, 2019 to 2034, with partners "
        "retiring at 60 and 0 new partners a year. " + "; ".join(each) + f". The axis stops at "
        f"{money(1.1 * values[np.isfinite(values)].max())}; a year with no partner left is marked at the top."
    )
    assert plain(explorer.note.value) == (f"{FEN_VIEW}: {count(hand['in_post'][2019])} partners in post in 2019; "
                                          f"one partner or none left from {hand['first']}.")
    explorer.joining.value = 1.0
    explorer.years.value = 12
    joined = by_hand(partners, practices, FEN_VIEW, 60, years=12, joining=1.0)
    alt = alt_text(explorer.chart.value)
    assert "2019 to 2031, with partners retiring at 60 and 1 new partners a year." in alt
    assert read_table(explorer.table.value)[2][FEN_VIEW][1] == count(joined["in_post"][2024])
    assert explorer.axis.get_xlim() == (2019, 2031)
    explorer.highlight.value = "Droveway Medical Practice"
    assert "Droveway Medical Practice (highlighted)" in alt_text(explorer.chart.value)
    assert "Fen View Surgery (highlighted)" not in alt_text(explorer.chart.value)
    assert explorer.lines["Droveway Medical Practice"].get_linewidth() > explorer.lines[FEN_VIEW].get_linewidth()
    assert explorer.lines["Droveway Medical Practice"].get_zorder() > explorer.lines[FEN_VIEW].get_zorder()
    assert explorer.lines["Droveway Medical Practice"].get_alpha() > explorer.lines[FEN_VIEW].get_alpha()
    explorer.highlight.value = "Old School Health Centre"  # never down to one partner in these years
    assert by_hand(partners, practices, "Old School Health Centre", 60, years=12, joining=1.0)["first"] is None
    assert plain(explorer.note.value).endswith("one partner or none left not by 2031.")


def test_last_partner_chart_draws_each_practice_in_its_own_colour(pcn):
    partners, practices = pcn
    explorer = LastPartnerExplorer(partners, practices)
    colours = [to_rgba(line.get_color()) for line in explorer.lines.values()]
    assert len(set(colours)) == len(practices)
    for name, line in explorer.lines.items():  # a practice's markers are its line's colour
        assert to_rgba(explorer.one_left[name].get_color()) == to_rgba(line.get_color())
        assert to_rgba(explorer.none_left[name].get_color()) == to_rgba(line.get_color())
    assert explorer.one_left[FEN_VIEW].get_marker() != explorer.none_left[FEN_VIEW].get_marker()
    assert explorer.axis.get_ylabel() == "Premises liability per partner"
    labels = [*practices["practice"], "one partner left", "none left (off the scale)"]
    assert alt_text(explorer.key.value) == "Key: " + ", ".join(labels) + "."
    tick = explorer.axis.yaxis.get_major_formatter()
    assert [tick(v, 0) for v in (0, 500_000, 1_000_000, 1_500_000, 2_250_000)] == ["£0", "£500k", "£1.0m", "£1.5m", "£2.2m"]
    steps = np.diff(explorer.axis.get_yticks())
    assert set(np.round(steps)) == {500_000}  # £500k steps on the default axis, not £250k ones


def test_last_partner_chart_caps_the_axis_and_marks_the_last_partner(pcn):
    partners, practices = pcn
    explorer = LastPartnerExplorer(partners, practices)
    timeline = partners_and_liability_by_year(partners, practices, 2019, 15, 60, 0.0)
    values = timeline["liability_per_partner_gbp"]
    top = 1.1 * values[np.isfinite(values)].max()
    assert explorer.axis.get_ylim() == pytest.approx((0, top))
    assert f"The axis stops at {money(top)}; a year with no partner left is marked at the top." in alt_text(explorer.chart.value)
    for name, own in timeline.groupby("practice"):
        one = own[own["last_partner_standing"] & (own["partners_in_post"] > 0)]
        none = own[own["last_partner_standing"] & (own["partners_in_post"] <= 0)]
        assert list(explorer.one_left[name].get_xdata()) == list(one["year"])
        np.testing.assert_allclose(explorer.one_left[name].get_ydata(), one["liability_per_partner_gbp"])
        assert list(explorer.none_left[name].get_xdata()) == list(none["year"])
        np.testing.assert_allclose(explorer.none_left[name].get_ydata(), top)
        np.testing.assert_allclose(explorer.lines[name].get_ydata(), np.minimum(own["liability_per_partner_gbp"], top))
    assert len(explorer.none_left[FEN_VIEW].get_xdata()) > 0  # Fen View runs out of partners while it still owes


def test_last_partner_explorer_gives_the_sentence_and_recovers(pcn):
    partners, practices = pcn
    missing = practices[practices["practice"] != FEN_VIEW]
    with pytest.raises(ValueError) as raised:
        partners_and_liability_by_year(partners, missing)
    explorer = LastPartnerExplorer(partners, missing)  # the oldest partners' practice is missing
    assert explorer.highlight.value == "Riverside Surgery"  # so the first practice is highlighted
    assert explorer.highlight.description == "Highlight"
    assert alert(explorer.table.value) == str(raised.value)
    assert explorer.chart.value == "" and explorer.note.value == ""
    explorer.practices = practices  # fixed: it recovers
    explorer.retirement.value = 62
    assert has_image(explorer.chart.value) and FEN_VIEW in read_table(explorer.table.value)[2]
    widget = last_partner_explorer(partners, practices, highlight="Droveway Medical Practice")
    assert [c.value for c in widget.children if isinstance(c, ipywidgets.Dropdown)] == ["Droveway Medical Practice"]


# ---- what every explorer shares -------------------------------------------------------------------


@pytest.fixture  # one set per test: mutation testing then knows which tests reach which code
def explorers(practices, pcn):
    return {
        "partnership": PartnershipExplorer(AVERAGE_PRACTICE),
        "back office": BackOfficeExplorer(practices),
        "merger": MergerExplorer(practices),
        "last partner": LastPartnerExplorer(*pcn),
        "hospital flow": HospitalFlowExplorer(),
        "interventions": InterventionsExplorer(replications=10),
    }


def test_every_chart_and_key_is_the_same_width(explorers):
    widths = {name: png_size(e.chart.value)[0] for name, e in explorers.items()}
    widths |= {f"{name} key": png_size(e.key.value)[0] for name, e in explorers.items() if hasattr(e, "key")}
    assert len(widths) == 11 and len(set(widths.values())) == 1, widths  # they line up in the notebook


def test_a_key_is_as_tall_as_its_rows(explorers):
    one_row = png_size(explorers["merger"].key.value)[1]  # 3 entries in 3 columns
    three_rows = png_size(explorers["partnership"].key.value)[1]  # 11 entries in 4 columns
    assert three_rows - one_row == pytest.approx(2 * 0.22 * 96, abs=1)
    assert one_row == pytest.approx((0.22 + 0.1) * 96, abs=1)


def test_a_chart_grows_with_the_number_of_practices(practices):
    for explorer in (BackOfficeExplorer, MergerExplorer):
        heights = [png_size(explorer(practices[:n]).chart.value)[1] for n in (2, 3, 5)]
        assert heights[0] < heights[1] < heights[2]
        assert heights[2] - heights[1] == pytest.approx(2 * (heights[1] - heights[0]), abs=2)


def test_charts_are_drawn_once_and_then_only_moved(explorers):
    partnership, back_office, merger, last, flow, interventions = explorers.values()
    drawn = (dict(partnership.bars), list(back_office.bars), dict(merger.bars), dict(last.lines), dict(flow.bands),
             interventions.dots)
    partnership.sliders["partners"].value = 3.0
    back_office.saving.value = 0.4
    merger.saving.value = 0.6
    last.retirement.value = 63
    flow.sliders["home_care"].value = 250
    interventions.measure.value = "days_above_92"
    assert (partnership.bars, back_office.bars, merger.bars, last.lines, flow.bands, interventions.dots) == drawn
    assert all(a is b for a, b in zip(back_office.bars, drawn[1]))


def test_sliders_recompute_when_let_go_and_keep_their_width(explorers):
    sliders = [*explorers["partnership"].sliders.values(), explorers["partnership"].growth, explorers["partnership"].moved,
               explorers["back office"].saving, explorers["merger"].glide, explorers["last partner"].retirement,
               *explorers["hospital flow"].sliders.values()]
    for slider in sliders:
        assert slider.continuous_update is False
        assert slider.layout.width == "470px" and slider.style.description_width == "240px"
    partnership = explorers["partnership"]
    assert partnership.sliders["partners"].step == 0.25 and partnership.sliders["partners"].description == "Partners (FTE)"
    assert partnership.sliders["dispensing_patient_share"].readout_format == ".0%"
    assert partnership.gps_grow.description == "GPs grow with the list" and partnership.gps_grow.value is False
    last = explorers["last partner"]
    assert (last.retirement.min, last.retirement.max, last.years.min, last.years.max) == (55, 68, 10, 20)
    assert (last.joining.min, last.joining.max, last.joining.step) == (0.0, 1.0, 0.25)
    assert explorers["back office"].sharing.description == "Share the cost by"
    assert explorers["back office"].sharing.style.button_width == "auto"
    assert [label for label, _ in explorers["merger"].rule.options] == ["Equally", "Lockstep", "By performance"]


def test_a_slider_widens_below_its_usual_range_too():
    small = AVERAGE_PRACTICE.with_changes(registered_patients=600.0, partners=0.1)
    explorer = PartnershipExplorer(small)
    assert explorer.sliders["registered_patients"].min == 600.0 and explorer.sliders["registered_patients"].max == 60_000
    assert explorer.sliders["partners"].min == pytest.approx(0.1)  # still above 0
    assert explorer.practice() == small


def test_bar_charts_have_a_line_at_zero(explorers):
    for name in ("back office", "merger"):
        assert list(explorers[name].axis.lines[0].get_xdata()) == [0, 0], name
    assert explorers["back office"].axis.get_xlabel() == "Saving per partner (£ a year; below 0 pays more than alone)"
    assert explorers["merger"].axis.get_xlabel() == "Profit per partner (£ a year)"
    for name in ("back office", "merger"):
        assert explorers[name].axis.xaxis.get_major_formatter()(-1_500, 0) == "\u2212£1,500"
    assert explorers["partnership"].axis.get_xlabel() == "£ a year"


# ---- the law-firm explorer ------------------------------------------------------------------------


def test_firm_explorer_describes_the_chosen_firm():
    explorer = FirmFactorExplorer(load_law_firms())
    explorer.picker.value = "Firm 07"
    assert "Firm 07" in alt_text(explorer.chart.value)
    assert "2008/09" in explorer.numbers.value and "2018/19" in explorer.numbers.value
