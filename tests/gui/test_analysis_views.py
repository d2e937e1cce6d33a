"""The four analysis views check numbers against gradviz.core, not just that they exist."""

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox, QDockWidget

from gradviz import core
from gradviz.cli import parse_args
from gradviz.session_options import session_data_from_args

SHARED_WINDOW = True  # one window for the module's `window` tests, each from a first start's session


ANALYSIS_DOCKS = ("lossSurfaceDock", "residualsDock", "jacobianDock", "gradientDock")


def _wait_surface(window, qtbot):
    window.flush()
    qtbot.waitUntil(lambda: window.surface_view.idle, timeout=20_000)


def test_analysis_docks_exist(window):
    for name in ANALYSIS_DOCKS:
        assert window.findChild(QDockWidget, name) is not None


def test_surface_image_equals_core_loss_surface(window, qtbot):
    s = window.session
    s.step(10)
    _wait_surface(window, qtbot)
    view = window.surface_view
    sl = view.slice
    assert view.surface.shape == (len(view.alphas), len(view.betas)) == (100, 100)
    expected = core.loss_surface(
        s.model, s.loss_fn, s.dataset.X, s.dataset.Y, sl.center, sl.d1, sl.d2, view.alphas, view.betas
    )
    np.testing.assert_allclose(view.surface, expected, rtol=1e-5, atol=1e-6)
    # the image on screen is S transposed (rows are β), with explicit levels
    np.testing.assert_allclose(view.image.image, expected.T, rtol=1e-5, atol=1e-6)


def test_path_ends_at_the_trainers_params(window, qtbot):
    s = window.session
    s.step(12)
    _wait_surface(window, qtbot)
    xs, ys = window.surface_view.path.getData()
    assert len(xs) == 13
    a, b = s.slice.axis_labels
    spec = s.model.spec
    flat = spec.flatten(s.params)
    assert (xs[-1], ys[-1]) == pytest.approx((flat[spec.index_of(a)], flat[spec.index_of(b)]))
    s.seek(4)  # the path follows the timeline
    window.flush()
    xs, _ = window.surface_view.path.getData()
    assert len(xs) == 5


def test_clicking_the_surface_restarts_from_that_point(window, qtbot):
    from .mouse import click

    s = window.session
    s.step(5)
    _wait_surface(window, qtbot)
    view = window.surface_view
    a = view.alphas[20]
    b = view.betas[70]
    click(view.plot_widget, a, b)
    assert s.current_step == 0
    spec = s.model.spec
    flat = spec.flatten(s.params)
    x_label, y_label = s.slice.axis_labels
    assert flat[spec.index_of(x_label)] == pytest.approx(a, abs=0.05 * (view.alphas[-1] - view.alphas[0]))
    assert flat[spec.index_of(y_label)] == pytest.approx(b, abs=0.05 * (view.betas[-1] - view.betas[0]))
    s.step(3)
    s.reset()  # Reset goes back to the clicked start, not the seed's
    assert spec.flatten(s.params) == pytest.approx(flat)


def test_slice_controls_choose_parameters_and_modes(window, qtbot):
    s = window.session
    s.step(10)
    x = window.findChild(QComboBox, "sliceXCombo")
    x.setCurrentText("b[0]")
    assert s.slice.axis_labels[0] == "b[0]"
    mode = window.findChild(QComboBox, "sliceModeCombo")
    mode.setCurrentIndex(mode.findData("pca"))
    assert s.slice.mode == "pca" and s.slice.explained[0] >= s.slice.explained[1]
    mode.setCurrentIndex(mode.findData("random"))
    assert s.slice.mode == "random"
    _wait_surface(window, qtbot)
    assert "projected" in window.surface_view.note.text()


def test_linear_regression_marks_the_normal_equation_optimum(opened, qtbot):
    window = opened("--preset", "linear-line")
    s = window.session
    _wait_surface(window, qtbot)
    W, b = core.normal_equation(s.dataset.X, s.dataset.Y)
    xs, ys = window.surface_view.optimum.getData()
    assert (xs[0], ys[0]) == pytest.approx((W[0, 0], b[0]))
    assert "whole loss" in window.surface_view.note.text()
    s.step(400)  # GD walks onto the star
    window.flush()
    xs, ys = window.surface_view.path.getData()
    assert (xs[-1], ys[-1]) == pytest.approx((W[0, 0], b[0]), abs=1e-3)


