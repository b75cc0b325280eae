"""lettools.notebook.glue works with myst-nb (the book build) and without it (Binder, Colab)."""

from __future__ import annotations

import sys

from lettools.notebook import glue


def test_glue_without_myst_nb_shows_the_value_only_when_asked(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # makes `import myst_nb` fail
    glue("hidden", 0.125, display=False)
    assert capsys.readouterr().out == ""
    glue("shown", 0.125)
    assert capsys.readouterr().out.strip() == "0.125"


def test_glue_with_myst_nb_hands_the_value_to_it(monkeypatch):
    import myst_nb

    received = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: received.append((name, value, display)))
    glue("rate", 0.05, display=False)
    assert received == [("rate", 0.05, False)]
