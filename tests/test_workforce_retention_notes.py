"""The facilitator notes for the workforce-retention case quote the models in one section, "Figures from the
model": they must be the models' numbers (and the staff records' as the models read them), computed here,
never copied. Where a figure can be worked out by hand (turnover and stability by counting people, the
cover premium, the GPs needed) the test does that too. The exercise's answers (its solutions, and the
notes' answer key) must still follow from the models, so that a change to a model or to the data shows up
here rather than as a wrong mark for a delegate."""

import re
from dataclasses import replace
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from test_facilitator_notes import figures_section, solutions, subsection, table_rows  # the notes readers every case shares

from academy.course.checks import number_key
from academy.data import load_staff_records
from academy.models.retention_costs import (
    RetentionCosts, cost_of_a_leaver_gbp, cover_premium_gbp_per_fte_year, lever_appraisal,
)
from academy.models.staff_retention import median_tenure_years, retention_curves, turnover_and_stability
from academy.models.workforce_projection import (
    GP_ROLES, LEVERS, Workforce, fte_quantiles, fte_runs, gp_fte_needed, project_workforce,
    steady_state_headcount, with_levers,
)

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "book" / "facilitator" / "workforce_retention.md"
EXERCISE = ROOT / "exercises" / "source" / "workforce_retention" / "workforce_retention.ipynb"
# As the notes say, and as the exercise runs the models.
CENSUS, YEAR_BEFORE = pd.Timestamp("2019-09-30"), pd.Timestamp("2018-09-30")
YEARS, RUNS, UNCERTAINTY, SEED = 10, 1_000, 0.25, 2019
LOCUM_RATES = (300, 350, 400)
BUDGET_GBP_PER_YEAR = 60_000
MINUS = "\N{MINUS SIGN}"
ROLE_ROWS = {"gp_partner": "GP partners", "salaried_gp": "salaried GPs", "practice_nurse": "practice nurses"}
BUNDLES = {  # the notes' names for the bundles
    "First-five and retainer": ("first_five", "retainer"),
    "First-five and nurse development": ("first_five", "nurse_development"),
    "First-five and older GPs part time": ("first_five", "older_part_time"),
    "Flexible roles and first-five": ("flexible_roles", "first_five"),
    "First-five, retainer and nurse development": ("first_five", "retainer", "nurse_development"),
    "First-five, retainer and older GPs part time": ("first_five", "retainer", "older_part_time"),
    "First-five, older GPs part time and nurse development": ("first_five", "older_part_time", "nurse_development"),
    "Flexible roles, first-five and retainer": ("flexible_roles", "first_five", "retainer"),
    "All five (over the budget)": tuple(LEVERS),
}


@pytest.fixture(scope="module")
def figures() -> str:
    return figures_section(NOTES)


@pytest.fixture(scope="module")
def staff() -> pd.DataFrame:
    return load_staff_records()


@pytest.fixture(scope="module")
def exercise():
    return nbformat.read(EXERCISE, as_version=4)


@pytest.fixture(scope="module")
def appraisals() -> dict[int, pd.DataFrame]:
    """Each lever's appraisal at each locum rate, by the lever's key."""
    return {rate: lever_appraisal(Workforce(), costs=replace(RetentionCosts(), locum_gbp_per_session=rate), years=YEARS)
            .set_index("lever") for rate in LOCUM_RATES}


@pytest.fixture(scope="module")
def gp_kept() -> dict[str, pd.DataFrame]:
    """Each lever's extra GP headcount and FTE, year by year, against the projection without it."""
    without = gp_totals(Workforce())
    return {name: gp_totals(with_levers(Workforce(), [name])) - without for name in LEVERS}


def gp_totals(workforce: Workforce) -> pd.DataFrame:
    projection = project_workforce(workforce, YEARS)
    return projection[projection["role"].isin(GP_ROLES)].groupby("year")[["headcount", "fte"]].sum()


