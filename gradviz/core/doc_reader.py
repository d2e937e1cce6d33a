"""Reading a JSON document a user handed us: bounded before it is parsed, and every field checked
before it becomes a number or an array, each problem one sentence that names the field.

    doc = parse_json(text)                      # DocError: too deep, a 5,000-digit number, …
    ds = Doc(doc)["dataset"]
    n = ds["n_classes"].integer(LIMITS["classes"], allow_zero=True)
    X = ds["X"].matrix()                        # DocError: "dataset › X › row 3 has 1 value, row 1 has 2"

Numbers keep the text they were written with (1e400 is reported as 1e400, not as inf), and
nothing Python says about a wrong type ("'int' object is not iterable") reaches the user.
"""

from __future__ import annotations

import itertools
import json
import math
import numbers
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np

from .limits import MAX_VALUE, Limit

__all__ = ["Doc", "DocError", "parse_json", "read_document", "MAX_DEPTH", "MAX_DIGITS"]

MAX_DEPTH = 64  # objects and arrays nested deeper than any gradviz file needs
MAX_DIGITS = 40  # digits of an integer (Python refuses past 4,300 in its own words)
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # unrolled: runs of plain characters at once
_MISSING = object()
T = TypeVar("T")


class DocError(ValueError):
    """A field that is missing, of the wrong kind or out of range: `where` names it, `reason` says why."""

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}" if where else reason)


class _Number(float):
    """A JSON number that remembers how it was written (for messages)."""

    text: str

    def __new__(cls, text: str):
        value = super().__new__(cls, text)
        value.text = text
        return value

    def __repr__(self) -> str:
        return self.text


_NUMBER_TYPES = {float, int, _Number}  # what JSON numbers are read as (a bool is not one)


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise DocError("", f"the file holds a number with {digits:,} digits")
    return int(text)


def _constant(name: str):
    raise DocError("", f"{name} is not allowed (numbers must be finite)")


def parse_json(text: str, as_written: bool = True) -> Any:
    """The document, or a DocError: not JSON, nested deeper than MAX_DEPTH, an absurd number.

    `as_written`: every decimal number remembers its text, for messages ("1e999" rather than "inf").
    Without it numbers are plain floats, which a file of 100,000 points reads in half the time: read
    so first, and again as written only to say what is wrong (`read_document`)."""
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise DocError("", f"the file is nested {depth:,} levels deep (a gradviz file needs at most {MAX_DEPTH})")
    if as_written:
        hooks = {"parse_float": _Number, "parse_int": _integer}
    elif _needs_care(text):
        hooks = {"parse_float": _finite, "parse_int": _integer}
    else:  # nothing a float cannot hold, no integer past MAX_DIGITS: the C parser alone (5x faster)
        hooks = {}
    try:
        return json.loads(text, parse_constant=_constant, **hooks)
    except json.JSONDecodeError as exc:
        raise DocError("", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:  # cannot happen after the depth check; kept so that it never escapes
        raise DocError("", "the file is nested too deeply") from None


class _NotFinite(Exception):
    """A number too large for a float ("1e400"): read as written, so that what is said about it quotes it."""


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite
    return value


def read_document(text: str, read: Callable[[Any], T]) -> T:
    """`read(parsed text)`, fast; where the file holds a number beyond a float's range or `read` raises a
    DocError, the same again with every number as written in the file, so that what is said quotes it."""
    try:
        return read(parse_json(text, as_written=False))
    except (DocError, _NotFinite):
        return read(parse_json(text))


def _needs_care(text: str) -> bool:
    """Whether the text may hold a number beyond a float's range or an integer past MAX_DIGITS: a run of more
    digits, or an exponent of three digits. Text without either is read without a Python call per number.
    (Counted on the bytes with NumPy: a regular expression for it took 250 ms over 100,000 points.)"""
    codes = np.frombuffer(text.encode("utf-8", "replace") + b"   ", dtype=np.uint8)
    digit = (codes >= ord("0")) & (codes <= ord("9"))
    breaks = np.flatnonzero(~digit)
    if np.diff(breaks, prepend=-1).max(initial=0) > MAX_DIGITS + 1:  # MAX_DIGITS + 1 digits between two breaks
        return True
    e = np.flatnonzero((codes[:-3] == ord("e")) | (codes[:-3] == ord("E")))
    signed = (codes[e + 1] == ord("+")) | (codes[e + 1] == ord("-"))
    start = e + 1 + signed
    return bool(
        np.any(
            digit[start] & digit[np.minimum(start + 1, len(codes) - 1)] & digit[np.minimum(start + 2, len(codes) - 1)]
        )
    )


def _depth(text: str) -> int:
    """The deepest nesting of [ and {, strings left out: counted before the parser recurses."""
    skeleton = _STRINGS.sub("", text).encode("utf-8", "replace")
    codes = np.frombuffer(skeleton, dtype=np.uint8)
    codes = codes[(codes == ord("[")) | (codes == ord("{")) | (codes == ord("]")) | (codes == ord("}"))]
    change = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)  # the brackets alone, in order
    return int(np.cumsum(change).max(initial=0))


