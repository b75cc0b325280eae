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
    wrong = [expected * 1.1 + 0.01, expected - 0.05, 0.0 if expected else 1.0, -expected if expected else 1.0]
    if exercise.unit == "decimal":
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
    assert not evaluate("how-it-works-two-day", -0.022).correct
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


def test_unknown_id_is_an_author_error():
    with pytest.raises(KeyError, match="no exercise registered with id 'nope'.*how-it-works-two-day"):
        evaluate("nope", 1.0)
    with pytest.raises(TypeError, match="exercise_id"):
        evaluate(3, 1.0)


def test_register_rejects_duplicates_and_bad_specs():
    with pytest.raises(ValueError, match="already registered"):
        exercises.register(NumericExercise(id="how-it-works-two-day", expected=lambda: 0.0))
    with pytest.raises(ValueError, match="unit"):
        NumericExercise(id="x", expected=lambda: 0.0, unit="basis points")
    with pytest.raises(ValueError, match="same keywords"):
        FunctionExercise(id="x", reference=lambda a: a, cases=({"a": 1}, {"b": 2}))