def fte_years(workforce: Workforce) -> tuple[float, float]:
    """GP and nurse FTE added up over years 1 to 10."""
    projection = project_workforce(workforce, YEARS)
    later = projection[projection["year"] > 0]
    is_gp = later["role"].isin(GP_ROLES)
    return later[is_gp]["fte"].sum(), later[~is_gp]["fte"].sum()


def pounds(value: float) -> str:
    text = f"£{abs(round(value)):,.0f}"
    return MINUS + text if round(value) < 0 else text


def one(value: float) -> str:
    """To one decimal place, with a true minus sign."""
    return f"{value:.1f}".replace("-", MINUS)


def signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", MINUS)


def by_hand_last_year(staff: pd.DataFrame, role: str | None = None) -> dict[str, float]:
    """Turnover and stability in the year to the census, by counting people: no model function."""
    people = staff if role is None else staff[staff["role"] == role]
    start, end = people["start_date"], people["end_date"]
    at_start = (start <= YEAR_BEFORE) & (end.isna() | (end > YEAR_BEFORE))
    at_end = (start <= CENSUS) & (end.isna() | (end > CENSUS))
    left = (end > YEAR_BEFORE) & (end <= CENSUS)
    return {"at_start": at_start.sum(), "stayed": (at_start & at_end).sum(), "leavers": left.sum(),
            "joined_and_left": (left & ~at_start).sum(),
            "turnover": left.sum() / ((at_start.sum() + at_end.sum()) / 2),
            "stability": (at_start & at_end).sum() / at_start.sum()}


def still_in_post(curves: pd.DataFrame, group: str, years: float) -> float:
    curve = curves[curves["group"] == group]
    return float(curve[curve["years"] <= years]["still_in_post"].iloc[-1])


def test_the_staff_records_are_the_models(figures, staff):
    rows = {k: v[1] for k, v in table_rows(subsection(figures, "### The staff records"), 2).items()}
    last = turnover_and_stability(staff, census_date=CENSUS, years=1).iloc[0]
    hand = by_hand_last_year(staff)
    assert last["turnover"] == pytest.approx(hand["turnover"]) and last["stability"] == pytest.approx(hand["stability"])
    by_role = turnover_and_stability(staff, census_date=CENSUS, years=1, by="role").set_index("role")
    ten = turnover_and_stability(staff, census_date=CENSUS, years=YEARS)
    medians = median_tenure_years(staff).set_index("group")["median_years"]
    by_age = median_tenure_years(staff, by="age_group_at_start").set_index("group")["median_years"]
    curves = retention_curves(staff)
    in_2017 = ten[ten["year_ending"] == pd.Timestamp("2017-09-30")].iloc[0]
    expected = {
        "People in the records, April 2009 to 30 September 2019": f"{len(staff)}",
        "Of whom in post on 30 September 2019": f"{staff['end_date'].isna().sum()}",
        "Turnover in the year to 30 September 2019, all roles": f"{hand['turnover']:.1%}",
        "Stability in the same year, all roles": f"{hand['stability']:.1%}",
        "In post at the start of that year, and still in post at its end": f"{hand['at_start']}; {hand['stayed']}",
        "Turnover and stability, the mean of the ten years": f"{ten['turnover'].mean():.1%}; {ten['stability'].mean():.1%}",
        "Turnover and stability in the year to 30 September 2017": f"{in_2017['turnover']:.1%}; {in_2017['stability']:.1%}",
        "Median tenure by age at start: under 35; 35 to 49; 50 and over":
            "; ".join(one(by_age[group]) for group in ("under 35", "35 to 49", "50 and over")) + " years",
        "Salaried GPs still in post one year and two years after starting":
            f"{still_in_post(curves, 'salaried_gp', 1):.0%}; {still_in_post(curves, 'salaried_gp', 2):.0%}",
    }
    for role, words in ROLE_ROWS.items():
        row = by_role.loc[role]
        assert row["stability"] == pytest.approx(by_hand_last_year(staff, role)["stability"]), role
        expected[f"Turnover and stability in that year: {words}"] = f"{row['turnover']:.1%}; {row['stability']:.1%}"
        expected[f"Median tenure (Kaplan-Meier): {words}"] = f"{one(medians[role])} years"
    assert {k: rows[k] for k in expected} == expected


