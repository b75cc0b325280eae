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

import difflib
import functools
import hashlib
import math
import numbers
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = [
    "NumericExercise",
    "FunctionExercise",
    "Feedback",
    "register",
    "registered",
    "evaluate",
    "check",
    "grid_index",
    "grid_window",
    "UnknownExerciseError",
    "page_data",
]

_UNIT_WORDS = {
    "decimal": "as a decimal fraction (a percentage divided by 100)",
    "percent": "in percent (a decimal fraction times 100)",
    "number": "as a plain number",
}
_SAFE_INTEGER = 2.0**53  # beyond this a grid index is no longer an exact integer in JavaScript


def grid_index(value: float, decimals: int) -> int | None:
    """``value`` rounded half up at ``decimals`` places, as an integer count of ``10**-decimals``.

    The page's JavaScript checker computes the same with ``Math.floor(value * 10 ** d + 0.5)``
    on the same IEEE doubles, so both give the same integer; ``None`` for a value too large
    to index exactly.
    """
    scaled = value * 10.0**decimals
    if not math.isfinite(scaled) or abs(scaled) >= _SAFE_INTEGER:
        return None
    return math.floor(scaled + 0.5)


def grid_window(center: float, decimals: int, steps: float) -> frozenset[int]:
    """The grid indices within ``steps`` steps of ``center``: the answers, at that precision, that count as it."""
    # Rounded to 1e-6 of a step first, so float noise (-0.0225 * 1e4 = -225.00000000000003)
    # cannot drop a neighbour from one side of the window.
    scaled = round(center * 10.0**decimals, 6)
    return frozenset(range(math.ceil(scaled - steps), math.floor(scaled + steps) + 1))


