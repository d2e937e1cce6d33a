"""What changed: one `Change` per batch of edits, told to every subscriber once.

A user action (generate a data set, drop a point, take ten steps) may touch the state in
several places; listeners hear about it once, when the outermost `batch()` ends, with the set
of aspects that changed and any notes for the user. This is pyqtgraph's treeChangeBlocker and
echo's delay_callback, without Qt: the GUI's bridge turns Changes into Qt signals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

__all__ = ["ASPECTS", "Change", "Note", "Emitter"]

ASPECTS = (
    "data",  # the data set: an edit, generate, import, undo
    "model",  # model, loss or shape: a new run from step 0, every derived number is new
    "settings",  # optimizer, hyper-parameters, batch size: the run goes on
    "step",  # the current step or its parameters: step, seek, reset, a new start point
    "selection",  # the selected sample
    "slice",  # the plane of parameter space the surface and gradient views share
    "runs",  # runs added, removed or focused
    "view",  # a view option (log colours, gradient field, …)
    "curvature",  # a Hessian spectrum computed (in the background) for some run's step
    "tool",  # the class of new points
    "undo",  # what undo and redo would do
)


@dataclass(frozen=True)
class Note:
    """Something the user should read: "info" (status bar), "warning" or "error" (message bar)."""

    kind: str
    text: str
    fix: tuple[str, Callable[[], object]] | None = None  # a button's text and what it does


@dataclass(frozen=True)
class Change:
    aspects: frozenset[str] = frozenset()
    notes: tuple[Note, ...] = ()

    @classmethod
    def of(cls, *aspects: str, known: tuple[str, ...] = ASPECTS) -> Change:
        unknown = set(aspects) - set(known)
        if unknown:
            raise ValueError(f"unknown aspects {sorted(unknown)}")
        return cls(frozenset(aspects))

    @classmethod
    def everything(cls) -> Change:
        return cls(frozenset(ASPECTS))

    def touches(self, aspects: Iterable[str]) -> bool:
        return not self.aspects.isdisjoint(aspects)

    def __contains__(self, aspect: str) -> bool:
        return aspect in self.aspects

    def __or__(self, other: Change) -> Change:
        return Change(self.aspects | other.aspects, self.notes + other.notes)

    def __bool__(self) -> bool:
        return bool(self.aspects or self.notes)


@dataclass
class Emitter:
    """Collects marks and notes during a batch; at its end, tells every subscriber one Change (of the
    aspects `known`: the session's, or another model's own)."""

    known: tuple[str, ...] = ASPECTS
    _subscribers: list[Callable[[Change], None]] = field(default_factory=list)
    _depth: int = 0
    _pending: Change = field(default_factory=Change)

    def subscribe(self, callback: Callable[[Change], None]) -> Callable[[], None]:
        """Call `callback(change)` after every batch; returns a function that unsubscribes."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    @property
    def followers(self) -> int:
        """How many subscribers are told (a window that closed no longer is one)."""
        return len(self._subscribers)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Everything inside is one Change (batches nest; the outermost one emits)."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and self._pending:
                change, self._pending = self._pending, Change()
                for callback in list(self._subscribers):
                    callback(change)

    def mark(self, *aspects: str) -> None:
        with self.batch():
            self._pending = self._pending | Change.of(*aspects, known=self.known)

    def note(self, kind: str, text: str, fix: tuple[str, Callable[[], object]] | None = None) -> None:
        with self.batch():
            self._pending = self._pending | Change(notes=(Note(kind, text, fix),))
