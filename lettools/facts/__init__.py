"""Sourced facts that the chapters quote, kept as data with their sources.

Each ``<topic>.json`` file in this folder maps a fact's key to a record with at
least ``value`` and ``source`` (the citation key in ``references.bib`` or the
primary text), and ``basis``: ``"primary"`` (the regulator's, issuer's or
author's own text was read), ``"secondary"`` (reported by a reliable outlet: the
book says "reported") or ``"derived"``. Lists of records (the regulation
chapter's regimes and events) carry the same fields per record.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

__all__ = ["load", "value"]


@functools.cache
def load(topic: str) -> dict[str, Any]:
    """The facts of one topic, read from ``lettools/facts/<topic>.json``.

    Raises
    ------
    ValueError
        If no such topic exists.
    """
    if not isinstance(topic, str) or not topic.isidentifier():
        raise ValueError(f"topic must be a simple name such as 'regulation', got {topic!r}")
    path = resources.files(__name__) / f"{topic}.json"
    if not path.is_file():
        raise ValueError(f"no facts file for topic {topic!r}")
    return json.loads(path.read_text(encoding="utf-8"))


def value(topic: str, key: str) -> Any:
    """The ``value`` of one fact, e.g. ``value("reflexivity", "tuzun_flow_per_pct_bn")``.

    Raises
    ------
    ValueError
        If the topic or the key does not exist.
    """
    facts = load(topic)
    if key not in facts or not isinstance(facts[key], dict) or "value" not in facts[key]:
        raise ValueError(f"no fact {key!r} in topic {topic!r}")
    return facts[key]["value"]
