"""The playback toolbar: reset, back, play, step, run N, the timeline and the step counter."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QSizePolicy, QSlider, QSpinBox, QToolBar, QToolButton, QWidget

from gradviz.core import LIMITS
from gradviz.state import Change

from .playback import Playback
from .qt_session import QtSession
from .readout import Readout
from .theme import Theme

__all__ = ["PlaybackBar"]

_TIMELINE = frozenset({"step", "settings", "data", "model", "runs"})


class PlaybackBar(QToolBar):
    def __init__(self, qt_session: QtSession, playback: Playback, theme: Theme, parent: QWidget | None = None):
        super().__init__("Playback", parent)
        self.setObjectName("playbackToolBar")
        self.setMovable(False)
        self.session = s = qt_session.session
        self.theme = theme
        self.reset_button = self._button(
            "resetButton", "↺ Reset", "Back to step 0, same initial weights (Home)", s.reset
        )
        self.step_back_button = self._button("stepBackButton", "◀ Back", "One step back (Left)", s.step_back)
        self.play_button = self._button("playButton", "▶ Play", "Play / pause (Space)", playback.toggle)
        self.step_button = self._button("stepButton", "Step ▶", "One step forward (Right)", lambda: s.step(1))
        self.addSeparator()
        self.run_spin = QSpinBox()
        self.run_spin.setObjectName("runStepsSpin")
        self.run_spin.setRange(1, int(LIMITS["steps"].high))
        self.run_spin.setValue(100)
        self.run_spin.setKeyboardTracking(False)
        self.run_spin.setToolTip("How many steps 'Run' takes at once")
        self.run_spin.setFont(theme.font(1.1))
        self.addWidget(self.run_spin)
        self.run_button = self._button(
            "runButton", "Run", "Train this many steps now", lambda: s.step(self.run_spin.value())
        )
        self.addSeparator()
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setObjectName("timelineSlider")
        self.timeline.setToolTip(
            "The timeline: drag back to any earlier step. Training from there discards the later steps."
        )
        self.timeline.setMinimumWidth(300)
        self.timeline.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.timeline.valueChanged.connect(s.seek)
        self.addWidget(self.timeline)
        self.step_label = Readout(theme.font(1.4, bold=True), width=int(220 * theme.scale))
        self.step_label.setObjectName("stepLabel")
        self.addWidget(self.step_label)
        playback.sigPlayingChanged.connect(lambda playing: self.play_button.setText("⏸ Pause" if playing else "▶ Play"))
        qt_session.sigChangedNow.connect(self._on_change)
        self._on_change(Change.everything())

    def _button(self, name: str, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setFont(self.theme.font(1.3))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.clicked.connect(slot)
        self.addWidget(button)
        return button

    def _on_change(self, change: Change) -> None:
        if not change.touches(_TIMELINE):
            return
        s = self.session
        step, last = s.current_step, s.last_step
        with QSignalBlocker(self.timeline):
            self.timeline.setMaximum(last)
            self.timeline.setValue(step)
        self.step_label.setText(f"step {step}" + (f" / {last}" if last != step else ""))
        self.step_back_button.setEnabled(step > 0)
