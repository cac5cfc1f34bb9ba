"""The law-firm case: the five-factor identity, the calibrated panel, prices in real terms and the firm explorer.

Expected values come from theory, from the published figures (``market_figures.csv``, typed in from
the sources) or from a hand calculation on the data written out here, never from the code under test.
"""

import html.parser
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from academy import data
from academy.data import law_firms, schemas
from academy.data.prices import CPI_2015_100, to_real_gbp
from academy.models.law_firm_profit import (
    FACTORS,
    MAISTER_DRIVERS,
    factor_contributions,
    profit_per_partner_factors,
    profit_per_partner_from_factors,
)
from academy.widgets.law_firm_explorer import FirmFactorExplorer

ROOT = Path(__file__).resolve().parents[1]

# ONS CPI (D7BT, annual average, 2015 = 100), typed in here from the source for hand calculations.
CPI_2009, CPI_2019 = 86.6, 107.8

money = st.floats(1e3, 1e10)
counts = st.integers(1, 20_000)


def factors_row(margin, utilisation, realisation, standard_rate, leverage) -> pd.Series:
    return pd.Series(dict(zip(FACTORS, (margin, utilisation, realisation, standard_rate, leverage))))


# ---- the five-factor identity -------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(fees=money, margin=st.floats(-0.5, 0.9), hours_per_lawyer=st.floats(100, 3000), rate=st.floats(20, 2000),
       lawyers=counts, partner_share=st.floats(0.01, 1.0))
def test_five_factors_reproduce_profit_per_partner_exactly(fees, margin, hours_per_lawyer, rate, lawyers, partner_share):
    partners = max(1, int(lawyers * partner_share))
    hours = hours_per_lawyer * lawyers
    profit = fees * margin
    factors = profit_per_partner_factors(fees, profit, hours, rate, lawyers, partners)
    product = profit_per_partner_from_factors(*(factors[f].iloc[0] for f in FACTORS))
    assert math.isclose(product, profit / partners, rel_tol=1e-9, abs_tol=1e-6)


@given(factor=st.sampled_from(FACTORS), scale=st.floats(1.01, 3.0))
def test_profit_per_partner_rises_in_proportion_to_each_factor(factor, scale):
    base = {"margin": 0.3, "utilisation_hours_per_lawyer": 1400, "realisation": 0.9,
            "standard_rate_gbp_per_hour": 400, "leverage": 5}
    key = list(base)[FACTORS.index(factor)]
    raised = dict(base, **{key: base[key] * scale})
    if key == "margin":
        raised[key] = min(raised[key], 1.0)
    ratio = profit_per_partner_from_factors(**raised) / profit_per_partner_from_factors(**base)
    assert ratio == pytest.approx(raised[key] / base[key])


def test_factors_are_vectorised_over_a_table():
    table = pd.DataFrame({"fees": [1e8, 2e8], "profit": [3e7, 8e7], "hours": [2e5, 3e5], "rate": [400, 500],
                          "lawyers": [150, 200], "partners": [30, 25]})
    factors = profit_per_partner_factors(table.fees, table.profit, table.hours, table.rate, table.lawyers, table.partners)
    assert list(factors["profit_per_partner_gbp"]) == [1e6, 3.2e6]
    assert list(factors["leverage"]) == [5, 8]


def test_the_five_factors_expand_maisters_three_drivers():
    assert set(MAISTER_DRIVERS) == set(FACTORS)
    assert set(MAISTER_DRIVERS.values()) == {"margin", "productivity", "leverage"}
    assert [f for f in FACTORS if MAISTER_DRIVERS[f] == "productivity"] == ["utilisation", "realisation", "standard_rate"]


# ---- splitting a change among the factors -------------------------------------------------------

def test_contributions_split_the_log_change_exactly():
    start = profit_per_partner_factors(1e8, 3e7, 2e5, 400, 150, 30).iloc[0]
    end = profit_per_partner_factors(1.5e8, 5e7, 2.6e5, 480, 200, 32).iloc[0]
    shares = factor_contributions(start, end)
    assert shares.sum() == pytest.approx(1.0)
    expected_leverage = np.log(200 / 32 / 5) / np.log(end.profit_per_partner_gbp / start.profit_per_partner_gbp)
    assert shares["leverage"] == pytest.approx(expected_leverage)