def test_the_projection_is_the_models(figures):
    rows = table_rows(subsection(figures, "### The next ten years"), 4)
    workforce = Workforce()
    projection = project_workforce(workforce, YEARS)
    by_role = projection.groupby(["year", "role"])[["headcount", "fte"]].sum().unstack("role")
    gps = gp_totals(workforce)
    needed = workforce.patients * (1 + workforce.patient_growth) ** np.arange(YEARS + 1) / workforce.patients_per_fte_gp
    assert needed == pytest.approx(gp_fte_needed(workforce, YEARS))  # by hand: patients, growing, over 2,119 each
    fan = fte_quantiles(fte_runs(workforce, YEARS, RUNS, UNCERTAINTY, SEED), GP_ROLES, workforce).set_index("year")
    series = {
        "GP partners (people)": by_role[("headcount", "gp_partner")],
        "Salaried GPs (people)": by_role[("headcount", "salaried_gp")],
        "All GPs (people)": gps["headcount"],
        "All GPs (FTE)": gps["fte"],
        "GP FTE needed": pd.Series(needed),
        "Gap: GP FTE needed less GP FTE in post": needed - gps["fte"],
        "GP FTE, the lowest 5% of runs below": fan["q05"],
        "GP FTE, the middle run": fan["q50"],
        "GP FTE, the top 5% of runs above": fan["q95"],
        "Practice nurses (people)": by_role[("headcount", "practice_nurse")],
        "Practice nurses (FTE)": by_role[("fte", "practice_nurse")],
    }
    for label, values in series.items():
        assert rows[label][1:] == [one(values[year]) for year in (0, 5, 10)], label
    per_gp = gps["fte"] / gps["headcount"]
    assert rows["FTE per GP"][1:] == [f"{per_gp[year]:.2f}" for year in (0, 5, 10)]
    # Year 0 is the census: 13 partners, 10 salaried GPs and 14 nurses; 23 GPs at 17.0 FTE (the case's Exhibit 2).
    assert [rows[k][1] for k in ("GP partners (people)", "Salaried GPs (people)", "Practice nurses (people)",
                                 "All GPs (FTE)")] == ["13.0", "10.0", "14.0", "17.0"]
    steady = steady_state_headcount(workforce).groupby("role")["headcount"].sum()
    sentence = " ".join(subsection(figures, "### The next ten years").split())
    assert (f"{steady['gp_partner']:.1f} GP partners, {steady['salaried_gp']:.1f} salaried GPs and "
            f"{steady['practice_nurse']:.1f} practice nurses") in sentence


def test_what_a_leaver_costs_is_the_models(figures):
    rows = {k: v[1] for k, v in table_rows(subsection(figures, "### What a GP leaving costs"), 2).items() if k != "figure"}
    costs = RetentionCosts()

    def premium_by_hand(rate):  # a locum's 9 sessions for 42 weeks, less a salaried GP's pay and 26% on-costs
        return rate * 9 * 42 - 73_776 * 1.26

    for rate in LOCUM_RATES:
        assert premium_by_hand(rate) == pytest.approx(
            cover_premium_gbp_per_fte_year(replace(costs, locum_gbp_per_session=rate)))
    leaver = cost_of_a_leaver_gbp(costs).set_index("item")["cost_gbp"]
    practice = premium_by_hand(350) * 6 / 12 + 8_000  # six months' premium and a recruitment round
    assert practice == pytest.approx(leaver["vacancy_cover"] + leaver["recruitment"])
    assert rows == {
        "The cover premium for a full-time GP post, a year, at £350 a session": pounds(premium_by_hand(350)),
        "The cover premium at £300 and at £400 a session": f"{pounds(premium_by_hand(300))}; {pounds(premium_by_hand(400))}",
        "What one full-time GP leaving costs the practice: six months' cover premium and a recruitment round":
            pounds(practice),
        "The same with the NHS's cost of training a doctor": pounds(practice + 230_000),
    }


