"""Undo and redo of whole snapshots: the data, the settings they forced, and the selection.

Data sets and settings are immutable, so a snapshot is three references; undoing an edit
puts back exactly what was there before it, including which sample was selected.
"""

from __future__ import annotations

from dataclasses import dataclass

from gradviz.core import Dataset, Settings

__all__ = ["Snapshot", "UndoStack"]

MAX_ENTRIES = 200


@dataclass(frozen=True)
class Snapshot:
    dataset: Dataset
    settings: Settings
    selected: int | None


@dataclass(frozen=True)
class _Entry:
    text: str
    before: Snapshot
    after: Snapshot


class UndoStack:
    def __init__(self):
        self._done: list[_Entry] = []
        self._undone: list[_Entry] = []

    def push(self, text: str, before: Snapshot, after: Snapshot) -> None:
        self._done.append(_Entry(text, before, after))
        del self._done[:-MAX_ENTRIES]
        self._undone.clear()

    def undo(self) -> tuple[str, Snapshot] | None:
        if not self._done:
            return None
        entry = self._done.pop()
        self._undone.append(entry)
        return entry.text, entry.before

    def redo(self) -> tuple[str, Snapshot] | None:
        if not self._undone:
            return None
        entry = self._undone.pop()
        self._done.append(entry)
        return entry.text, entry.after

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()

    @property
    def undo_text(self) -> str | None:
        """What undo would undo ("add point"), or None."""
        return self._done[-1].text if self._done else None

    @property
    def redo_text(self) -> str | None:
        return self._undone[-1].text if self._undone else None
