"""Answer checking for the book's exercises, without revealing the answers.

A learner writes an answer in a notebook and calls::

    from lettools.exercises import check
    check("how-it-works-two-day", answer)     # a number
    check("how-it-works-two-day-function", two_day_fund_return)   # a function

and reads "Correct." or "Not yet." with a hint. Expected values live here, in a
registry, and are computed by ``lettools`` from the inputs the exercise states,
so no answer is typed into the student's notebook or into this module. Messages
never contain an expected value; they never echo a tolerance-sized neighbour of
it either.

Authors add one entry per exercise with :func:`register`, in the page's module
under :mod:`lettools.book`: a
:class:`NumericExercise` (tolerances, the unit the answer must be given in,
hints) or a :class:`FunctionExercise` (a reference function and test cases).
"""

from __future__ import annotations

import math
import numbers
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

__all__ = [
    "NumericExercise",
    "FunctionExercise",
    "Feedback",
    "register",
    "registered",
    "evaluate",
    "check",
]

_UNIT_WORDS = {
    "decimal": "as a decimal fraction (a percentage divided by 100)",
    "percent": "in percent (a decimal fraction times 100)",
    "number": "as a plain number",
}


@dataclass(frozen=True)
class NumericExercise:
    """An exercise whose answer is one number.

    Parameters
    ----------
    id : str
        Unique id, conventionally ``"<page>-<topic>"``.
    expected : callable
        No-argument function computing the answer with ``lettools`` from the
        exercise's stated inputs (evaluated at check time, never stored as text).
    unit : {"decimal", "percent", "number"}
        How the learner is asked to give the answer; a decimal given in percent
        (or the reverse) gets a hint saying which convention to use.
    rel_tol, abs_tol : float
        Accepted if ``|answer - expected| <= max(rel_tol * |expected|, abs_tol)``.
    hint : str
        Shown with "Not yet." It must not contain the answer.
    mistakes : sequence of (callable, str)
        Common wrong answers, each computed by a no-argument function, with the
        targeted hint to show when the learner's answer matches it.
    """

    id: str
    expected: Callable[[], float]
    unit: Literal["decimal", "percent", "number"] = "decimal"
    rel_tol: float = 5e-3
    abs_tol: float = 5e-5
    hint: str = ""
    mistakes: Sequence[tuple[Callable[[], float], str]] = ()

    def __post_init__(self) -> None:
        if self.unit not in _UNIT_WORDS:
            raise ValueError(f"unit must be one of {sorted(_UNIT_WORDS)}, got {self.unit!r}")


@dataclass(frozen=True)
class FunctionExercise:
    """An exercise whose answer is a function, checked against a reference on test cases.

    Parameters
    ----------
    id : str
        Unique id.
    reference : callable
        The correct function (built from ``lettools``).
    cases : sequence of mapping
        Keyword arguments for each test case; the learner's function is called
        with the same keywords, so the exercise must name the parameters.
    rel_tol, abs_tol : float
        Tolerance on each case's numeric result.
    hint : str
        Shown when a case fails. It must not contain an answer.
    """

    id: str
    reference: Callable[..., float]
    cases: Sequence[Mapping[str, object]]
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9
    hint: str = ""
    parameters: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if not self.cases:
            raise ValueError(f"exercise {self.id!r} needs at least one test case")
        names = tuple(self.cases[0])
        if any(tuple(case) != names for case in self.cases):
            raise ValueError(f"exercise {self.id!r}: every case must use the same keywords")
        object.__setattr__(self, "parameters", names)


Exercise = NumericExercise | FunctionExercise


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: whether the answer is right and what to tell the learner."""

    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message


_REGISTRY: dict[str, Exercise] = {}

#: Stands for an answer the learner left out, as in ``check("some-id")``.
_MISSING = object()


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (ids must be unique)."""
    if not isinstance(exercise, (NumericExercise, FunctionExercise)):
        raise TypeError(f"expected a NumericExercise or FunctionExercise, got {type(exercise).__name__}")
    if exercise.id in _REGISTRY:
        raise ValueError(f"an exercise with id {exercise.id!r} is already registered")
    _REGISTRY[exercise.id] = exercise
    return exercise


def registered() -> dict[str, Exercise]:
    """A copy of the registry, every page's exercises included: id -> exercise."""
    from lettools.book import load_pages

    load_pages()
    return dict(_REGISTRY)


def _lookup(exercise_id) -> Exercise:
    """The exercise for ``exercise_id``; an author's typo gets a clear error listing the ids."""
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string, got {type(exercise_id).__name__}")
    if exercise_id not in _REGISTRY:
        from lettools.book import load_pages  # registers every page's exercises

        load_pages()
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise KeyError(f"no exercise registered with id {exercise_id!r}; known ids: {known}") from None


def _not_yet(reason: str, hint: str = "") -> Feedback:
    text = f"Not yet. {reason}"
    if hint:
        text += f" Hint: {hint}"
    return Feedback(False, text)


def _close(answer: float, expected: float, rel_tol: float, abs_tol: float) -> bool:
    return abs(answer - expected) <= max(rel_tol * abs(expected), abs_tol)