def test_the_five_levers_are_the_models(figures, appraisals, gp_kept):
    rows = table_rows(subsection(figures, "### The five levers"), 11)
    central = appraisals[350]
    assert set(rows) - {"lever"} == set(central["label"])
    for name, lever in central.iterrows():
        row = rows[lever["label"]]
        kept = gp_kept[name]
        assert row[1:] == [
            pounds(lever["cost_gbp"] / YEARS),
            one(kept["headcount"].loc[1:].sum()),
            one(lever["gp_fte_years_kept"]),
            signed(kept["fte"].loc[1]),
            one(lever["nurse_fte_years_kept"]),
            one(lever["leavers_avoided"]),
            one(lever["break_even_fte_years"]),
            *[pounds(appraisals[rate].loc[name, "net_gbp"]) for rate in LOCUM_RATES],
        ], name
        assert kept["fte"].loc[1:].sum() == pytest.approx(lever["gp_fte_years_kept"])  # the two ways agree


def test_the_bundles_are_the_models(figures, appraisals):
    rows = table_rows(subsection(figures, "### Bundles within the £60,000 a year"), 5)
    assert set(rows) - {"bundle"} == set(BUNDLES)
    central = appraisals[350]
    gp_without, nurse_without = fte_years(Workforce())
    for label, levers in BUNDLES.items():
        cost = central.loc[list(levers), "cost_gbp"].sum() / YEARS
        gp, nurse = fte_years(with_levers(Workforce(), levers))
        assert rows[label][1:] == [pounds(cost), one(gp - gp_without), one(nurse - nurse_without),
                                   pounds(central.loc[list(levers), "net_gbp"].sum())], label
        assert (cost <= BUDGET_GBP_PER_YEAR) == ("over the budget" not in label), label


def test_the_role_card_figures_are_the_models(figures, staff, appraisals, gp_kept):
    table = table_rows(subsection(figures, "### Role-card figures"), 3)
    rows = {k: v[2] for k, v in table.items() if k != "figure"}
    workforce, costs = Workforce(), RetentionCosts()
    central = appraisals[350]
    by_role = turnover_and_stability(staff, census_date=CENSUS, years=1, by="role").set_index("role")
    last = by_hand_last_year(staff)
    medians = median_tenure_years(staff).set_index("group")["median_years"]
    gps = gp_totals(workforce)
    partners = project_workforce(workforce, YEARS).query("role == 'gp_partner'").groupby("year")["headcount"].sum()
    needed = gp_fte_needed(workforce, YEARS)
    fan = fte_quantiles(fte_runs(workforce, YEARS, RUNS, UNCERTAINTY, SEED), GP_ROLES, workforce).set_index("year")
    leaver = cost_of_a_leaver_gbp(costs).set_index("item")["cost_gbp"]
    premiums = [cover_premium_gbp_per_fte_year(replace(costs, locum_gbp_per_session=rate)) for rate in LOCUM_RATES]
    older, first, flexible = gp_kept["older_part_time"], central.loc["first_five"], central.loc["flexible_roles"]
    assert rows == {
        "Support for older GPs to stay part time: GP headcount-years and FTE-years kept, change in GP FTE after one year":
            f"{one(older['headcount'].loc[1:].sum())}; {one(older['fte'].loc[1:].sum())}; {signed(older['fte'].loc[1])}",
        "GP partners now and in ten years if nothing changes": f"{one(partners[0])}; {one(partners[YEARS])}",
        "Salaried GPs' median tenure, and the share still in post a year after starting":
            f"{one(medians['salaried_gp'])} years; {still_in_post(retention_curves(staff), 'salaried_gp', 1):.0%}",
        "The first-five scheme: GP FTE-years kept, break-even, net gain":
            f"{one(first['gp_fte_years_kept'])}; {one(first['break_even_fte_years'])}; {pounds(first['net_gbp'])}",
        "Practice nurses' stability last year, and their median tenure":
            f"{by_role.loc['practice_nurse', 'stability']:.1%}; {one(medians['practice_nurse'])} years",
        "Practice nurse development: nurse FTE-years kept, net gain":
            f"{one(central.loc['nurse_development', 'nurse_fte_years_kept'])}; {pounds(central.loc['nurse_development', 'net_gbp'])}",
        "Turnover and stability last year, all roles": f"{last['turnover']:.1%}; {last['stability']:.1%}",
        "What a GP leaving costs the practice; the cover premium a year":
            f"{pounds(leaver['vacancy_cover'] + leaver['recruitment'])}; {pounds(premiums[1])}",
        "The cover premium at £300, £350 and £400 a session": "; ".join(pounds(p) for p in premiums),
        "Flexible and portfolio roles: GP FTE-years kept, net gain at £300 and £350 a session":
            f"{one(flexible['gp_fte_years_kept'])}; {pounds(appraisals[300].loc['flexible_roles', 'net_gbp'])}; "
            f"{pounds(flexible['net_gbp'])}",
        "GP FTE needed less GP FTE in post, now and in ten years":
            f"{one(needed[0] - gps['fte'][0])}; {one(needed[YEARS] - gps['fte'][YEARS])}",
        "The top 5% of runs, and the GP FTE needed, in ten years": f"{one(fan.loc[YEARS, 'q95'])}; {one(needed[YEARS])}",
    }
    cards = {v[1] for v in table.values()} - {"card"}
    role_cards = NOTES.read_text().split("## Role cards")[1].split("\n## ")[0]
    assert len(cards) == 6 and all(re.search(rf"\*\*(Dr )?{card},", role_cards) for card in cards), cards


