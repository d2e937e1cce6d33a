"""Numbers as the views write them: enough digits that the equation shown checks by eye.

A number is never written as 0 or 1 when it is not exactly that (ŷ = 0.99954 is "1 − 4.6e−4",
not "1"), NaN and infinity are never written as if they were numbers, and −0 is 0.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["num", "vec", "mat", "finite"]


def _sci(x: float, digits: int = 2) -> str:
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa}e{int(exponent)}".replace("-", "−")


def num(x, digits: int = 4) -> str:
    x = float(x) + 0.0  # + 0.0 turns −0 into 0
    if math.isnan(x):
        return "undefined"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    text = f"{x:.{digits}g}"
    shown = float(text)
    if shown != x and shown in (0.0, 1.0, -1.0):  # rounding would hide exactly what matters
        if shown == 0.0:
            return _sci(x, max(2, digits - 1))
        sign = "+" if x > shown else "−"
        return f"{'−' if shown < 0 else ''}1 {sign} {_sci(abs(x - shown))}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def subscript(n: int) -> str:
    """12 → "₁₂": unit numbers as the math writes them (a₂, z¹₁₂)."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


LONGEST = 10  # a vector or matrix side longer than this is written as its ends around "…" (numpy's summary)
_HEAD, _TAIL = 3, 2


def _elided(shown: list[str], n: int) -> list[str]:
    """The written items of an axis of length n, "…" where `_summary` left its middle out."""
    return shown if n <= LONGEST else [*shown[:_HEAD], "…", *shown[_HEAD:]]


def _summary(a: np.ndarray, axis: int) -> np.ndarray:
    """`a` without the middle of a long axis (formatting 256 hidden units cost 20 ms a frame, and nobody reads them)."""
    n = a.shape[axis]
    return a if n <= LONGEST else np.take(a, [*range(_HEAD), *range(n - _TAIL, n)], axis=axis)


def vec(values, digits: int = 4) -> str:
    a = np.atleast_1d(values)
    shown = [num(v, digits) for v in _summary(a, 0)]
    return "[" + ", ".join(_elided(shown, len(a))) + "]"


def mat(values, digits: int = 3) -> str:
    a = np.atleast_2d(values)
    rows = [vec(row, digits)[1:-1] for row in _summary(a, 0)]
    return "[" + "; ".join(_elided(rows, len(a))) + "]"


def finite(*arrays) -> bool:
    """Whether every number is finite (else the views say in words what is undefined)."""
    return all(bool(np.all(np.isfinite(a))) for a in arrays)