def test_when_profit_falls_each_share_has_the_sign_of_its_own_change_times_the_total():
    # By hand: margin halves (log change -ln 2), the rate doubles (+ln 2), leverage halves (-ln 2);
    # utilisation and realisation stay put. Total -ln 2, so profit per partner halves, and the shares
    # are (-ln 2)/(-ln 2) = +1 for margin and leverage, (+ln 2)/(-ln 2) = -1 for the rate, 0 otherwise.
    start = factors_row(0.4, 1500, 0.9, 400, 6)
    end = factors_row(0.2, 1500, 0.9, 800, 3)
    shares = factor_contributions(start, end)
    assert shares.to_dict() == pytest.approx(
        {"margin": 1.0, "utilisation": 0.0, "realisation": 0.0, "standard_rate": -1.0, "leverage": 1.0}
    )
    assert shares.sum() == pytest.approx(1.0)


def test_a_fall_split_between_a_falling_margin_and_a_rising_rate():
    # Margin 0.30 -> 0.24 (x0.8), rate 400 -> 440 (x1.1): profit per partner x0.88, a fall.
    shares = factor_contributions(factors_row(0.30, 1400, 0.9, 400, 6), factors_row(0.24, 1400, 0.9, 440, 6))
    assert shares["margin"] == pytest.approx(math.log(0.8) / math.log(0.88))  # +1.746: it fell, as profit did
    assert shares["standard_rate"] == pytest.approx(math.log(1.1) / math.log(0.88))  # -0.746: it rose
    assert shares["margin"] > 1 and shares["standard_rate"] < 0
    assert shares.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("change, words", [
    ({"margin": -0.1}, "start must have every factor above 0.*margin is -0.1"),
    ({"standard_rate": 0.0}, "start must have every factor above 0.*standard_rate is 0"),
])
def test_a_split_needs_every_factor_above_zero(change, words):
    start = factors_row(0.3, 1400, 0.9, 400, 6)
    with pytest.raises(ValueError, match=words):
        factor_contributions(pd.Series({**start, **change}), start)


def test_no_change_has_nothing_to_split():
    row = factors_row(0.3, 1400, 0.9, 400, 6)
    with pytest.raises(ValueError, match="did not change"):
        factor_contributions(row, row)


@pytest.mark.parametrize("kwargs, words", [
    (dict(fee_income_gbp=-1), "fee_income_gbp must be above 0"),
    (dict(lawyers=0), "lawyers must be above 0"),
    (dict(equity_partners=0), "equity_partners must be above 0"),
    (dict(equity_partners=500), "equity_partners must be no more than lawyers"),
    (dict(standard_rate_gbp_per_hour=float("nan")), "standard_rate_gbp_per_hour must be a number"),
])
def test_bad_firm_inputs_are_named(kwargs, words):
    args = dict(fee_income_gbp=1e8, profit_gbp=3e7, billed_hours=2e5, standard_rate_gbp_per_hour=400,
                lawyers=150, equity_partners=30) | kwargs
    with pytest.raises(ValueError, match=words):
        profit_per_partner_factors(**args)


@pytest.mark.parametrize("kwargs, words", [
    (dict(margin=1.5), "margin must be a share between -1 and 1"),
    (dict(leverage=0.5), "leverage must be at least 1"),
    (dict(utilisation_hours_per_lawyer=9000), "between 0 and 8,760 hours"),
    (dict(realisation=0), "realisation must be above 0"),
])
def test_bad_factors_are_named(kwargs, words):
    args = dict(margin=0.3, utilisation_hours_per_lawyer=1400, realisation=0.9,
                standard_rate_gbp_per_hour=400, leverage=5) | kwargs
    with pytest.raises(ValueError, match=words):
        profit_per_partner_from_factors(**args)


# ---- the calibrated panel -----------------------------------------------------------------------

def published(measure: str, period: str, market: str = "UK top 50 law firms") -> float:
    figures = data.load_market_figures()
    row = figures[(figures["market"] == market) & (figures["measure"] == measure) & (figures["period"] == period)]
    assert len(row) == 1, f"market_figures.csv has no single row for {market}, {measure}, {period}"
    return float(row["value"].iloc[0])


