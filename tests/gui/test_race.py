"""Runs raced in the window, through real clicks and keys: add, change, remove, focus, hide."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDoubleSpinBox

from gradviz.cli import parse_args
from gradviz.gui import palette

from .mouse import click


def _table_names(window):
    table = window.runs_view.table
    return [table.item(r, 0).text() for r in range(table.rowCount())]


def _row_of(window, index):
    table = window.runs_view.table
    return next(r for r in range(table.rowCount()) if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == index)


def _click_row(window, index):
    table = window.runs_view.table
    rect = table.visualItemRect(table.item(_row_of(window, index), 1))  # L: a column always shown
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    window.flush()


def test_add_change_focus_hide_and_remove_by_clicks(window, qtbot):
    s = window.session
    window.docks["runsDock"].raise_()
    qtbot.mouseClick(window.runs_view.add_button, Qt.MouseButton.LeftButton)
    window.flush()
    assert len(s.runs) == 2 and s.focus_index == 1
    # the controls edit the focused (new) run
    lr = window.findChild(QDoubleSpinBox, "learningRateSpin")
    lr.setFocus()
    lr.lineEdit().selectAll()
    QTest.keyClicks(lr, "0.05")
    QTest.keyClick(lr, Qt.Key.Key_Return)
    window.flush()
    assert s.runs[1].settings.get("lr") == 0.05 and s.runs[0].settings.get("lr") == 0.5
    assert any("0.05" in name for name in _table_names(window))
    # both are drawn on the surface and the loss curve, in their colours
    assert len(window.loss_curve.race_curves) >= 2 and all(c.isVisible() for c in window.loss_curve.race_curves[:2])
    colours = {c.opts["pen"].color().name().upper() for c in window.loss_curve.race_curves[:2]}
    assert colours == {palette.RUN_COLORS[r.slot].upper() for r in s.runs}
    assert not colours & {c.upper() for c in palette.CLASS_COLORS}
    # a row's click focuses its run; its box hides it
    _click_row(window, 0)
    assert s.focus_index == 0
    table = window.runs_view.table
    table.item(_row_of(window, 1), 0).setCheckState(Qt.CheckState.Unchecked)
    window.flush()
    assert not s.runs[1].visible
    assert not window.loss_curve.race_curves[1].isVisible()
    # Remove takes the focused run out
    qtbot.mouseClick(window.runs_view.remove_button, Qt.MouseButton.LeftButton)
    window.flush()
    assert len(s.runs) == 1 and s.runs[0].settings.get("lr") == 0.05
    assert not any(c.isVisible() for c in window.loss_curve.race_curves)  # one run: the plain curve again
    assert window.loss_curve.curve.isVisible()


def test_r_and_the_legend_and_a_path_focus_runs(opened):
    window = opened("--preset", "race-optimizers", "--steps", "40")
    s = window.session
    assert len(s.runs) == 4 and s.focus_index == 0
    window.setFocus()
    QTest.keyClick(window, Qt.Key.Key_R)
    assert s.focus_index == 1
    QTest.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert s.focus_index == 0
    window.flush()
    legend = window.loss_curve.legend
    labels = legend.entry_labels
    QTest.mouseClick(labels[2], Qt.MouseButton.LeftButton)  # the third run's name
    window.flush()
    assert s.focus_index == 2
    # a click on another run's path on the surface focuses it, and starts nothing new
    window.docks["lossSurfaceDock"].raise_()
    window.flush()
    path = s.frame.race_paths[3]
    x, y = path[len(path) // 3]
    steps = s.current_step
    click(window.surface_view.plot_widget, x, y)
    window.flush()
    assert s.focus_index == 3 and s.current_step == steps


def test_a_diverging_run_stops_with_its_message_and_the_others_go_on(opened):
    window = opened("--preset", "linear-line", "--compare", "lr=50")
    s = window.session
    window.setFocus()
    for _ in range(30):
        QTest.keyClick(window, Qt.Key.Key_Right)
    window.flush()
    assert s.current_step == 30
    assert s.runs[1].trainer.step_index < 30 and s.runs[1].stopped(30)
    assert "other runs go on" in window.message_bar.text
    assert "diverged" in _table_names(window)[_row_of(window, 1)]
    window.playback.play()
    QTest.qWait(200)
    assert window.playback.playing  # one run stopped: the race plays on
    window.playback.pause()


def test_a_four_run_session_saved_and_opened_in_the_window_is_the_same_race(make_window, tmp_path):
    window = make_window("--preset", "race-optimizers", "--steps", "60")
    s = window.session
    s.focus_run(2)
    s.set_run_visible(1, False)
    path = tmp_path / "race.gradviz.json"
    assert s.save(path)
    before = [(r.name, r.visible, r.trainer.history()) for r in s.runs]
    other = make_window("--preset", "logistic-blobs")
    other.files.open_file(str(path))
    while other.jobs.running:
        QTest.qWait(10)
    o = other.session
    assert o.focus_index == 2 and o.current_step == 60
    for (name, visible, h), run in zip(before, o.runs, strict=True):
        assert (run.name, run.visible) == (name, visible)
        assert np.array_equal(run.trainer.history().params, h.params)
        assert np.array_equal(run.trainer.history().loss, h.loss)


def test_compare_on_the_command_line(opened):
    window = opened(
        "--preset", "momentum-ravine", "--compare", "optimizer=momentum", "--compare", "optimizer=adam,lr=0.05"
    )
    names = [r.name for r in window.session.runs]
    assert len(names) == 3 and names[1].startswith("Momentum") and names[2] == "Adam, η = 0.05"
    for bad in ("lr", "speed=3", "optimizer=foo", "lr=-1", "batch-size=x"):
        with pytest.raises(SystemExit):
            parse_args(["--compare", bad])
    with pytest.raises(ValueError, match="--compare loss=bce"):
        opened("--preset", "mlp-moons", "--compare", "loss=bce")


def test_runs_with_different_losses_say_their_losses_are_not_on_one_scale(opened):
    window = opened("--preset", "race-mse-bce", "--steps", "10")
    s = window.session
    assert {r.settings.loss for r in s.runs} == {"mse", "bce"}
    assert "not on one scale" in window.runs_view.hint.text()
    assert "not on one scale" in window.loss_curve.legend.text()
    assert all(item.isVisible() for item in window.loss_curve.race_accuracy[:2])
    assert "MSE" in window.surface_view.note.text() or "mse" in window.surface_view.note.text().lower()
    # the surface is the focused run's loss: R switches it
    window.setFocus()
    QTest.keyClick(window, Qt.Key.Key_R)
    window.flush()
    assert s.loss_fn.name == "bce" and "BCE" in window.surface_view.note.text()


def test_a_race_that_begins_brings_its_table_to_the_front(make_window):
    window = make_window("--preset", "logistic-blobs", "--present", "--size", "1280x720")
    table = window.runs_view
    assert not table.seen  # one run: the gradients are in front of the tab group
    window.setFocus()
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    window.flush()
    assert len(window.session.runs) == 2 and table.seen