def _shown(value) -> str:
    text = value.text if isinstance(value, _Number) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else f"{text[:36]} …"


def _kind(value) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, numbers.Real):
        return f"the number {_shown(value)}"
    if isinstance(value, str):
        return f"the text {_shown(value)}"
    if isinstance(value, list):
        return f"a list of {len(value):,}"
    return "an object"


class Doc:
    """A value inside a document, with where it is ("dataset › X › row 3") for messages."""

    def __init__(self, value: Any, where: str = ""):
        self.value = value
        self.where = where

    def fail(self, reason: str) -> DocError:
        """The error for this value: "dataset › X: must be …", or "the file has no …" at the top."""
        return DocError(self.where, reason) if self.where else DocError("", f"the file {reason}")

    def _child(self, value, name) -> Doc:
        return Doc(value, f"{self.where} › {name}" if self.where else str(name))

    # ------------------------------------------------------------------ objects
    def obj(self, allowed: Iterable[str] | None = None) -> dict:
        if not isinstance(self.value, dict):
            raise self.fail(f"must be an object {{…}}, not {_kind(self.value)}")
        if allowed is not None:
            unknown = sorted(set(self.value) - set(allowed))
            if unknown:
                raise self.fail(f"has no field {unknown[0]!r} (it has {', '.join(sorted(allowed))})")
        return self.value

    def __contains__(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def __getitem__(self, key: str) -> Doc:
        value = self.obj().get(key, _MISSING)
        if value is _MISSING:
            raise self.fail(f"has no {key!r}")
        return self._child(value, key)

    def get(self, key: str, default: Any = None) -> Doc:
        """The field, or a Doc holding `default` where it is absent."""
        return self._child(self.obj().get(key, default), key)

    def items(self) -> list[tuple[str, Doc]]:
        return [(str(k), self._child(v, k)) for k, v in self.obj().items()]

    def elements(self, max_len: int | None = None) -> list[Doc]:
        self._list("[…]", max_len)
        return [self._child(v, f"entry {i + 1}") for i, v in enumerate(self.value)]

    # ------------------------------------------------------------------ scalars
    def is_null(self) -> bool:
        return self.value is None

    def text(self, choices: Iterable[str] | None = None, max_len: int = 200) -> str:
        if not isinstance(self.value, str):
            raise self.fail(f"must be a text, not {_kind(self.value)}")
        if len(self.value) > max_len:
            raise self.fail(f"is {len(self.value):,} characters long, at most {max_len} are allowed")
        if choices is not None:
            choices = tuple(choices)
            if self.value not in choices:
                raise self.fail(f"must be one of {', '.join(choices)}, not {_shown(self.value)}")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"must be true or false, not {_kind(self.value)}")
        return self.value

    def number(self, limit: Limit) -> float:
        self.real()
        try:
            return float(limit.check(float(self.value)))
        except ValueError:
            raise self.fail(f"must be {self._range(limit)}") from None

    def integer(self, limit: Limit, extra: tuple = ()) -> int:
        """A whole number inside `limit` (or one of `extra`, e.g. 0 for "none")."""
        self.real()
        value = self.value
        if isinstance(value, float) and not (math.isfinite(value) and value == int(value)):
            raise self.fail(f"must be a whole number, {self._range(limit)}")
        if value in extra:
            return int(value)
        try:
            return int(limit.check(int(value)))
        except ValueError:
            raise self.fail(f"must be {self._range(limit)}") from None

    def real(self) -> float:
        """Any number (its range is the caller's business)."""
        if isinstance(self.value, bool) or not isinstance(self.value, numbers.Real):
            raise self.fail(f"must be a number, not {_kind(self.value)}")
        return float(self.value)

    def _range(self, limit: Limit) -> str:
        low = f"{int(limit.low):,}" if limit.integer else f"{limit.low:g}"
        high = f"{int(limit.high):,}" if limit.integer else f"{limit.high:g}"
        return f"from {low} to {high}, not {_shown(self.value)}"

    # ------------------------------------------------------------------ arrays
    def _list(self, of: str, max_len: int | None) -> list:
        if not isinstance(self.value, list):
            raise self.fail(f"must be a list {'of ' if of != '[…]' else ''}{of}, not {_kind(self.value)}")
        if max_len is not None and len(self.value) > max_len:
            what = "entries" if of == "[…]" else of
            raise self.fail(f"holds {len(self.value):,} {what}, at most {max_len:,} are allowed")
        return self.value

    def vector(self, length: int | None = None, max_len: int = 10_000_000, limit: float = MAX_VALUE) -> np.ndarray:
        """A list of finite numbers (|x| ≤ limit) as a float array."""
        values = self._list("numbers", max_len)
        if length is not None and len(values) != length:
            raise self.fail(f"must hold {length:,} numbers, it holds {len(values):,}")
        if not set(map(type, values)) <= _NUMBER_TYPES:  # (checked at C speed; the loop names the first)
            for i, v in enumerate(values):
                if isinstance(v, bool) or not isinstance(v, numbers.Real):
                    raise self._child(v, f"entry {i + 1}").fail(f"must be a number, not {_kind(v)}")
        out = np.array(values, dtype=float)
        bad = np.flatnonzero(~(np.abs(out) <= limit))
        if bad.size:
            i = int(bad[0])
            raise self._child(values[i], f"entry {i + 1}").fail(f"must be a finite number of size at most {limit:g}")
        return out

    def matrix(self, cols: int | None = None, max_rows: int = 10_000_000, limit: float = MAX_VALUE) -> np.ndarray:
        """A list of rows of finite numbers, every row as long (`cols` if given), as a 2-D float array."""
        rows = self._list("rows", max_rows)
        width = cols
        for i, row in enumerate(rows):
            if not isinstance(row, list):
                raise self._child(row, f"row {i + 1}").fail(f"must be a list of numbers, not {_kind(row)}")
            if width is None:
                width = len(row)
            if len(row) != width:
                values = "value" if len(row) == 1 else "values"
                raise self._child(row, f"row {i + 1}").fail(f"has {len(row)} {values}, the rows must have {width}")
        # all at once where every entry is a finite number in range (one pass in C over a large data set);
        # else row by row, which names the first entry that is not
        if set(map(type, itertools.chain.from_iterable(rows))) <= _NUMBER_TYPES:
            out = np.array(rows, dtype=float).reshape(len(rows), width or 0)
            if np.all(np.abs(out) <= limit):
                return out
        out = np.empty((len(rows), width or 0))
        for i, row in enumerate(rows):
            out[i] = self._child(row, f"row {i + 1}").vector(limit=limit)
        return out
