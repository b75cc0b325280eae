"""Type aliases of the engine's signatures (for readers and the type checker; no runtime role)."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["ArrayLike", "FloatArray", "FloatOrArray", "SeedLike"]

FloatArray: TypeAlias = NDArray[np.float64]
"""A float64 array."""

FloatOrArray: TypeAlias = float | NDArray[np.float64]
"""A float when every input is a scalar, else a float64 array of the broadcast shape."""

SeedLike: TypeAlias = int | np.integer | np.random.SeedSequence | np.random.Generator
"""What a ``seed`` parameter accepts: see :func:`lettools.paths.as_seed`."""
