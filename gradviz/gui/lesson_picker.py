"""Choose a lesson or a scenario (Ctrl+L): the guided lessons, then the prepared scenarios, each
with its title and what it shows.

Arrow keys move through the list, the description of the highlighted entry shows below it,
Enter opens it and Esc leaves everything as it was: a lecturer picks the next demo without
the mouse, in front of the hall.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from .dialog_buttons import go_or_cancel
from .theme import Theme

__all__ = ["Entry", "LessonPicker"]

SECTIONS = {"lesson": "Guided lessons (scenes; PageDown)", "preset": "Prepared scenarios"}


@dataclass(frozen=True)
class Entry:
    """One line of the picker: `key` is "lesson:NAME" or "preset:NAME" (as a lesson's `from` says it)."""

    key: str
    title: str
    description: str


class LessonPicker(QDialog):
    def __init__(self, entries: list[Entry], theme: Theme, parent: QWidget | None = None, current: str | None = None):
        super().__init__(parent)
        self.setObjectName("lessonPicker")
        self.setWindowTitle("Choose a lesson or a scenario")
        self.setFont(theme.font(1.0))
        self.list = QListWidget()
        self.list.setObjectName("lessonList")
        self._descriptions = {}
        section = None
        for entry in entries:
            kind = entry.key.partition(":")[0]
            if kind != section and kind in SECTIONS:  # a heading, which the arrow keys pass over
                section = kind
                heading = QListWidgetItem(SECTIONS[kind])
                heading.setFlags(Qt.ItemFlag.NoItemFlags)
                font = self.font()
                font.setBold(True)
                heading.setFont(font)
                self.list.addItem(heading)
            item = QListWidgetItem(entry.title)
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            item.setToolTip(entry.description)
            self.list.addItem(item)
            self._descriptions[entry.key] = entry.description
        self.description = QLabel()
        self.description.setObjectName("lessonDescription")
        self.description.setWordWrap(True)
        self.description.setFont(theme.font(0.95))
        self.description.setMinimumHeight(self.description.fontMetrics().lineSpacing() * 3 + 8)
        buttons = go_or_cancel(self, QDialogButtonBox.StandardButton.Open)
        self.list.itemActivated.connect(lambda *_: self.accept())
        self.list.currentItemChanged.connect(self._describe)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.description)
        layout.addWidget(buttons)
        keys = [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]
        first = next(i for i, key in enumerate(keys) if key is not None)
        at = keys.index(current) if current is not None and current in keys else first
        self.list.setCurrentRow(at)  # where the lecture is
        self.list.setFocus()
        width = max(self.list.sizeHintForColumn(0) + 60, int(480 * theme.scale))
        rows = min(self.list.count() + 1, 24)
        self.resize(width, int(self.list.sizeHintForRow(0) * rows + 220 * theme.scale))

    def _describe(self, item: QListWidgetItem | None, *_) -> None:
        key = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.description.setText(self._descriptions.get(key, ""))

    @property
    def chosen(self) -> str | None:
        """The key ("lesson:NAME" or "preset:NAME") of the highlighted entry."""
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)
