"""Choose a lesson (Ctrl+L): every prepared scenario with its title and what it shows.

Arrow keys move through the list, the description of the highlighted lesson shows below it,
Enter opens it and Esc leaves everything as it was: a lecturer picks the next demo without
the mouse, in front of the hall.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from gradviz.presets import Preset

from .theme import Theme

__all__ = ["LessonPicker"]


class LessonPicker(QDialog):
    def __init__(self, lessons: list[Preset], theme: Theme, parent: QWidget | None = None, current: str | None = None):
        super().__init__(parent)
        self.setObjectName("lessonPicker")
        self.setWindowTitle("Choose a lesson")
        self.setFont(theme.font(1.0))
        self.list = QListWidget()
        self.list.setObjectName("lessonList")
        for lesson in lessons:
            item = QListWidgetItem(lesson.title)
            item.setData(Qt.ItemDataRole.UserRole, lesson.name)
            item.setToolTip(lesson.description)
            self.list.addItem(item)
        self.description = QLabel()
        self.description.setObjectName("lessonDescription")
        self.description.setWordWrap(True)
        self.description.setFont(theme.font(0.95))
        self.description.setMinimumHeight(self.description.fontMetrics().lineSpacing() * 3 + 8)
        self._descriptions = {lesson.name: lesson.description for lesson in lessons}
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda *_: self.accept())
        self.list.currentItemChanged.connect(self._describe)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.description)
        layout.addWidget(buttons)
        names = [lesson.name for lesson in lessons]
        self.list.setCurrentRow(names.index(current) if current in names else 0)  # where the lecture is
        self.list.setFocus()
        width = max(self.list.sizeHintForColumn(0) + 60, int(480 * theme.scale))
        self.resize(width, int(self.list.sizeHintForRow(0) * (len(lessons) + 1) + 220 * theme.scale))

    def _describe(self, item: QListWidgetItem | None, *_) -> None:
        self.description.setText(self._descriptions.get(item.data(Qt.ItemDataRole.UserRole), "") if item else "")

    @property
    def chosen(self) -> str | None:
        """The name of the highlighted lesson."""
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)