def test_the_exercise_answers_are_the_models(figures, staff, exercise):
    workforce = Workforce()
    last = by_hand_last_year(staff)
    medians = median_tenure_years(staff).set_index("group")["median_years"]
    gps = gp_totals(workforce)
    needed = gp_fte_needed(workforce, YEARS)
    leaver = cost_of_a_leaver_gbp(RetentionCosts()).set_index("item")["cost_gbp"]
    answers = {  # question: (the model's value, the decimals the question asks for)
        "q1": (last["stability"], 2),
        "q3": (medians["salaried_gp"], 1),
        "q5": (needed[YEARS] - gps["fte"][YEARS], 1),
        "q8": (leaver["vacancy_cover"] + leaver["recruitment"], -3),
    }
    rows = table_rows(subsection(figures, "### The exercise's answers"), 3)
    solved = solutions(exercise)
    for question, (value, decimals) in answers.items():
        key = number_key(value, decimals)
        assert solved[question] == key, f"the exercise's solution to {question} is stale"
        assert rows[question][1].replace(",", "") == key, question
    # Delegates read rounded tables: the answer from the numbers as shown must round the same way.
    assert number_key(round(last["stability"], 3), 2) == solved["q1"]  # shown as 83.7%
    assert number_key(round(leaver["vacancy_cover"]) + round(leaver["recruitment"]), -3) == solved["q8"]
    assert rows["q1"][2] == f"{last['stayed']} of the {last['at_start']} in post on 30 September 2018 still in post a year later"
    assert rows["q3"][2] == f"the salaried GPs' Kaplan-Meier median, {medians['salaried_gp']:.2f} years"
    assert rows["q5"][2] == f"{needed[YEARS]:.2f} GP FTE needed less {gps['fte'][YEARS]:.2f} in post in year 10"
    assert rows["q8"][2] == (f"{pounds(leaver['vacancy_cover'])} of cover premium and {pounds(leaver['recruitment'])} "
                             f"of recruitment: {pounds(leaver['vacancy_cover'] + leaver['recruitment'])}")


