"""Editing data with the mouse: real mouse events on the plot, undo/redo, selection."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gradviz.gui import create_window
from gradviz.gui.views.data_view import GRID, MIN_GRID, region_image

from .mouse import click, drag

SHARED_WINDOW = True  # one window for the module's `window` tests, each from a first start's session


def _empty_spot(window):
    """A place in view with no point nearby."""
    view = window.data_view
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    for fx in np.linspace(0.1, 0.9, 9):
        for fy in np.linspace(0.1, 0.9, 9):
            x, y = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
            if view.point_at(_qpoint(x, y)) is None:
                return x, y
    raise AssertionError("no empty spot")


def _qpoint(x, y):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)


def test_click_adds_a_point_of_the_current_class(window, qtbot):
    s = window.session
    n = s.source_dataset.n_samples
    s.set_new_point_class(1)
    x, y = _empty_spot(window)
    click(window.data_view.plot_widget, x, y)
    ds = s.source_dataset
    assert ds.n_samples == n + 1
    np.testing.assert_allclose(ds.X[-1], [x, y], atol=0.05)
    assert ds.labels[-1] == 1
    # the model sees it: Y grew, and the loss is the loss on the new data
    assert s.dataset.Y.shape == (n + 1, 1)
    value, _ = s.model.loss_and_grad(s.params, ds.X, s.dataset.Y, s.loss_fn)
    assert s.trainer.loss == value
    s.undo()
    assert s.source_dataset.n_samples == n
    s.redo()
    assert s.source_dataset.n_samples == n + 1


def test_click_on_a_point_selects_it_and_right_click_removes_it(window):
    s = window.session
    ds = s.source_dataset
    i = 7
    click(window.data_view.plot_widget, *ds.X[i])
    assert s.selected == i and s.source_dataset.n_samples == ds.n_samples
    click(window.data_view.plot_widget, *ds.X[i], button=Qt.MouseButton.RightButton)
    assert s.source_dataset.n_samples == ds.n_samples - 1
    assert not np.any(np.all(s.source_dataset.X == ds.X[i], axis=1))
    s.undo()
    assert s.source_dataset == ds


def test_drag_moves_a_point_in_one_undo_step(window):
    s = window.session
    ds = s.source_dataset
    i = 3
    start = tuple(ds.X[i])
    end = (start[0] + 1.0, start[1] - 0.7)
    assert s.undo_text is None
    drag(window.data_view.plot_widget, start, end)
    np.testing.assert_allclose(s.source_dataset.X[i], end, atol=0.05)
    assert s.source_dataset.n_samples == ds.n_samples
    assert s.undo_text == "move point"
    s.undo()
    np.testing.assert_array_equal(s.source_dataset.X[i], ds.X[i])
    assert s.undo_text is None  # the whole drag was one step


def test_drag_on_empty_space_pans_instead(window):
    s = window.session
    before = window.data_view.view_box.viewRange()
    x, y = _empty_spot(window)
    drag(window.data_view.plot_widget, (x, y), (x + 1.0, y))
    assert s.source_dataset.n_samples == 60
    assert window.data_view.view_box.viewRange() != before


def test_regression_points_are_x_y_and_residuals_are_drawn(opened):
    window = opened("--preset", "linear-line", "--steps", "3")
    s = window.session
    n = s.source_dataset.n_samples
    (_, _), (y0, y1) = window.data_view.view_box.viewRange()
    y = y0 + 0.95 * (y1 - y0)  # far above the line
    click(window.data_view.plot_widget, 0.5, y)
    window.flush()
    ds = s.source_dataset
    assert ds.n_samples == n + 1
    np.testing.assert_allclose([ds.X[-1, 0], ds.targets[-1]], [0.5, y], atol=0.1)
    xs, ys = window.data_view.residuals.getData()
    yhat = s.model.predict(s.params, ds.X)[:, 0]
    np.testing.assert_allclose(ys[0::2], ds.targets)
    np.testing.assert_allclose(ys[1::2], yhat)


def test_delete_key_removes_the_selected_point(window, qtbot):
    s = window.session
    s.select(2)
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert s.source_dataset.n_samples == 59 and s.selected is None
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert s.source_dataset.n_samples == 60
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert s.source_dataset.n_samples == 59


def test_edits_during_playback_keep_training(window, qtbot):
    s = window.session
    window.playback.set_speed(100)
    window.playback.play()
    qtbot.waitUntil(lambda: s.current_step > 3, timeout=5000)
    x, y = _empty_spot(window)
    click(window.data_view.plot_widget, x, y)
    at_edit = s.current_step
    qtbot.waitUntil(lambda: s.current_step > at_edit + 3, timeout=5000)
    window.playback.pause()
    assert s.source_dataset.n_samples == 61
    assert s.trainer.X.shape[0] == 61


@pytest.mark.parametrize("preset", ["logistic-blobs", "softmax-blobs"])
def test_decision_region_on_screen_is_the_models_prediction(opened, qtbot, preset):
    """Sample the rendered pixels where no point is drawn: they carry ŷ's colour at that place."""
    from PySide6.QtCore import QPointF

    window = opened("--preset", preset, "--steps", "20")
    s = window.session
    view = window.data_view
    assert view.region.image.shape == (120, 120, 4)
    for _ in range(3):
        qtbot.wait(5)
    shot = view.plot_widget.grab().toImage()
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    checked = 0
    for fx, fy in [(0.04, 0.04), (0.96, 0.96), (0.04, 0.96), (0.96, 0.04), (0.5, 0.04), (0.5, 0.96)]:
        x, y = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
        if view.point_at(QPointF(x, y)) is not None:
            continue
        pos = view.plot_widget.mapFromScene(view.view_box.mapViewToScene(QPointF(x, y)))
        pixel = shot.pixelColor(pos)
        expected = region_image(s.model.predict(s.params, np.array([[x, y]])), s.source_dataset.n_classes)[0]
        assert abs(pixel.red() - int(expected[0])) <= 6, (fx, fy, pixel.name(), expected)
        assert abs(pixel.green() - int(expected[1])) <= 6
        assert abs(pixel.blue() - int(expected[2])) <= 6
        checked += 1
    assert checked >= 3