def panel_summary(firms: pd.DataFrame) -> pd.DataFrame:
    firms = firms.assign(leverage=firms["lawyers"] / firms["equity_partners"],
                         share=firms["non_equity_partners"] / firms["partners"])
    by_year = firms.groupby("year")
    summary = by_year[["lawyers", "partners", "equity_partners", "non_equity_partners"]].sum()
    summary["mean_leverage"] = by_year["leverage"].mean()
    summary["mean_share"] = by_year["share"].mean()
    return summary


@pytest.mark.parametrize("panel", ["committed", "another seed"])
def test_panel_hits_the_published_totals_and_averages_of_firms_ratios(panel):
    firms = data.load_law_firms() if panel == "committed" else law_firms.generate_law_firms(seed=1)
    s = panel_summary(firms)
    # law.com, 11 March 2020: totals of non-equity partners; averages of the firms' shares.
    assert s.loc[2009, "non_equity_partners"] == published("non-equity partners", "2009")
    assert s.loc[2019, "non_equity_partners"] == published("non-equity partners", "2019")
    assert s.loc[2009, "mean_share"] == pytest.approx(published("average of firms' non-equity shares of partners", "2009"), abs=0.001)
    assert s.loc[2019, "mean_share"] == pytest.approx(published("average of firms' non-equity shares of partners", "2019"), abs=0.001)
    # law.com International, 28 September 2015: 2014/15 totals; averages of the firms' leverage.
    assert s.loc[2015, "lawyers"] == published("lawyers", "2014/15")
    assert s.loc[2015, "partners"] == published("partners", "2014/15")
    assert s.loc[2015, "equity_partners"] == published("equity partners", "2014/15")
    assert s.loc[2014, "mean_leverage"] == pytest.approx(published("average of firms' lawyers per equity partner", "2013/14"), abs=0.005)
    assert s.loc[2015, "mean_leverage"] == pytest.approx(published("average of firms' lawyers per equity partner", "2014/15"), abs=0.005)
    # The ratio of the totals is not the published average: 45,655 / 6,363 = 7.17.
    assert s.loc[2015, "lawyers"] / s.loc[2015, "equity_partners"] == pytest.approx(45_655 / 6_363)
    assert firms["firm"].nunique() == 50 and sorted(firms["year"].unique()) == list(range(2009, 2020))


def test_the_generators_assumptions_are_what_its_docstring_says():
    firms = data.load_law_firms()
    s = panel_summary(firms)
    assert (s["equity_partners"] == 6_363).all()  # held flat at 2014/15's count
    assert s.loc[2009, "mean_leverage"] == pytest.approx(5.5, abs=0.005)  # assumed
    assert s.loc[2019, "mean_leverage"] == pytest.approx(6.6, abs=0.005)  # assumed
    assert (firms["partners"] <= firms["lawyers"] / 2 + 1).all()  # partners at most half the lawyers (to rounding)
    all_equity = firms.groupby("firm")["non_equity_partners"].sum() == 0
    assert all_equity.sum() == 1


def test_largest_firms_profit_per_equity_partner_is_of_the_order_of_the_magic_circles():
    # Legal Cheek, July 2020: Linklaters GBP 1.61m, Allen & Overy GBP 1.63m per equity partner, 2019/20.
    last = data.load_law_firms().query("year == 2019")
    profit_per_partner = last["profit_gbp"] / last["equity_partners"]
    five_largest = profit_per_partner[last["lawyers"].nlargest(5).index]
    assert 1.2e6 <= five_largest.mean() <= 2.2e6
    assert profit_per_partner.max() <= 3e6


def test_in_real_terms_rates_barely_grew_and_leverage_carries_the_decade():
    firms = data.load_law_firms()
    by_year = firms.groupby("year")
    rate = (firms["standard_rate_gbp_per_hour"] * firms["billed_hours"]).groupby(firms["year"]).sum() / by_year["billed_hours"].sum()
    leverage = by_year["lawyers"].sum() / by_year["equity_partners"].sum()
    profit = by_year["profit_gbp"].sum() / by_year["equity_partners"].sum()
    real_rate_change = rate[2019] / (rate[2009] * CPI_2019 / CPI_2009) - 1
    real_profit_change = profit[2019] / (profit[2009] * CPI_2019 / CPI_2009) - 1
    assert abs(real_rate_change) < 0.05
    assert leverage[2019] / leverage[2009] - 1 > 0.15
    assert math.log(leverage[2019] / leverage[2009]) > 0.6 * math.log(1 + real_profit_change)