def test_gradient_field_is_drawn_on_request(window, qtbot):
    window.surface_view.controls.field_check.setChecked(True)
    assert window.session.view.gradient_field
    window.flush()
    xs, _ = window.surface_view.field.getData()
    assert xs is not None and len(xs) == 2 * 13 * 13
    # a session of another model opened with the field on: drawn on the new plane (it was computed on the
    # old model's plane first, which raised in the event loop)
    data, _ = session_data_from_args(parse_args(["--preset", "softmax-blobs"]))
    window.session.apply_session(data)
    window.flush()
    view = window.surface_view
    xs, ys = view.field.getData()
    assert view.slice is window.session.slice and len(xs) == 2 * 13 * 13
    assert view.alphas[0] <= xs.min() and xs.max() <= view.alphas[-1]


def test_residual_stems_equal_yhat_minus_y(window):
    s = window.session
    s.step(7)
    window.flush()
    view = window.residuals_view
    P = s.model.predict(s.params, s.dataset.X)
    np.testing.assert_allclose(view.residuals, P - s.dataset.Y)
    _, ys = view.stems[0].getData()
    np.testing.assert_allclose(ys[1::2], (P - s.dataset.Y)[:, 0])
    assert view.deltas is None  # canonical pair: dL/dz is ŷ − y itself


def test_non_canonical_pair_draws_n_dl_dz_beside_the_residual(opened):
    window = opened("--preset", "mse-sigmoid", "--steps", "5")
    s = window.session
    view = window.residuals_view
    P = s.model.predict(s.params, s.dataset.X)
    expected = (P - s.dataset.Y) * P * (1 - P)  # MSE + sigmoid keeps σ', ×N
    np.testing.assert_allclose(view.deltas, expected, rtol=1e-10)
    _, ys = view.delta_stems.getData()
    np.testing.assert_allclose(ys[1::2], expected[:, 0], rtol=1e-10)
    assert not np.allclose(view.deltas, view.residuals)


def test_residual_order_by_size_and_selection(window):
    s = window.session
    s.step(3)
    view = window.residuals_view
    combo = window.findChild(QComboBox, "residualOrderCombo")
    combo.setCurrentIndex(combo.findData("size"))
    assert s.view.residual_order == "size"
    window.flush()
    sizes = np.abs(view.residuals[:, 0])
    assert np.all(np.diff(sizes) <= 1e-15)
    s.select(int(view.samples[0]))
    window.flush()
    assert view.selected_line.value() == 0


def test_jacobian_image_is_the_selected_samples_softmax_jacobian(opened):
    window = opened("--preset", "softmax-blobs", "--steps", "6")
    s = window.session
    s.select(11)
    window.flush()
    view = window.jacobian_view
    p = s.model.predict(s.params, s.dataset.X[11:12])[0]
    np.testing.assert_allclose(view.jacobian, core.softmax_jacobian(p))
    np.testing.assert_allclose(view.image.image, core.softmax_jacobian(p))
    assert sum(t.isVisible() for t in view.cell_text) == 9  # the numbers in the 3 × 3 cells
    # (∂ℓ/∂ŷ)ᵀJ = ŷ − y: the bars show it
    y = s.dataset.Y[11]
    np.testing.assert_allclose(view.g_bars.opts["height"], p - y, atol=1e-12)
    assert "✓" in view.text.text()
    s.step(1)  # follows the timeline
    window.flush()
    p2 = s.model.predict(s.params, s.dataset.X[11:12])[0]
    np.testing.assert_allclose(view.jacobian, core.softmax_jacobian(p2))


def test_jacobian_for_sigmoid_and_identity_outputs(opened):
    window = opened("--preset", "mse-sigmoid")
    view = window.jacobian_view
    s = window.session
    i = view.sample  # the lesson selects a confidently wrong point
    assert i == s.selected == 47
    p = s.model.predict(s.params, s.dataset.X[i : i + 1])[0, 0]
    assert view.jacobian.shape == (1, 1) and view.jacobian[0, 0] == pytest.approx(p * (1 - p))
    assert "≠ ŷ − y" in view.text.text()
    window2 = opened("--preset", "linear-line")
    assert window2.jacobian_view.jacobian is None
    assert "no Jacobian" in window2.jacobian_view.text.text()


