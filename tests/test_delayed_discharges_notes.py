"""The facilitator notes for the delayed-discharges case quote the model in one section, "Figures from the
model": they must be the model's numbers, computed here from the model, never copied. The exercise's
answers (its solutions, and the notes' answer key) must still follow from the model too, so that a
change to the model shows up here rather than as a wrong mark for a delegate."""

import re
from dataclasses import replace
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from test_facilitator_notes import figures_section, solutions, subsection, table_rows  # the notes readers both cases share

from academy.course.checks import number_key
from academy.models.hospital_flow import Hospital, compare_scenarios, intervention_scenarios, service_loads, simulate_hospital

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "book" / "facilitator" / "delayed_discharges.md"
EXERCISE = ROOT / "exercises" / "source" / "delayed_discharges" / "delayed_discharges.ipynb"
# As the notes say, and as the exercise runs the model.
DAYS, REPLICATIONS, SEED = 365, 100, 2019
LOWER_ADMISSIONS = 48
UKHCA_GBP_PER_HOUR = 18.93
MINUS = "\N{MINUS SIGN}"


@pytest.fixture(scope="module")
def figures() -> str:
    return figures_section(NOTES)


@pytest.fixture(scope="module")
def year():
    return simulate_hospital(Hospital(), DAYS, REPLICATIONS, SEED)


@pytest.fixture(scope="module")
def lower():
    return simulate_hospital(replace(Hospital(), admissions_per_day=LOWER_ADMISSIONS), DAYS, REPLICATIONS, SEED)


@pytest.fixture(scope="module")
def scenarios() -> pd.DataFrame:
    return intervention_scenarios(Hospital()).set_index("scenario")


@pytest.fixture(scope="module")
def compared(scenarios) -> pd.DataFrame:
    """One row per scenario: each measure's mean, and the saving's interval."""
    table = compare_scenarios(scenarios.reset_index(), DAYS, REPLICATIONS, SEED)
    wide = table.pivot(index="scenario", columns="measure", values="mean")
    saving = table[table["measure"] == "delayed_bed_days_saved"].set_index("scenario")
    wide["saved_low"], wide["saved_high"] = saving["ci_low"], saving["ci_high"]
    wide["cost_gbp"] = scenarios["fixed_cost_nhs_gbp"] + scenarios["fixed_cost_council_gbp"] \
        + wide["discharge_to_assess_cost_gbp"]
    return wide


@pytest.fixture(scope="module")
def exercise():
    return nbformat.read(EXERCISE, as_version=4)


def name_of(scenarios: pd.DataFrame, starts: str) -> str:
    """The model's own name of the scenario that starts with these words."""
    return next(name for name in scenarios.index if name.startswith(starts))


def whole(value: float) -> str:
    """A count to the nearest whole number, with thousands separated and a true minus sign."""
    return f"{value:,.0f}".replace("-", MINUS)


def pounds(value: float, nearest: int = 1) -> str:
    text = f"£{abs(round(value / nearest) * nearest):,.0f}"
    return MINUS + text if round(value / nearest) < 0 else text


def february(year, column: str) -> pd.Series:
    """Each simulated year's mean of a daily column over February."""
    daily = year.daily
    return daily[pd.to_datetime(daily["date"]).dt.month == 2].groupby("replication")[column].mean()


def test_the_year_is_the_models(figures, year):
    rows = {k: v[1] for k, v in table_rows(subsection(figures, "### The trust's year"), 2).items()}
    daily, years = year.daily, year.replications
    occupied, discharges = daily["occupied_beds"].mean(), daily["discharges"].mean()
    assert rows["Emergency admissions a day"] == f"{daily['admissions'].mean():.1f}"
    assert rows["Discharges a day"] == f"{discharges:.1f}"
    assert rows["Beds occupied at midnight"] == f"{occupied:.1f}"
    assert rows["Mean length of stay (beds occupied ÷ discharges a day)"] == f"{occupied / discharges:.1f} days"
    assert rows["Patients delayed at midnight"] == f"{daily['delayed_patients'].mean():.1f}"
    assert rows["Mean occupancy"] == f"{100 * years['mean_occupancy'].mean():.1f}%"
    total = years["delayed_bed_days"]
    assert rows["Delayed bed-days in the year"] == whole(total.mean())
    assert rows["Delayed bed-days, the middle 90% of years"] == \
        f"{whole(round(total.quantile(0.05), -2))} to {whole(round(total.quantile(0.95), -2))}"
    council, nhs = years["delayed_bed_days_council"].mean(), years["delayed_bed_days_nhs"].mean()
    assert council + nhs == pytest.approx(total.mean())  # every delayed day is someone's
    assert rows["The council responsible (home care, a care home)"] == f"{whole(council)} bed-days ({council / total.mean():.0%})"
    assert rows["The NHS responsible (a community bed, the weekend)"] == f"{whole(nhs)} bed-days ({nhs / total.mean():.0%})"
    assert rows["What a year's delays cost the NHS"] == pounds(total.mean() * Hospital().delayed_day_cost_gbp, 1000)
    assert rows["of which the council is responsible for"] == pounds(council * Hospital().delayed_day_cost_gbp, 1000)
    delayed, full = february(year, "delayed_patients"), february(year, "occupancy")
    assert rows["Patients delayed at midnight in February: the middle year"] == f"{delayed.median():.0f}"
    assert rows["Patients delayed at midnight in February: one year in twenty at least"] == f"{delayed.quantile(0.95):.0f}"
    assert rows["Mean occupancy in February: the middle year"] == f"{full.median():.0%}"
    assert rows["Mean occupancy in February: one year in twenty at least"] == f"{full.quantile(0.95):.0%}"
    loads, hospital = service_loads(Hospital()), Hospital()
    for label, service in (("Home-care packages in use on average", "home_care"),
                           ("Care-home places in use by the trust's patients on average", "care_home"),
                           ("Community beds in use on average", "community_bed")):
        capacity = getattr(hospital, service).capacity
        assert rows[f"{label}, of {capacity}"] == f"{loads[service] / capacity:.0%}", service