# ---- the schemas --------------------------------------------------------------------------------

def test_a_panel_with_no_lawyers_in_a_firm_fails_to_load(tmp_path, monkeypatch):
    broken = data.load_law_firms()
    broken.loc[0, ["lawyers", "partners", "equity_partners", "non_equity_partners"]] = [0, 0, 0, 0]
    broken.to_csv(tmp_path / "uk_law_firms.csv", index=False)
    monkeypatch.setattr(data, "LAW_FIRM_DATA", tmp_path)
    with pytest.raises(ValueError, match=r"uk_law_firms.csv does not match its schema: Column 'lawyers'.*greater_than\(0\)"):
        data.load_law_firms()


def test_a_firm_of_one_lawyer_who_is_its_equity_partner_passes():
    one = data.load_law_firms().head(1).assign(lawyers=1, partners=1, equity_partners=1, non_equity_partners=0)
    assert len(schemas.LAW_FIRMS.validate(one)) == 1


@pytest.mark.parametrize("column, value", [("partners", 10_000), ("non_equity_partners", -1), ("equity_partners", 0)])
def test_the_panel_schema_rejects_impossible_partner_counts(column, value):
    broken = data.load_law_firms()
    broken.loc[0, column] = value
    with pytest.raises(Exception):
        schemas.LAW_FIRMS.validate(broken)


def test_market_figures_hold_one_figure_per_measure_and_period():
    figures = data.load_market_figures()
    with pytest.raises(Exception, match="one published figure per market, measure and period"):
        schemas.MARKET_FIGURES.validate(pd.concat([figures, figures.head(1)], ignore_index=True))


def test_published_shares_are_labelled_as_averages_of_firms_shares():
    figures = data.load_market_figures()
    lawcom = figures[(figures["source_key"] == "lawcom2020") & (figures["unit"] == "share")]
    assert len(lawcom) == 4 and lawcom["measure"].str.startswith("average of firms'").all()


# ---- prices -------------------------------------------------------------------------------------

def test_real_terms_by_hand():
    assert to_real_gbp(100.0, 2009) == pytest.approx(100 * CPI_2019 / CPI_2009)  # GBP 124.48 in 2019 prices
    assert to_real_gbp(100.0, 2019) == pytest.approx(100.0)
    assert to_real_gbp(100.0, 2019, base_year=2015) == pytest.approx(100 * 100.0 / CPI_2019)
    real = to_real_gbp(pd.Series([100.0, 200.0], index=[7, 9], name="x"), [2009, 2019])
    assert list(real.index) == [7, 9] and real.name == "x"
    assert list(real) == pytest.approx([100 * CPI_2019 / CPI_2009, 200.0])


def test_cpi_matches_the_published_annual_inflation_rates():
    # ONS CPI annual rate (D7G7), % a year: an independent check on the index typed into prices.py.
    rates = {2009: 2.2, 2010: 3.3, 2011: 4.5, 2012: 2.8, 2013: 2.6, 2014: 1.5, 2015: 0.0, 2016: 0.7,
             2017: 2.7, 2018: 2.5, 2019: 1.8}
    for year, rate in rates.items():
        assert CPI_2015_100[year] / CPI_2015_100[year - 1] - 1 == pytest.approx(rate / 100, abs=0.002), year
    assert CPI_2015_100[2015] == 100.0


@pytest.mark.parametrize("kwargs, words", [
    (dict(values_gbp=1.0, years=2030), "years must lie between 2008 and 2022"),
    (dict(values_gbp=1.0, years=2019, base_year=1990), "base_year must lie between 2008 and 2022"),
    (dict(values_gbp=1.0, years=2019.5), "years must be whole calendar years"),
    (dict(values_gbp=[1.0, 2.0, 3.0], years=[2009, 2010]), "values_gbp and years must be the same length"),
])
def test_bad_years_are_named(kwargs, words):
    with pytest.raises(ValueError, match=words):
        to_real_gbp(**kwargs)


# ---- the firm explorer --------------------------------------------------------------------------

