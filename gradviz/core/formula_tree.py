"""The tree of a formula in x and y: its node kinds, the algebra that builds them (folding numbers
and simple identities as it goes, so derivatives stay short), NumPy evaluation, exact derivatives
and the text a user reads back.

The derivative rules are a table of eleven lines that tests check against finite differences.
Limits keep every answer fast and every tree small: `MAX_LENGTH` characters, `MAX_DEPTH` levels
of nesting, exponents that are numbers with |p| ≤ `MAX_EXPONENT`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

MAX_LENGTH = 300
MAX_DEPTH = 30
MAX_EXPONENT = 64

UNARY = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "tanh": np.tanh,
    "abs": np.abs,
}
FUNCTION_NAMES = tuple(UNARY)  # what a user may call, one argument each
_INTERNAL = {"sign": np.sign}  # appears in derivatives only (d|u| = sign(u) du)
CONSTANTS = {"pi": math.pi, "e": math.e}
VARIABLES = ("x", "y")


class FunctionError(ValueError):
    """A function the playground cannot use and why; for a formula, `column` (1-based) points at
    the trouble in the user's own text."""

    def __init__(self, message: str, column: int | None = None):
        self.reason = message
        self.column = column
        super().__init__(message if column is None else f"{message} at column {column}")


# ---------------------------------------------------------------------------------------------
# The tree: immutable nodes, shared freely (a derivative reuses the subtrees of what it derives).


@dataclass(frozen=True, eq=False)
class Node:
    op: str  # "num", "var", "+", "-", "*", "/", "neg", "pow", or a function name
    args: tuple = ()
    value: float = 0.0  # the number for "num", the exponent for "pow"
    name: str = ""  # the variable for "var"
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_number(self) -> bool:
        return self.op == "num"

    def uses_variables(self) -> bool:
        return self.op == "var" or any(a.uses_variables() for a in self.args)


def number(v: float) -> Node:
    return Node("num", value=float(v) + 0.0)  # + 0.0: no −0


def _is(node: Node, v: float) -> bool:
    return node.op == "num" and node.value == v


def _fold(op: str, *values: float) -> Node:
    with np.errstate(all="ignore"):
        return number(_apply(op, values, 0.0))


def add(a: Node, b: Node) -> Node:
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    if a.is_number and b.is_number:
        return _fold("+", a.value, b.value)
    if (positive := _negated(b)) is not None:  # a + (−2·x) is a − 2·x
        return sub(a, positive)
    if a.is_number and a.value < 0:  # −1 + y is y − 1
        return sub(b, number(-a.value))
    return Node("+", (a, b))


def sub(a: Node, b: Node) -> Node:
    if _is(b, 0):
        return a
    if _is(a, 0):
        return neg(b)
    if a.is_number and b.is_number:
        return _fold("-", a.value, b.value)
    if (positive := _negated(b)) is not None:  # a − (−1) is a + 1
        return add(a, positive)
    return Node("-", (a, b))


def _negated(node: Node) -> Node | None:
    """−node when node is written with a leading minus (−u, a negative number, −2·x), else None."""
    if node.op == "neg":
        return node.args[0]
    if node.is_number and node.value < 0:
        return number(-node.value)
    if node.op in ("*", "/"):
        coefficient, factors = _factors(node)
        if coefficient < 0:
            return _product(-coefficient, factors)
    return None


def mul(a: Node, b: Node) -> Node:
    if a.is_number and b.is_number:
        return _fold("*", a.value, b.value)
    ca, fa = _factors(a)
    cb, fb = _factors(b)
    return _product(ca * cb, fa + fb)


def div(a: Node, b: Node) -> Node:
    if a.is_number and b.is_number:
        return _fold("/", a.value, b.value)
    cb, fb = _factors(b)
    if cb == 0 or not math.isfinite(cb):  # x/0: as written (evaluated, it is ±inf or nan)
        return Node("/", (a, b))
    ca, fa = _factors(a)
    return _product(ca / cb, fa + [(base, -e) for base, e in fb])