@pytest.mark.parametrize("preset", ["logistic-blobs", "softmax-blobs", "mlp-moons", "linear-line"])
def test_per_sample_arrows_add_up_to_the_batch_gradient(opened, preset):
    window = opened("--preset", preset, "--steps", "4")
    s = window.session
    view = window.gradient_view
    spec = s.model.spec
    g = s.slice.components(spec, spec.flatten(s.trainer.grads))
    np.testing.assert_allclose(view.batch_gradient, g)
    np.testing.assert_allclose(view.per_sample.mean(axis=0), g, atol=1e-12)  # fan: ∇L is the centroid
    view.tip_check.setChecked(True)
    window.flush()
    np.testing.assert_allclose(view.arrow_ends[-1], g, atol=1e-12)  # tip to tail: they add up
    up = s.slice.displacement(spec, spec.flatten(s.trainer.next_update()))
    np.testing.assert_allclose(view.update_step, up)


def test_minibatch_arrows_use_the_current_batch(opened):
    window = opened("--preset", "mlp-spiral", "--steps", "2")
    s = window.session
    view = window.gradient_view
    assert len(view.per_sample) == 32
    xs, _ = view.others.getData()
    assert len(xs) == 2 * (s.source_dataset.n_samples - 32)


def test_momentum_update_differs_from_the_plain_gradient_step(opened):
    window = opened("--preset", "softmax-blobs", "--steps", "5")
    view = window.gradient_view
    lr = window.session.optimizer.lr
    assert not np.allclose(view.update_step, -lr * view.batch_gradient)


@pytest.mark.parametrize(
    "preset", ["logistic-blobs", "softmax-blobs", "mlp-moons", "mlp-spiral", "linear-line", "mse-sigmoid"]
)
def test_views_follow_data_edits_and_render(opened, qtbot, preset):
    window = opened("--preset", preset, "--steps", "30")
    s = window.session
    ds = s.source_dataset
    s.remove_point(0)
    _wait_surface(window, qtbot)
    assert window.residuals_view.residuals.shape[0] == ds.n_samples - 1
    assert window.surface_view.surface.shape == (100, 100)
    assert not window.grab().isNull()


@pytest.mark.parametrize("preset", ["logistic-blobs", "mse-sigmoid", "softmax-blobs", "mlp-spiral", "linear-line"])
def test_derivation_checks_itself_against_core(opened, preset):
    window = opened("--preset", preset, "--steps", "3")
    dock = window.findChild(QDockWidget, "derivationDock")
    dock.raise_()
    view = window.derivation_view
    window.session.select(5)
    window.flush()
    assert view.sample == 5
    assert view.checks == {"canonical_delta": True, "batch_mean": True}
    text = view.browser.toPlainText()
    assert "∂ℓ/∂z" in text and "✓ (the trainer’s gradient)" in text
    if preset == "mse-sigmoid":
        assert "not ŷ − y" in text
    if preset == "linear-line":
        assert "Normal equation" in text


def test_residual_hover_shows_the_numbers(window):
    from PySide6.QtCore import QPointF

    s = window.session
    s.step(2)
    window.flush()
    view = window.residuals_view
    vb = view.plot.getViewBox()
    vb.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(3, 0.0)))
    assert view.hover.isVisible()
    text = view.hover.textItem.toPlainText()
    P = s.model.predict(s.params, s.dataset.X[3:4])[0, 0]
    assert "sample 3" in text and f"{P:.4g}" in text


def test_presentation_mode_layout(make_window):
    window = make_window("--present", "--preset", "mlp-moons")
    assert window.theme.present and window.theme.base_point_size > 14
    assert not window.docks["controlsDock"].isVisible()
    assert window.docks["dataDock"].isVisible() and window.docks["lossSurfaceDock"].isVisible()
    tabbed = window.tabifiedDockWidgets(window.docks["gradientDock"])
    assert {d.objectName() for d in tabbed} >= {"residualsDock", "jacobianDock", "derivationDock"}


