"""The curvature view and the learning rate's bound: the Hessian's spectrum, the sharpness over the run
against 2/η, computed aside and drawn with the step it belongs to."""

import numpy as np
import pytest

from gradviz import core
from gradviz.gui import palette


def _curvature(make_window, *argv):
    window = make_window(*argv)
    window.show_view("curvature")
    window.curvature_feed.wait()
    window.flush()
    return window, window.curvature_view


def _eigenvalues(s):
    t = s.trainer
    return np.linalg.eigvalsh(core.hessian(t.model, t.loss_fn, t.params, t.latest.X, t.latest.Y))[::-1]


def test_the_spectrum_and_the_bound_of_the_step_size_lesson(opened):
    window, view = _curvature(opened, "--preset", "step-size", "--steps", "5")
    s = window.session
    lam = _eigenvalues(s)
    np.testing.assert_allclose(view.shown_values, lam, rtol=1e-10)
    assert view.shown_step == 5 and view.limit == pytest.approx(2 / 0.541)
    assert view.spectrum_limit.isVisible() and view.spectrum_limit.value() == pytest.approx(2 / 0.541)
    text = view.readout.text()
    assert "step 5" in text and f"λmax = {lam[0]:.3g}" in text and "κ = " in text
    assert f"stable for η < 2/λmax = {2 / lam[0]:.3g}" in text and "above it" not in text
    label = window.controls.lr_bound
    assert label.text() == f"stable for η < 2/λmax = {2 / lam[0]:.3g}" and "bold" not in label.styleSheet()
    # the other run, η = 1.1 · 2/λmax: its field and line turn red, the view says η is above the bound
    s.focus_run(1)
    window.curvature_feed.wait()
    window.flush()
    assert view.limit == pytest.approx(2 / 0.661) and "η = 0.661 is above it" in view.readout.text()
    assert label.text().startswith("unstable: η > 2/λmax") and palette.WARN_TEXT in label.styleSheet()
    spin = window.controls.controls["lr"]
    assert "background" in spin.styleSheet() and "grows every step" in spin.toolTip()
    # the log scale: |λ|, the same eigenvalues
    view.log_check.setChecked(True)
    assert view.spectrum.ctrl.logYCheck.isChecked() or view.spectrum.getAxis("left").logMode


