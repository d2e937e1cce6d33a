"""A seeded fuzzer that drives the real window and checks, after every action, that nothing broke.

Actions: clicks and drags on the plots, wheel zooms, the training keys, spin boxes typed (valid
and absurd values, ended by Enter, Esc or Tab) and stepped, combos, Generate, the timeline,
play/pause, save and open, docks floated, closed and shown, window sizes. After each one:

- no Python exception (in a slot or a virtual method) and no Qt warning;
- every control shows the state (`control_problems`);
- every view draws the state: the data points, the step, the selection, the loss-curve marker,
  and the Δθ the views drew before a step is the step then taken.

On a failure the action list is shrunk (delta debugging on fresh windows) and written to a JSON
file that replays it:

    QT_QPA_PLATFORM=offscreen python -m tests.fuzz.gui_fuzzer --seeds 5 --actions 2000
    QT_QPA_PLATFORM=offscreen python -m tests.fuzz.gui_fuzzer --replay fuzz-failure.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

PRESETS = (
    "logistic-blobs",
    "softmax-blobs",
    "mlp-moons",
    "linear-line",
    "mse-sigmoid",
    "race-optimizers",
    "race-mse-bce",
    "overfit",
    "step-size",
    "ill-conditioned",
    "edge-of-stability",
    "playground-rosenbrock",
    "playground-saddle",
    "playground-himmelblau",
    "lesson:backprop",  # guided lessons, presented: PageDown, B, Esc (which hands over to a desk window)
    "lesson:step-size",
    "lesson:canonical-pairs",
)
KEYS = (
    "Right", "Right", "Right", "Left", "Home", "Space", "+", "-", "1", "2", "3",
    "Ctrl+Z", "Ctrl+Shift+Z", "Delete", "F", "Ctrl+0", "Escape", "Ctrl+N", "R", "Shift+R",
    "PgDown", "PgDown", "PgUp", "End", "B", ".",
)  # fmt: skip
SPINS = (
    "learningRateSpin", "batchSizeSpin", "seedSpin", "hiddenSpin", "datasetSizeSpin", "datasetNoiseSpin",
    "datasetClassesSpin", "momentumSpin", "runStepsSpin", "speedSpin", "weightDecaySpin", "valFractionSpin",
)  # fmt: skip
COMBOS = (
    "modelCombo",
    "lossCombo",
    "optimizerCombo",
    "datasetCombo",
    "newClassCombo",
    "hiddenActivationCombo",
    "outputCombo",
    "sliceModeCombo",
    "functionCombo",
)
# typed into the playground's formula field: valid, invalid, hostile, undefined at the start (ASCII only:
# QTest types no other keys; the textbook spellings ² and − are core's tests' business)
FORMULAS = (
    "x^2 + 10*y^2", "sin(x)*cos(y)", "x + z", "9**9**9**9", "__import__('os')", "log(x)", "exp(x*y)",
    "(x", "", "x**y", "abs(x) + abs(y)", "1/(x^2 + y^2)", "x*y - 2", "((((((((((((((((((((((((((((((((x",
)  # fmt: skip
TEXTS = ("0.3", "0.01", "7", "1", "0", "-5", "1e400", "99999999", "abc", "", "2.5", "1e-13", "full", "3")
DOCKS = (
    "dataDock",
    "lossCurveDock",
    "lossSurfaceDock",
    "residualsDock",
    "gradientDock",
    "jacobianDock",
    "derivationDock",
    "networkDock",
    "curvatureDock",
    "runsDock",
    "surface3dDock",
)
SIZES = ((1600, 1000), (1280, 720), (1024, 768))
IGNORED_QT = ("propagateSizeHints", "does not support raise()")  # the offscreen platform's, true of every run

Action = list  # [name, *parameters]: JSON, so that a failing list can be written and replayed


def draw_action(rng: random.Random) -> Action:
    """One random action (its parameters drawn now, so that the list replays exactly)."""
    kind = rng.choices(
        ["key", "click", "drag", "surface", "wheel", "type", "spin", "combo", "generate", "timeline", "play",
         "save_open", "dock", "size", "runs", "record", "drop", "formula"],
        weights=[30, 10, 4, 3, 4, 8, 5, 6, 2, 4, 2, 1, 3, 1, 3, 1, 1, 3],
    )[0]  # fmt: skip
    r = lambda: round(rng.random(), 4)  # noqa: E731
    if kind == "key":
        return ["key", rng.choice(KEYS)]
    if kind == "click":
        return ["click", r(), r(), rng.choice(["left", "left", "right"])]
    if kind == "drag":
        return ["drag", r(), r(), r(), r()]
    if kind == "surface":
        return ["surface", r(), r()]
    if kind == "wheel":
        return ["wheel", rng.choice(["dataPlot", "lossSurfacePlot", "lossCurvePlot", "residualsPlot"]), r(), r(),
                rng.choice([-360, -120, 120, 360])]  # fmt: skip
    if kind == "type":
        return ["type", rng.choice(SPINS), rng.choice(TEXTS), rng.choice(["Return", "Return", "Escape", "Tab"])]
    if kind == "spin":
        return ["spin", rng.choice(SPINS), rng.choice(["Up", "Down", "PageUp", "PageDown"]), rng.randint(1, 3)]
    if kind == "combo":
        return ["combo", rng.choice(COMBOS), r()]
    if kind == "timeline":
        return ["timeline", r()]
    if kind == "formula":
        return ["formula", rng.choice(FORMULAS), rng.choice(["Return", "Return", "Escape", "Tab"])]
    if kind == "play":
        return ["play", rng.randint(20, 120)]
    if kind == "dock":
        return ["dock", rng.choice(DOCKS), rng.choice(["float", "dock", "close", "show", "raise"])]
    if kind == "size":
        return ["size", *rng.choice(SIZES)]
    if kind == "runs":
        return ["runs", rng.choice(["add", "remove", "row", "check", "sort"]), r()]
    if kind == "record":
        return ["record", r(), r(), rng.randint(1, 4), rng.choice(["gif", "gif", "mp4"])]
    if kind == "drop":
        return ["drop", rng.choice(["session", "csv", "bad.csv"])]
    return [kind]


def _where(tb) -> str:
    """Where an exception was raised, as " (file.py:line in function)": enough to start reading."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return ""
    last = frames[-1]
    return f" ({Path(last.filename).name}:{last.lineno} in {last.name})"


