"""The main window: the only module that knows every view and wires them to the session.

Views and controls never talk to each other; each listens to the Session. This module
builds the docks (objectNames from design.md, so saveState and the tests can find them),
the menus, the playback toolbar with the timeline, the status bar and the message bar.
"""

from __future__ import annotations

import zlib

from PySide6.QtCore import QSettings, QSignalBlocker, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolBar,
    QToolButton,
    QWidget,
)

from .controls import ControlsPanel
from .playback import Playback
from .readout import Readout
from .session import Session
from .theme import Theme
from .views.data_view import DataView
from .views.derivation import DerivationView
from .views.gradients import GradientView
from .views.jacobian import JacobianView
from .views.loss_curve import LossCurveView
from .views.loss_surface import LossSurfaceView
from .views.residuals import ResidualsView

__all__ = ["MainWindow", "MessageBar"]

_SETTINGS_VERSION = 1


class MessageBar(QToolBar):
    """A non-blocking message strip under the toolbar: warnings and errors the user must see."""

    _STYLES = {
        "error": "background: #fde2e1; color: #7a1111; border-bottom: 2px solid #D55E00;",
        "warning": "background: #fff3cd; color: #5c4400; border-bottom: 2px solid #E69F00;",
        "info": "background: #e3f1fb; color: #0b3a5c; border-bottom: 2px solid #0072B2;",
    }

    def __init__(self, theme: Theme, parent: QWidget | None = None):
        super().__init__("Messages", parent)
        self.setObjectName("messageBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.label = QLabel()
        self.label.setObjectName("messageLabel")
        self.label.setWordWrap(True)
        self.label.setFont(theme.font(1.05, bold=True))
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(self.label)
        self.fix_action = QAction(self)
        self.fix_action.setObjectName("messageFixAction")
        self.addAction(self.fix_action)
        close = QAction("✕", self)
        close.setToolTip("Dismiss")
        close.triggered.connect(self.hide)
        self.addAction(close)
        self._fix = None
        self.fix_action.triggered.connect(self._on_fix)
        self.hide()

    @property
    def text(self) -> str:
        return self.label.text()

    def show_message(self, text: str, kind: str = "error", fix: tuple[str, object] | None = None) -> None:
        self.label.setText(text)
        self.setStyleSheet(f"QToolBar {{ {self._STYLES[kind]} padding: 4px; }}")
        self._fix = fix[1] if fix else None
        self.fix_action.setText(fix[0] if fix else "")
        self.fix_action.setVisible(fix is not None)
        self.show()

    def _on_fix(self) -> None:
        if self._fix is not None:
            self._fix()
        self.hide()


# dock objectName -> (title, MainWindow attribute, view class)
_ANALYSIS_VIEWS = {
    "lossSurfaceDock": ("Loss surface and descent path", "surface_view", LossSurfaceView),
    "residualsDock": ("Residuals ŷ − y", "residuals_view", ResidualsView),
    "gradientDock": ("Gradient vectors", "gradient_view", GradientView),
    "jacobianDock": ("Jacobian ∂ŷ/∂z of the selected sample", "jacobian_view", JacobianView),
    "derivationDock": ("Derivation", "derivation_view", DerivationView),
}


def _placeholder(theme: Theme) -> QLabel:
    label = QLabel("…")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setFont(theme.font(1.2))
    return label


class MainWindow(QMainWindow):
    def __init__(
        self, session: Session, *, present: bool = False, restore_layout: bool = True, defer_analysis: bool = False
    ):
        """`defer_analysis`: show the window first and build the analysis views right after
        (`build_deferred_views`), so it is on screen sooner; tests and screenshots build all at once."""
        super().__init__()
        self.setObjectName("gradvizMainWindow")
        self.session = session
        session.setParent(self)
        self.theme = Theme(present)
        self.playback = Playback(session, self)
        self.setDockNestingEnabled(True)
        f = self.font()
        f.setPointSizeF(self.theme.base_point_size)
        self.setFont(f)

        self.message_bar = MessageBar(self.theme, self)
        self._build_playback_bar()
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.message_bar)

        self.controls = ControlsPanel(session, self.playback, self.theme)
        self.data_view = DataView(session, self.theme)
        self.loss_curve = LossCurveView(session, self.theme)
        self.surface_view: LossSurfaceView | None = None
        self.residuals_view: ResidualsView | None = None
        self.jacobian_view: JacobianView | None = None
        self.gradient_view: GradientView | None = None
        self.derivation_view: DerivationView | None = None
        self.docks: dict[str, QDockWidget] = {}
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self._add_dock("controlsDock", "Controls", self.controls, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("dataDock", "Data and prediction", self.data_view, right)
        self._add_dock("lossCurveDock", "Loss curve", self.loss_curve, right)
        for name, (title, _, _) in _ANALYSIS_VIEWS.items():
            self._add_dock(name, title, _placeholder(self.theme), right)
        self._arrange_docks()
        if not defer_analysis:
            self.build_deferred_views()

        self._build_menus()
        self._build_status_bar()

        session.sigStepped.connect(self._on_stepped)
        session.sigSettingsChanged.connect(self._update_title)
        session.sigModelChanged.connect(self.message_bar.hide)
        session.sigDiverged.connect(self._on_diverged)
        session.sigError.connect(lambda text: self.message_bar.show_message(text, "error"))
        session.sigMessage.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.playback.sigPlayingChanged.connect(self._on_playing_changed)
        self._update_title()
        self._on_stepped(session.current_step)
        self.resize(1600, 900)
        self.default_layout()
        # the window may end up smaller than asked (a laptop screen): size the docks again when
        # it is first shown, unless a saved layout was restored
        self._layout_on_show = not (restore_layout and self._restore_layout())

    # ------------------------------------------------------------------ building
    def build_deferred_views(self) -> None:
        """Put the analysis views into their docks (at once, or right after the window shows)."""
        for name, (_, attribute, cls) in _ANALYSIS_VIEWS.items():
            if getattr(self, attribute) is None:
                view = cls(self.session, self.theme)
                setattr(self, attribute, view)
                self.docks[name].setWidget(view)

    def _add_dock(self, name: str, title: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def _tool_button(self, name: str, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setFont(self.theme.font(1.3))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.clicked.connect(slot)
        return button

    def _build_playback_bar(self) -> None:
        bar = QToolBar("Playback", self)
        bar.setObjectName("playbackToolBar")
        bar.setMovable(False)
        s = self.session
        self.reset_button = self._tool_button(
            "resetButton", "↺ Reset", "Back to step 0, same initial weights (Home)", s.reset
        )
        self.step_back_button = self._tool_button("stepBackButton", "◀ Back", "One step back (Left)", s.step_back)
        self.play_button = self._tool_button("playButton", "▶ Play", "Play / pause (Space)", self.playback.toggle)
        self.step_button = self._tool_button("stepButton", "Step ▶", "One step forward (Right)", lambda: s.step(1))
        for b in (self.reset_button, self.step_back_button, self.play_button, self.step_button):
            bar.addWidget(b)
        bar.addSeparator()
        self.run_spin = QSpinBox()
        self.run_spin.setObjectName("runStepsSpin")
        self.run_spin.setRange(1, 100_000)
        self.run_spin.setValue(100)
        self.run_spin.setToolTip("How many steps 'Run' takes at once")
        self.run_spin.setFont(self.theme.font(1.1))
        self.run_button = self._tool_button(
            "runButton", "Run", "Train this many steps now", lambda: s.step(self.run_spin.value())
        )
        bar.addWidget(self.run_spin)
        bar.addWidget(self.run_button)
        bar.addSeparator()
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setObjectName("timelineSlider")
        self.timeline.setToolTip(
            "The timeline: drag back to any earlier step. Training from there discards the later steps."
        )
        self.timeline.setMinimumWidth(300)
        self.timeline.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.timeline.valueChanged.connect(self.session.seek)
        bar.addWidget(self.timeline)
        self.step_label = Readout(self.theme.font(1.4, bold=True), width=int(220 * self.theme.scale))
        self.step_label.setObjectName("stepLabel")
        bar.addWidget(self.step_label)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.playback_bar = bar

    def _action(self, menu, text: str, slot, shortcut=None, name: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if name:
            action.setObjectName(name)
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        s = self.session
        file_menu = bar.addMenu("&File")
        sessions, csvs = "gradviz sessions (*.json)", "CSV files (*.csv);;All files (*)"
        self._action(
            file_menu,
            "&Open session…",
            lambda: self._ask_path(False, "Open session", "", sessions, s.load),
            QKeySequence.StandardKey.Open,
        )
        self._action(
            file_menu,
            "&Save session…",
            lambda: self._ask_path(True, "Save session", "session.json", sessions, s.save),
            QKeySequence.StandardKey.Save,
        )
        file_menu.addSeparator()
        self._action(
            file_menu,
            "&Import data (CSV)…",
            lambda: self._ask_path(False, "Import data", "", csvs, s.import_csv),
            "Ctrl+I",
            "importCsvAction",
        )
        self._action(
            file_menu,
            "&Export data (CSV)…",
            lambda: self._ask_path(True, "Export data", "data.csv", csvs, s.export_csv),
            "Ctrl+E",
            "exportCsvAction",
        )
        self._action(file_menu, "Save &screenshot…", self._save_screenshot, "Ctrl+P")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        undo = s.undo_stack.createUndoAction(self, "&Undo")
        undo.setObjectName("undoAction")
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = s.undo_stack.createRedoAction(self, "&Redo")
        redo.setObjectName("redoAction")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self._action(edit, "&Delete selected point", self.data_view.delete_selected, "Delete", "deletePointAction")
        edit.addSeparator()
        self.class_actions = []
        for c in range(9):
            a = self._action(
                edit,
                f"New points: class {c + 1}",
                lambda checked=False, c=c: s.set_new_point_class(c),
                str(c + 1),
                f"classAction{c + 1}",
            )
            self.class_actions.append(a)

        view = bar.addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        self._action(view, "Fit data in view", self.data_view.fit_view, "F")
        self._action(view, "Default layout", self.default_layout, "Ctrl+0")

        train = bar.addMenu("&Train")
        self.play_action = self._action(train, "&Play / pause", self.playback.toggle, "Space", "playAction")
        self._action(train, "&Step", lambda: s.step(1), "Right", "stepAction")
        self._action(train, "Step &back", s.step_back, "Left", "stepBackAction")
        self._action(train, "&Reset", s.reset, "Home", "resetAction")
        self._action(train, "Run &N steps…", self._run_n, "Ctrl+R")
        faster = self._action(train, "Faster", lambda: self.playback.set_speed(self.playback.speed * 2 or 1), "+")
        faster.setShortcuts([QKeySequence("+"), QKeySequence("=")])
        self._action(train, "Slower", lambda: self.playback.set_speed(max(1, self.playback.speed // 2)), "-")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self._show_shortcuts, "F1")
        self._action(help_menu, "&About gradviz", self._show_about)

    def _build_status_bar(self) -> None:
        self.status_labels = {}
        for key in ("step", "loss", "grad", "lr"):
            label = Readout(self.theme.font(1.0), width=int(150 * self.theme.scale))
            label.setObjectName(f"{key}Status")
            self.statusBar().addPermanentWidget(label)
            self.status_labels[key] = label

    # ------------------------------------------------------------------ reactions
    def _on_stepped(self, step: int) -> None:
        s = self.session
        with QSignalBlocker(self.timeline):
            self.timeline.setMaximum(s.last_step)
            self.timeline.setValue(step)
        behind = f" / {s.last_step}" if s.last_step != step else ""
        self.step_label.setText(f"step {step}{behind}")
        self.step_back_button.setEnabled(step > 0)
        self.status_labels["step"].setText(f"step {step}")
        self.status_labels["loss"].setText(f"L = {s.trainer.loss:.5g}")
        self.status_labels["grad"].setText(f"‖∇L‖ = {s.trainer.grad_norm:.3g}")
        self.status_labels["lr"].setText(f"η = {s.optimizer.lr:.3g}")

    def finish_rendering(self) -> None:
        """Let every view finish its deferred quality passes (before a screenshot)."""
        self.build_deferred_views()
        self.surface_view.finish_rendering()
        self.data_view.finish_rendering()

    def _on_playing_changed(self, playing: bool) -> None:
        self.play_button.setText("⏸ Pause" if playing else "▶ Play")

    def _on_diverged(self, message: str) -> None:
        lr = self.session.optimizer.lr
        self.message_bar.show_message(
            message, "warning", (f"Use η = {lr / 10:.3g}", lambda: self.session.set_learning_rate(lr / 10))
        )

    def _update_title(self) -> None:
        s = self.session
        self.setWindowTitle(f"gradviz — {s.model.describe()} + {s.loss.title}")

    # ------------------------------------------------------------------ files
    def _ask_path(self, save: bool, title: str, default: str, filters: str, handler) -> None:
        """Ask for a file name, then hand it to the session (which reports any problem)."""
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = dialog(self, title, default, filters)
        if path:
            handler(path)

    def _save_screenshot(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save screenshot", "gradviz.png", "PNG images (*.png)")
        self.finish_rendering()
        if path and not self.grab().save(path):
            self.message_bar.show_message(f"Could not write {path}", "error")

    def _run_n(self) -> None:
        n, ok = QInputDialog.getInt(self, "Run steps", "Steps to train:", self.run_spin.value(), 1, 100_000)
        if ok:
            self.run_spin.setValue(n)
            self.session.step(n)

    def _show_shortcuts(self) -> None:
        QMessageBox.information(
            self,
            "Keyboard shortcuts",
            "Space  play / pause\nRight  one step\nLeft  one step back\nHome  reset to step 0\n"
            "Ctrl+R  run N steps\n+ / −  faster / slower\n1–9  class of new points\nDelete  remove the selected point\n"
            "Ctrl+Z / Ctrl+Shift+Z  undo / redo\nF  fit the data in view\nCtrl+I / Ctrl+E  import / export CSV",
        )

    def _show_about(self) -> None:
        from gradviz import __version__

        QMessageBox.about(self, "About gradviz", f"gradviz {__version__}: see how gradient descent works.")

    # ------------------------------------------------------------------ layout persistence
    def _arrange_docks(self) -> None:
        """Desk: controls | data, residuals, loss curve | surface, gradients, Jacobian.

        Presentation: the controls closed (the toolbar and keys drive it), data and surface
        large on top; loss curve below the data; residuals, gradients and Jacobian as tabs.
        """
        d = self.docks
        H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        self.splitDockWidget(d["dataDock"], d["lossSurfaceDock"], H)
        if self.theme.present:
            self.splitDockWidget(d["dataDock"], d["lossCurveDock"], V)
            self.splitDockWidget(d["lossSurfaceDock"], d["gradientDock"], V)
            self.tabifyDockWidget(d["gradientDock"], d["residualsDock"])
            self.tabifyDockWidget(d["residualsDock"], d["jacobianDock"])
            self.tabifyDockWidget(d["jacobianDock"], d["derivationDock"])
            d["gradientDock"].raise_()
            return
        self.splitDockWidget(d["dataDock"], d["residualsDock"], V)
        self.splitDockWidget(d["residualsDock"], d["lossCurveDock"], V)
        self.splitDockWidget(d["lossSurfaceDock"], d["gradientDock"], V)
        self.splitDockWidget(d["gradientDock"], d["jacobianDock"], V)
        self.tabifyDockWidget(d["jacobianDock"], d["derivationDock"])
        d["jacobianDock"].raise_()

    def default_layout(self) -> None:
        """Give the docks their default sizes (and, in presentation mode, close the controls)."""
        for dock in self.docks.values():
            dock.show()
        self.docks["jacobianDock" if not self.theme.present else "gradientDock"].raise_()
        if self.theme.present:
            self.docks["controlsDock"].hide()
            half = self.width() // 2
            self.resizeDocks(
                [self.docks["dataDock"], self.docks["lossSurfaceDock"]], [half, half], Qt.Orientation.Horizontal
            )
            height = self.height() - 140
            for names in (("dataDock", "lossCurveDock"), ("lossSurfaceDock", "gradientDock")):
                rows = [int(height * 0.6), int(height * 0.4)]
                self.resizeDocks([self.docks[n] for n in names], rows, Qt.Orientation.Vertical)
            return
        width = self.width()
        controls = int(min(330 * self.theme.scale, 0.26 * width))
        column = (width - controls) // 2
        self.resizeDocks(
            [self.docks["controlsDock"], self.docks["dataDock"], self.docks["lossSurfaceDock"]],
            [controls, column, column],
            Qt.Orientation.Horizontal,
        )
        height = self.height() - 120
        rows = [int(height * 0.46), int(height * 0.27), int(height * 0.27)]
        for names in (
            ("dataDock", "residualsDock", "lossCurveDock"),
            ("lossSurfaceDock", "gradientDock", "jacobianDock"),
        ):
            self.resizeDocks([self.docks[n] for n in names], rows, Qt.Orientation.Vertical)

    def _restore_layout(self) -> bool:
        """The layout the user left last time (True if there was one for these docks)."""
        settings = QSettings()
        key = self._layout_key()
        state = settings.value(f"{key}/state")
        geometry = settings.value(f"{key}/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        restored = state is not None and self.restoreState(state, self._layout_version())
        self.message_bar.hide()
        return bool(restored)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._layout_on_show:
            self._layout_on_show = False
            self.default_layout()

    def save_layout(self) -> None:
        settings = QSettings()
        key = self._layout_key()
        settings.setValue(f"{key}/geometry", self.saveGeometry())
        settings.setValue(f"{key}/state", self.saveState(self._layout_version()))

    def _layout_version(self) -> int:
        """Changes whenever the set of docks does: a layout saved by another version is ignored."""
        return (_SETTINGS_VERSION << 20) ^ (zlib.crc32(",".join(sorted(self.docks)).encode()) & 0xFFFFF)

    def _layout_key(self) -> str:
        """The desk and the presentation layouts are remembered separately."""
        return "presentation" if self.theme.present else "window"

    def closeEvent(self, event) -> None:
        self.playback.pause()
        if self.surface_view is not None:
            self.surface_view.shutdown()
        self.save_layout()
        super().closeEvent(event)