def test_the_two_admission_levels_are_the_models(figures, year, lower):
    rows = table_rows(subsection(figures, "### Two levels of admissions"), 5)
    for label, run in ((f"{LOWER_ADMISSIONS}", lower), (f"{Hospital().admissions_per_day:.0f} (as now)", year)):
        years = run.replications
        assert rows[label][1:] == [
            f"{100 * years['mean_occupancy'].mean():.1f}%",
            f"{years['days_above_85'].mean():.1f}",
            f"{years['days_above_92'].mean():.1f}",
            f"{years['days_over_capacity'].mean():.1f}",
        ], label


def test_the_five_interventions_are_the_models(figures, scenarios, compared):
    rows = table_rows(subsection(figures, "### The five interventions"), 7)
    assert set(rows) >= set(scenarios.index)
    for name, row in compared.iterrows():
        _, pays, cost, saved, crowded, per_day, net = rows[name]
        assert pays == scenarios.loc[name, "pays"], name
        assert cost == pounds(row["cost_gbp"]), name
        if row["saved_low"] == row["saved_high"] == row["delayed_bed_days_saved"] == 0:
            assert saved == "0", name  # the trust as now, against itself
        else:
            assert saved == f"{whole(row['delayed_bed_days_saved'])} ({whole(row['saved_low'])} to {whole(row['saved_high'])})", name
        assert crowded == f"{row['days_above_92']:.0f}", name
        saving = row["delayed_bed_days_saved"]
        assert per_day == (pounds(row["cost_gbp"] / saving) if saving > 0 else "no saving"), name
        assert net == pounds(row["net_cost_nhs_gbp"], 1000), name


def test_the_role_card_figures_are_the_models(figures, year, scenarios, compared):
    rows = {k: v[2] for k, v in table_rows(subsection(figures, "### Role-card figures"), 3).items() if k != "figure"}
    hospital, years = Hospital(), year.replications
    delayed = february(year, "delayed_patients")
    packages, seven, assess, anticipatory = (name_of(scenarios, s) for s in ("20 more", "Seven-day", "Discharge to assess",
                                                                             "Anticipatory"))
    council = years["delayed_bed_days_council"].mean()
    loads = service_loads(hospital)
    dearer = intervention_scenarios(replace(hospital, home_care_gbp_per_hour=UKHCA_GBP_PER_HOUR)).set_index("scenario")
    expected = {
        "Patients delayed at midnight, the year's mean": f"{year.daily['delayed_patients'].mean():.1f}",
        "Patients delayed at midnight in February, the middle year and one year in twenty":
            f"{delayed.median():.0f}; {delayed.quantile(0.95):.0f}",
        "Days a year more than 100% full": f"{years['days_over_capacity'].mean():.1f}",
        "Delayed bed-days the council is responsible for": f"{whole(council)} ({council / years['delayed_bed_days'].mean():.0%})",
        "Twenty more packages: cost to the council, bed-days saved, their worth to the NHS":
            f"{pounds(scenarios.loc[packages, 'fixed_cost_council_gbp'])}; {whole(compared.loc[packages, 'delayed_bed_days_saved'])}; "
            f"{pounds(compared.loc[packages, 'delayed_bed_days_saved'] * hospital.delayed_day_cost_gbp, 1000)}",
        "Home-care packages in use on average": f"{loads['home_care'] / hospital.home_care.capacity:.0%} of {hospital.home_care.capacity}",
        f"Twenty more packages at UKHCA's £{UKHCA_GBP_PER_HOUR} an hour": f"{pounds(dearer.loc[packages, 'fixed_cost_council_gbp'])} a year",
        "Care-home places in use by the trust's patients": f"{loads['care_home'] / hospital.care_home.capacity:.0%} of {hospital.care_home.capacity}",
        "Seven-day discharge: bed-days saved, cost": f"{whole(compared.loc[seven, 'delayed_bed_days_saved'])}; {pounds(compared.loc[seven, 'cost_gbp'])}",
        "Discharge to assess for half: bed-days saved, support at home":
            f"{whole(compared.loc[assess, 'delayed_bed_days_saved'])}; {pounds(compared.loc[assess, 'cost_gbp'])}",
        "Anticipatory care: bed-days saved, days more than 92% full, cost":
            f"{whole(compared.loc[anticipatory, 'delayed_bed_days_saved'])}; {compared.loc['As now', 'days_above_92']:.0f} to "
            f"{compared.loc[anticipatory, 'days_above_92']:.0f}; {pounds(compared.loc[anticipatory, 'cost_gbp'])}",
    }
    assert rows == expected
    assert "20 more home-care packages" == packages and "Discharge to assess for 50%" == assess  # "twenty", "half"
    cards = {v[1] for v in table_rows(subsection(figures, "### Role-card figures"), 3).values()} - {"card"}
    role_cards = NOTES.read_text().split("## Role cards")[1].split("\n## ")[0]
    assert len(cards) == 6 and all(f"**{card}," in role_cards for card in cards), cards


