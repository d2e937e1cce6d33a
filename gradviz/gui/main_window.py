"""The main window: the only module that knows every view and wires them to the session.

Views and controls never talk to each other; each follows the Session through the QtSession
bridge. This module builds the docks (their objectNames are what saveState, scripts and tests
find), the menus from the command table, the playback toolbar, the status bar and the message
bar, and turns the session's notes into messages.
"""

from __future__ import annotations

import os
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from gradviz import core
from gradviz.core import LIMITS
from gradviz.lessons import VIEW_DOCKS, LessonBuild, LessonError, LessonShow, find_lesson, lessons_dir, list_lessons
from gradviz.presets import list_presets, load_preset
from gradviz.state import Change, Session

from . import layout, placement
from .actions import build_menus, help_html
from .blackout import Blackout
from .caption_band import CaptionBand
from .controls import ControlsPanel
from .curvature_feed import CurvatureFeed
from .export_dialog import ExportDialog
from .keyboard import KeyboardGuard
from .lesson_picker import Entry, LessonPicker
from .long_job import SLICE_S, LongJob
from .message_bar import MessageBar
from .numbers import num
from .playback import Playback
from .qt_session import QtSession
from .readout import Readout
from .recent import remember_file
from .record_dialog import RecordDialog
from .recorder import DEFAULT_FPS, DEFAULT_STEPS, Recording, RecordingProgress
from .scaled_style import use_scaled_style
from .slide import posed_for_slide
from .snapshot import image_formats, write_image
from .theme import Theme
from .toolbar import PlaybackBar
from .views.curvature import CurvatureView
from .views.data_view import DataView
from .views.derivation import DerivationView
from .views.gradients import GradientView
from .views.jacobian import JacobianView
from .views.loss_curve import LossCurveView
from .views.loss_surface import LossSurfaceView
from .views.network import NetworkView
from .views.residuals import ResidualsView
from .views.runs_view import RunsView
from .views.surface3d import Surface3DView

__all__ = ["MainWindow"]

# dock objectName -> (title, MainWindow attribute, view class); built after the window shows
_ANALYSIS_VIEWS = {
    "lossSurfaceDock": ("Loss surface and descent path", "surface_view", LossSurfaceView),
    "residualsDock": ("Residuals ŷ − y", "residuals_view", ResidualsView),
    "gradientDock": ("Gradient vectors", "gradient_view", GradientView),
    "jacobianDock": ("Jacobian ∂ŷ/∂z", "jacobian_view", JacobianView),
    "derivationDock": ("Derivation", "derivation_view", DerivationView),
    "networkDock": ("Network", "network_view", NetworkView),
    "curvatureDock": ("Curvature", "curvature_view", CurvatureView),
    "surface3dDock": ("3-D surface", "surface3d_view", Surface3DView),
}
_STATUS = frozenset({"step", "settings", "data", "model", "runs"})
SESSION_FILTER = "gradviz sessions (*.gradviz.json *.json);;All files (*)"


def _command_keys(actions) -> set[str]:
    """The keys of the window's commands that a field which is not being typed in must not swallow.

    Digits and the decimal point stay with the fields (a number is typed with them), however they pick
    classes or black the screen elsewhere.
    """
    keys = {k.toString() for a in actions for k in a.shortcuts()}
    return {k for k in keys if not k.isdigit() and k != "."}


_WINDOWS: set[QMainWindow] = set()