def _as_number(answer) -> tuple[float | None, str]:
    """The answer as a float, or ``None`` and a friendly reason why it is not one."""
    if answer is _MISSING:
        return None, "There is no answer yet: pass your number after the exercise's name, as in check(name, answer)."
    if answer is None or answer is Ellipsis:
        return None, "There is no answer yet: replace the placeholder with your number and run the cell again."
    if callable(answer) and not isinstance(answer, (numbers.Number, np.ndarray)):
        return None, (
            "Your answer is a function, but this exercise wants a number: call the function and pass "
            "the number it returns."
        )
    if isinstance(answer, (bool, np.bool_)):
        return None, "True and False are not numbers: give your answer as a number."
    if isinstance(answer, (str, bytes)):
        text = answer.decode(errors="replace") if isinstance(answer, bytes) else answer
        try:
            float(text.strip().rstrip("%"))
        except ValueError:
            return None, "Your answer is text: give it as a number (digits, no quotes)."
        return None, "Your answer is a number inside quotes, which Python treats as text: remove the quotes."
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer[()]
    if isinstance(answer, (np.ndarray, list, tuple, dict, set)) or hasattr(answer, "to_numpy"):
        return None, "Your answer is a collection of values: give a single number."
    if isinstance(answer, numbers.Complex) and not isinstance(answer, numbers.Real):
        return None, "Your answer is a complex number: give a real number."
    if not isinstance(answer, numbers.Real) and not hasattr(answer, "__float__"):  # Decimal has __float__
        return None, f"Your answer is a {type(answer).__name__}, not a number: give a single number."
    try:
        value = float(answer)
    except (TypeError, ValueError, OverflowError):
        return (
            None,
            f"Your answer, a {type(answer).__name__}, cannot be read as an ordinary number: give a single number.",
        )
    if not math.isfinite(value):
        return None, "Your answer is not a finite number (NaN or infinity): check the calculation that produced it."
    return value, ""


def _evaluate_number(exercise: NumericExercise, answer) -> Feedback:
    value, reason = _as_number(answer)
    if value is None:
        return Feedback(False, reason)
    expected = float(exercise.expected())
    if _close(value, expected, exercise.rel_tol, exercise.abs_tol):
        return Feedback(True, "Correct.")
    if expected != 0.0:
        units = {"decimal": 100.0, "percent": 0.01}.get(exercise.unit)
        if units and _close(value, expected * units, exercise.rel_tol, exercise.abs_tol * units):
            return _not_yet(
                f"The size looks right but the unit does not: give the answer {_UNIT_WORDS[exercise.unit]}."
            )
        if _close(-value, expected, exercise.rel_tol, exercise.abs_tol):
            return _not_yet("The size looks right but the sign does not: is this a gain or a loss?")
    for wrong, advice in exercise.mistakes:
        if _close(value, float(wrong()), exercise.rel_tol, exercise.abs_tol):
            return _not_yet(advice)
    return _not_yet(f"Check your working, and give the answer {_UNIT_WORDS[exercise.unit]}.", exercise.hint)


def _describe(case: Mapping[str, object]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in case.items())


def _evaluate_function(exercise: FunctionExercise, answer) -> Feedback:
    if answer is _MISSING:
        return Feedback(
            False,
            "There is no answer yet: pass your function after the exercise's name, as in check(name, your_function).",
        )
    if answer is None or answer is Ellipsis:
        return Feedback(False, "There is no answer yet: define your function and pass it (without calling it).")
    if not callable(answer):
        return Feedback(
            False,
            f"This exercise checks a function, but you passed a value of type {type(answer).__name__}: "
            "pass the function itself, without parentheses.",
        )
    for case in exercise.cases:
        try:
            result = answer(**case)
        except TypeError as exc:
            if "argument" in str(exc):
                wanted = ", ".join(exercise.parameters)
                return _not_yet(f"Your function could not be called with the parameters ({wanted}): {exc}.")
            return _not_yet(f"For {_describe(case)} your function raised TypeError: {exc}.", exercise.hint)
        except Exception as exc:  # the learner's own code: report it, never a traceback
            return _not_yet(f"For {_describe(case)} your function raised {type(exc).__name__}: {exc}.", exercise.hint)
        if result is None:
            return _not_yet(f"For {_describe(case)} your function returned None: did it forget to `return` its result?")
        value, reason = _as_number(result)
        if value is None:
            return _not_yet(f"For {_describe(case)} your function did not return a usable number. {reason}")
        if not _close(value, float(exercise.reference(**case)), exercise.rel_tol, exercise.abs_tol):
            return _not_yet(f"For {_describe(case)} your function's result is not right.", exercise.hint)
    return Feedback(True, f"Correct: your function passes all {len(exercise.cases)} test cases.")


def evaluate(exercise_id: str, answer=_MISSING) -> Feedback:
    """Judge ``answer`` for the exercise ``exercise_id`` and return the feedback (nothing printed).

    Raises ``KeyError`` for an unknown id (an author's error); anything the
    learner passes, or leaves out, gets a :class:`Feedback`, never an exception.
    """
    exercise = _lookup(exercise_id)
    if isinstance(exercise, FunctionExercise):
        return _evaluate_function(exercise, answer)
    return _evaluate_number(exercise, answer)


def check(exercise_id: str, answer=_MISSING) -> None:
    """Print whether ``answer`` is right for ``exercise_id``, with a hint if not (wrapped to fit a page).

    Arguments given the wrong way round, ``check(answer, "some-id")``, get a message, not a traceback.
    """
    if not isinstance(exercise_id, str) and isinstance(answer, str) and answer in registered():
        message = f"Not yet. The exercise's name comes first: check({answer!r}, your_answer)."
    else:
        message = evaluate(exercise_id, answer).message
    print(textwrap.fill(message, width=88))