def neg(a: Node) -> Node:
    if a.is_number:
        return number(-a.value)
    if a.op == "neg":
        return a.args[0]
    if a.op in ("*", "/"):
        coefficient, factors = _factors(a)
        return _product(-coefficient, factors)
    return Node("neg", (a,))


def _factors(node: Node) -> tuple[float, list[tuple[Node, float]]]:
    """node = coefficient · Π baseᵉ: a product's numbers multiplied out, its factors with their powers
    (whole powers only: x^0.5 · x^0.5 is not x where x < 0)."""
    if node.is_number:
        return node.value, []
    if node.op == "neg":
        c, f = _factors(node.args[0])
        return -c, f
    if node.op == "*":
        ca, fa = _factors(node.args[0])
        cb, fb = _factors(node.args[1])
        return ca * cb, fa + fb
    if node.op == "/":
        ca, fa = _factors(node.args[0])
        cb, fb = _factors(node.args[1])
        if cb != 0 and math.isfinite(cb):
            return ca / cb, fa + [(base, -e) for base, e in fb]
    if node.op == "pow" and node.value == int(node.value):
        return 1.0, [(node.args[0], node.value)]
    return 1.0, [(node, 1.0)]


def _product(coefficient: float, factors: list[tuple[Node, float]]) -> Node:
    """coefficient · Π baseᵉ as a tree: equal bases merged (x·x is x²), the number first, the factors
    with negative powers under one fraction bar."""
    if coefficient == 0:
        return number(0)
    merged: dict[str, list] = {}
    for base, e in factors:
        key = to_text(base)
        if key in merged:
            merged[key][1] += e
        else:
            merged[key] = [base, e]
    upper = [power(base, e) for base, e in merged.values() if e > 0]
    lower = [power(base, -e) for base, e in merged.values() if e < 0]
    if not upper and not lower:
        return number(coefficient)
    magnitude = abs(coefficient)
    if magnitude != 1 or not upper:
        upper.insert(0, number(magnitude))
    node = upper[0]
    for factor in upper[1:]:
        node = Node("*", (node, factor))
    if lower:
        denominator = lower[0]
        for factor in lower[1:]:
            denominator = Node("*", (denominator, factor))
        node = Node("/", (node, denominator))
    if coefficient < 0:
        if node.op == "*" and node.args[0].is_number:  # −2·x: the sign on the number
            first = node.args[0]
            node = Node("*", (number(-first.value), node.args[1])) if first.value != 1 else node.args[1]
            return node
        return Node("neg", (node,))
    return node


def power(a: Node, p: float) -> Node:
    if p == 0:
        return number(1)
    if p == 1:
        return a
    return _fold("pow", a.value, p) if a.is_number else Node("pow", (a,), value=float(p))


def call(fn: str, a: Node) -> Node:
    return _fold(fn, a.value) if a.is_number else Node(fn, (a,))


def _apply(op: str, values, exponent: float):
    if op == "+":
        return values[0] + values[1]
    if op == "-":
        return values[0] - values[1]
    if op == "*":
        return values[0] * values[1]
    if op == "/":
        return np.divide(values[0], values[1])
    if op == "neg":
        return -values[0]
    if op == "pow":
        if len(values) == 2:  # folding two numbers
            return np.power(float(values[0]), float(values[1]))
        return np.power(values[0], exponent)
    return (UNARY.get(op) or _INTERNAL[op])(values[0])


def evaluate(node: Node, x, y) -> np.ndarray:
    """The node's value at x, y (arrays broadcast); each shared subtree is computed once."""
    seen: dict[int, object] = {}

    def walk(n: Node):
        key = id(n)
        if key not in seen:
            if n.op == "num":
                seen[key] = n.value
            elif n.op == "var":
                seen[key] = x if n.name == "x" else y
            else:
                seen[key] = _apply(n.op, [walk(a) for a in n.args], n.value)
        return seen[key]

    with np.errstate(all="ignore"):
        return walk(node)