def test_region_is_not_repainted_for_invisible_changes(window):
    view = window.data_view
    s = window.session
    before = view.region.image
    s.select(3)  # a redraw with the same parameters: nothing to repaint
    window.flush()
    assert view.region.image is before
    flat = s.model.spec.flatten(s.params)
    s.restart_from(s.model.spec.unflatten(-flat + 0.5))  # a different model: the colours change
    window.flush()
    assert view.region.image is not before

    P = s.model.predict(s.params, _grid(view))
    expected = region_image(P, 2).reshape(GRID, GRID, 4)
    assert np.abs(view.region.image.astype(int) - expected).max() <= 2


def _grid(view):

    (x0, x1), (y0, y1) = view.view_box.viewRange()
    gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
    return np.column_stack([gx.ravel(), gy.ravel()])


def test_region_scales_plainly_while_changing_and_smoothly_at_rest(window, qtbot):
    view = window.data_view
    s = window.session
    flat = s.model.spec.flatten(s.params)
    s.restart_from(s.model.spec.unflatten(flat * 0.5))
    window.flush()
    assert not view.region.smooth
    qtbot.waitUntil(lambda: view.region.smooth, timeout=2000)
    s.restart_from(s.model.spec.unflatten(-flat))
    window.finish_rendering()  # what --screenshot does
    assert view.region.smooth and window.surface_view.idle