class Runner:
    """One window, driven action by action; `problems()` says what is wrong after each."""

    def __init__(self, preset: str, qtbot=None):
        from PySide6.QtCore import QtMsgType, qInstallMessageHandler

        from gradviz.gui import create_window

        self.qtbot = qtbot
        kind, _, name = preset.rpartition(":")
        self.window = create_window(["--lesson" if kind == "lesson" else "--preset", name, "--size", "1600x1000"])
        self.window.show()
        self.tmp = Path(tempfile.mkdtemp(prefix="gradviz-fuzz-"))
        self.errors: list[str] = []
        self._previous_handler = None

        def on_qt_message(kind, context, message):
            if (
                kind != QtMsgType.QtDebugMsg
                and kind != QtMsgType.QtInfoMsg
                and not any(s in message for s in IGNORED_QT)
            ):
                self.errors.append(f"Qt: {message}")
            if self._previous_handler is not None:
                self._previous_handler(kind, context, message)

        self._previous_handler = qInstallMessageHandler(on_qt_message)
        self._previous_hook = sys.excepthook
        sys.excepthook = lambda kind, value, tb: self.errors.append(f"{kind.__name__}: {value}{_where(tb)}")
        self._settle()

    def close(self) -> None:
        from PySide6.QtCore import qInstallMessageHandler

        sys.excepthook = self._previous_hook
        qInstallMessageHandler(self._previous_handler)
        self.window.playback.pause()
        self.window.jobs.cancel()
        self.window.close()
        self.window.deleteLater()

    # ------------------------------------------------------------------ acting
    def _settle(self) -> None:
        from PySide6.QtWidgets import QApplication

        for _ in range(2):
            QApplication.processEvents()
        while self.window.next_window is not None:  # Esc or F5 handed the session to a new window (the old is gone)
            self.window = self.window.next_window
        self.window.flush()

    def do(self, action: Action) -> list[str]:
        """Run one action; the problems it left (empty: all well)."""
        w = self.window
        expected = self._expected_step(action)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # a warning is a problem here, as in the test suite
            try:
                getattr(self, f"_{action[0]}")(*action[1:])
            except Exception as exc:  # an exception the user would have met
                self.errors.append(f"{type(exc).__name__} in {action}: {exc}{_where(exc.__traceback__)}")
            self._settle()
            w = self.window
        self.errors += [f"{w_.category.__name__}: {w_.message} ({Path(w_.filename).name}:{w_.lineno})" for w_ in caught]
        found = self.errors[:]
        self.errors.clear()
        if expected is not None and not w.session.diverged and w.session.current_step == expected[0] + 1:
            found += _step_problems(w, *expected)
        return found + window_problems(w)

    def _expected_step(self, action: Action):
        """Before a step by the → key: what the views drew as the next step, and where from."""
        w = self.window
        s = w.session
        if action != ["key", "Right"] or w.playback.playing or w.gradient_view is None or not w.gradient_view.seen:
            return None
        spec = s.model.spec
        return s.current_step, spec, s.slice, spec.flatten(s.params), w.gradient_view.update_step.copy()

    def _focus_window(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        focus = QApplication.focusWidget()
        if focus is None or focus.window() is not self.window:
            self.window.setFocus(Qt.FocusReason.OtherFocusReason)

    def _key(self, name: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        self._focus_window()
        combo = QKeySequence(name)[0]
        target = QApplication.focusWidget() or self.window
        QTest.keyClick(target, Qt.Key(combo.key()), combo.keyboardModifiers())

    def _plot_point(self, name: str, fx: float, fy: float):
        """Widget pixel (x, y) at fraction (fx, fy) of the plot's view box."""
        import pyqtgraph as pg
        from PySide6.QtCore import QPoint

        widget = self.window.findChild(pg.PlotWidget, name) or self.window.findChild(pg.GraphicsView, name)
        if widget is None or not widget.isVisible():
            return None, None
        box = widget.getPlotItem().getViewBox() if hasattr(widget, "getPlotItem") else None
        rect = widget.mapFromScene(box.sceneBoundingRect()).boundingRect() if box is not None else widget.rect()
        return widget, QPoint(int(rect.left() + fx * rect.width()), int(rect.top() + fy * rect.height()))

    def _click(self, fx: float, fy: float, button: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        widget, at = self._plot_point("dataPlot", fx, fy)
        if widget is not None:
            which = Qt.MouseButton.LeftButton if button == "left" else Qt.MouseButton.RightButton
            QTest.mouseClick(widget.viewport(), which, Qt.KeyboardModifier.NoModifier, at)

    def _drag(self, fx0: float, fy0: float, fx1: float, fy1: float) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        widget, start = self._plot_point("dataPlot", fx0, fy0)
        _, end = self._plot_point("dataPlot", fx1, fy1)
        if widget is None:
            return
        port = widget.viewport()
        QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        for t in (0.33, 0.66, 1.0):
            QTest.mouseMove(port, start + (end - start) * t)
        QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)

    def _surface(self, fx: float, fy: float) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        widget, at = self._plot_point("lossSurfacePlot", fx, fy)
        if widget is not None:
            QTest.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)

    def _wheel(self, name: str, fx: float, fy: float, delta: int) -> None:
        from PySide6.QtCore import QPoint, QPointF, Qt
        from PySide6.QtGui import QWheelEvent
        from PySide6.QtWidgets import QApplication

        widget, at = self._plot_point(name, fx, fy)
        if widget is None:
            return
        port = widget.viewport()
        event = QWheelEvent(
            QPointF(at), QPointF(port.mapToGlobal(at)), QPoint(0, 0), QPoint(0, delta),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
        )  # fmt: skip
        QApplication.sendEvent(port, event)

    def _widget(self, name: str):
        from PySide6.QtWidgets import QWidget

        widget = self.window.findChild(QWidget, name)
        return widget if widget is not None and widget.isVisible() and widget.isEnabled() else None

    def _type(self, name: str, text: str, end: str) -> None:
        """Select all in a field (a number's or the formula's), type `text`, end with `end`."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        field = self._widget(name)
        if field is None:
            return
        field.setFocus()
        if not field.hasFocus():  # a dialog (a recording's progress) had the focus: back to the window first
            self.window.activateWindow()
            QApplication.processEvents()
            field.setFocus()
        if not field.hasFocus():  # keys a user could not type there
            return
        QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(field, text)
        QTest.keyClick(field, getattr(Qt.Key, f"Key_{end}"))
        if end == "Tab":
            self._focus_window()

    def _formula(self, text: str, end: str) -> None:
        """Type a formula into the playground's field (where it is shown: on a function)."""
        self._type("functionEdit", text, end)

    def _spin(self, name: str, key: str, times: int) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        spin = self._widget(name)
        if spin is None:
            return
        spin.setFocus()
        for _ in range(times):
            QTest.keyClick(spin, getattr(Qt.Key, f"Key_{key}"))
        QTest.keyClick(spin, Qt.Key.Key_Return)

    def _combo(self, name: str, fraction: float) -> None:
        combo = self._widget(name)
        if combo is None or combo.count() == 0:
            return
        index = min(combo.count() - 1, int(fraction * combo.count()))
        item = combo.model().item(index) if hasattr(combo.model(), "item") else None
        if item is not None and not item.isEnabled():
            return  # a user cannot pick a disabled item
        combo.setCurrentIndex(index)
        combo.activated.emit(index)  # as a user's pick in the popup does

    def _generate(self) -> None:
        button = self._widget("generateButton")
        if button is not None:
            button.click()

    def _timeline(self, fraction: float) -> None:
        slider = self.window.playback_bar.timeline
        if slider.isVisible() and slider.isEnabled():
            slider.setValue(int(fraction * slider.maximum()))

    def _play(self, ms: int) -> None:
        w = self.window
        w.playback.play()
        if self.qtbot is not None:
            self.qtbot.wait(ms)
        else:
            from PySide6.QtTest import QTest

            QTest.qWait(ms)
        w.playback.pause()

    def _save_open(self) -> None:
        path = self.tmp / "fuzz.gradviz.json"
        if self.window.session.save(path):
            self.window.files.open_file(str(path))
            while self.window.jobs.running:
                self._settle()

    def _record(self, view_at: float, start_at: float, steps: int, kind: str) -> None:
        """File › Record a run of a view from a step on the timeline; the movie has a frame per step
        recorded (fewer only when the run stopped), and nothing half-written is left beside it."""
        w = self.window
        views = [name for name, _ in w.pictures.exportable()]
        path = self.tmp / f"fuzz.{kind}"
        path.unlink(missing_ok=True)
        progress = w.pictures.record(
            views[int(view_at * len(views)) % len(views)], str(path), int(start_at * w.session.last_step), steps
        )
        if progress is None:  # an MP4 without imageio-ffmpeg: said, nothing else
            return
        import shiboken6

        recording = progress.recording
        while shiboken6.isValid(progress) and progress.isVisible():  # it deletes itself when done
            self._settle()
        assert not list(self.tmp.glob(".*partial*")), "a partial movie was left"
        if kind == "gif" and path.exists():
            from PIL import Image

            from gradviz.gui.movie import gif_frame_ms

            with Image.open(path) as gif:  # equal frames in a row are one GIF frame shown for their total time
                shown = 0
                for k in range(gif.n_frames):
                    gif.seek(k)
                    shown += gif.info["duration"]
                assert shown == recording.drawn * gif_frame_ms(recording.fps), (
                    f"the GIF plays {shown} ms, {recording.drawn} frames drawn"
                )
            assert recording.drawn == recording.frames or recording.stopped_at is not None, "frames missing"

    def _drop(self, what: str) -> None:
        """A file dropped onto the window: the session saved now, the data as CSV, or a malformed CSV."""
        from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
        from PySide6.QtGui import QDropEvent
        from PySide6.QtWidgets import QApplication

        w = self.window
        path = self.tmp / ("fuzz.gradviz.json" if what == "session" else what if what == "bad.csv" else "fuzz.csv")
        if what == "session":
            w.session.save(path)
        elif what == "csv":
            w.session.export_csv(path)
        else:
            path.write_text("x1,x2,y\n1,2\nnan,,3\n")
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        drop = QDropEvent(
            QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(w, drop)
        while w.jobs.running:
            self._settle()

    def _runs(self, op: str, fraction: float) -> None:
        """The Runs table: its buttons, a row's click (focus), a row's box (shown), a column's sort."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        view = self.window.runs_view
        if not view.isVisible() or view.visibleRegion().isEmpty():  # behind a tab: no one can click it
            return
        table = view.table
        row = min(int(fraction * table.rowCount()), table.rowCount() - 1)
        if op in ("add", "remove"):
            button = view.add_button if op == "add" else view.remove_button
            if button.isEnabled():
                QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        elif op == "row" and row >= 0:
            QTest.mouseClick(
                table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(table.item(row, 1)).center()
            )
        elif op == "check" and row >= 0:
            item = table.item(row, 0)
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
        elif op == "sort":
            table.sortByColumn(int(fraction * table.columnCount()) % table.columnCount(), Qt.SortOrder.DescendingOrder)

    def _dock(self, name: str, op: str) -> None:
        dock = self.window.docks[name]
        if op == "float":
            dock.setFloating(True)
        elif op == "dock":
            dock.setFloating(False)
        elif op == "close":
            dock.close()
        elif op == "show":
            dock.show()
        else:
            dock.show()
            dock.raise_()

    def _size(self, width: int, height: int) -> None:
        self.window.resize(width, height)


# ---------------------------------------------------------------------- checks
def control_problems(window) -> list[str]:
    """Every control shows the state in use (settings, and the data the data controls describe)."""
    from PySide6.QtWidgets import QWidget

    from gradviz.core import FIELDS
    from gradviz.gui.bindings import value_of

    found = []
    s = window.session.settings
    for name, object_name in ((f.name, f.control) for f in FIELDS.values() if f.shows != "function"):
        widget = window.findChild(QWidget, object_name)
        if not s.applies(name):
            continue
        shown, held = value_of(widget), s.get(name)
        if isinstance(held, float) and isinstance(shown, float):
            same = math.isclose(shown, held, rel_tol=1e-9, abs_tol=10 ** -widget.decimals())
        else:
            same = shown == held
        if not same:
            found.append(f"the {name} control shows {shown!r}, the session holds {held!r}")
    ds = window.session.source_dataset
    controls = window.controls
    editor = controls.function_editor
    if s.is_function and editor.valid and not editor.edit.hasFocus():
        from gradviz import core

        if editor.edit.text() != core.make_function(s.function).expression:
            found.append(f"the formula field shows {editor.edit.text()!r}, the runs descend on {s.function!r}")
    if controls.size_spin.value() != ds.n_samples:
        found.append(f"N shows {controls.size_spin.value()}, the data have {ds.n_samples} points")
    shown = controls.dataset_combo.currentData()
    if ds.recipe is not None:
        if shown != ds.recipe.name:
            found.append(f"the data set control shows {shown!r}, not {ds.recipe.name!r}")
        if not math.isclose(controls.noise_spin.value(), ds.recipe.noise, abs_tol=1e-9):
            found.append(f"the noise control shows {controls.noise_spin.value()}, the data have {ds.recipe.noise}")
    elif shown is not None or ds.name not in controls.dataset_combo.currentText():
        found.append(f"data from a file show as {controls.dataset_combo.currentText()!r}")
    return found


def window_problems(window) -> list[str]:
    """Controls and views against the session (after the turn's redraws)."""
    from gradviz.state.frame import MAX_POINTS_DRAWN

    found = control_problems(window)
    s = window.session
    bar = window.playback_bar
    if bar.timeline.value() != s.current_step or bar.timeline.maximum() != s.last_step:
        found.append(
            f"the timeline shows {bar.timeline.value()} of {bar.timeline.maximum()}, not {s.current_step} of {s.last_step}"
        )
    if not bar.step_label.text().startswith(f"step {s.current_step}"):
        found.append(f"the step counter says {bar.step_label.text()!r} at step {s.current_step}")
    data_view = window.data_view
    if data_view.seen and data_view.class_points:
        drawn = sum(len(item.data) for item in data_view.class_points if item.isVisible())
        ds = s.source_dataset
        drawable = ds.n_features == 2 and ds.is_classification or ds.n_features == 1 and not ds.is_classification
        if drawable and drawn != min(ds.n_samples, MAX_POINTS_DRAWN):
            found.append(f"the data view draws {drawn} points of {ds.n_samples}")
        marks = len(data_view.selection.data)
        if drawable and marks != (s.selected is not None):
            found.append(f"{marks} selection marks for the selection {s.selected}")
    curve = window.loss_curve
    if curve.seen and curve.marker.value() != s.current_step:
        found.append(f"the loss curve marks step {curve.marker.value()} at step {s.current_step}")
    return found


def _step_problems(window, step, spec, plane, before, drawn) -> list[str]:
    taken = plane.displacement(spec, spec.flatten(window.session.params) - before)
    if not np.allclose(drawn, taken, rtol=1e-9, atol=1e-12):
        return [f"the gradient view drew Δθ = {drawn} before step {step}; the step taken was {taken}"]
    return []


# ---------------------------------------------------------------------- running and shrinking
def run(actions: list[Action], preset: str, qtbot=None, stop_at_first: bool = True) -> tuple[int, list[str]]:
    """Run the actions on a fresh window: (index of the first failing action or -1, its problems)."""
    runner = Runner(preset, qtbot)
    try:
        for i, action in enumerate(actions):
            found = runner.do(action)
            if found and stop_at_first:
                return i, found
        return -1, []
    finally:
        runner.close()


def shrink(actions: list[Action], fails: Callable[[list[Action]], bool], budget_s: float = 300) -> list[Action]:
    """The shortest sub-list found that still fails (delta debugging: chunks, then single actions),
    within `budget_s` seconds (each trial is a fresh window): the best found so far after that."""
    deadline = time.perf_counter() + budget_s
    chunk = max(1, len(actions) // 2)
    while chunk >= 1:
        i = 0
        while i < len(actions):
            if time.perf_counter() > deadline:
                return actions
            trial = actions[:i] + actions[i + chunk :]
            if trial and fails(trial):
                actions = trial
            else:
                i += chunk
        chunk //= 2
    return actions


def fuzz(
    seed: int,
    n_actions: int,
    qtbot=None,
    out_dir: str | os.PathLike = ".",
    shrink_s: float = 300,
    preset: str | None = None,
) -> dict:
    """Run one seed (on `preset`, default one the seed draws); on a failure shrink it and write a
    replayable file. Returns a summary."""
    rng = random.Random(seed)
    drawn = rng.choice(PRESETS)
    preset = preset or drawn
    actions = [draw_action(rng) for _ in range(n_actions)]
    index, found = run(actions, preset, qtbot)
    if index < 0:
        return {"seed": seed, "preset": preset, "actions": n_actions, "problems": []}
    failing = actions[: index + 1]
    small = shrink(failing, lambda trial: run(trial, preset, qtbot)[0] >= 0, shrink_s)
    _, found = run(small, preset, qtbot)
    path = Path(out_dir) / f"fuzz-failure-seed{seed}.json"
    path.write_text(json.dumps({"preset": preset, "seed": seed, "actions": small, "problems": found}, indent=1))
    return {"seed": seed, "preset": preset, "actions": index + 1, "problems": found, "replay": str(path)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--replay", help="a fuzz-failure-*.json file to run again")
    parser.add_argument("--shrink-seconds", type=float, default=300, help="time to spend shrinking a failure")
    parser.add_argument("--preset", help="start every seed here (a preset, or lesson:NAME), not where the seed says")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # the layouts its windows save on closing (docks floated, closed) and their autosaves go to
    # throw-away folders, as under pytest (tests/conftest.py), not into the developer's own config
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        os.environ[name] = tempfile.mkdtemp(prefix=f"gradviz-fuzz-{name.split('_')[1].lower()}-")
    from gradviz.gui.app import ensure_app

    ensure_app()
    if args.replay:
        saved = json.loads(Path(args.replay).read_text())
        index, found = run(saved["actions"], saved["preset"])
        print(f"{'fails at action ' + str(index + 1) if index >= 0 else 'passes'}: {found}")
        return 1 if index >= 0 else 0
    total, failures = 0, 0
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        summary = fuzz(seed, args.actions, shrink_s=args.shrink_seconds, preset=args.preset)
        total += summary["actions"]
        failures += bool(summary["problems"])
        print(json.dumps(summary), flush=True)
    print(f"{total:,} actions, {failures} failing seeds")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
