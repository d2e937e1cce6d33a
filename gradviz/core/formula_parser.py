"""Reading a user's formula text into a tree (`formula_tree`), refusing what is not one.

A recursive-descent parser of a dozen rules: no user text ever reaches Python's compiler, every
refusal points at its column in the user's own text, and `^`, `−`, `×` and `²` are read as a
student writes them. Limits are checked while reading ("9**9**9**9" is refused, never computed).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .formula_tree import (
    CONSTANTS,
    FUNCTION_NAMES,
    MAX_DEPTH,
    MAX_EXPONENT,
    UNARY,
    VARIABLES,
    FunctionError,
    Node,
    add,
    call,
    div,
    mul,
    neg,
    number,
    power,
    sub,
)

__all__ = ["read_tree"]

_PYTHON_WORDS = {"lambda", "import", "for", "in", "if", "else", "and", "or", "not", "is", "def", "class"}
_VOCABULARY = "x, y, pi, e and " + ", ".join(FUNCTION_NAMES)


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
        if name in VARIABLES:
            return Node("var", name=name)
        if name in CONSTANTS:
            return number(CONSTANTS[name])
        if name in UNARY:
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


def read_tree(text: str) -> Node:
    """The tree of `text`, or FunctionError naming what is wrong and where."""
    return _Parser(text).parse()
