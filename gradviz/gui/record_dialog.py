"""Ask what to record (File › Record a run): which view, from which step, how many steps, how fast.

The answer is a plain `RecordChoice`; the window then asks for the file (GIF or MP4) and runs
the recording. The line under the fields says what the choice makes: frames and playing time.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from gradviz.core import LIMITS

from .dialog_buttons import go_or_cancel
from .movie import MAX_FPS
from .recorder import DEFAULT_FPS, DEFAULT_STEPS
from .theme import Theme

__all__ = ["RecordChoice", "RecordDialog"]


@dataclass(frozen=True)
class RecordChoice:
    view: str  # "window" or a dock's name without "Dock"
    start: int
    steps: int
    fps: int


class RecordDialog(QDialog):
    """`views`: (name, title) pairs, the window first; the start is one of the steps 0 … last_step."""

    def __init__(self, views: list[tuple[str, str]], current_step: int, last_step: int, theme: Theme, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("recordDialog")
        self.setWindowTitle("Record a run")
        self.setFont(theme.font(1.0))
        self.view_combo = QComboBox()
        self.view_combo.setObjectName("recordViewCombo")
        for name, title in views:
            self.view_combo.addItem(title, name)
        self.start_spin = self._spin("recordStartSpin", 0, last_step, current_step)
        self.start_spin.setToolTip("Steps up to the last one on the timeline are replayed; later ones are trained")
        self.steps_spin = self._spin("recordStepsSpin", 1, int(LIMITS["steps"].high), DEFAULT_STEPS)
        self.fps_spin = self._spin("recordFpsSpin", 1, max(MAX_FPS.values()), DEFAULT_FPS)
        self.fps_spin.setToolTip(f"GIF plays at most {MAX_FPS['gif']} frames a second, MP4 {MAX_FPS['mp4']}")
        self.summary = QLabel()
        self.summary.setObjectName("recordSummary")
        form = QFormLayout(self)
        form.addRow("View", self.view_combo)
        form.addRow("From step", self.start_spin)
        form.addRow("Steps", self.steps_spin)
        form.addRow("Frames a second", self.fps_spin)
        form.addRow(self.summary)
        buttons = go_or_cancel(self, QDialogButtonBox.StandardButton.Ok, "Record…")
        form.addRow(buttons)
        for spin in (self.start_spin, self.steps_spin, self.fps_spin):
            spin.valueChanged.connect(self._summarise)
        self._summarise()

    def _spin(self, name: str, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setGroupSeparatorShown(True)
        return spin

    def _summarise(self) -> None:
        c = self.choice()
        self.summary.setText(
            f"Steps {c.start:,}–{c.start + c.steps:,}: {c.steps + 1:,} frames, {(c.steps + 1) / c.fps:.1f} s"
        )

    def choice(self) -> RecordChoice:
        return RecordChoice(
            self.view_combo.currentData(), self.start_spin.value(), self.steps_spin.value(), self.fps_spin.value()
        )