def test_the_letter_answers_still_follow_from_the_models(figures, staff, appraisals, gp_kept, exercise):
    solved = solutions(exercise)
    key = NOTES.read_text().split("## Answers to the autograded questions")[1].split("\n## ")[0]
    for question in ("q2", "q4", "q6", "q7", "q9", "q10", "q11", "q12"):
        assert f"**Question {question[1:]}: {solved[question]}.**" in key, f"the notes' answer to {question} is not the exercise's"
    workforce = Workforce()
    # q2 (B): much the same turnover in each role (about one in five); the partners' and the nurses'
    # stability lowest, nearly one in five of them gone; one of the salaried GPs who left joined that year.
    by_role = {role: by_hand_last_year(staff, role) for role in ROLE_ROWS}
    assert all(0.18 <= r["turnover"] <= 0.22 for r in by_role.values())
    lowest = sorted(by_role, key=lambda role: by_role[role]["stability"])
    assert set(lowest[:2]) == {"gp_partner", "practice_nurse"}
    assert all(0.15 <= 1 - by_role[role]["stability"] < 0.2 for role in lowest[:2])
    assert (by_role["salaried_gp"]["leavers"], by_role["salaried_gp"]["joined_and_left"]) == (2, 1)
    # q6 (B): GP headcount rises by more than three while GP FTE barely moves and the need grows; the extra
    # GPs are salaried, who work fewer sessions a head than partners, and everyone drifts to part time.
    projection = project_workforce(workforce, YEARS)
    gps = gp_totals(workforce)
    needed = gp_fte_needed(workforce, YEARS)
    assert gps["headcount"][YEARS] - gps["headcount"][0] > 3 and abs(gps["fte"][YEARS] - gps["fte"][0]) < 0.5
    assert needed[YEARS] - needed[0] > 1
    heads = projection.groupby(["year", "role"])[["headcount", "fte"]].sum()
    per_head = heads["fte"] / heads["headcount"]
    salaried_growth = heads.loc[(YEARS, "salaried_gp"), "headcount"] - heads.loc[(0, "salaried_gp"), "headcount"]
    assert salaried_growth >= gps["headcount"][YEARS] - gps["headcount"][0]  # nearly all (here all) the extra GPs
    assert per_head[(0, "salaried_gp")] < per_head[(0, "gp_partner")] and workforce.part_time_drift > 0
    # q7 (B): even the top 5% of runs is below the need in year 10 (and in every year: "the whole fan lies
    # below the need", as the notes say).
    fan = fte_quantiles(fte_runs(workforce, YEARS, RUNS, UNCERTAINTY, SEED), GP_ROLES, workforce)
    assert fan["q95"].iloc[YEARS] < needed[YEARS] and (fan["q95"] < needed).all()
    # q9 (A): support for older GPs keeps more GP headcount-years than flexible roles, the fewest GP FTE-years
    # of the levers for GPs, and leaves fewer GP FTE after one year; it cuts the FTE per head of everyone it
    # reaches.
    central = appraisals[350]
    for_gps = [name for name, lever in LEVERS.items() if set(lever.roles) & set(GP_ROLES)]
    headcount_years = {name: gp_kept[name]["headcount"].loc[1:].sum() for name in LEVERS}
    assert headcount_years["older_part_time"] > headcount_years["flexible_roles"]
    assert central.loc[for_gps, "gp_fte_years_kept"].idxmin() == "older_part_time"
    assert gp_kept["older_part_time"]["fte"].loc[1] < 0 and LEVERS["older_part_time"].fte_per_head_change < 0
    # q10 (B): the retainer scheme has the lowest break-even of the levers for GPs and pays for itself; the
    # first-five scheme keeps about three times its break-even, the widest margin, and has the largest net
    # gain; support for older GPs keeps more headcount-years than flexible roles but loses money.
    margin = central.loc[for_gps, "gp_fte_years_kept"] - central.loc[for_gps, "break_even_fte_years"]
    assert central.loc[for_gps, "break_even_fte_years"].idxmin() == "retainer" and central.loc["retainer", "net_gbp"] > 0
    assert margin.idxmax() == "first_five" and central["net_gbp"].idxmax() == "first_five"
    assert 2.5 <= central.loc["first_five", "gp_fte_years_kept"] / central.loc["first_five", "break_even_fte_years"] < 3.5
    assert central.loc["older_part_time", "net_gbp"] < 0
    # q11 (A): flexible roles and support for older GPs lose money at £300 a session and pay at £400; the
    # first-five scheme pays at all three rates; the nurse lever's verdict does not move.
    for name in ("flexible_roles", "older_part_time"):
        assert appraisals[300].loc[name, "net_gbp"] < 0 < appraisals[400].loc[name, "net_gbp"], name
    assert all(appraisals[rate].loc["first_five", "net_gbp"] > 0 for rate in LOCUM_RATES)
    nurse = [appraisals[rate].loc["nurse_development", "net_gbp"] for rate in LOCUM_RATES]
    assert nurse[0] == pytest.approx(nurse[2]) and nurse[2] < 0
    # q12 (A): B, C and D are in the model: part-time working, over-60s leaving, the cover premium.
    assert workforce.part_time_drift > 0 and min(row[-1] for row in workforce.leaver_rates) >= 0.2
    assert cover_premium_gbp_per_fte_year(RetentionCosts()) > 0
    # The paragraph under the answers quotes the same figures.
    paragraph = " ".join(subsection(figures, "### The exercise's answers").split())
    stability = {role: f"{by_role[role]['stability']:.1%}" for role in ROLE_ROWS}
    turnover = {role: f"{by_role[role]['turnover']:.1%}" for role in ROLE_ROWS}
    assert (f"the partners' stability was {stability['gp_partner']}, the nurses' {stability['practice_nurse']} and the "
            f"salaried GPs' {stability['salaried_gp']}, with turnover of {turnover['gp_partner']}, "
            f"{turnover['practice_nurse']} and {turnover['salaried_gp']}") in paragraph
    assert (f"the top 5% of runs reaches {one(fan['q95'].iloc[YEARS])} GP FTE in year 10 against "
            f"{one(needed[YEARS])} needed") in paragraph
    older = gp_kept["older_part_time"]
    assert (f"support for older GPs to stay part time keeps {one(older['headcount'].loc[1:].sum())} GP headcount-years "
            f"but {one(central.loc['older_part_time', 'gp_fte_years_kept'])} FTE-years, and {signed(older['fte'].loc[1])} "
            "GP FTE after one year") in paragraph
    assert (f"the first-five scheme keeps {one(central.loc['first_five', 'gp_fte_years_kept'])} GP FTE-years against a "
            f"break-even of {one(central.loc['first_five', 'break_even_fte_years'])}, the retainer scheme "
            f"{one(central.loc['retainer', 'gp_fte_years_kept'])} against {one(central.loc['retainer', 'break_even_fte_years'])}") \
        in paragraph
    assert (f"at £300 a session flexible and portfolio roles lose {pounds(-appraisals[300].loc['flexible_roles', 'net_gbp'])} "
            f"and the first-five scheme gains {pounds(appraisals[300].loc['first_five', 'net_gbp'])}") in paragraph