@dataclass(frozen=True)
class NumericExercise:
    """An exercise whose answer is one number, given in a stated unit to a stated precision.

    An answer counts as right when, rounded half up to ``decimals`` places, it lies within
    ``steps`` steps of ``10**-decimals`` from the expected value. So the unrounded value, the
    value rounded (or cut) at the stated precision, and a slip of one in the last place pass,
    while a near miss that reveals a misconception (registered in ``mistakes``) must lie
    further away; the tests check that every registered mistake does.

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
    decimals : int
        Places after the decimal point the answer is asked for (0 for a whole number).
    steps : float
        Tolerance, in units of the last place asked for (default 1; 0.5 accepts only the
        correctly rounded value, for a whole number of days, say).
    quantity : str
        For ``unit="number"``, how the answer is given, completing "Give the answer ..."
        (``"in millions of dollars"``, ``"in trading days"``); empty for a decimal or percent.
    scale : float or None
        How many base units one answer unit holds (``1e6`` for millions of dollars): an answer
        given in base units gets a hint naming ``quantity``.
    hint : str
        Shown with "Not yet." It must not contain the answer or the method in full.
    mistakes : sequence of (callable, str)
        Common wrong answers, each computed by a no-argument function, with the
        targeted hint to show when the learner's answer matches it at the stated precision.
    points : int
        Autograded points in nbgrader, weighted by effort.
    minutes : int
        Estimated time to solve, for the instructor's answer key.
    written : str
        The part of the exercise answered in words, if any (graded by hand in nbgrader).
    written_points : int
        Points for the written part.
    """

    id: str
    expected: Callable[[], float]
    unit: Literal["decimal", "percent", "number"] = "decimal"
    decimals: int = 4
    steps: float = 1.0
    quantity: str = ""
    scale: float | None = None
    hint: str = ""
    mistakes: Sequence[tuple[Callable[[], float], str]] = ()
    points: int = 2
    minutes: int = 10
    written: str = ""
    written_points: int = 0

    def __post_init__(self) -> None:
        if self.unit not in _UNIT_WORDS:
            raise ValueError(f"unit must be one of {sorted(_UNIT_WORDS)}, got {self.unit!r}")
        if not isinstance(self.decimals, int) or not 0 <= self.decimals <= 8:
            raise ValueError(f"decimals must be an integer from 0 to 8, got {self.decimals!r}")
        if not 0.5 <= self.steps <= 10:
            raise ValueError(f"steps must be from 0.5 to 10, got {self.steps!r}")
        if self.scale is not None and not (self.scale > 1 and self.quantity):
            raise ValueError("scale must exceed 1 and needs a quantity naming the unit")
        if bool(self.written) != (self.written_points > 0):
            raise ValueError("a written part needs written_points > 0, and written_points a written part")

    @property
    def precision(self) -> str:
        """How the answer is asked for, as the learner reads it under the exercise."""
        places = "as a whole number" if self.decimals == 0 else (
            f"to {self.decimals} decimal place{'s' if self.decimals > 1 else ''}")
        what = {"decimal": "as a decimal fraction (-0.25 for -25%)", "percent": "in percent (-25 for -25%)",
                "number": self.quantity or "as a plain number"}[self.unit]
        return f"Give the answer {what}, {places}."

    def accepted(self) -> frozenset[int]:
        """Grid indices (see :func:`grid_index`) that count as right."""
        return grid_window(float(self.expected()), self.decimals, self.steps)

    def mistaken(self) -> list[frozenset[int]]:
        """Grid indices of each anticipated mistake, in the order of ``mistakes``."""
        return [grid_window(float(wrong()), self.decimals, self.steps) for wrong, _ in self.mistakes]


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
        Shown when a case fails. It must not contain an answer or the method in full.
    points, minutes, written, written_points
        As for :class:`NumericExercise`.
    """

    id: str
    reference: Callable[..., float]
    cases: Sequence[Mapping[str, object]]
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9
    hint: str = ""
    points: int = 4
    minutes: int = 20
    written: str = ""
    written_points: int = 0
    parameters: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if not self.cases:
            raise ValueError(f"exercise {self.id!r} needs at least one test case")
        names = tuple(self.cases[0])
        if any(tuple(case) != names for case in self.cases):
            raise ValueError(f"exercise {self.id!r}: every case must use the same keywords")
        object.__setattr__(self, "parameters", names)
        if bool(self.written) != (self.written_points > 0):
            raise ValueError("a written part needs written_points > 0, and written_points a written part")

    precision = "Checked in a live notebook: write the function and run the check cell."


Exercise = NumericExercise | FunctionExercise


@dataclass(frozen=True)
class Feedback:
    """The outcome of a check: whether the answer is right and what to tell the learner.

    ``verdict`` names the outcome for machines (the page's checker returns the same codes):
    ``"correct"``, ``"unit"`` (percent for decimal or the reverse), ``"scale"`` (base units
    for millions or billions), ``"sign"``, ``"mistake-<i>"`` (the i-th anticipated mistake),
    ``"not-yet"`` or ``"invalid"`` (not a usable number).
    """

    correct: bool
    message: str
    verdict: str = ""

    def __str__(self) -> str:
        return self.message


_REGISTRY: dict[str, Exercise] = {}

#: Stands for an answer the learner left out, as in ``check("some-id")``.
_MISSING = object()


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (ids must be unique).

    Registering an identical exercise again (what ``importlib.reload`` of a page module does:
    same type, same values, functions with the same code, wherever their lines moved) is a
    no-op that returns the exercise already registered; a *different* exercise under an id that
    is taken raises a ValueError.
    """
    if not isinstance(exercise, (NumericExercise, FunctionExercise)):
        raise TypeError(f"expected a NumericExercise or FunctionExercise, got {type(exercise).__name__}")
    existing = _REGISTRY.get(exercise.id)
    if existing is not None:
        if _same_exercise(existing, exercise):
            return existing
        raise ValueError(
            f"an exercise with id {exercise.id!r} is already registered (a different one: restart the"
            " kernel to load an edited exercise)"
        )
    _REGISTRY[exercise.id] = exercise
    return exercise


def _code_key(code: Any) -> tuple:
    """A code object's behaviour, without its line numbers (a reload may shift them)."""
    constants = tuple(_code_key(c) if hasattr(c, "co_code") else c for c in code.co_consts)
    return (code.co_name, code.co_code, code.co_names, code.co_varnames, code.co_freevars, constants)


def _same_value(first: Any, second: Any) -> bool:
    """Equality for exercise fields: functions by their code (and bound values), containers item by item."""
    if first is second:
        return True
    if type(first) is not type(second):
        return False
    if isinstance(first, functools.partial):
        return (_same_value(first.func, second.func) and _same_value(first.args, second.args)
                and _same_value(first.keywords, second.keywords))
    if hasattr(first, "__wrapped__") and hasattr(second, "__wrapped__"):
        return _same_value(first.__wrapped__, second.__wrapped__)
    if hasattr(first, "__code__"):
        cells = [_same_value(a.cell_contents, b.cell_contents) for a, b in
                 zip(first.__closure__ or (), second.__closure__ or (), strict=False)]
        return (first.__module__ == second.__module__ and first.__qualname__ == second.__qualname__
                and _code_key(first.__code__) == _code_key(second.__code__)
                and _same_value(first.__defaults__, second.__defaults__) and all(cells))
    if isinstance(first, Mapping):
        return first.keys() == second.keys() and all(_same_value(first[k], second[k]) for k in first)
    if isinstance(first, (tuple, list)):
        return len(first) == len(second) and all(_same_value(a, b) for a, b in zip(first, second, strict=True))
    try:
        equal = first == second
        return bool(equal) if not hasattr(equal, "shape") else bool(equal.all())
    except (TypeError, ValueError):
        return repr(first) == repr(second)


def _same_exercise(first: Exercise, second: Exercise) -> bool:
    """Whether two exercises are the same registration (see :func:`register`)."""
    import dataclasses

    return type(first) is type(second) and all(
        _same_value(getattr(first, f.name), getattr(second, f.name)) for f in dataclasses.fields(first)
    )


def registered() -> dict[str, Exercise]:
    """A copy of the registry, every page's exercises included: id -> exercise."""
    from lettools.book import load_pages

    load_pages()
    return dict(_REGISTRY)


class UnknownExerciseError(LookupError):
    """No exercise is registered under the name given to :func:`evaluate` or :func:`check`."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0])


def _lookup(exercise_id) -> Exercise:
    """The exercise for ``exercise_id``; a typo gets a short error suggesting the nearest name."""
    if not isinstance(exercise_id, str):
        raise TypeError(f"exercise_id must be a string, got {type(exercise_id).__name__}")
    if exercise_id not in _REGISTRY:
        from lettools.book import load_pages  # registers every page's exercises

        load_pages()
    if exercise_id in _REGISTRY:
        return _REGISTRY[exercise_id]
    near = difflib.get_close_matches(exercise_id, list(_REGISTRY), n=1)
    suggestion = f" Did you mean {near[0]!r}?" if near else " Copy the name from the exercise's check cell."
    raise UnknownExerciseError(f"There is no exercise called {exercise_id!r}.{suggestion}")


def _not_yet(reason: str, hint: str = "", verdict: str = "not-yet") -> Feedback:
    text = f"Not yet. {reason}"
    if hint:
        text += f" Hint: {hint}"
    return Feedback(False, text, verdict)


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


def numeric_verdict(exercise: NumericExercise, value: float) -> str:
    """The verdict code (see :class:`Feedback`) for a finite number, by the rule the page uses too.

    The learner's value and its unit slips (divided by 100, times 100, divided by ``scale``,
    negated) are rounded onto the exercise's grid and looked up, in this order, in the accepted
    set and then in each anticipated mistake's set.
    """
    accepted, decimals = exercise.accepted(), exercise.decimals

    def hits(candidate: float, window: frozenset[int]) -> bool:
        return grid_index(candidate, decimals) in window

    if hits(value, accepted):
        return "correct"
    if exercise.unit != "number" and hits(value / 100 if exercise.unit == "decimal" else value * 100, accepted):
        return "unit"
    if exercise.scale is not None and hits(value / exercise.scale, accepted):
        return "scale"
    if hits(-value, accepted):
        return "sign"
    for position, window in enumerate(exercise.mistaken()):
        if hits(value, window):
            return f"mistake-{position}"
    return "not-yet"


def numeric_messages(exercise: NumericExercise) -> dict[str, str]:
    """The message for each verdict code of a numeric exercise (the page shows the same texts)."""
    messages = {
        "correct": "Correct.",
        "unit": f"Not yet. The size looks right but the unit does not: give the answer {_UNIT_WORDS[exercise.unit]}.",
        "scale": f"Not yet. The size looks right but the unit does not: give the answer {exercise.quantity}.",
        "sign": "Not yet. The size looks right but the sign does not: is this a gain or a loss, a purchase or a sale?",
        "not-yet": _not_yet(f"Check your working. {exercise.precision}", exercise.hint).message,
    }
    for position, (_, advice) in enumerate(exercise.mistakes):
        messages[f"mistake-{position}"] = f"Not yet. {advice}"
    return messages


def _evaluate_number(exercise: NumericExercise, answer) -> Feedback:
    value, reason = _as_number(answer)
    if value is None:
        return Feedback(False, reason, "invalid")
    verdict = numeric_verdict(exercise, value)
    return Feedback(verdict == "correct", numeric_messages(exercise)[verdict], verdict)


def _describe(case: Mapping[str, object]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in case.items())


def _evaluate_function(exercise: FunctionExercise, answer) -> Feedback:
    if answer is _MISSING:
        return Feedback(
            False,
            "There is no answer yet: pass your function after the exercise's name, as in check(name, your_function).",
            "invalid",
        )
    if answer is None or answer is Ellipsis:
        return Feedback(
            False, "There is no answer yet: define your function and pass it (without calling it).", "invalid"
        )
    if not callable(answer):
        return Feedback(
            False,
            f"This exercise checks a function, but you passed a value of type {type(answer).__name__}: "
            "pass the function itself, without parentheses.",
            "invalid",
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
    return Feedback(True, f"Correct: your function passes all {len(exercise.cases)} test cases.", "correct")


def evaluate(exercise_id: str, answer=_MISSING) -> Feedback:
    """Judge ``answer`` for the exercise ``exercise_id`` and return the feedback (nothing printed).

    Raises :class:`UnknownExerciseError` for an unknown id (suggesting the nearest name);
    anything the learner passes, or leaves out, gets a :class:`Feedback`, never an exception.
    """
    exercise = _lookup(exercise_id)
    if isinstance(exercise, FunctionExercise):
        return _evaluate_function(exercise, answer)
    return _evaluate_number(exercise, answer)


def check(exercise_id: str, answer=_MISSING) -> None:
    """Print whether ``answer`` is right for ``exercise_id``, with a hint if not (wrapped to fit a page).

    Arguments given the wrong way round, ``check(answer, "some-id")``, and a misspelt name get a
    message, not a traceback.
    """
    if not isinstance(exercise_id, str) and isinstance(answer, str) and answer in registered():
        message = f"Not yet. The exercise's name comes first: check({answer!r}, your_answer)."
    else:
        try:
            message = evaluate(exercise_id, answer).message
        except UnknownExerciseError as error:
            message = str(error)
    print(textwrap.fill(message, width=88))


#: Rounds of SHA-256 per hashed grid value on the page: a reader's check costs a few
#: milliseconds, a brute-force search of every grid value costs that much per candidate.
PAGE_HASH_ROUNDS = 2000


def page_hash(salt: str, index: int, rounds: int = PAGE_HASH_ROUNDS) -> str:
    """The page checker's hash of a grid index: SHA-256 of ``"<salt>:<index>"``, re-hashed ``rounds - 1`` times."""
    digest = hashlib.sha256(f"{salt}:{index}".encode()).digest()
    for _ in range(rounds - 1):
        digest = hashlib.sha256(digest).digest()
    return digest.hex()


