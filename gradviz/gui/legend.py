"""A view's legend beside its plot, as a row of entries that wraps between entries.

Each entry is its own small label (a coloured glyph and its words) in a FlowLayout, so a narrow
dock wraps the row between entries and never inside one. A view's own controls and readouts
can lead the same row: at a projector's font sizes that is a line of height the plot keeps.
Entries change rarely (a new model, a new slice); setting the same ones again costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from .flow_layout import FlowLayout
from .theme import Theme, legend_html

__all__ = ["Legend"]

Entry = tuple[str, str, str]  # colour, glyph kind, words


class _Entry(QLabel):
    """One entry: on one line where the legend is wide enough, wrapped between words where it is not
    (the flow gives an entry wider than the legend the legend's width and asks its height for it)."""

    clicked = Signal()

    def __init__(self):
        super().__init__()
        self.setWordWrap(True)
        self._hint: tuple[tuple, QSize] | None = None  # (text, font, margins) → the size it asks for

    def sizeHint(self) -> QSize:
        """On one line; measured once per text and font (a layout asks many times for every pass)."""
        margins = self.contentsMargins()
        key = (self.text(), self.font().key(), margins.left(), margins.right())
        if self._hint is None or self._hint[0] != key:
            doc = QTextDocument()
            doc.setDocumentMargin(0)
            doc.setDefaultFont(self.font())
            doc.setHtml(self.text())
            width = math.ceil(doc.idealWidth()) + margins.left() + margins.right() + 2
            self._hint = (key, QSize(width, self.heightForWidth(width)))
        return QSize(self._hint[1])

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class Legend(QWidget):
    """`sigEntryClicked(i)`: entry i was clicked (a run's name: the view focuses that run)."""

    sigEntryClicked = Signal(int)

    def __init__(
        self,
        name: str,
        theme: Theme,
        factor: float = 0.9,
        leading: Sequence[QWidget] = (),
        trailing: Sequence[QWidget] = (),
    ):
        """`leading` widgets come before the entries in the row, `trailing` ones after them (a wide readout
        last: short entries fill the line beside a menu, and the readout takes the next one whole)."""
        super().__init__()
        self.setObjectName(name)
        self._font = theme.font(factor)
        self._flow = FlowLayout(self, spacing=int(10 * theme.scale))
        self._flow.setVerticalSpacing(2)
        for widget in (*leading, *trailing):
            self._flow.addWidget(widget)
        self._first_entry = len(leading)  # where entries go in the flow
        self._labels: list[QLabel] = []
        self._entries: tuple[Entry, ...] = ()
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_entries(self, entries: Sequence[Entry]) -> None:
        entries = tuple(entries)
        if entries == self._entries:
            return
        self._entries = entries
        while len(self._labels) < len(entries):
            label = _Entry()
            index = len(self._labels)
            label.clicked.connect(lambda i=index: self.sigEntryClicked.emit(i))
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setFont(self._font)
            self._flow.insert_widget(self._first_entry + len(self._labels), label)
            self._labels.append(label)
        for i, label in enumerate(self._labels):
            label.setVisible(i < len(entries))
            if i < len(entries):
                label.setText(legend_html([entries[i]], wrap=True))
        self._flow.invalidate()
        self.updateGeometry()

    @property
    def entry_labels(self) -> list[QLabel]:
        """The labels of the entries shown, in order (a click on one emits sigEntryClicked with its index)."""
        return self._labels[: len(self._entries)]

    def text(self) -> str:
        """The legend's words, entry after entry (what a screen reader or a test reads)."""
        return "   ".join(words for _, _, words in self._entries)
