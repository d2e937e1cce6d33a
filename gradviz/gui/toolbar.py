"""The playback toolbar: reset, back, play, step, run N, the timeline and the step counter.

Everything sits in one row widget, so nothing ever falls into the toolbar's overflow menu: when
the window is narrow (a 1024-pixel projector at presentation fonts) the timeline shrinks first,
then the buttons drop their words and keep their icons (Qt's own, so they draw on every system).
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QSlider, QSpinBox, QStyle, QToolBar, QToolButton, QWidget

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
        self.job_widgets: tuple[QWidget, ...] = ()
        self.row = QWidget()
        self.row.setObjectName("playbackRow")
        layout = QHBoxLayout(self.row)
        layout.setContentsMargins(2, 0, 2, 0)
        P = QStyle.StandardPixmap
        self.reset_button = self._button(
            layout,
            "resetButton",
            "Reset",
            P.SP_MediaSkipBackward,
            "Back to step 0, same initial weights (Home)",
            s.reset,
        )
        self.step_back_button = self._button(
            layout, "stepBackButton", "Back", P.SP_MediaSeekBackward, "One step back (Left)", s.step_back
        )
        self.play_button = self._button(
            layout, "playButton", "Play", P.SP_MediaPlay, "Play / pause (Space)", playback.toggle
        )
        self.step_button = self._button(
            layout, "stepButton", "Step", P.SP_MediaSeekForward, "One step forward (Right)", lambda: s.step(1)
        )
        self.run_spin = QSpinBox()
        self.run_spin.setObjectName("runStepsSpin")
        self.run_spin.setRange(1, int(LIMITS["steps"].high))
        self.run_spin.setValue(100)
        self.run_spin.setKeyboardTracking(False)
        self.run_spin.setToolTip("How many steps 'Run' takes")
        self.run_spin.setFont(theme.font(1.1))
        layout.addSpacing(int(8 * theme.scale))
        layout.addWidget(self.run_spin)
        self.run_button = self._button(
            layout, "runButton", "Run", P.SP_MediaSkipForward, "Train this many steps now (Ctrl+R)", None
        )
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setObjectName("timelineSlider")
        self.timeline.setToolTip(
            "The timeline: drag back to any earlier step. Training from there discards the later steps."
        )
        self.timeline.setMinimumWidth(int(80 * theme.scale))
        self.timeline.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.timeline.valueChanged.connect(s.seek)
        layout.addSpacing(int(8 * theme.scale))
        layout.addWidget(self.timeline, 1)
        self.step_label = Readout(theme.font(1.25, bold=True))
        self.step_label.setObjectName("stepLabel")
        layout.addWidget(self.step_label)
        # a lesson's scene counter ("scene 3 / 9") beside the step counter, while a lesson is shown
        self.scene_label = Readout(theme.font(1.25, bold=True))
        self.scene_label.setObjectName("sceneLabel")
        self.scene_label.setToolTip("The lesson's scene: PageDown the next, PageUp the one before")
        self.scene_label.hide()
        layout.addWidget(self.scene_label)
        self.row.setMinimumWidth(0)
        self.row.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )  # the window decides its width
        self.addWidget(self.row)
        self._icons = {
            True: self.style().standardIcon(P.SP_MediaPause),
            False: self.style().standardIcon(P.SP_MediaPlay),
        }
        playback.sigPlayingChanged.connect(self._on_playing)
        qt_session.sigChangedNow.connect(self._on_change)
        self._on_change(Change.everything())

    def _button(self, layout, name: str, text: str, icon, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setIcon(self.style().standardIcon(icon))
        button.setIconSize(QSize(int(20 * self.theme.scale), int(20 * self.theme.scale)))
        button.setToolTip(tip)
        button.setFont(self.theme.font(1.2))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys belong to the plots, not to a button
        if slot is not None:
            button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    @property
    def buttons(self) -> tuple[QToolButton, ...]:
        return (self.reset_button, self.step_back_button, self.play_button, self.step_button, self.run_button)

    def hold_job(self, job) -> None:
        """Show a long job's progress bar and Cancel button in place of the timeline while it runs
        (the step counter keeps counting beside them)."""
        self.job_widgets = job.widgets
        layout = self.row.layout()
        at = layout.indexOf(self.timeline)
        for offset, widget in enumerate(job.widgets):
            widget.setFont(self.theme.font(1.0))
            layout.insertWidget(at + 1 + offset, widget, 1 if offset == 0 else 0)
        job.sigRunning.connect(self._on_job)

    def _on_job(self, running: bool) -> None:
        self.timeline.setVisible(not running)
        for widget in self.job_widgets:
            widget.setVisible(running)

    def _on_playing(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.setIcon(self._icons[playing])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def show_scene_counter(self, text: str | None) -> None:
        """ "scene 3 / 9" beside the step counter (None: no lesson), the buttons refitted to the room left."""
        self.scene_label.setText(text or "")
        self.scene_label.setVisible(text is not None)
        self._fit()

    def _fit(self) -> None:
        """Words beside the icons while they fit, icons alone when the window is narrow."""
        layout = self.row.layout()
        for b in self.buttons:
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        layout.invalidate()
        room = min(self.width(), self.window().width())  # a toolbar wider than its window is being squeezed
        if layout.minimumSize().width() > room - 12:
            for b in self.buttons:
                b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            layout.invalidate()
        layout.activate()

    def _on_change(self, change: Change) -> None:
        if not change.touches(_TIMELINE):
            return
        s = self.session
        step, last = s.current_step, s.last_step
        with QSignalBlocker(self.timeline):
            self.timeline.setMaximum(last)
            self.timeline.setValue(step)
        text = f"step {step}" + (f" / {last}" if last != step else "")
        self.step_label.setText(text)
        digits = len(str(last))
        if digits != getattr(self, "_digits", None):  # a wider counter: make room for it once
            self._digits = digits
            sample = f"step {'0' * digits} / {'0' * digits}"
            self.step_label.setFixedWidth(self.step_label.fontMetrics().horizontalAdvance(sample) + 10)
            self._fit()
        self.step_back_button.setEnabled(step > 0)