def page_data(exercise: NumericExercise) -> dict:
    """What the static page needs to check an answer without holding it in readable form.

    The accepted grid indices (see :func:`grid_index`) and each anticipated mistake's are
    stored only as salted, iterated hashes, sorted so their order says nothing; the browser
    rounds the reader's number (and its unit slips) onto the same grid, hashes, and looks the
    hash up, in the order of :func:`numeric_verdict`. Messages are the checker's own.
    """
    salt = hashlib.sha256(f"daily-reset:{exercise.id}".encode()).hexdigest()[:16]
    messages = numeric_messages(exercise)

    def hashed(window: frozenset[int]) -> list[str]:
        return sorted(page_hash(salt, index) for index in window)

    return {
        "id": exercise.id,
        "salt": salt,
        "rounds": PAGE_HASH_ROUNDS,
        "decimals": exercise.decimals,
        "unit": exercise.unit,
        "scale": exercise.scale,
        "accepted": hashed(exercise.accepted()),
        "mistakes": [hashed(window) for window in exercise.mistaken()],
        "messages": messages,
        "precision": exercise.precision,
    }


#: The registry exported for tools that run without lettools (scripts/student_edition.py).
EXPORT_PATH = "lettools/book/exercises.json"


def export() -> dict[str, dict]:
    """Every registered exercise as plain data: the answer key and the grading settings.

    Numeric exercises include their expected value and each anticipated mistake's value, so
    the result is for instructors (the answer key, nbgrader points), never for a student page.
    Function exercises give their parameters and number of test cases instead.
    """
    exported = {}
    for exercise_id, exercise in sorted(registered().items()):
        entry: dict[str, Any] = {
            "kind": "function" if isinstance(exercise, FunctionExercise) else "number",
            "precision": exercise.precision,
            "hint": exercise.hint,
            "points": exercise.points,
            "minutes": exercise.minutes,
            "written": exercise.written,
            "written_points": exercise.written_points,
        }
        if isinstance(exercise, NumericExercise):
            entry.update(
                answer=float(exercise.expected()),
                unit=exercise.unit,
                decimals=exercise.decimals,
                steps=exercise.steps,
                quantity=exercise.quantity,
                mistakes=[{"value": float(wrong()), "advice": advice} for wrong, advice in exercise.mistakes],
            )
        else:
            entry.update(parameters=list(exercise.parameters), cases=len(exercise.cases))
        exported[exercise_id] = entry
    return exported


def write_export(root: str | None = None) -> str:
    """Write :func:`export` to :data:`EXPORT_PATH` under ``root`` (default: the working directory)."""
    import json
    import os

    path = os.path.join(root or os.getcwd(), EXPORT_PATH)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(export(), handle, indent=1, sort_keys=True, ensure_ascii=False)
        handle.write("\n")
    return path


if __name__ == "__main__":  # python -m lettools.exercises: refresh the export after changing a registration
    from lettools import exercises as _registry  # the imported module, where the pages register

    print(f"wrote {_registry.write_export()}")
