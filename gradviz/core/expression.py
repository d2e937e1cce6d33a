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

import math
import re
from dataclasses import dataclass, field

import numpy as np

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

MAX_LENGTH = 300
MAX_DEPTH = 30
MAX_EXPONENT = 64

_UNARY = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "tanh": np.tanh,
    "abs": np.abs,
}
FUNCTION_NAMES = tuple(_UNARY)  # what a user may call, one argument each
_INTERNAL = {"sign": np.sign}  # appears in derivatives only (d|u| = sign(u) du)
_CONSTANTS = {"pi": math.pi, "e": math.e}
_VARIABLES = ("x", "y")
_PYTHON_WORDS = {"lambda", "import", "for", "in", "if", "else", "and", "or", "not", "is", "def", "class"}
_VOCABULARY = "x, y, pi, e and " + ", ".join(FUNCTION_NAMES)


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
    return (_UNARY.get(op) or _INTERNAL[op])(values[0])


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
    if op in _UNARY or op in _INTERNAL:
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


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    column: int  # 1-based, in the user's text
    value: float = 0.0


_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPELLINGS = {"^": "**", "−": "-", "×": "*", "·": "*", "÷": "/"}  # as a student or a textbook writes them
_SUPERSCRIPTS = {"²": 2.0, "³": 3.0}
_REFUSED_CHARACTERS = {
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    "[": "brackets [ ] are not allowed; group with ( )",
    "]": "brackets [ ] are not allowed; group with ( )",
    "{": "braces { } are not allowed; group with ( )",
    "}": "braces { } are not allowed; group with ( )",
    "=": "'=' is not allowed (no assignments or keyword arguments)",
    ".": "'.' is not allowed here (no attribute access)",
    ":": "':' is not allowed",
}


def _tokens(text: str):
    """The tokens of `text`, one at a time: the parser reads as far as the first trouble, so the
    error it reports is the first one in reading order."""
    i = 0
    while i < len(text):
        ch, col = text[i], i + 1
        if ch.isspace():
            i += 1
            continue
        if m := _NUMBER.match(text, i):
            value = float(m.group())
            if not math.isfinite(value):
                raise FunctionError(f"the number {m.group()} is too large", col)
            yield _Token("num", m.group(), col, value)
            i = m.end()
            continue
        if m := _NAME.match(text, i):
            name = m.group()
            if "__" in name:
                raise FunctionError(f"names with '__' are not allowed ({name!r})", col)
            if name in _PYTHON_WORDS:
                raise FunctionError(f"{name!r} is Python, not part of a formula", col)
            yield _Token("name", name, col)
            i = m.end()
            continue
        if text.startswith("**", i):
            yield _Token("op", "**", col)
            i += 2
            continue
        if ch in "+-*/(),":
            yield _Token("op", ch, col)
        elif ch in _SPELLINGS:
            yield _Token("op", _SPELLINGS[ch], col)
        elif ch in _SUPERSCRIPTS:
            yield _Token("op", "**", col)
            yield _Token("num", ch, col, _SUPERSCRIPTS[ch])
        elif ch in _REFUSED_CHARACTERS:
            raise FunctionError(_REFUSED_CHARACTERS[ch], col)
        else:
            raise FunctionError(f"unexpected character {ch!r}", col)
        i += 1
    yield _Token("end", "", len(text) + 1)