def _keep_alive(window: QMainWindow) -> None:
    """Hold a window made by a window (a mode switch) until Qt deletes it: nobody else refers to it."""
    _WINDOWS.add(window)
    window.destroyed.connect(lambda *_: _WINDOWS.discard(window))


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: Session,
        *,
        present: bool = False,
        restore_layout: bool = True,
        defer_analysis: bool = False,
        size: tuple[int, int] | None = None,
        screen=None,
    ):
        """`defer_analysis`: show the window first and build the analysis views right after
        (`build_deferred_views`), so it is on screen sooner; tests and screenshots build all at once.
        `size`: a rehearsal of a screen that size (`--size WxH`: the window's size, and presenting,
        its fonts); without it a presentation fills `screen` (default: the one Qt puts the window on)
        and the desk is 1600 × 900 or the screen's free area if smaller (`placement`)."""
        super().__init__()
        self.setObjectName("gradvizMainWindow")
        if screen is not None:
            self.setScreen(screen)
        self.session = session
        self.qt_session = QtSession(session, self)
        self.rehearsal_size = size
        width, height = placement.initial_size(present, size, self.screen())
        self.theme = Theme(present, height)
        self.playback = Playback(session, self)
        self.setDockNestingEnabled(True)
        f = self.font()
        f.setPointSizeF(self.theme.base_point_size)
        self.setFont(f)
        QApplication.setFont(f)  # dialogs are windows of their own: they read the fonts from the app
        if self.theme.scale != 1:  # the check boxes, arrows and handles grow with the window's fonts
            use_scaled_style()

        self.message_bar = MessageBar(self.theme, self)
        self.jobs = LongJob(self)
        self.playback_bar = PlaybackBar(self.qt_session, self.playback, self.theme, self)
        self.playback_bar.hold_job(self.jobs)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.playback_bar)
        self.playback_bar.run_button.clicked.connect(lambda: self.run_steps(self.playback_bar.run_spin.value()))
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.message_bar)
        # a lesson's caption: a band along the bottom edge, which the docks make room for
        self.caption_band = CaptionBand(self.theme, self)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.caption_band)
        self.caption_band.hide()
        self.blackout = Blackout(self)
        self.successor: MainWindow | None = None  # the window F5 or Esc handed the session to
        self._scene_target: int | None = None  # the scene being opened (PageDown pressed again goes on from it)

        # the Hessian's spectra, computed aside: the learning rate's bound, and the curvature view
        self.curvature_feed = CurvatureFeed(self.qt_session, backfill=self._curvature_on_screen, parent=self)
        self.controls = ControlsPanel(self.qt_session, self.playback, self.theme)
        # a formula refused while it is typed: why and where, in the status bar too
        self.controls.function_editor.sigStatus.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        self.data_view = DataView(self.qt_session, self.theme)
        self.loss_curve = LossCurveView(self.qt_session, self.theme)
        self.runs_view = RunsView(self.qt_session, self.theme)
        for _, attribute, _ in _ANALYSIS_VIEWS.values():
            setattr(self, attribute, None)
        self.docks: dict[str, QDockWidget] = {}
        self.front_docks: tuple[str, ...] = ()  # views a scenario or a scene put in front of their tab groups
        self.preset_name: str | None = None  # the prepared scenario last opened (the picker starts there)
        self.lesson = None  # the guided lesson whose scenes are shown (.scene_index, .scene_count); None: none
        # quitting asks first when work is unsaved (the app's own window; scripts, tests and
        # screenshots close theirs without a question)
        self.ask_before_closing = False
        self.autosave = None  # the app's own window writes its session aside (gui.autosave)
        self.setAcceptDrops(True)  # a session file or a CSV dropped onto the window opens
        self._dock_shown: dict[str, bool] = {}
        self.row_balancer = layout.RowBalancer(self)  # a lesson's rows, balanced again as the views' words change
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self._add_dock("controlsDock", "Controls", self.controls, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._add_dock("dataDock", "Data and prediction", self.data_view, right)
        self._add_dock("lossCurveDock", "Loss curve", self.loss_curve, right)
        self._add_dock("runsDock", "Runs", self.runs_view, right)
        for name, (title, _, _) in _ANALYSIS_VIEWS.items():
            placeholder = QLabel("…")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._add_dock(name, title, placeholder, right)
        if not defer_analysis:
            self.build_deferred_views()
        self.row_balancer.watch()
        # View › 3-D surface: opened from the menu, as a tab in front of the 2-D surface
        surface3d = self.docks["surface3dDock"]
        surface3d.toggleViewAction().triggered.connect(
            lambda shown: shown and layout.open_beside_surface(self, surface3d)
        )

        self.actions_by_name = build_menus(self)
        self.show_lesson_caption()  # none yet: no band, no counter, nothing to close
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # where Enter and Esc hand the keys back to
        self.keyboard = KeyboardGuard(self, _command_keys(self.actions_by_name.values()))
        self.jobs.sigRunning.connect(lambda running: self.qt_session.set_min_interval(100 if running else 0))
        self.status_labels = {}
        for key in ("step", "loss", "grad", "lr"):
            label = Readout(self.theme.font(1.0), width=int(150 * self.theme.scale))
            label.setObjectName(f"{key}Status")
            self.statusBar().addPermanentWidget(label)
            self.status_labels[key] = label
        # presenting, every number here is also in a view (step, L, ‖∇L‖, η): the height goes to the views
        self.statusBar().setVisible(not self.theme.present)

        self.qt_session.sigChangedNow.connect(self._on_change)
        self._on_change(Change.everything())
        # the docks are arranged once, at the size the window will have (arranged again later, Qt can
        # leave a stale tab bar on screen)
        self.resize(width, height)
        layout.default_sizes(self)
        # the window may end up smaller than asked (a laptop screen): size the docks again when it is
        # first shown, unless the user's own desk layout was restored (a presentation is always the
        # designed one: what the lecturer rehearsed is what the hall sees, whichever way it was opened)
        restored = restore_layout and not present and layout.restore(self, self.screen().availableGeometry())
        self._layout_on_show = not restored
        self.message_bar.hide()
        self.blackout.raise_()

    # ------------------------------------------------------------------ building
    def build_deferred_views(self) -> None:
        """Put the analysis views into their docks (at once, or right after the window shows)."""
        for name, (_, attribute, cls) in _ANALYSIS_VIEWS.items():
            if getattr(self, attribute) is None:
                view = cls(self.qt_session, self.theme)
                setattr(self, attribute, view)
                if view is self.curvature_view:  # in sight: the sharpness over the run is wanted now
                    view.came_into_sight.connect(self.curvature_feed.request)
                self.docks[name].setWidget(view)
                view.set_shown(self._dock_shown.get(name, True))
                self.row_balancer.watch()

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
        # right-click a dock's title: export this view (as File › Export a view does)
        dock.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        dock.customContextMenuRequested.connect(lambda pos, d=dock: self._dock_menu(d, pos))
        dock.visibilityChanged.connect(lambda shown, d=dock: self._dock_visibility(d, shown))
        self.docks[name] = dock
        return dock

    def _dock_menu(self, dock: QDockWidget, pos) -> None:
        menu = QMenu(dock)
        view = dock.objectName()[: -len("Dock")]
        menu.addAction(f"Export “{dock.windowTitle()}” (PNG, SVG, PDF)…", lambda: self.export_view(view))
        menu.exec(dock.mapToGlobal(pos))

    def _dock_visibility(self, dock: QDockWidget, shown: bool) -> None:
        # a dock tabbed behind another stays "visible" to Qt; this signal is what says it is not
        self._dock_shown[dock.objectName()] = shown
        if hasattr(dock.widget(), "set_shown"):
            dock.widget().set_shown(shown)

    @property
    def views(self) -> list[QWidget]:
        views = [self.data_view, self.loss_curve, self.runs_view]
        return views + [getattr(self, a) for _, a, _ in _ANALYSIS_VIEWS.values() if getattr(self, a) is not None]

    # ------------------------------------------------------------------ reactions
    def _on_change(self, change: Change) -> None:
        s = self.session
        if "model" in change:
            layout.fit_to_problem(self)
            self.message_bar.hide()
            # the platform adds " — gradviz" (the application's display name) where it shows titles
            self.setWindowTitle(s.describe_problem())
        for note in change.notes:
            self.say(note.text, note.kind, note.fix)
        raced = len(s.runs) > 1
        if "runs" in change and raced and not getattr(self, "_raced", True) and "runsDock" in self.docks:
            self.docks["runsDock"].raise_()  # a race began: its table in front of the views it shares a tab with
        self._raced = raced
        if change.touches(_STATUS):
            self.status_labels["step"].setText(f"step {s.current_step}")
            symbol = s.settings.objective
            self.status_labels["loss"].setText(f"{symbol} = {num(s.frame.loss, 5)}")
            self.status_labels["grad"].setText(f"‖∇{symbol}‖ = {num(s.frame.grad_norm, 3)}")
            self.status_labels["lr"].setText(f"η = {num(s.optimizer.lr, 3)}")
        if "undo" in change:
            for name, text in (("undoAction", s.undo_text), ("redoAction", s.redo_text)):
                action = self.actions_by_name[name]
                action.setEnabled(text is not None)
                action.setText(f"&{name[:4].capitalize()} {text or ''}".strip())

    def say(self, text: str, kind: str = "info", fix=None) -> None:
        """Tell the user: news in the status bar for a few seconds (presenting: the message strip,
        the status bar is hidden), warnings and errors in the message strip until dismissed."""
        if kind == "info" and not self.theme.present:
            self.statusBar().showMessage(text, 6000)
        else:
            self.message_bar.show_message(text, kind, fix)

    def _curvature_on_screen(self) -> bool:
        """Whether a view shows the sharpness over the whole run (then the feed computes it on a stride)."""
        view = getattr(self, "curvature_view", None)
        return view is not None and view.seen

    def still_computing(self) -> list[str]:
        """What the views in sight are still waiting for from the background (empty: the scene is
        complete): benchmarks/bench_lessons.py times a scene until this is empty."""
        waiting = []
        if self.surface_view.seen and not self.surface_view.idle:
            waiting.append("the loss surface")
        if self._curvature_on_screen() and not self.curvature_feed.idle:
            waiting.append("the curvature")
        if self.jobs.running:
            waiting.append("a long job")
        return waiting

    def flush(self) -> None:
        """Redraw every view for the Changes of this event-loop turn now."""
        self.qt_session.flush()

    def finish_rendering(self) -> None:
        """Let every view finish what it defers (full-resolution surface, smooth regions) before a screenshot."""
        self.build_deferred_views()
        self.flush()
        self.surface_view.finish_rendering()
        self.surface3d_view.finish_rendering()
        self.data_view.finish_rendering()
        self.curvature_feed.wait()
        self.flush()

    # ------------------------------------------------------------------ commands (actions.py)
    def _ask_path(self, save: bool, title: str, default: str, filters: str, handler) -> None:
        """Ask for a file name, then hand it to the session (which says what went wrong, if anything)."""
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _ = dialog(self, title, default, filters)
        if path:
            handler(path)

    def open_session(self) -> None:
        if self.may_discard():
            self._ask_path(False, "Open session", "", SESSION_FILTER, self._open_file)

    def _open_file(self, path: str, on_done=None) -> None:
        replay = self.session.replay_file(path)  # None: the session said why
        if replay is not None:
            remember_file("session", path)
            self.open_replay(replay, f"Opening {os.path.basename(path)}", on_done)

    def open_recent(self, kind: str, path: str) -> None:
        """File › Open recent: a session (after asking about unsaved work) or a data set; Lessons › a lesson file."""
        if kind == "data":
            self.import_data(path)
        elif kind == "lesson":
            self.open_lesson(path)
        elif self.may_discard():
            self._open_file(path)

    def import_data(self, path: str) -> bool:
        """A CSV as the data set (undoable); remembered in File › Open recent when it opened."""
        if not self.session.import_csv(path):
            return False
        remember_file("data", path)
        return True

    def offer_recovery(self, path) -> None:
        """gradviz ended without closing while this autosave was its work: reopen it, delete it, or
        leave it for the next start. Reopened, it counts as unsaved (it is in no file of the user's)."""
        when = time.strftime("%a %d %b at %H:%M", time.localtime(path.stat().st_mtime))
        box = QMessageBox(self)
        box.setObjectName("recoveryBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Reopen unsaved work?")
        box.setText(f"gradviz did not close properly. Its unsaved session was autosaved {when}.")
        box.setInformativeText("Reopen it? (Not now keeps it for the next start.)")
        reopen = box.addButton("Reopen", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reopen)
        box.exec()
        if box.clickedButton() is reopen:

            def restored() -> None:
                path.unlink(missing_ok=True)
                self.session.mark_unsaved()

            replay = self.session.replay_file(path)
            if replay is not None:
                self.open_replay(replay, "Reopening the autosaved session", restored)
        elif box.clickedButton() is discard:
            path.unlink(missing_ok=True)

    # a session, a data set or a lesson dropped onto the window: one local file, a .json, .csv or .toml
    _DROPPED_KINDS = {".json": "session", ".csv": "data", ".toml": "lesson"}

    def _dropped_file(self, event) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        path = urls[0].toLocalFile()
        return path if os.path.splitext(path.lower())[1] in self._DROPPED_KINDS else None

    def dragEnterEvent(self, event) -> None:
        if self._dropped_file(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_recent(self._DROPPED_KINDS[os.path.splitext(path.lower())[1]], path)

    def open_preset(self, name: str) -> None:
        """Open a prepared scenario in this window (after asking about unsaved work)."""
        if not self.may_discard():
            return
        try:
            replay = self.session.replay(load_preset(name))
        except ValueError as exc:
            self.say(f"Could not open the scenario: {exc}", "error")
            return
        self.open_replay(replay, f"Opening {name}")
        self.preset_name = name

    # ------------------------------------------------------------------ guided lessons
    def open_lesson(self, name_or_path: str, scene: int = 0) -> None:
        """A guided lesson (a shipped one's name or a file): every scene is built first, off to the side
        (in slices; Esc cancels, and a lesson that cannot be shown is one line: nothing changes), then
        it is presented from scene `scene` (0-based), after asking about unsaved work."""

        def refuse(exc: LessonError) -> None:
            self.say(f"Could not open the lesson: {exc}. Nothing was changed.", "error")

        try:
            lesson = find_lesson(name_or_path)
        except LessonError as exc:
            refuse(exc)
            return
        build = LessonBuild(lesson)

        def work() -> float | None:
            try:
                done = build.advance(SLICE_S)
            except LessonError as exc:
                refuse(exc)
                return None
            if done is None:  # built: asked about unsaved work once the job has ended (a dialog inside it would nest)
                QTimer.singleShot(0, lambda: self._offer_lesson(LessonShow(lesson, build.states, scene)))
            return done

        self.jobs.start(f"Preparing {lesson.title}", work, on_cancel=lambda: self.say("Lesson not opened.", "warning"))

    def _offer_lesson(self, show: LessonShow) -> None:
        if show.lesson.path.parent != lessons_dir():
            remember_file("lesson", show.lesson.path)
        if self.may_discard():
            self.present_lesson(show)

    def ask_lesson_file(self) -> None:
        """Lessons › Open a lesson file…"""
        self._ask_path(False, "Open a lesson", "", "gradviz lessons (*.toml);;All files (*)", self.open_lesson)

    def present_lesson(self, show: LessonShow) -> MainWindow:
        """Show a built lesson at its scene, in presentation mode (F5's window if this one is not presenting)."""
        window = self if self.theme.present else self.toggle_presentation()
        window.lesson = show
        window.preset_name = show.lesson.name
        window.show_scene(show.scene_index)
        return window

    def show_scene(self, k: int) -> None:
        """Scene k (0-based) of the lesson: its state opened (a replay, in slices), its views in front,
        its caption under them. Whatever happened in the scene before is not carried over."""
        show = self.lesson
        if show is None:
            return
        k = max(0, min(int(k), show.scene_count - 1))
        state = show.states[k]
        self.playback.pause()
        self.blackout.set_on(False)
        self._scene_target = k
        self.open_replay(self.session.replay(state.data), f"Scene {k + 1}", lambda: self.arrive_at_scene(k), quiet=True)

    def arrive_at_scene(self, k: int) -> None:
        """The session holds scene k's state: its views in front, its caption and counter shown."""
        show = self.lesson
        state = show.states[k]
        self._scene_target = None
        show.scene_index = k
        # the sharpness the next scenes talk about, computed while this one is shown
        self.curvature_feed.compute_ahead([inputs for later in show.states[k + 1 :] for inputs in later.spectra_ahead])
        self.arrange_scene()
        self.show_lesson_caption()
        if state.stopped:  # it diverged there: the step that fails says so again, with its fix
            self.session.step(1)

    def arrange_scene(self) -> None:
        """The docks as the scene shown wants them: the default arrangement (whatever was moved in the
        scene before), its views in front, the one it enlarges given its column (once laid out)."""
        state = self.lesson.state
        self.front_docks = ()
        layout.default_sizes(self)
        if "3-d surface" in state.front:
            layout.open_beside_surface(self, self.docks["surface3dDock"])
        for name in (*state.front, *state.scene.views_pointed_at):
            self.bring_to_front(name, keep=True)
        self.build_deferred_views()  # the derivation keeps the line the caption points at in sight
        self.derivation_view.keep_in_sight(state.scene.derivation_line)
        if state.large:
            dock = self.docks[VIEW_DOCKS[state.large]]
            QTimer.singleShot(0, lambda: self.lesson is not None and layout.enlarge(self, dock))

    def move_scene(self, direction: int) -> None:
        """PageDown (1) / PageUp (−1): the next or the scene before (from the one being opened, if any)."""
        if self.lesson is None:
            self.say("No lesson is open: Lessons › choose one (PageDown then moves through its scenes).")
            return
        at = self._scene_target if self._scene_target is not None and self.jobs.running else self.lesson.scene_index
        if 0 <= at + direction < self.lesson.scene_count:
            self.show_scene(at + direction)

    def home(self) -> None:
        """Home: a lesson's first scene, else step 0."""
        if self.lesson is not None:
            self.show_scene(0)
        else:
            self.session.reset()

    def end(self) -> None:
        """End: a lesson's last scene, else the run's last step."""
        if self.lesson is not None:
            self.show_scene(self.lesson.scene_count - 1)
        else:
            self.session.seek(self.session.last_step)

    def escape(self) -> None:
        """Esc: stop a long run; else lift the black screen; else leave presentation mode. A field that
        has the focus (and is not being typed in: that Esc is the field's) hands the keys back too."""
        focus = QApplication.focusWidget()
        if focus is not None and focus is not self and focus.window() is self:
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.jobs.running:
            self.jobs.cancel()
        elif self.blackout.on:
            self.blackout.set_on(False)
        elif self.theme.present:
            self.toggle_presentation()

    def close_lesson(self) -> None:
        """Lessons › Close the lesson: the session stays as the scene left it; the caption goes."""
        if self.derivation_view is not None:
            self.derivation_view.keep_in_sight(None)
        self.lesson = None
        self.show_lesson_caption()

    def show_lesson_caption(self) -> None:
        """The caption band and the scene counter for the scene shown (hidden without a lesson)."""
        show = self.lesson
        self.caption_band.setVisible(show is not None)
        close = self.actions_by_name.get("closeLessonAction")
        if close is not None:
            close.setEnabled(show is not None)
        self.playback_bar.show_scene_counter(None if show is None else f"scene {show.counter()}")
        if show is not None:
            self.caption_band.show_scene(show.lesson.title, show.scene)

    def type_own_function(self) -> None:
        """Lessons › Playground › Your own f(x, y): the playground, the formula field ready for typing."""
        if not self.session.settings.is_function and not self.session.set_value("model", "function"):
            return
        self.docks["controlsDock"].show()  # presenting, the controls are closed: the field must be seen
        self.docks["controlsDock"].raise_()
        field = self.controls.function_editor.edit
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()

    def choose_lesson(self) -> None:
        """Ctrl+L: a guided lesson or a prepared scenario, from a list the keys drive."""
        entries = [Entry(f"lesson:{x.name}", x.title, x.description) for x in list_lessons()]
        entries += [Entry(f"preset:{x.name}", x.title, x.description) for x in list_presets()]
        current = f"lesson:{self.lesson.lesson.name}" if self.lesson else f"preset:{self.preset_name}"
        picker = LessonPicker(entries, self.theme, self, current=current)
        if picker.exec() and picker.chosen:
            kind, _, name = picker.chosen.partition(":")
            (self.open_lesson if kind == "lesson" else self.open_preset)(name)

    def open_replay(self, replay, what: str, on_done=None, quiet: bool = False) -> None:
        """Re-run a saved session's steps in slices (the window stays live; Esc drops it, changing
        nothing); `on_done()` once it is the window's session. Another session than a lesson's scene
        (not `quiet`) ends the lesson."""

        def work() -> float | None:
            done = replay.advance(SLICE_S)
            if done is None:
                replay.commit()
                self.bring_to_front(replay.data.extra.get("front"))
                if not quiet and self.lesson is not None:
                    self.close_lesson()
                if on_done is not None:
                    on_done()
            return done

        cancelled = None if quiet else lambda: self.say(f"{what}: cancelled, nothing changed.", "warning")
        self.jobs.start(what, work, on_cancel=cancelled)

    def may_discard(self) -> bool:
        """True when nothing unsaved would be lost, or the user saved it or chose to let it go."""
        lost = self.session.unsaved
        if not lost:
            return True
        what = ", ".join(lost[:-1]) + (" and " if len(lost) > 1 else "") + lost[-1]
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self,
            "Unsaved work",
            f"{what[0].upper()}{what[1:]} changed since this session was opened or saved. Save it first?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            self.save_session()
            return not self.session.unsaved
        return answer == buttons.Discard

    def bring_to_front(self, view: str | None, keep: bool = False) -> None:
        """Raise the dock of `view` ("residuals", "gradients", …) over the docks it shares a tab with;
        the layout keeps it there (`keep`: and the views raised before it, each in its own tab group)."""
        dock = self.docks.get(VIEW_DOCKS.get(view, ""))
        kept = self.front_docks if keep else ()
        self.front_docks = kept if dock is None else (*kept, dock.objectName())
        if dock is not None:
            dock.show()
            dock.raise_()

    def save_session(self) -> None:
        name = f"{self.preset_name or 'session'}-step{self.session.current_step}.gradviz.json"
        self._ask_path(True, "Save session", name, SESSION_FILTER, self._save_to)

    def _save_to(self, path: str) -> None:
        if self.session.save(path):
            remember_file("session", core.session_path(path))

    def import_csv(self) -> None:
        self._ask_path(False, "Import data", "", "CSV files (*.csv);;All files (*)", self.import_data)

    def export_csv(self) -> None:
        self._ask_path(True, "Export data", "data.csv", "CSV files (*.csv);;All files (*)", self.session.export_csv)

    def export_history(self) -> None:
        name = f"{self.preset_name or 'session'}-history-step{self.session.current_step}.csv"
        self._ask_path(
            True, "Export the runs' history", name, "CSV files (*.csv);;All files (*)", self.session.export_history
        )

    def export_surface(self) -> None:
        """The loss surface's grid as shown (at full resolution), with its axes, as CSV or NPZ."""
        view = self.surface_view
        if view is None:
            return
        view.finish_rendering()
        grid = view.shown_grid()
        if grid is None:
            self.say("The loss surface is not computed yet.", "warning")
            return
        alphas, betas, S = grid
        labels = tuple(self.session.slice.axis_labels)
        name = f"{self.preset_name or 'session'}-surface-step{self.session.current_step}.npz"

        def write(path: str) -> bool:
            done = f"Saved the {len(alphas)} × {len(betas)} loss surface"
            return self.session.write_out(
                path, lambda p: core.save_surface(p, alphas, betas, S, labels), "the loss surface", done
            )

        self._ask_path(True, "Export the loss surface", name, "NumPy arrays (*.npz);;CSV files (*.csv)", write)

    def save_screenshot(self) -> None:
        self.export_view("window")

    def export_view(self, view: str) -> None:
        """The window or one view ("data", "lossSurface", …: a dock's name without "Dock") as a picture:
        first how (a slide's size or the window's, 1×, 2× or 4×, the view's own controls or not), then
        where (PNG, SVG, PDF, …)."""
        widget = self.view_widget(view)
        if widget is None:
            return
        title = dict(self.exportable_views())[view]
        dialog = ExportDialog(title, (widget.width(), widget.height()), view != "window", self.theme, self)
        if not dialog.exec():
            return
        c = dialog.choice()
        kinds = ";;".join(["PNG images (*.png)", "SVG drawings (*.svg)", "PDF documents (*.pdf)", "All images ("
                           + " ".join(f"*.{f}" for f in image_formats()) + ")"])  # fmt: skip
        default = f"{self.preset_name or 'gradviz'}-{view}-step{self.session.current_step}.png"
        path, _ = QFileDialog.getSaveFileName(self, f"Export “{title}”", default, kinds)
        if path:
            self.write_view(view, path, c.scale, size=c.size, keep_controls=c.keep_controls)

    def exportable_views(self) -> list[tuple[str, str]]:
        """(name, title) of what can be exported or recorded: the window, then every dock."""
        docks = [(name[: -len("Dock")], dock.windowTitle()) for name, dock in self.docks.items()]
        return [("window", "The whole window"), *docks]

    def ask_record(self) -> None:
        """File › Record a run: what to record, then where (GIF or MP4)."""
        s = self.session
        dialog = RecordDialog(self.exportable_views(), s.current_step, s.last_step, self.theme, self)
        if not dialog.exec():
            return
        c = dialog.choice()
        default = f"{self.preset_name or 'gradviz'}-{c.view}-steps{c.start}-{c.start + c.steps}.gif"
        path, _ = QFileDialog.getSaveFileName(
            self, "Record a run", default, "Animated GIF (*.gif);;MP4 video (*.mp4);;All files (*)"
        )
        if path:
            self.record(c.view, path, c.start, c.steps, c.fps)

    def record(
        self, view: str, path: str, start: int | None = None, steps: int = DEFAULT_STEPS, fps: float = DEFAULT_FPS
    ) -> RecordingProgress | None:
        """Record `view` from `start` (default: the current step) over `steps` steps into `path`
        (.gif or .mp4) behind a progress dialog with Cancel; None, and a message, if it cannot start."""
        try:
            recording = Recording(self, view, path, self.session.current_step if start is None else start, steps, fps)
        except ValueError as exc:
            text = str(exc)
            self.say(f"{text[0].upper()}{text[1:]}.", "error")
            return None
        self.playback.pause()
        self.jobs.cancel()
        self.show_view(view)
        self.statusBar().clearMessage()  # a message timing out mid-recording would change the frames
        progress = RecordingProgress(recording, self.say, self)
        progress.start()
        return progress

    def show_view(self, view: str) -> None:
        """Bring the dock of `view` (a dock's name without "Dock") in front of its tab group and let it
        lay out and catch up: a view behind a tab neither has its size nor draws the current state."""
        dock = self.docks.get(f"{view}Dock")
        if dock is None:
            return
        if dock.isHidden() and view == "surface3d":
            layout.open_beside_surface(self, dock)
        dock.show()
        dock.raise_()
        for _ in range(2):
            QApplication.processEvents()

    def view_widget(self, view: str) -> QWidget | None:
        """The widget `export_view` draws: the window, or the dock `view`Dock's contents."""
        if view == "window":
            return self
        dock = self.docks.get(f"{view}Dock")
        return None if dock is None else dock.widget()

    def unknown_view(self, view: str) -> str | None:
        """Why `view` names nothing `export_view` can draw, with the names that exist (None: it does)."""
        if self.view_widget(view) is not None:
            return None
        views = ", ".join(name for name, _ in self.exportable_views())
        return f"there is no view named {view!r}; the views are {views}"

    def write_view(self, view: str, path: str, scale: int = 1, **how) -> bool:
        """`draw_view` (`how`: its size and keep_controls), and say how it went."""
        problem = self.draw_view(view, path, scale, **how)
        if problem:
            self.say(f"{problem[0].upper()}{problem[1:]}.", "error")
            return False
        self.say(f"Saved {os.path.basename(path)}" + (f" at {scale}×" if scale > 1 else ""))
        return True

    def draw_view(
        self,
        view: str,
        path: str,
        scale: int = 1,
        size: tuple[int, int] | None = None,
        keep_controls: bool = False,
    ) -> str | None:
        """Draw the window or a view into `path` (finished first: full-resolution surface); None, or what
        went wrong in words. A view is drawn alone at `size` (a slide's; None: as in the window) without
        its own controls unless `keep_controls`; the window does not change."""
        problem = self.unknown_view(view)
        if problem is not None:
            return problem
        self.show_view(view)
        self.finish_rendering()
        widget = self.view_widget(view)
        if view == "window" or view == "surface3d" or (size is None and keep_controls):  # GL: drawn in place
            return write_image(widget, path, scale)
        with posed_for_slide(self, view, size or (widget.width(), widget.height()), keep_controls) as posed:
            return write_image(posed, path, scale)

    def walk(self, direction: int) -> None:
        """The network's backward walk one stop on (1) or back (−1), its view in front."""
        self.session.move_walk(direction)
        if self.session.walk_stop:
            self.show_view("network")

    def focus_next_run(self, direction: int) -> None:
        """Focus the next (1) or previous (−1) run: the per-sample views and the controls follow it."""
        n = len(self.session.runs)
        if n > 1:
            self.session.focus_run((self.session.focus_index + direction) % n)

    def delete_selected(self) -> None:
        if self.session.selected is not None:
            self.session.remove_point(self.session.selected)

    def ask_steps(self) -> None:
        spin = self.playback_bar.run_spin
        n, ok = QInputDialog.getInt(self, "Run steps", "Steps to train:", spin.value(), 1, int(LIMITS["steps"].high))
        if ok:
            spin.setValue(n)
            self.run_steps(n)

    def run_steps(self, n: int) -> None:
        """Train n steps without freezing the window (a progress bar and Esc for long runs)."""
        self.jobs.run_steps(self.session, n)

    def show_help(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard and mouse")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(help_html())
        box.setObjectName("helpBox")
        box.open()

    def show_about(self) -> None:
        from gradviz import __version__

        QMessageBox.about(self, "About gradviz", f"gradviz {__version__}: see how gradient descent works.")

    # ------------------------------------------------------------------ modes
    def toggle_presentation(self) -> MainWindow:
        """The same session in the other mode (F5). Fonts, docks and layout are built for a mode,
        so a new window takes over: same state, same speed, playing if this one played; this one
        closes (its layout is remembered for its mode). A long run in progress stops where it is."""
        playing = self.playback.playing
        self.jobs.cancel()
        other = type(self)(self.session, present=not self.theme.present, size=self.rehearsal_size, screen=self.screen())
        other.front_docks = self.front_docks  # the views the lesson put in front stay in front
        for name in self.front_docks:
            other.docks[name].raise_()
        other.playback.set_speed(self.playback.speed)
        other.preset_name = self.preset_name
        other.lesson = self.lesson  # the lesson goes on at its scene
        other.show_lesson_caption()
        self.successor = other
        other.playback_bar.run_spin.setValue(self.playback_bar.run_spin.value())
        other.ask_before_closing, self.ask_before_closing = self.ask_before_closing, False  # the session moves on
        other.autosave, self.autosave = self.autosave, None
        if other.autosave is not None:
            other.autosave.hand_to(other)
        _keep_alive(other)
        placement.show(other, self.screen())
        other.activateWindow()
        other.setFocus()
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.close()
        if playing:
            other.playback.play()
        return other

    # ------------------------------------------------------------------ layout
    def default_layout(self) -> None:
        layout.default_sizes(self)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, lambda: layout.hide_stale_tab_bars(self))  # once the docks have their places
        if self._layout_on_show:
            self._layout_on_show = False
            if self.lesson is not None:
                self.arrange_scene()
            else:
                layout.default_sizes(self)
        elif not getattr(self, "_fitted_on_show", False):
            # a restored layout is the models' (layout.save) and is applied as the window shows: on a
            # function, the model's docks step aside again
            self._fitted_on_show = True
            self.__dict__["stepped_aside"] = set()
            layout.whole_tab_titles(self)
            layout.fit_to_problem(self)

    def closeEvent(self, event) -> None:
        if self.ask_before_closing and not self.may_discard():  # Cancel, or a save that did not happen
            event.ignore()
            return
        self.playback.pause()
        self.curvature_feed.shut_down()
        if self.surface_view is not None:
            self.surface_view.shutdown()
        if self.surface3d_view is not None:
            self.surface3d_view.shutdown()
        if self.autosave is not None:  # a clean quit: nothing to offer back next time
            self.autosave.discard()
        layout.save(self)
        super().closeEvent(event)
