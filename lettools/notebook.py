"""Helpers for the book's notebooks that must also run where the book's toolchain is absent.

The chapters quote computed numbers in their prose with myst-nb's ``glue``. In a
live notebook on Binder or Colab, which install only what a learner needs,
myst-nb is absent and a glued value has no prose to land in, so :func:`glue`
then just shows the value when asked to (or nothing).
"""

from __future__ import annotations

from typing import Any

__all__ = ["glue"]


def glue(name: str, value: Any, display: bool = True) -> None:
    """Store ``value`` under ``name`` for the book's prose (myst-nb), or show it in a live notebook.

    Parameters
    ----------
    name : str
        Key that the prose refers to, as in ``{glue:text}`name:.1%```.
    value : object
        The value to store; plain Python floats keep the book build free of warnings.
    display : bool
        Whether to show the value in the cell's output too.
    """
    try:
        from myst_nb import glue as myst_glue
    except ModuleNotFoundError:
        if display:
            from IPython.display import display as show

            show(value)
        return
    myst_glue(name, value, display=display)