class _Parser:
    """Recursive descent with Python's precedence: + − < * / < unary − < ** (right to left),
    so −x**2 is −(x²) and 2**−1 is ½, as Python and a textbook read them."""

    def __init__(self, text: str):
        self.source = _tokens(text)
        self.tokens: list[_Token] = []
        self.at = 0
        self.depth = 0

    @property
    def token(self) -> _Token:
        while len(self.tokens) <= self.at:
            self.tokens.append(next(self.source))
        return self.tokens[self.at]

    def take(self) -> _Token:
        tok = self.token
        self.at += 1
        return tok

    def is_op(self, *texts: str) -> bool:
        return self.token.kind == "op" and self.token.text in texts

    def parse(self) -> Node:
        node = self.sum()
        if self.token.kind != "end":
            raise self.unexpected()
        return node

    def unexpected(self) -> FunctionError:
        tok = self.token
        if tok.kind == "end":
            return FunctionError("the formula ends too early", tok.column)
        if tok.kind in ("num", "name") or tok.text == "(":
            return FunctionError(f"a missing operator before {tok.text!r} (write 2*x, not 2x)", tok.column)
        return FunctionError(f"unexpected {tok.text!r}", tok.column)

    def nested(self, column: int):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FunctionError(f"nested more than {MAX_DEPTH} levels deep", column)

    @staticmethod
    def finite(node: Node, column: int, what: str) -> Node:
        """Numbers folded while reading must stay numbers: 1/0, exp(1000) and log(−1) are refused."""
        if node.is_number and not math.isfinite(node.value):
            kind = "not a number" if math.isnan(node.value) else "infinite"
            raise FunctionError(f"{what} is {kind}", column)
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.is_op("+", "-"):
            tok = self.take()
            right = self.product()
            node = self.finite(add(node, right) if tok.text == "+" else sub(node, right), tok.column, "this sum")
        return node

    def product(self) -> Node:
        node = self.unary()
        while True:
            if self.is_op("*", "/"):
                tok = self.take()
                right = self.unary()
                node = mul(node, right) if tok.text == "*" else div(node, right)
                node = self.finite(node, tok.column, "this product" if tok.text == "*" else "this quotient")
            elif self.token.kind in ("num", "name") or self.is_op("("):
                raise self.unexpected()
            else:
                return node

    def unary(self) -> Node:
        self.nested(self.token.column)
        try:
            if self.is_op("-"):
                self.take()
                return neg(self.unary())
            if self.is_op("+"):
                self.take()
                return self.unary()
            return self.power()
        finally:
            self.depth -= 1

    def power(self) -> Node:
        base = self.atom()
        if not self.is_op("**"):
            return base
        column = self.take().column
        exponent = self.unary()
        if exponent.uses_variables():
            raise FunctionError("the exponent must be a number (for x to the power y write exp(y*log(x)))", column)
        if not abs(exponent.value) <= MAX_EXPONENT:
            raise FunctionError(f"an exponent larger than {MAX_EXPONENT} in size", column)
        return self.finite(power(base, exponent.value), column, "this power")

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return number(tok.value)
        if tok.kind == "name":
            return self.named(tok)
        if tok.kind == "op" and tok.text == "(":
            node = self.sum()
            self.close(tok)
            return node
        self.at -= 1
        raise self.unexpected()

    def named(self, tok: _Token) -> Node:
        name = tok.text
        if name in _VARIABLES:
            return Node("var", name=name)
        if name in _CONSTANTS:
            return number(_CONSTANTS[name])
        if name in _UNARY:
            if not self.is_op("("):
                raise FunctionError(f"{name} needs its argument in parentheses: {name}(x)", tok.column + len(name))
            opening = self.take()
            argument = self.sum()
            if self.is_op(","):
                raise FunctionError(f"{name} takes one argument", self.token.column)
            self.close(opening)
            return self.finite(call(name, argument), tok.column, f"{name}({argument.value:g})")
        if self.is_op("("):
            raise FunctionError(
                f"unknown function {name!r} (the functions are {', '.join(FUNCTION_NAMES)})", tok.column
            )
        raise FunctionError(f"unknown name {name!r} (use {_VOCABULARY})", tok.column)

    def close(self, opening: _Token):
        if not self.is_op(")"):
            if self.token.kind == "end":
                raise FunctionError("a '(' is never closed", opening.column)
            raise self.unexpected()
        self.take()


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
    tree = _Parser(text).parse()
    dx, dy = derivative(tree, "x"), derivative(tree, "y")
    return Formula(text.strip(), tree, dx, dy, derivative(dx, "x"), derivative(dx, "y"), derivative(dy, "y"))
