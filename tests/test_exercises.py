"""The answer checker: right answers pass, wrong ones fail, nothing reveals an answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lettools import exercises
from lettools.exercises import FunctionExercise, NumericExercise, _describe, check, evaluate, registered


def _spellings(value: float) -> set[str]:
    """Ways an expected value could leak into a message."""
    forms = {repr(value), str(value), f"{value:.2f}", f"{value:.3f}", f"{value:.4f}", f"{value:.2%}", f"{value:.1%}",
             f"{value * 100:.2f}", f"{value * 100:g}", f"{value:g}"}
    return {form for form in forms if form.strip("-0.%") != ""}


NUMERIC = {key: ex for key, ex in registered().items() if isinstance(ex, NumericExercise)}
FUNCTIONS = {key: ex for key, ex in registered().items() if isinstance(ex, FunctionExercise)}


def test_registry_holds_the_how_it_works_exercises():
    assert {"how-it-works-two-day", "how-it-works-two-day-function"} <= set(registered())


@pytest.mark.parametrize("exercise_id", sorted(NUMERIC))
def test_numeric_exercises_accept_the_right_answer_and_reject_wrong_ones(exercise_id):
    exercise = NUMERIC[exercise_id]
    expected = exercise.expected()
    assert evaluate(exercise_id, expected).correct
    assert evaluate(exercise_id, np.float64(expected)).correct
    step = 10.0**-exercise.decimals
    wrong = [expected + 3 * step, expected - 3 * step, expected * 2 + 10 * step, 0.0 if abs(expected) > 3 * step else 1.0]
    if abs(expected) > 3 * step:
        wrong.append(-expected)
    if exercise.unit == "decimal" and abs(expected) > 3 * step:
        wrong.append(expected * 100)
    for answer in wrong:
        feedback = evaluate(exercise_id, answer)
        assert not feedback.correct, answer
        assert feedback.message.startswith("Not yet."), feedback.message
        leaked = [form for form in _spellings(expected) if form in feedback.message]
        assert not leaked, (feedback.message, leaked)


def test_two_day_answer_and_its_common_slips():
    assert math.isclose(exercises.registered()["how-it-works-two-day"].expected(), -0.0225)
    assert evaluate("how-it-works-two-day", -0.0225).correct
    assert evaluate("how-it-works-two-day", -0.02251).correct  # within the tolerance
    assert evaluate("how-it-works-two-day", -0.0224).correct and evaluate("how-it-works-two-day", -0.0226).correct
    assert not evaluate("how-it-works-two-day", -0.022).correct
    assert not evaluate("how-it-works-two-day", -0.0227).correct
    assert "in percent" not in evaluate("how-it-works-two-day", -2.25).message
    assert "decimal fraction" in evaluate("how-it-works-two-day", -2.25).message
    assert "sign" in evaluate("how-it-works-two-day", 0.0225).message
    assert "bought once" in evaluate("how-it-works-two-day", 3 * (1.05 * 0.95 - 1)).message


@pytest.mark.parametrize(
    "answer, phrase",
    [
        (None, "no answer yet"),
        (..., "no answer yet"),
        ("-0.02", "inside quotes"),
        ("about minus two", "is text"),
        (True, "not numbers"),
        ([0.1], "collection"),
        (np.array([0.1, 0.2]), "collection"),
        (float("nan"), "not a finite number"),
        (float("inf"), "not a finite number"),
        (1j, "complex"),
        (object(), "not a number"),
    ],
)
def test_bad_numeric_input_gets_a_friendly_message(answer, phrase):
    feedback = evaluate("how-it-works-two-day", answer)
    assert not feedback.correct
    assert phrase in feedback.message.lower()
    assert "Traceback" not in feedback.message


def test_zero_dimensional_array_counts_as_a_number():
    assert evaluate("how-it-works-two-day", np.array(-0.0225)).correct


@pytest.mark.parametrize("exercise_id", sorted(FUNCTIONS))
def test_function_exercises_accept_the_reference_and_reject_a_wrong_function(exercise_id):
    exercise = FUNCTIONS[exercise_id]
    assert evaluate(exercise_id, exercise.reference).correct
    feedback = evaluate(exercise_id, lambda **kwargs: exercise.reference(**kwargs) + 0.01)
    assert not feedback.correct
    # The failing case's inputs are stated to the learner; no expected output may be.
    message = feedback.message
    for case in exercise.cases:
        message = message.replace(_describe(case), "")
    for case in exercise.cases:
        for form in _spellings(float(exercise.reference(**case))):
            assert form not in message


def test_function_exercise_reports_learner_mistakes_without_tracebacks():
    def correct(first_return, second_return, leverage):
        return (1 + leverage * first_return) * (1 + leverage * second_return) - 1

    def static(first_return, second_return, leverage):
        return leverage * ((1 + first_return) * (1 + second_return) - 1)

    def crashes(first_return, second_return, leverage):
        return 1 / 0

    def forgets_return(first_return, second_return, leverage):
        (1 + leverage * first_return) * (1 + leverage * second_return) - 1

    key = "how-it-works-two-day-function"
    assert evaluate(key, correct).correct
    assert "not right" in evaluate(key, static).message
    assert "ZeroDivisionError" in evaluate(key, crashes).message
    assert "returned None" in evaluate(key, forgets_return).message
    assert "could not be called" in evaluate(key, lambda a, b, c: 0.0).message
    assert "without parentheses" in evaluate(key, 0.5).message
    assert "no answer yet" in evaluate(key, None).message.lower()
    assert "usable number" in evaluate(key, lambda **kw: "x").message


def test_check_prints_feedback(capsys):
    check("how-it-works-two-day", -0.0225)
    assert capsys.readouterr().out == "Correct.\n"


def test_unknown_id_gets_a_short_message_with_the_nearest_name(capsys):
    with pytest.raises(exercises.UnknownExerciseError) as caught:
        evaluate("how-it-works-two-days", 1.0)
    assert str(caught.value) == "There is no exercise called 'how-it-works-two-days'. Did you mean 'how-it-works-two-day'?"
    check("nope", 1.0)
    printed = capsys.readouterr().out
    assert "There is no exercise called 'nope'" in printed and "costs-financing" not in printed
    with pytest.raises(TypeError, match="exercise_id"):
        evaluate(3, 1.0)


def test_register_rejects_duplicates_and_bad_specs():
    with pytest.raises(ValueError, match="already registered"):
        exercises.register(NumericExercise(id="how-it-works-two-day", expected=lambda: 0.0))
    with pytest.raises(ValueError, match="unit"):
        NumericExercise(id="x", expected=lambda: 0.0, unit="basis points")
    with pytest.raises(ValueError, match="same keywords"):
        FunctionExercise(id="x", reference=lambda a: a, cases=({"a": 1}, {"b": 2}))


# ---------------------------------------------------------------------------------------------
# Precision: rounded answers pass, anticipated mistakes fail at any rounding, units get a hint


@pytest.mark.parametrize("exercise_id", sorted(NUMERIC))
def test_an_answer_at_the_stated_precision_passes(exercise_id):
    exercise = NUMERIC[exercise_id]
    expected, places = exercise.expected(), exercise.decimals
    assert f"{places} decimal place" in exercise.precision or (places == 0 and "whole number" in exercise.precision)
    for answer in {round(expected, places), float(f"{expected:.{places}f}"), math.trunc(expected * 10**places) / 10**places}:
        assert evaluate(exercise_id, answer).correct, answer
    for extra in range(1, 4):  # more places than asked for are fine
        assert evaluate(exercise_id, round(expected, places + extra)).correct


@pytest.mark.parametrize("exercise_id", sorted(NUMERIC))
def test_each_anticipated_mistake_fails_with_its_own_hint_at_any_rounding(exercise_id):
    exercise = NUMERIC[exercise_id]
    for position, ((wrong, advice), window) in enumerate(zip(exercise.mistakes, exercise.mistaken(), strict=True)):
        assert not window & exercise.accepted(), f"mistake {position} overlaps the accepted answers"
        value = float(wrong())
        for places in range(exercise.decimals, exercise.decimals + 6):
            feedback = evaluate(exercise_id, round(value, places))
            assert not feedback.correct, (value, places)
            if feedback.verdict.startswith("mistake"):
                assert advice in feedback.message


def test_one_plus_g_is_not_exp_g():
    """The median of a 3x fund is exp(g); 1 + g is 0.00018 below it and must fail, rounded or not."""
    g = 3 * 0.10 - 9 * 0.25**2 / 2
    assert evaluate("compounding-median-3x", math.exp(g)).correct
    assert evaluate("compounding-median-3x", round(math.exp(g), 4)).correct
    for answer in (1 + g, round(1 + g, 4), round(1 + g, 5)):
        feedback = evaluate("compounding-median-3x", answer)
        assert not feedback.correct and "exp(g T)" in feedback.message


def test_unit_slips_get_unit_hints():
    assert evaluate("costs-financing", 13_750_000).verdict == "scale"
    assert "in millions of dollars" in evaluate("costs-financing", 13_750_000).message
    assert evaluate("reflexivity-end-of-day-flow", -720_000_000).verdict == "scale"
    assert evaluate("compounding-two-day", 1.92).verdict == "unit"
    assert "decimal fraction" in evaluate("compounding-two-day", 1.92).message
    assert evaluate("costs-year-loss", 0.359).verdict == "sign"


@pytest.mark.parametrize("exercise_id", sorted(registered()))
def test_every_exercise_states_points_and_time_and_its_hint_spares_the_solution(exercise_id):
    exercise = registered()[exercise_id]
    assert exercise.points >= 1 and exercise.minutes >= 5
    answers = [float(exercise.expected())] if isinstance(exercise, NumericExercise) else []
    assert not [form for value in answers for form in _spellings(value) if form in exercise.hint]
    assert "Then add" not in exercise.hint  # no step-by-step recipe


def test_the_export_matches_the_registry(repo_root):
    import json

    stored = json.loads((repo_root / exercises.EXPORT_PATH).read_text())
    current = exercises.export()
    assert stored.keys() == current.keys(), "run `python -m lettools.exercises` to refresh the export"
    def rounded(value):  # the same to 10 significant digits: robust to the last bits of a platform's libm
        if isinstance(value, float):
            return float(f"{value:.10g}")
        if isinstance(value, dict):
            return {key: rounded(item) for key, item in value.items()}
        return [rounded(item) for item in value] if isinstance(value, list) else value

    for exercise_id, entry in current.items():
        assert rounded(stored[exercise_id]) == rounded(json.loads(json.dumps(entry))), (
            f"{exercise_id}: run `python -m lettools.exercises` to refresh the export")
