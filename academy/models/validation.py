"""Checks that turn a bad input into a sentence a clinician can act on.

Each check returns the value as a float numpy array (so models stay vectorised) or raises a
ValueError that names the parameter and the range it must lie in. Widgets show that sentence.
"""

from __future__ import annotations

import numpy as np


def _as_array(name: str, value) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if np.any(np.isnan(array)):
        raise ValueError(f"{name} must be a number, not missing (NaN)")
    return array


def require_positive(name: str, value) -> np.ndarray:
    """Return value as an array, or raise ValueError unless every element is above 0."""
    array = _as_array(name, value)
    if np.any(~(array > 0)) or np.any(np.isinf(array)):
        raise ValueError(f"{name} must be above 0 (and finite); got {_show(value)}")
    return array


def require_non_negative(name: str, value) -> np.ndarray:
    """Return value as an array, or raise ValueError unless every element is 0 or more."""
    array = _as_array(name, value)
    if np.any(array < 0) or np.any(np.isinf(array)):
        raise ValueError(f"{name} must be 0 or more (and finite); got {_show(value)}")
    return array


def require_share(name: str, value) -> np.ndarray:
    """Return value as an array, or raise ValueError unless every element is between 0 and 1."""
    array = _as_array(name, value)
    if np.any((array < 0) | (array > 1)):
        raise ValueError(f"{name} must be a share between 0 and 1 (for example 0.7 for 70%); got {_show(value)}")
    return array


def _show(value) -> str:
    array = np.atleast_1d(np.asarray(value, dtype=float))
    if array.size == 1:
        return f"{array[0]:g}"
    return f"values from {np.nanmin(array):g} to {np.nanmax(array):g}"