class _Table(html.parser.HTMLParser):
    """Read an HTML table into {row name: [cell texts]}, with the header row under the name ''."""

    def __init__(self, text: str):
        super().__init__()
        self.rows, self._row, self._cell = {}, None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_data(self, text):
        if self._cell is not None:
            self._cell += text

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row:
            self.rows[self._row[0]] = self._row[1:]
            self._row = None


def number(text: str) -> float:
    return float(re.sub(r"[£,]", "", text))


def test_firm_explorer_shows_the_earliest_year_first_and_both_kinds_of_money():
    firms = pd.read_csv(ROOT / "case_studies" / "law_firm_scale" / "data" / "uk_law_firms.csv")
    mine = firms[firms["firm"] == "Firm 07"].set_index("year")
    first, last = mine.loc[2009], mine.loc[2019]
    explorer = FirmFactorExplorer(data.load_law_firms())
    explorer.picker.value = "Firm 07"
    rows = _Table(explorer.numbers.value).rows
    assert rows[""][:2] == ["2008/09", "2018/19"]
    leverage = rows["Leverage (lawyers per equity partner)"]
    assert number(leverage[0]) == pytest.approx(first["lawyers"] / first["equity_partners"], abs=0.005)
    assert number(leverage[1]) == pytest.approx(last["lawyers"] / last["equity_partners"], abs=0.005)
    assert number(rows["Margin (profit / fees)"][0]) == pytest.approx(first["profit_gbp"] / first["fee_income_gbp"], abs=0.005)
    nominal = rows["Profit per equity partner (£, money of the day)"]
    assert number(nominal[0]) == pytest.approx(first["profit_gbp"] / first["equity_partners"], abs=0.5)
    assert number(nominal[1]) == pytest.approx(last["profit_gbp"] / last["equity_partners"], abs=0.5)
    real = rows["Profit per equity partner (£, 2018/19 prices)"]
    assert number(real[0]) == pytest.approx(first["profit_gbp"] / first["equity_partners"] * CPI_2019 / CPI_2009, abs=0.5)
    assert number(real[1]) == pytest.approx(last["profit_gbp"] / last["equity_partners"], abs=0.5)


@pytest.mark.parametrize("money", ["real", "nominal"])
def test_firm_explorer_chart_names_the_factor_that_moved_profit_most(money):
    firms = pd.read_csv(ROOT / "case_studies" / "law_firm_scale" / "data" / "uk_law_firms.csv")
    first, last = (firms[(firms["firm"] == "Firm 07") & (firms["year"] == y)].iloc[0] for y in (2009, 2019))
    deflator = CPI_2019 / CPI_2009 if money == "real" else 1.0

    def log_change(numerator, denominator=lambda r: 1.0):
        return math.log((numerator(last) / denominator(last)) / (numerator(first) / denominator(first)))

    logs = {
        "margin": log_change(lambda r: r["profit_gbp"], lambda r: r["fee_income_gbp"]),
        "utilisation": log_change(lambda r: r["billed_hours"], lambda r: r["lawyers"]),
        "realisation": log_change(lambda r: r["fee_income_gbp"], lambda r: r["billed_hours"] * r["standard_rate_gbp_per_hour"]),
        "standard rate": log_change(lambda r: r["standard_rate_gbp_per_hour"]) - math.log(deflator),
        "leverage": log_change(lambda r: r["lawyers"], lambda r: r["equity_partners"]),
    }
    total = sum(logs.values())
    biggest = max(logs, key=lambda k: abs(logs[k]))
    explorer = FirmFactorExplorer(data.load_law_firms())
    explorer.picker.value = "Firm 07"
    explorer.money.value = money
    alt = re.search(r'alt="([^"]+)"', explorer.chart.value).group(1)
    assert f"the largest is {biggest} at {logs[biggest] / total:.0%}" in alt
    assert ("real terms" in alt) == (money == "real")


# ---- the teaching notebook's law-firm section -----------------------------------------------------

def test_the_notebook_attributes_the_five_factors_to_an_expansion_of_maisters_three_drivers():
    text = (ROOT / "notebooks" / "law_firm_scale.md").read_text()
    section = text[: text.index("## A GP partnership's accounts")]
    assert "expansion of" in section and "three drivers" in section
    assert "Maister's five" not in section and "Maister's decomposition" not in section
