"""The playground's test functions f(x, y): the classics of every optimisation lecture, each with
its exact gradient and Hessian, its usual domain, a start point and its known minima.

`make_function(name)` returns one of `FUNCTIONS`; typed expressions come through the same door
(see `make_function`). Everything broadcasts over arrays, so a surface of f is one call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .expression import FunctionError, parse_formula, to_text

__all__ = ["FUNCTIONS", "FunctionError", "TestFunction", "make_function"]

LOG_COLOURS_SHARE = 1 / 3  # `spans_decades`: the share of the domain in the lowest tenth of linear colours


@dataclass(frozen=True)
class TestFunction:
    """f(x, y) with ∇f and ∇²f; `domain` ((x0, x1), (y0, y1)), `start` (x, y), `minima` [(x, y), …]."""

    name: str  # the key in FUNCTIONS, or the formula as typed
    expression: str  # as a student writes it, and as make_function reads it
    domain: tuple[tuple[float, float], tuple[float, float]]
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    lr: float | None  # a step size for plain gradient descent that is stable at the start; None: not known
    _f: Callable
    _grad: Callable
    _hess: Callable

    __test__ = False  # not a pytest class, whatever its name says

    def value(self, x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return self._f(x, y)

    def grad(self, x, y) -> tuple:
        """(∂f/∂x, ∂f/∂y), each shaped like x and y broadcast."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        gx, gy = self._grad(x, y)
        shape = np.broadcast_shapes(x.shape, y.shape)
        return np.broadcast_to(gx, shape) * 1.0, np.broadcast_to(gy, shape) * 1.0

    def gradient_formulas(self) -> tuple[str, str]:
        """(∂f/∂x, ∂f/∂y) written out, as the derivation view shows them (the parser's exact derivatives
        of `expression`, which the named functions' own gradients equal)."""
        formula = parse_formula(self.expression)
        return to_text(formula.dx), to_text(formula.dy)

    def hessian(self, x: float, y: float) -> np.ndarray:
        """(2, 2) ∇²f at one point."""
        (fxx, fxy), (_, fyy) = self._hess(float(x), float(y))
        return np.array([[fxx, fxy], [fxy, fyy]], dtype=float)

    @property
    def spans_decades(self) -> bool:
        """Whether f is best coloured on a log scale over its domain: on a linear scale more than a
        third of the picture would get the lowest tenth of the colours (Rosenbrock's valley, Beale's
        arms and Himmelblau's four basins vanish in one colour; a quadratic bowl or a saddle do not)."""
        (x0, x1), (y0, y1) = self.domain
        x, y = np.meshgrid(np.linspace(x0, x1, 64), np.linspace(y0, y1, 64))
        with np.errstate(all="ignore"):
            values = self.value(x, y)
        values = values[np.isfinite(values)]
        if values.size == 0:
            return False
        low, high = values.min(), values.max()
        return bool(high > low and np.mean(values - low < 0.1 * (high - low)) > LOG_COLOURS_SHARE)


def _rosenbrock() -> TestFunction:
    return TestFunction(
        "rosenbrock",
        "(1 − x)² + 100·(y − x²)²",
        ((-2.0, 2.0), (-1.0, 3.0)),
        (-1.5, 2.0),
        ((1.0, 1.0),),
        5e-4,  # 2/λmax = 9.6e-4 at the start: GD crawls along the valley, as it does in every textbook
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
        lambda x, y: ((2 - 400 * (y - x**2) + 800 * x**2, -400 * x), (None, 200.0)),
    )


def _beale() -> TestFunction:
    def parts(x, y):
        return 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3

    def f(x, y):
        a, b, c = parts(x, y)
        return a**2 + b**2 + c**2

    def grad(x, y):
        a, b, c = parts(x, y)
        gx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
        gy = 2 * a * x + 2 * b * (2 * x * y) + 2 * c * (3 * x * y**2)
        return gx, gy

    def hess(x, y):
        a, b, c = parts(x, y)
        fxx = 2 * (y - 1) ** 2 + 2 * (y**2 - 1) ** 2 + 2 * (y**3 - 1) ** 2
        fxy = 2 * x * (y - 1) + 2 * a + 2 * (2 * x * y) * (y**2 - 1) + 2 * b * 2 * y
        fxy += 2 * (3 * x * y**2) * (y**3 - 1) + 2 * c * 3 * y**2
        fyy = 2 * x**2 + 2 * (2 * x * y) ** 2 + 2 * b * 2 * x + 2 * (3 * x * y**2) ** 2 + 2 * c * 6 * x * y
        return (fxx, fxy), (None, fyy)

    return TestFunction(
        "beale",
        "(1.5 − x + x·y)² + (2.25 − x + x·y²)² + (2.625 − x + x·y³)²",
        ((-4.5, 4.5), (-4.5, 4.5)),
        (1.0, 1.5),
        ((3.0, 0.5),),
        2e-3,
        f,
        grad,
        hess,
    )


