"""The exercise checks: answers read in the forms delegates type, rounded as the question states, and
every failure a sentence."""

import hashlib

import pytest

from academy.course import checks


@pytest.mark.parametrize("value, decimals, key", [
    (0.125, 2, "0.13"),  # halves round up, as a delegate rounds by hand
    (0.1249, 2, "0.12"),
    (14_250, -2, "14300"),
    (14_249.9, -2, "14200"),
    (6.5997, 1, "6.6"),
    (2022.0, 0, "2022"),
    (-0.004, 2, "0.00"),  # no "-0.00"
    (-12_345, -3, "-12000"),
])
def test_number_key_rounds_half_up_at_the_stated_precision(value, decimals, key):
    assert checks.number_key(value, decimals) == key


def test_digest_is_a_salted_sha256_of_question_and_key():
    assert checks.digest("q3", "14300") == hashlib.sha256(b"pcia:q3:14300").hexdigest()[:20]
    assert checks.digest("q3", "14300") != checks.digest("q4", "14300")


@pytest.mark.parametrize("typed, share, number", [
    (14300, False, 14300.0), ("£14,300", False, 14300.0), (" 14 300 ", False, 14300.0),
    ("20%", True, 0.2), ("0.2", True, 0.2), ("20%", False, 20.0), (2022.0, False, 2022.0),
])
def test_numbers_typed_in_the_ways_delegates_type_them(typed, share, number):
    assert checks.as_number("q", typed, share) == pytest.approx(number)


@pytest.mark.parametrize("typed, words", [
    (True, "should be a number, not True or False"),
    ("about twenty", "'about twenty' is not one"),
    ([1, 2], "not a list"),
])
def test_a_number_that_is_not_one_gets_a_sentence(typed, words):
    with pytest.raises(AssertionError, match=words):
        checks.as_number("q", typed)


@pytest.mark.parametrize("typed", ["B", "b", " b ", "(B)", "B)", "b. because small firms count", "B, the weighting"])
def test_letters_typed_in_the_ways_delegates_type_them(typed):
    assert checks.as_letter("q", typed) == "B"


@pytest.mark.parametrize("typed", ["E", "BC", "because", 2, ""])
def test_a_letter_that_is_not_an_option_gets_a_sentence(typed):
    with pytest.raises(AssertionError, match='one of the letters A, B, C or D, in quotes: for example q = "A"'):
        checks.as_letter("q", typed)


def test_a_missing_or_empty_answer_gets_a_sentence_not_a_name_error():
    with pytest.raises(AssertionError, match="There is no answer called q7 yet"):
        checks.visible_number({}, "q7", 0, 1, "out of range")
    with pytest.raises(AssertionError, match="q7 is still empty"):
        checks.visible_number({"q7": ...}, "q7", 0, 1, "out of range")
    with pytest.raises(AssertionError, match="There is no answer called q2 yet"):
        checks.hidden_letter({}, "q2", "x", {})


def test_visible_checks_say_pass_or_the_range_message(capsys):
    assert checks.visible_number({"q7": "20%"}, "q7", 0, 1, "a share", share=True) == pytest.approx(0.2)
    assert checks.VISIBLE_PASS in capsys.readouterr().out
    with pytest.raises(AssertionError, match="write 25% as 0.25"):
        checks.visible_number({"q7": 25}, "q7", 0, 1, "write 25% as 0.25")
    assert checks.visible_letter({"q2": "c"}, "q2") == "C"


def test_hidden_checks_pass_the_right_answer_and_name_each_near_miss():
    right, near = checks.digest("q7", "0.20"), checks.digest("q7", "0.19")
    checks.hidden_number({"q7": "20%"}, "q7", 2, right, "wrong", {near: "just short"}, share=True)
    checks.hidden_number({"q7": 0.2004}, "q7", 2, right, "wrong", {near: "just short"})
    with pytest.raises(AssertionError, match="just short"):
        checks.hidden_number({"q7": 0.19}, "q7", 2, right, "wrong", {near: "just short"})
    with pytest.raises(AssertionError, match="wrong"):
        checks.hidden_number({"q7": 0.5}, "q7", 2, right, "wrong", {near: "just short"})
    letters = {checks.digest("q2", "A"): "think about weighting"}
    checks.hidden_letter({"q2": "b)"}, "q2", checks.digest("q2", "B"), letters)
    with pytest.raises(AssertionError, match="think about weighting"):
        checks.hidden_letter({"q2": "a"}, "q2", checks.digest("q2", "B"), letters)
    with pytest.raises(AssertionError, match="not the best of the options"):
        checks.hidden_letter({"q2": "D"}, "q2", checks.digest("q2", "B"), letters)


def test_the_command_line_prints_the_hash(capsys):
    checks.main(["q3", "14260", "--decimals", "-2"])
    assert capsys.readouterr().out.strip() == hashlib.sha256(b"pcia:q3:14300").hexdigest()[:20]
    checks.main(["q2", "b", "--letter"])
    assert capsys.readouterr().out.strip() == hashlib.sha256(b"pcia:q2:B").hexdigest()[:20]