def test_the_exercise_answers_are_the_models(figures, year, lower, exercise):
    years = year.replications
    daily = year.daily
    stay = daily["occupied_beds"].mean() / daily["discharges"].mean()
    answers = {  # question: (the model's value, the decimals the question asks for)
        "q1": (daily["delayed_patients"].mean() / stay, 0),
        "q2": (lower.replications["days_above_92"].mean(), 0),
        "q4": (years["delayed_bed_days_nhs"].mean() / years["delayed_bed_days"].mean(), 2),
        "q5": (years["delay_cost_gbp"].mean(), -5),
    }
    rows = table_rows(subsection(figures, "### The exercise's answers"), 3)
    solved = solutions(exercise)
    for question, (value, decimals) in answers.items():
        key = number_key(value, decimals)
        assert solved[question] == key, f"the exercise's solution to {question} is stale"
        assert rows[question][1].replace(",", "") == key, question
    # Delegates read rounded tables: the answer from the numbers as shown must round the same way.
    assert number_key(round(daily["delayed_patients"].mean(), 1) / round(stay, 1), 0) == solved["q1"]
    assert number_key(round(years["delayed_bed_days_nhs"].mean()) / round(years["delayed_bed_days"].mean()), 2) == solved["q4"]
    assert number_key(round(lower.replications["days_above_92"].mean(), 1), 0) == solved["q2"]
    assert rows["q1"][2] == f"{daily['delayed_patients'].mean():.1f} delayed beds ÷ {stay:.1f} days = " \
                            f"{daily['delayed_patients'].mean() / stay:.1f} admissions a day"
    assert rows["q2"][2] == f"{answers['q2'][0]:.1f} days more than 92% full at {LOWER_ADMISSIONS} admissions a day"
    assert rows["q4"][2] == f"{whole(years['delayed_bed_days_nhs'].mean())} ÷ {whole(years['delayed_bed_days'].mean())} bed-days"
    assert rows["q5"][2] == pounds(answers["q5"][0])