def _himmelblau() -> TestFunction:
    return TestFunction(
        "himmelblau",
        "(x² + y − 11)² + (x + y² − 7)²",
        ((-5.0, 5.0), (-5.0, 5.0)),
        (0.0, 0.0),
        ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848127)),
        0.01,
        lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        lambda x, y: (4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7), 2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7)),
        lambda x, y: (
            (12 * x**2 + 4 * y - 44 + 2, 4 * x + 4 * y),
            (None, 2 + 12 * y**2 + 4 * x - 28),
        ),
    )


def _saddle() -> TestFunction:
    return TestFunction(
        "saddle",
        "x² − y²",
        ((-2.0, 2.0), (-2.0, 2.0)),
        (-1.5, 1e-3),
        (),
        0.1,
        lambda x, y: x**2 - y**2,
        lambda x, y: (2 * x, -2 * y),
        lambda x, y: ((2.0, 0.0), (None, -2.0)),
    )


def _monkey_saddle() -> TestFunction:
    return TestFunction(
        "monkey-saddle",
        "x³ − 3·x·y²",
        ((-1.5, 1.5), (-1.5, 1.5)),
        (-1.0, 0.1),
        (),
        0.05,
        lambda x, y: x**3 - 3 * x * y**2,
        lambda x, y: (3 * x**2 - 3 * y**2, -6 * x * y),
        lambda x, y: ((6 * x, -6 * y), (None, -6 * x)),
    )


def _ill_conditioned() -> TestFunction:
    return TestFunction(
        "ill-conditioned",
        "x² + 100·y²",
        ((-2.0, 2.0), (-1.0, 1.0)),
        (-1.8, 0.6),
        ((0.0, 0.0),),
        0.009,  # just under 2/λmax = 0.01: GD zig-zags across the narrow valley
        lambda x, y: x**2 + 100 * y**2,
        lambda x, y: (2 * x, 200 * y),
        lambda x, y: ((2.0, 0.0), (None, 200.0)),
    )


FUNCTIONS: dict[str, Callable[[], TestFunction]] = {
    "rosenbrock": _rosenbrock,
    "beale": _beale,
    "himmelblau": _himmelblau,
    "saddle": _saddle,
    "monkey-saddle": _monkey_saddle,
    "ill-conditioned": _ill_conditioned,
}


TYPED_DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))
TYPED_START = (-2.0, 2.0)


def make_function(spec: str) -> TestFunction:
    """One of `FUNCTIONS` by name, or a formula in x and y ("x**2 + 10*y**2", "sin(x)*cos(y)"; `^`,
    `−`, `·` and `²` read as a textbook writes them) with its exact derivatives, over `TYPED_DOMAIN`
    from `TYPED_START`. Anything else raises FunctionError saying what is wrong and where."""
    if not isinstance(spec, str) or not spec.strip():
        raise FunctionError("an empty function: name one of " + ", ".join(FUNCTIONS) + " or type a formula in x and y")
    make = FUNCTIONS.get(spec.strip().lower())
    if make is not None:
        return make()
    try:
        formula = parse_formula(spec)
    except FunctionError as err:
        if err.reason.startswith("unknown name") and spec.strip().isidentifier():  # a misspelt name
            names = ", ".join(FUNCTIONS)
            raise FunctionError(
                f"unknown function {spec.strip()!r}: name one of {names} or type a formula in x and y"
            ) from None
        raise
    return TestFunction(
        formula.text, formula.text, TYPED_DOMAIN, TYPED_START, (), None, formula.value, formula.grad, formula.hessian
    )