def test_the_exercise_quotes_the_models_assumptions_and_the_records(staff, exercise):
    """The exercise's text quotes the models' inputs and the records' counts: they must be the models' and
    the data's."""
    text = " ".join(" ".join(c.source for c in exercise.cells if c.cell_type == "markdown").split())
    workforce, costs = Workforce(), RetentionCosts()
    in_post = staff["end_date"].isna().sum()
    for quoted in (f"£{costs.locum_gbp_per_session:.0f} (an assumption", f"£{costs.salaried_gp_gbp_per_year:,.0f} a year",
                   f"plus {costs.on_cost_share:.0%} on-costs", f"{costs.weeks_worked_per_year:.0f} weeks",
                   f"costs {pounds(cover_premium_gbp_per_fte_year(costs))} more",
                   f"one FTE GP for every {workforce.patients_per_fte_gp:,.0f} registered patients",
                   f"its {workforce.patients:,.0f} patients grow by {workforce.patient_growth:.0%} a year",
                   f"everyone works {workforce.part_time_drift:.0%} fewer sessions",
                   f"{in_post} of the {len(staff)} people", f"the {len(staff) - in_post} people who have left"):
        assert quoted in text, quoted
    # The case's own numbers in the exercise's introduction.
    census = staff[staff["end_date"].isna()]
    gps, nurses = (census["role"] != "practice_nurse").sum(), (census["role"] == "practice_nurse").sum()
    assert f"{gps} GPs and {nurses} practice nurses" in text and f"{workforce.patients:,.0f} registered patients" in text


