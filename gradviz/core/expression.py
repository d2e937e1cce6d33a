"""A formula in x and y typed by a user, made safe: read by our own small parser into a tree of a
handful of node kinds, differentiated exactly on that tree, evaluated with NumPy.

Why our own parser and differentiator rather than Python's `ast` and SymPy: the grammar is a
dozen rules, and owning it means no user text ever reaches Python's compiler (`ast.parse` is
`compile` with a flag), every refusal can point at its column in the user's own text, `^`, `−`,
`×` and `²` can be read as a student writes them, and every input is answered in microseconds
(SymPy's simplification has no time bound we could promise). The derivative rules are a table of
eleven lines that tests check against finite differences.

Limits keep every answer fast and every tree small: `MAX_LENGTH` characters, `MAX_DEPTH` levels
of nesting, exponents that are numbers with |p| ≤ `MAX_EXPONENT` ("9**9**9**9" is refused while
it is read, never computed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .formula_parser import read_tree
from .formula_tree import (
    FUNCTION_NAMES,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    FunctionError,
    Node,
    derivative,
    evaluate,
    to_text,
)

__all__ = [
    "to_text",
    "FUNCTION_NAMES",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "Formula",
    "FunctionError",
    "parse_formula",
]


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text, its tree and the trees of its exact first and second derivatives."""

    text: str
    tree: Node
    dx: Node
    dy: Node
    dxx: Node
    dxy: Node
    dyy: Node

    def value(self, x, y):
        return _shaped(evaluate(self.tree, x, y), x, y)

    def grad(self, x, y):
        return _shaped(evaluate(self.dx, x, y), x, y), _shaped(evaluate(self.dy, x, y), x, y)

    def hessian(self, x, y):
        fxx, fxy, fyy = (float(evaluate(n, x, y)) for n in (self.dxx, self.dxy, self.dyy))
        return (fxx, fxy), (fxy, fyy)


def _shaped(value, x, y) -> np.ndarray:
    """A derivative that is a number (or uses only x) still comes back shaped like x and y."""
    shape = np.broadcast_shapes(np.shape(x), np.shape(y))
    return np.broadcast_to(np.asarray(value, dtype=float), shape) * 1.0


def parse_formula(text: str) -> Formula:
    """Read `text` as f(x, y), or raise FunctionError naming what is wrong and where."""
    if not isinstance(text, str) or not text.strip():
        raise FunctionError("an empty formula")
    if len(text) > MAX_LENGTH:
        raise FunctionError(f"a formula of {len(text):,} characters (at most {MAX_LENGTH})")
    tree = read_tree(text)
    dx, dy = derivative(tree, "x"), derivative(tree, "y")
    return Formula(text.strip(), tree, dx, dy, derivative(dx, "x"), derivative(dx, "y"), derivative(dy, "y"))