def test_following_the_run_a_quick_surface_goes_from_full_to_full_without_a_strip(opened, qtbot, monkeypatch):
    """A full surface that takes milliseconds replaces the last one directly: no blurred coarse grid in
    between, and no progress strip flashing several times a second."""
    window = opened("--lr", "0.01")  # small steps: the path stays in the plot, which only follows the plane
    s = window.session
    view = window.surface_view
    s.step(2)
    _wait_surface(window, qtbot)
    box = (view.alphas[[0, -1]], view.betas[[0, -1]])
    shown, strip = [], []
    show = view.surface_image.show
    monkeypatch.setattr(view.surface_image, "show", lambda S, *a, **k: (shown.append(S.shape), show(S, *a, **k)))
    for _ in range(4):
        s.step(1)
        window.flush()
        assert s.slice is not view.slice  # the run moved the plane: a new surface is due
        qtbot.waitUntil(lambda: s.slice is view.slice and view.idle, timeout=20_000)
        strip.append(view.progress.isVisible())
    np.testing.assert_array_equal((view.alphas[[0, -1]], view.betas[[0, -1]]), box)  # followed, never reframed
    assert shown and set(shown) == {(100, 100)} and not any(strip)


def test_the_progress_strip_waits_before_it_shows(window, monkeypatch):
    from gradviz.gui.views import progress_strip

    clock = [100.0]
    monkeypatch.setattr(progress_strip.time, "monotonic", lambda: clock[0])
    strip = window.surface_view.progress
    strip.show_fraction(0.0)
    strip.show_fraction(0.5)
    assert strip.isHidden() and strip.fraction is None  # quick work: nothing to see
    clock[0] += progress_strip.DELAY_S + 0.01
    strip.show_fraction(0.6)
    assert not strip.isHidden() and strip.fraction == pytest.approx(0.6)
    strip.show_fraction(None)
    strip.show_fraction(0.0)  # new work: its own wait
    assert strip.isHidden()
    strip.show_fraction(None)


def test_a_slow_surface_still_shows_while_the_run_moves_the_plane(opened, qtbot, monkeypatch):
    """A surface slower than the follow interval (100,000 points) is not dropped for the next plane before it
    has shown anything: while the run moves, the surface still changes, each from a recent plane."""
    import time

    from gradviz.gui import surface_worker

    window = opened("--lr", "0.01")
    s = window.session
    view = window.surface_view
    s.step(1)
    _wait_surface(window, qtbot)
    real = surface_worker.core.loss_surface

    def slow(*args, **kwargs):
        time.sleep(0.1)  # ten rows: 0.3-1 s a surface, against a new plane asked for every 150 ms
        return real(*args, **kwargs)

    monkeypatch.setattr(surface_worker.core, "loss_surface", slow)
    shown = []
    show = view.surface_image.show
    monkeypatch.setattr(view.surface_image, "show", lambda S, *a, **k: (shown.append(s.current_step), show(S, *a, **k)))
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        s.step(1)
        window.flush()
        qtbot.wait(40)
    assert len(shown) >= 2 and shown[-1] > shown[0]


def test_the_derivation_keeps_the_readers_place_while_the_run_moves(opened):
    """Scrolled down to ∂L/∂W, the reader stays there through the steps, and the scroll bar's range never
    drops to 0 and back (the text was cleared before each new one: a repaint every step)."""
    window = opened("--preset", "mlp-moons")
    window.show_view("derivation")
    window.flush()
    bar = window.derivation_view.browser.verticalScrollBar()
    assert bar.maximum() > 0  # longer than its panel
    bar.setValue(bar.maximum())
    place = bar.value()
    ranges = []
    bar.rangeChanged.connect(lambda low, high: ranges.append(high))
    for _ in range(3):
        window.session.step(1)
        window.flush()
        assert bar.value() == min(place, bar.maximum()) > 0
    assert 0 not in ranges
    window.derivation_view.keep_in_sight(None)  # a scene that asks for the top gets it
    assert bar.value() == 0


def test_the_coarse_pass_thins_on_very_large_data():
    """32 points a side up to ~20,000 training points; beyond, fewer, so that the coarse pass costs what a
    quick full grid does (at 100,000 points: 14 a side), never under 12."""
    from gradviz.gui.views.loss_surface import COARSE, coarse_side

    assert coarse_side(60) == coarse_side(19_000) == COARSE == 32
    assert coarse_side(100_000) == 14 and coarse_side(10**7) == 12
    sides = [coarse_side(n) for n in (20_000, 50_000, 100_000, 200_000)]
    assert sides == sorted(sides, reverse=True)
