"""The main window: the shell that draws the window model and wires every view to the session.

Views and controls never talk to each other; each follows the Session through the QtSession
bridge. What the window shows besides the session (mode, lesson and scene, views in front, speed)
is its `WindowModel` (gradviz.state), which F5 hands to the window of the other mode. This module
builds the docks from the registry of views (their objectNames are what saveState, scripts and
tests find), the menus from the command table, the playback toolbar, the status bar and the
message bar, and turns the session's notes into messages. Its commands live in parts with one job
each: `lessons` (gui/lesson_driver.py), `files` (gui/file_commands.py), `pictures`
(gui/view_pictures.py).
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox, QWidget

from gradviz import __version__
from gradviz.core import LIMITS
from gradviz.state import Change, Session
from gradviz.state.view_registry import CONTROLS_DOCK, VIEWS, ViewSpec, view_by_key, view_by_word
from gradviz.state.window_model import WindowModel

from . import layout, placement
from .actions import build_menus, help_html
from .blackout import Blackout
from .caption_band import CaptionBand
from .controls import ControlsPanel
from .curvature_feed import CurvatureFeed
from .file_commands import FileCommands
from .keyboard import KeyboardGuard
from .lesson_driver import LessonDriver
from .long_job import LongJob
from .message_bar import MessageBar
from .numbers import num
from .playback import Playback
from .qt_session import QtSession
from .readout import Readout
from .row_balancer import RowBalancer
from .scaled_style import use_scaled_style
from .theme import Theme
from .toolbar import PlaybackBar
from .view_pictures import ViewPictures

__all__ = ["MainWindow"]

_STATUS = frozenset({"step", "settings", "data", "model", "runs"})


def _command_keys(actions) -> set[str]:
    """The keys of the window's commands that a field which is not being typed in must not swallow.

    Digits and the decimal point stay with the fields (a number is typed with them), however they pick
    classes or black the screen elsewhere.
    """
    keys = {k.toString() for a in actions for k in a.shortcuts()}
    return {k for k in keys if not k.isdigit() and k != "."}


def _view_class(spec: ViewSpec) -> type:
    module, _, name = spec.cls.partition(":")
    return getattr(importlib.import_module(module), name)


_WINDOWS: set[QMainWindow] = set()


def _keep_alive(window: QMainWindow) -> None:
    """Hold a window made by a window (a mode switch) until Qt deletes it: nobody else refers to it."""
    _WINDOWS.add(window)
    window.destroyed.connect(lambda *_: _WINDOWS.discard(window))


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: Session,
        model: WindowModel | None = None,
        *,
        restore_layout: bool = True,
        defer_analysis: bool = False,
        screen=None,
    ):
        """`model`: what the window shows (its mode, `--size`'s rehearsal, a lesson at its scene; default a
        fresh desk). `defer_analysis`: show the window first and build the analysis views right after
        (`build_deferred_views`), so it is on screen sooner; tests and screenshots build all at once.
        A rehearsal is a window of its size (and presenting, fonts for it); without one a presentation
        fills `screen` (default: the one Qt puts the window on) and the desk is 1600 × 900 or the screen's
        free area if smaller (`placement`)."""
        super().__init__()
        self.setObjectName("gradvizMainWindow")
        if screen is not None:
            self.setScreen(screen)
        self.session = session
        self.model = model = model or WindowModel()
        self.qt_session = QtSession(session, self)
        width, height = placement.initial_size(model.presenting, model.rehearsal_size, self.screen())
        self.theme = Theme(model.presenting, height)
        self.playback = Playback(session, self)
        self.playback.set_speed(model.speed)
        self.playback.sigSpeedChanged.connect(lambda speed: self.model.set_playback(speed=speed))
        self.setDockNestingEnabled(True)
        f = self.font()
        f.setPointSizeF(self.theme.base_point_size)
        self.setFont(f)
        QApplication.setFont(f)  # dialogs are windows of their own: they read the fonts from the app
        if self.theme.scale != 1:  # the check boxes, arrows and handles grow with the window's fonts
            use_scaled_style()

        self.files = FileCommands(self)
        self.lessons = LessonDriver(self)
        self.pictures = ViewPictures(self)
        self.message_bar = MessageBar(self.theme, self)
        self.jobs = LongJob(self)
        self.playback_bar = PlaybackBar(self.qt_session, self.playback, self.theme, self)
        self.playback_bar.hold_job(self.jobs)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.playback_bar)
        run_spin = self.playback_bar.run_spin
        run_spin.setValue(model.run_steps)
        run_spin.valueChanged.connect(lambda n: self.model.set_playback(run_steps=n))
        self.playback_bar.run_button.clicked.connect(lambda: self.run_steps(run_spin.value()))
        self.addToolBarBreak()
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.message_bar)
        # a lesson's caption: a band along the bottom edge, which the docks make room for
        self.caption_band = CaptionBand(self.theme, self)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.caption_band)
        self.caption_band.hide()
        self.blackout = Blackout(self)
        self.next_window: MainWindow | None = None  # the window F5 or Esc handed the session to

        # the Hessian's spectra, computed aside: the learning rate's bound, and the curvature view
        self.curvature_feed = CurvatureFeed(self.qt_session, backfill=self._curvature_on_screen, parent=self)
        self.controls = ControlsPanel(self.qt_session, self.playback, self.theme)
        # a formula refused while it is typed: why and where, in the status bar too
        self.controls.function_editor.sigStatus.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        # quitting asks first when work is unsaved (the app's own window; scripts, tests and
        # screenshots close theirs without a question)
        self.ask_before_closing = False
        self.autosave = None  # the app's own window writes its session aside (gui.autosave)
        self.setAcceptDrops(True)  # a session file or a CSV dropped onto the window opens
        self.docks: dict[str, QDockWidget] = {}
        self._dock_shown: dict[str, bool] = {}
        self.row_balancer = RowBalancer(self)  # a lesson's rows, balanced again as the views' words change
        self._add_dock(CONTROLS_DOCK, "Controls", self.controls, Qt.DockWidgetArea.LeftDockWidgetArea)
        for spec in VIEWS:
            setattr(self, spec.attribute, None)
            placeholder = QLabel("…")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._add_dock(spec.dock, spec.title, placeholder, Qt.DockWidgetArea.RightDockWidgetArea)
        self.build_deferred_views(at_once_only=defer_analysis)
        self.row_balancer.watch()
        # View › 3-D surface: opened from the menu, as a tab in front of the 2-D surface
        surface3d = self.docks[view_by_word("3-d surface").dock]
        surface3d.toggleViewAction().triggered.connect(
            lambda shown: shown and layout.open_beside_surface(self, surface3d)
        )

        self.actions_by_name = build_menus(self)
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

        self.model.subscribe(self._on_model_change)
        self.lessons.show_caption()  # the model's lesson (F5's), or none: no band, no counter
        self.qt_session.sigChangedNow.connect(self._on_change)
        self._on_change(Change.everything())
        # the docks are arranged once, at the size the window will have (arranged again later, Qt can
        # leave a stale tab bar on screen)
        self.resize(width, height)
        layout.default_sizes(self)
        # the window may end up smaller than asked (a laptop screen): size the docks again when it is
        # first shown, unless the user's own desk layout was restored (a presentation is always the
        # designed one: what the lecturer rehearsed is what the hall sees, whichever way it was opened)
        presenting = model.presenting
        restored = restore_layout and not presenting and layout.restore(self, self.screen().availableGeometry())
        self._layout_on_show = not restored
        self._fitted_on_show = False
        self.message_bar.hide()
        self.blackout.raise_()

    # ------------------------------------------------------------------ building
    def build_deferred_views(self, at_once_only: bool = False) -> None:
        """Put the views into their docks (`at_once_only`: those built with the window; the others right
        after it shows, or at once for tests and screenshots)."""
        for spec in VIEWS:
            if getattr(self, spec.attribute) is None and (spec.at_once or not at_once_only):
                view = _view_class(spec)(self.qt_session, self.theme)
                setattr(self, spec.attribute, view)
                if view is self.curvature_view:  # in sight: the sharpness over the run is wanted now
                    view.came_into_sight.connect(self.curvature_feed.request)
                self.docks[spec.dock].setWidget(view)
                view.set_shown(self._dock_shown.get(spec.dock, True))
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
        menu.addAction(f"Export “{dock.windowTitle()}” (PNG, SVG, PDF)…", lambda: self.pictures.ask_export(view))
        menu.exec(dock.mapToGlobal(pos))

    def _dock_visibility(self, dock: QDockWidget, shown: bool) -> None:
        # a dock tabbed behind another stays "visible" to Qt; this signal is what says it is not
        self._dock_shown[dock.objectName()] = shown
        if hasattr(dock.widget(), "set_shown"):
            dock.widget().set_shown(shown)

    @property
    def views(self) -> list[QWidget]:
        return [view for view in (getattr(self, spec.attribute) for spec in VIEWS) if view is not None]

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
        if "runs" in change and self.model.race_began(len(s.runs)):
            self.docks["runsDock"].raise_()  # a race began: its table in front of the views it shares a tab with
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

    def _on_model_change(self, change: Change) -> None:
        if "lesson" in change:
            self.lessons.show_caption()

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

    # ------------------------------------------------------------------ views
    def bring_to_front(self, view: str | None, keep: bool = False) -> None:
        """Raise the dock of `view` ("residuals", "gradients", …) over the docks it shares a tab with;
        the layout keeps it there (`keep`: and the views raised before it, each in its own tab group)."""
        key = self.model.bring_to_front(view, keep)
        if key is not None:
            dock = self.docks[view_by_key(key).dock]
            dock.show()
            dock.raise_()

    def show_view(self, view: str) -> None:
        """Bring the dock of `view` (a dock's name without "Dock") in front of its tab group and let it
        lay out and catch up: a view behind a tab neither has its size nor draws the current state."""
        dock = self.docks.get(f"{view}Dock")
        if dock is None:
            return
        if dock.isHidden() and view_by_key(view) is view_by_word("3-d surface"):
            layout.open_beside_surface(self, dock)
        dock.show()
        dock.raise_()
        for _ in range(2):
            QApplication.processEvents()

    # ------------------------------------------------------------------ commands (actions.py)
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
        QMessageBox.about(self, "About gradviz", f"gradviz {__version__}: see how gradient descent works.")

    def home(self) -> None:
        """Home: a lesson's first scene, else step 0."""
        if self.model.lesson is not None:
            self.lessons.show_scene(0)
        else:
            self.session.reset()

    def end(self) -> None:
        """End: a lesson's last scene, else the run's last step."""
        last = self.model.last_scene()
        if last is not None:
            self.lessons.show_scene(last)
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

    def type_own_function(self) -> None:
        """Lessons › Playground › Your own f(x, y): the playground, the formula field ready for typing."""
        if not self.session.settings.is_function and not self.session.set_value("model", "function"):
            return
        self.docks[CONTROLS_DOCK].show()  # presenting, the controls are closed: the field must be seen
        self.docks[CONTROLS_DOCK].raise_()
        field = self.controls.function_editor.edit
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()

    def dragEnterEvent(self, event) -> None:
        if self.files.dropped_file(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        path = self.files.dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files.open_dropped(path)

    # ------------------------------------------------------------------ modes
    def toggle_presentation(self) -> MainWindow:
        """The same session in the other mode (F5). Fonts, docks and layout are built for a mode,
        so a new window takes over, built from this one's model: the lesson at its scene, the views in
        front, the speed and steps, playing if this one played; this one closes (its layout is
        remembered for its mode). A long run in progress stops where it is."""
        playing = self.playback.playing
        self.jobs.cancel()
        other = type(self)(self.session, self.model.other_mode(), screen=self.screen())
        self.next_window = other
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
            if self.model.lesson is not None:
                self.lessons.arrange_scene()
            else:
                layout.default_sizes(self)
        elif not self._fitted_on_show:
            # a restored layout is the models' (layout.save) and is applied as the window shows: on a
            # function, the model's docks step aside again
            self._fitted_on_show = True
            self.model.stepped_aside.clear()
            layout.whole_tab_titles(self)
            layout.fit_to_problem(self)

    def closeEvent(self, event) -> None:
        if self.ask_before_closing and not self.files.may_discard():  # Cancel, or a save that did not happen
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