def test_slow_frames_keep_the_region_plain_until_they_stop(window, qtbot, monkeypatch):
    """Frames 400 ms apart (a wide net playing under load) are slower than the 120 ms quiet time: the
    full, smooth pass waits three of their intervals instead of running between two frames. (The clock
    the view measures intervals with is the test's; Qt's timers run in real time.)"""
    from types import SimpleNamespace

    from gradviz.gui.views import data_view

    clock = [1000.0]
    monkeypatch.setattr(data_view, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    view = window.data_view
    s = window.session
    flat = s.model.spec.flatten(s.params)
    for k in range(4):
        clock[0] += 0.4
        s.restart_from(s.model.spec.unflatten(flat * (-1) ** k * (1 + k)))
        window.flush()
    qtbot.wait(data_view.SMOOTH_AFTER_MS + 100)
    assert not view.region.smooth  # past the 120 ms quiet time, within three intervals (1.2 s): still plain
    qtbot.waitUntil(lambda: view.region.smooth, timeout=5000)
    clock[0] += 10.0  # a single change after a rest: the usual quiet time
    s.restart_from(s.model.spec.unflatten(flat * 0.3))
    window.flush()
    qtbot.waitUntil(lambda: view.region.smooth, timeout=2000)  # not three intervals of 10 s


def test_a_wide_nets_region_is_coarser_while_it_moves_and_whole_at_rest(make_window, qtbot):

    window = make_window("--preset", "mlp-moons", "--hidden", "256")
    view = window.data_view
    s = window.session
    window.finish_rendering()
    assert view.region.image.shape[:2] == (GRID, GRID)
    s.step(1)
    window.flush()
    n = view.region.image.shape[0]
    assert MIN_GRID <= n < GRID and not view.region.smooth  # 256 units a point: fewer points while it moves
    # what it shows is still the model's prediction at those points
    (x0, x1), (y0, y1) = view.view_box.viewRange()
    corner = s.model.predict(s.params, np.array([[x0, y0]]))[0]

    np.testing.assert_array_equal(view.region.image[0, 0], region_image(corner[None, :], 2)[0])
    qtbot.waitUntil(lambda: view.region.smooth, timeout=3000)  # at rest: the whole grid, smooth
    assert view.region.image.shape[:2] == (GRID, GRID)
    small = make_window("--preset", "mlp-moons")  # h = 8: always the whole grid
    small.session.step(1)
    small.flush()
    assert small.data_view.region.image.shape[:2] == (GRID, GRID)


def test_a_new_class_from_a_click_asks_first(window, qtbot):
    s = window.session
    n = s.source_dataset.n_samples
    qtbot.keyClick(window, Qt.Key.Key_5)
    x, y = _empty_spot(window)
    click(window.data_view.plot_widget, x, y)
    assert s.source_dataset.n_samples == n and s.model.kind == "logistic"
    assert window.message_bar.isVisible() and "Class 5 is new" in window.message_bar.text
    assert window.message_bar.fix_action.text() == "Add class 5 anyway"
    window.message_bar.fix_action.trigger()
    assert s.source_dataset.n_samples == n + 1 and s.model.kind == "softmax"


def test_opening_another_lesson_fits_its_data_even_inside_the_old_view(window):
    from PySide6.QtWidgets import QApplication

    window.session.mark_saved()
    before = window.data_view.view_box.viewRange()
    window.files.open_preset("mlp-moons")  # the moons lie well inside the blobs' view
    while window.jobs.running:
        QApplication.processEvents()
    window.flush()
    (x0, x1), (y0, y1) = window.data_view.view_box.viewRange()
    xy = window.data_view.point_coords()
    assert (x0, x1, y0, y1) != (before[0][0], before[0][1], before[1][0], before[1][1])
    # fitted: the points span most of the view (15 % margins each side)
    assert np.ptp(xy[:, 1]) > 0.6 * (y1 - y0) and np.ptp(xy[:, 0]) > 0.6 * (x1 - x0)


def test_the_quality_pass_due_after_the_runs_moved_to_a_function_draws_nothing(qtbot):
    """The data view's full-resolution pass falls due 200 ms after a coarse region; when the runs moved to
    f(x, y) meanwhile (a preset, a lesson's scene) it found no model to predict with and raised."""
    window = create_window(["--preset", "mlp-moons", "--hidden", "64"])
    qtbot.addWidget(window)
    view = window.data_view
    window.session.step(1)  # a net this wide draws its region coarse while it moves: the smooth pass is due
    window.flush()
    assert view.region.image.shape[0] < GRID
    assert window.session.set_value("model", "function")
    view.finish_rendering()  # raised AttributeError: 'FunctionModel' object has no attribute 'predict'
    assert view.applies_not