def test_the_exercise_asks_as_every_exercise_asks(exercise):
    """Short tracebacks; every autograded question states its precision or asks for a letter."""
    code = [c for c in exercise.cells if c.cell_type == "code"]
    assert code[0].source.startswith("%xmode Minimal")
    questions = [" ".join(c.source.split()) for c in exercise.cells
                 if c.cell_type == "markdown" and c.source.startswith("### Question")]
    for source in questions:
        assert any(words in source for words in ("decimal place", "to the nearest", "one letter", "150 to 250 words")), source
    written = [c for c in exercise.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")]
    assert len(written) == 1 and "for whom" in questions[-1]


def test_the_notes_state_the_exercises_marks(exercise):
    graded = [c for c in exercise.cells if c.metadata.get("nbgrader", {}).get("grade")]
    total = sum(c.metadata["nbgrader"]["points"] for c in graded)
    judgement = sum(c.metadata["nbgrader"]["points"] for c in graded
                    if c.cell_type == "markdown" or "visible_letter" in c.source)
    assert judgement / total >= 0.6  # at least 60% of the marks reward judgement
    autograded = [c for c in graded if c.cell_type == "code"]
    assert len(autograded) >= 6
    key = " ".join(NOTES.read_text().split("## Answers to the autograded questions")[1].split("\n## ")[0].split())
    assert f"The exercise has {total} points" in key
    assert f"so {judgement:.0f} of the {total} ({judgement / total:.0%}) reward judgement" in key
    numbers = sorted(int(re.match(r"q(\d+)", c.metadata["nbgrader"]["grade_id"])[1]) for c in autograded
                     if "visible_number" in c.source)
    assert f"reading numbers (questions {', '.join(map(str, numbers[:-1]))} and {numbers[-1]})" in key
    intro = " ".join(exercise.cells[0].source.split())
    assert f"There are {total} points: {total - judgement:.0f} for reading numbers" in intro


def test_the_run_sheet_fills_75_minutes():
    sheet = NOTES.read_text().split("## Run sheet: 75 minutes")[1].split("\n## ")[0]
    rows = [row for key, row in table_rows(sheet, 5).items() if key.isdigit()]
    starts, lengths = [int(row[0]) for row in rows], [int(row[1]) for row in rows]
    assert sum(lengths) == 75 and starts[0] == 0
    assert all(start + length == following for start, length, following in zip(starts, lengths, starts[1:]))


def test_nothing_outside_the_section_quotes_the_models(figures, staff, appraisals):
    """The models' figures belong in the one section the tests check, nowhere else in the notes."""
    outside = NOTES.read_text().replace(figures, "")
    leaver = cost_of_a_leaver_gbp(RetentionCosts()).set_index("item")["cost_gbp"]
    quoted = [pounds(v) for v in appraisals[350]["net_gbp"]] + [pounds(v) for v in appraisals[350]["cost_gbp"] / YEARS]
    quoted += [pounds(leaver["vacancy_cover"] + leaver["recruitment"]), pounds(cover_premium_gbp_per_fte_year(RetentionCosts())),
               f"{by_hand_last_year(staff)['stability']:.1%}", f"{by_hand_last_year(staff)['stability']:.0%}"]
    for figure in quoted:
        assert not re.search(rf"(?<![\d,.]){re.escape(figure.lstrip(MINUS))}(?![\d,])", outside), figure