def test_the_letter_answers_still_follow_from_the_model(figures, year, lower, scenarios, compared, exercise):
    solved = solutions(exercise)
    key = NOTES.read_text().split("## Answers to the autograded questions")[1].split("\n## ")[0]
    for question in ("q3", "q6", "q7", "q8", "q9", "q10"):
        assert f"**Question {question[1:]}: {solved[question]}.**" in key, f"the notes' answer to {question} is not the exercise's"
    # q3 (C): at about 85% on average the hospital is still often more than 92% full, and a few more
    # admissions a day multiply the crowded days and the days over 100%.
    low, now = lower.replications.mean(), year.replications.mean()
    assert low["mean_occupancy"] == pytest.approx(0.85, abs=0.01)
    assert low["days_above_92"] >= 30 and now["days_above_92"] >= 3 * low["days_above_92"]
    assert now["days_over_capacity"] >= 5 * low["days_over_capacity"]
    # q7 (D): discharge to assess is the cheapest per delayed bed-day saved; seven-day discharge saves the
    # most in total (its near-miss message says so).
    helps = compared[compared["delayed_bed_days_saved"] > 0]
    per_day = helps["cost_gbp"] / helps["delayed_bed_days_saved"]
    assert per_day.idxmin() == name_of(scenarios, "Discharge to assess") and scenarios.loc[per_day.idxmin(), "pays"] == "NHS"
    assert compared["delayed_bed_days_saved"].idxmax() == name_of(scenarios, "Seven-day")
    # q8 (A): the council would pay, and the packages' saving is worth to the NHS much less than they cost
    # (so C's "more than the packages cost" is wrong too), yet it is clearly above zero (so D is wrong).
    packages = compared.loc[name_of(scenarios, "20 more")]
    worth = packages["delayed_bed_days_saved"] * Hospital().delayed_day_cost_gbp
    assert worth / scenarios.loc[packages.name, "fixed_cost_council_gbp"] <= 0.6
    assert packages["saved_low"] > 0 and scenarios.loc[packages.name, "pays"] == "council"
    # q9 (B): fit sooner saves hardly any delayed bed-days, yet cuts the days more than 92% full by about
    # two thirds.
    sooner = compared.loc[name_of(scenarios, "Medically fit")]
    assert abs(sooner["delayed_bed_days_saved"]) <= 0.02 * compared.loc["As now", "delayed_bed_days"]
    assert 0.6 <= 1 - sooner["days_above_92"] / compared.loc["As now", "days_above_92"] <= 0.75
    # The paragraph under the answers quotes the same figures.
    paragraph = " ".join(subsection(figures, "### The exercise's answers").split())
    costs = [pounds(per_day[name_of(scenarios, s)]) for s in ("Discharge to assess", "Seven-day", "Anticipatory", "20 more")]
    assert "discharge to assess saves a delayed bed-day for {}, seven-day discharge for {}, anticipatory care for {} " \
           "and twenty more packages for {}".format(*costs) in paragraph
    assert f"the packages save {whole(packages['delayed_bed_days_saved'])} bed-days, worth {pounds(worth, 1000)} to the NHS " \
           f"against their {pounds(scenarios.loc[packages.name, 'fixed_cost_council_gbp'])}" in paragraph
    assert f"saves {whole(sooner['delayed_bed_days_saved'])} bed-days but cuts the days more than 92% full from " \
           f"{compared.loc['As now', 'days_above_92']:.0f} to {sooner['days_above_92']:.0f}" in paragraph


def test_the_exercise_quotes_the_models_assumptions(scenarios, exercise):
    """The exercise's text quotes the interventions' costs and the model's prices: they must be the model's."""
    text = " ".join(" ".join(c.source for c in exercise.cells if c.cell_type == "markdown").split())
    hospital = Hospital()
    for quoted in (f"£{hospital.home_care_gbp_per_hour:.2f} an hour", f"£{hospital.delayed_day_cost_gbp:.0f} at 2019/20 prices",
                   f"£{scenarios.loc[name_of(scenarios, 'Seven-day'), 'fixed_cost_nhs_gbp']:,.0f} a year",
                   f"£{scenarios.loc[name_of(scenarios, 'Anticipatory'), 'fixed_cost_nhs_gbp']:,.0f} a year",
                   f"£{scenarios.loc[name_of(scenarios, '20 more'), 'fixed_cost_council_gbp']:,.0f} a year",
                   f"{hospital.home_care_hours_per_week:.0f} hours a week" if hospital.home_care_hours_per_week != 10
                   else "ten hours a week",
                   f"{hospital.discharge_to_assess_hours_per_day:.0f} hours a day" if hospital.discharge_to_assess_hours_per_day != 2
                   else "two hours a day"):
        assert quoted in text, quoted


def test_the_notes_state_the_exercises_marks(exercise):
    graded = [c for c in exercise.cells if c.metadata.get("nbgrader", {}).get("grade")]
    total = sum(c.metadata["nbgrader"]["points"] for c in graded)
    judgement = sum(c.metadata["nbgrader"]["points"] for c in graded
                    if c.cell_type == "markdown" or "visible_letter" in c.source)
    assert judgement / total >= 0.6  # at least 60% of the marks reward judgement
    key = " ".join(NOTES.read_text().split("## Answers to the autograded questions")[1].split("\n## ")[0].split())
    assert f"The exercise has {total} points" in key
    assert f"so {judgement:.0f} of the {total} ({judgement / total:.0%}) reward judgement" in key


def test_nothing_outside_the_section_quotes_the_model(figures, year, compared):
    """The model's figures belong in the one section the tests check, nowhere else in the notes."""
    outside = NOTES.read_text().replace(figures, "")
    quoted = [whole(year.replications["delayed_bed_days"].mean()), whole(year.replications["delayed_bed_days_council"].mean())]
    quoted += [whole(v) for v in compared["delayed_bed_days_saved"] if abs(v) >= 100]
    for figure in quoted:
        assert not re.search(rf"(?<![\d,]){figure}(?![\d,])", outside), figure