def derivative(node: Node, var: str) -> Node:
    """∂node/∂var as a new tree (sharing the subtrees of `node`), simplified as it is built."""
    memo = node._memo
    key = ("d", var)
    if key in memo:
        return memo[key]
    op, args = node.op, node.args
    if op == "num":
        out = number(0)
    elif op == "var":
        out = number(1.0 if node.name == var else 0.0)
    else:
        d = [derivative(a, var) for a in args]
        if op == "+":
            out = add(d[0], d[1])
        elif op == "-":
            out = sub(d[0], d[1])
        elif op == "neg":
            out = neg(d[0])
        elif op == "*":
            out = add(mul(d[0], args[1]), mul(args[0], d[1]))
        elif op == "/":  # (u/v)' = u'/v − u v'/v²
            out = sub(div(d[0], args[1]), div(mul(args[0], d[1]), power(args[1], 2)))
        elif op == "pow":  # (uᵖ)' = p uᵖ⁻¹ u'
            out = mul(mul(number(node.value), power(args[0], node.value - 1)), d[0])
        else:
            out = mul(_outer_derivative(node), d[0])
    memo[key] = out
    return out


def _outer_derivative(node: Node) -> Node:
    """f′(u) for node = f(u), reusing node itself where f′ is written in f (exp, tan, tanh, sqrt)."""
    u = node.args[0]
    return {
        "sin": lambda: call("cos", u),
        "cos": lambda: neg(call("sin", u)),
        "tan": lambda: add(number(1), power(node, 2)),
        "exp": lambda: node,
        "log": lambda: div(number(1), u),
        "sqrt": lambda: div(number(0.5), node),
        "tanh": lambda: sub(number(1), power(node, 2)),
        "abs": lambda: call("sign", u),
        "sign": lambda: number(0),  # zero away from u = 0, where |u| has no second derivative
    }[node.op]()


# ---------------------------------------------------------------------------------------------
# Writing a tree as a textbook would: the derivation view shows ∂f/∂x and ∂f/∂y this way.

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "pow": 4}
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _number_text(v: float) -> str:
    if v == math.pi:
        return "π"
    if v == math.e:
        return "e"
    text = f"{v:.6g}"
    return text.replace("-", "−")


def to_text(node: Node) -> str:
    """The tree as a formula: − for minus, · for times, superscripts for whole powers, and only the
    parentheses precedence needs."""
    op = node.op
    if op == "num":
        return _number_text(node.value)
    if op == "var":
        return node.name
    if op in UNARY or op in _INTERNAL:
        return f"{op}({to_text(node.args[0])})"
    if op == "neg":
        inner = node.args[0]  # −(a·b) reads as −a·b: no parentheses needed around a product
        return "−" + (to_text(inner) if inner.op in ("*", "/") else _wrapped(inner, 3, strict=True))
    if op == "pow":
        p = node.value
        base = _wrapped(node.args[0], 4, strict=True)
        if p == int(p) and abs(p) < 1e6:
            return base + str(int(p)).translate(_SUPERSCRIPT_DIGITS)
        return f"{base}^{_number_text(p) if p > 0 else '(' + _number_text(p) + ')'}"
    level = _PRECEDENCE[op]
    left = _wrapped(node.args[0], level)
    right = _wrapped(node.args[1], level, strict=op in "-/")
    symbol = {"+": " + ", "-": " − ", "*": "·", "/": "/"}[op]
    return left + symbol + right


def _wrapped(node: Node, level: int, strict: bool = False) -> str:
    """A child written inside an operator of precedence `level`: in parentheses where it binds less
    tightly (or as tightly, right of − and /, and as a base of a power; negative numbers too)."""
    mine = _PRECEDENCE.get(node.op, 5)
    if node.op == "num" and node.value < 0:
        mine = 3
    text = to_text(node)
    return f"({text})" if mine < level or (strict and mine == level) else text


# ---------------------------------------------------------------------------------------------
# Reading the text.