def test_the_sharpness_over_the_run_is_filled_in_on_a_stride(opened):
    window, view = _curvature(opened, "--preset", "edge-of-stability", "--steps", "300")
    s = window.session
    steps, lam = s.run.sharpness.curve(s.trainer)
    assert len(steps) > 60 and steps[0] == 0 and steps[-1] == 300  # every 4th step, computed aside
    x, y = view.curve.getData()
    np.testing.assert_array_equal(x, steps)
    np.testing.assert_allclose(y, lam)
    assert view.limit == pytest.approx(2 / 0.35)
    assert view.limit_curve.isVisible() and view.marker.value() == 300
    negative = int(np.sum(s.run.sharpness.at(s.trainer).values < -1e-10 * lam[-1]))
    assert negative > 0 and f"{negative} λ < 0" in view.readout.text()  # written as text, not eaten as a tag
    # each value is the top eigenvalue of the Hessian at that step's θ
    t = s.trainer
    k = int(steps[len(steps) // 2])
    theta = t.history_store.params[int(np.searchsorted(t.history_store.steps[: len(t.history_store)], k))]
    params = t.spec.unflatten(theta)
    expected = np.linalg.eigvalsh(core.hessian(t.model, t.loss_fn, params, t.latest.X, t.latest.Y))[-1]
    assert lam[len(steps) // 2] == pytest.approx(expected, rel=1e-9)


def test_an_adaptive_optimizer_has_no_single_bound(opened):
    window, view = _curvature(opened, "--preset", "mlp-moons", "--steps", "3")
    assert window.session.settings.optimizer == "adam"
    assert view.limit is None and not view.spectrum_limit.isVisible() and not view.limit_curve.isVisible()
    assert "no single largest stable η" in view.readout.text()
    assert window.controls.lr_bound.text() == "no single largest stable η"
    assert "running scale" in window.controls.lr_bound.toolTip()


def test_a_quadratic_shows_its_errors_along_the_eigenvectors_measured_and_predicted(opened):
    window, view = _curvature(opened, "--preset", "ill-conditioned", "--steps", "60")
    errors = window.session.frame.eigen_errors
    assert view.errors_widget.isVisible() and not view.sharpness_widget.isVisible()
    assert (
        sum(item.isVisible() for item in view.measured_items) == 2 == sum(i.isVisible() for i in view.predicted_items)
    )
    x, y = view.measured_items[0].getData()
    np.testing.assert_array_equal(x, errors.steps)
    np.testing.assert_allclose(10**y, np.abs(errors.measured[:, 0]), rtol=1e-9)  # a log axis: log₁₀ drawn
    _, predicted = view.predicted_items[1].getData()
    np.testing.assert_allclose(10**predicted, np.abs(errors.predicted[:, 1]), rtol=1e-9)
    assert "predicted: |1 − ηλᵢ|ᵗ" in view.legend.text() and "e1 (λ = 5.9)" in view.legend.text()
    window.session.focus_run(1)  # momentum: its own recurrence
    window.flush()
    assert "predicted: momentum's recurrence" in view.legend.text()


def test_the_eigen_slice_from_the_surfaces_combo_and_back_from_a_file(make_window, tmp_path):
    from PySide6.QtWidgets import QComboBox

    window = make_window("--preset", "ill-conditioned", "--steps", "20")
    window.show_view("curvature")
    window.curvature_feed.wait()  # the sharpness over the run filed after the current step's spectrum
    combo = window.findChild(QComboBox, "sliceModeCombo")
    combo.setCurrentIndex(combo.findData("eigen"))
    window.flush()
    s = window.session
    assert s.slice.mode == "eigen"
    bottom = window.surface_view.plot.getAxis("bottom").labelText
    assert "λ₁ = 5.9" in bottom and "λ₂ = 0.0591" in window.surface_view.plot.getAxis("left").labelText
    path = tmp_path / "eigen.gradviz.json"
    assert s.save(path)
    other = make_window("--load", str(path))
    assert other.session.slice.mode == "eigen" and other.session.slice.axis_labels == s.slice.axis_labels


def test_the_feed_starts_a_new_worker_when_one_dies(make_window):
    from gradviz.gui import curvature_feed

    window = make_window("--preset", "step-size", "--steps", "3")
    window.show_view("curvature")
    window.curvature_feed.wait()
    worker = curvature_feed.shared_worker()
    if worker.process is not None:
        worker.process.kill()
        worker.process.wait()
    window.session.step(2)
    window.curvature_feed.wait()
    window.flush()
    assert window.curvature_view.shown_step == 5


def test_a_scene_about_the_sharpness_finds_it_computed_while_the_scene_before_was_shown(make_window, qtbot, tmp_path):
    """A scene is ready when it appears: the spectra of a scene whose caption talks about the sharpness
    over the run are computed while the scene before it is on screen, and they are the same numbers."""
    from gradviz.state import Session

    path = tmp_path / "sharp.toml"
    path.write_text(
        'title = "Sharp"\n[[scene]]\nfrom = "preset:edge-of-stability"\ncaption = "one"\n'
        '[[scene]]\nuntil = { step = 160 }\nfront = ["curvature"]\ncaption = "two"\n',
        encoding="utf-8",
    )
    window = make_window("--lesson", str(path))
    feed = window.curvature_feed
    qtbot.waitUntil(
        lambda: window.model.lesson is not None and feed.ahead_done and not window.still_computing(), timeout=60_000
    )
    computed = feed.computed
    window.lessons.move_scene(1)
    qtbot.waitUntil(lambda: window.model.lesson.scene_index == 1 and not window.jobs.running, timeout=20_000)
    qtbot.waitUntil(lambda: not window.still_computing(), timeout=2_000)  # within 2 s of PageDown …
    assert feed.computed == computed  # … because nothing was left to compute
    s = window.session
    steps, sharpness = s.run.sharpness.curve(s.trainer)
    assert len(steps) == len(range(0, 161, 2)) and steps[-1] == 160
    fresh = Session(s.source_dataset, s.settings)
    replay = fresh.replay(window.model.lesson.state.data)
    while replay.advance() is not None:
        pass
    replay.commit()
    fresh.run.sharpness.fill(fresh.trainer)
    assert np.array_equal(fresh.run.sharpness.curve(fresh.trainer)[1], sharpness)


def test_the_spectrum_ticks_only_whole_eigenvalue_numbers(opened):
    """Logistic regression on two inputs has three eigenvalues: ticks at 1, 2, 3 under the bars, none at 1.5."""
    window, view = _curvature(opened, "--preset", "logistic-blobs")
    axis = view.spectrum.getAxis("bottom")
    low, high = view.spectrum.getViewBox().viewRange()[0]
    assert len(view.shown_values) == 3
    for length in (axis.width(), 3 * axis.width()):  # as laid out here, and as wide as on a 4K projector
        values = [v for _, level in axis.tickValues(low, high, length) for v in level]
        assert values and all(float(v).is_integer() for v in values), (length, values)


def test_a_small_models_step_arrives_with_its_own_curvature(opened):
    """Once a spectrum is known to take a fraction of a millisecond, the next step's is computed with the
    step: the view and the η bound show that step's Hessian at its first redraw, never the step before's."""
    window, view = _curvature(opened, "--preset", "logistic-blobs")
    s = window.session
    for _ in range(3):
        s.step(1)
        window.flush()
        assert view.shown_step == s.current_step
        np.testing.assert_allclose(view.shown_values, _eigenvalues(s), rtol=1e-9)
        assert "computing" not in view.readout.text() and "computing" not in window.controls.lr_bound.text()
    window.curvature_feed.paused = True  # a feed that starts nothing computes nothing with the step either
    try:
        s.step(1)
        window.flush()
        assert view.shown_step == s.current_step - 1 and "this step's: computing" in view.readout.text()
    finally:
        window.curvature_feed.paused = False


def test_the_step_axes_tick_whole_steps_at_step_one(opened):
    """At step 1 the errors plot of a quadratic spans 0 to 1: ticks at 0 and 1, no step 0.5."""
    window, view = _curvature(opened, "--preset", "step-size", "--steps", "1")
    assert view.errors_widget.isVisible()
    axis = view.errors.getAxis("bottom")
    low, high = view.errors.getViewBox().viewRange()[0]
    values = [v for _, level in axis.tickValues(low, high, axis.width()) for v in level]
    assert values and all(float(v).is_integer() for v in values), values
