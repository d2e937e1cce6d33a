"""Every picture agrees with the numbers: the surface under the point, arrows in frame, the drawn step."""

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from gradviz import core

PRESETS = {"logistic": "logistic-blobs", "softmax": "softmax-blobs", "mlp": "mlp-moons", "linear": "linear-line"}


def _settled(window, qtbot):
    window.flush()
    qtbot.waitUntil(lambda: window.surface_view.session.slice is window.surface_view.slice, timeout=5000)
    qtbot.waitUntil(lambda: window.surface_view.idle, timeout=20_000)
    window.flush()


def _interpolate(view, a, b):
    """Bilinear interpolation of the shown surface at (a, b), and the spread of its four corners."""
    i = np.clip(np.searchsorted(view.alphas, a) - 1, 0, len(view.alphas) - 2)
    j = np.clip(np.searchsorted(view.betas, b) - 1, 0, len(view.betas) - 2)
    ta = (a - view.alphas[i]) / (view.alphas[i + 1] - view.alphas[i])
    tb = (b - view.betas[j]) / (view.betas[j + 1] - view.betas[j])
    S = view.surface
    corners = S[i : i + 2, j : j + 2]
    value = (
        (1 - ta) * (1 - tb) * S[i, j]
        + ta * (1 - tb) * S[i + 1, j]
        + (1 - ta) * tb * S[i, j + 1]
        + ta * tb * S[i + 1, j + 1]
    )
    return value, float(np.ptp(corners))


@pytest.mark.parametrize("kind", list(PRESETS))
@pytest.mark.parametrize("mode", ["axes", "random", "pca"])
def test_the_colour_under_the_current_point_is_the_loss(opened, qtbot, kind, mode):
    window = opened("--preset", PRESETS[kind], "--steps", "60")
    s = window.session
    if mode != s.slice.mode:
        assert s.set_slice(mode)
    s.step(40)
    _settled(window, qtbot)
    view = window.surface_view
    a, b = s.frame.path[-1]
    sl = view.slice
    exact = core.loss_surface(s.model, s.loss_fn, s.dataset.X, s.dataset.Y, sl.center, sl.d1, sl.d2, [a], [b])[0, 0]
    assert exact == pytest.approx(s.trainer.loss, rel=1e-9)  # the plane passes through the current point
    shown, spread = _interpolate(view, a, b)
    assert abs(shown - s.trainer.loss) <= spread + 1e-5 * max(1.0, s.trainer.loss)  # within the grid's resolution
    lo, hi = view.surface_image.colorbar.levels()
    assert lo <= s.trainer.loss <= hi or np.log10(s.trainer.loss) >= lo


def test_a_pinned_plane_stays_and_says_the_run_left_it(opened, qtbot):
    window = opened("--preset", "softmax-blobs", "--steps", "5")
    s = window.session
    window.surface_view.controls.pin_button.click()
    assert s.slice_pinned
    pinned = s.slice
    s.step(100)
    _settled(window, qtbot)
    assert s.slice is pinned and window.surface_view.slice is pinned
    assert "Pinned plane" in window.surface_view.note.text() and "is not the loss" in window.surface_view.note.text()
    window.surface_view.controls.pin_button.click()
    _settled(window, qtbot)
    assert not s.slice_pinned and "Plane through ●" in window.surface_view.note.text()


def _inside(view, points):
    (x0, x1), (y0, y1) = view.plot.getViewBox().viewRange()
    pts = np.atleast_2d(points)
    return bool(np.all((pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)))


@pytest.mark.parametrize(
    "argv,steps",
    [
        (("--preset", "softmax-blobs"), 30),
        (("--preset", "softmax-blobs"), 200),
        (("--preset", "logistic-blobs"), 3000),
        (("--preset", "momentum-ravine"), 60),  # momentum overshoots the valley floor
        (("--preset", "linear-line", "--lr", "0.9"), 25),  # just under divergence: oscillates outwards
    ],
)
def test_the_run_and_its_arrows_stay_in_frame(opened, qtbot, argv, steps):
    window = opened(*argv)
    s = window.session
    for _ in range(5):
        s.step(steps // 5)
        window.flush()
    _settled(window, qtbot)
    view = window.surface_view
    drawn = view.drawn
    path = s.frame.path
    assert _inside(view, path[-20:])
    assert _inside(view, drawn.update_tip)
    assert drawn.grad_tip is None or _inside(view, drawn.grad_tip)


def test_no_arrow_at_a_stationary_point(opened, qtbot):
    window = opened("--preset", "linear-line")
    s = window.session
    W, b = core.normal_equation(s.dataset.X, s.dataset.Y)
    s.restart_from({"W": W, "b": b})
    _settled(window, qtbot)
    assert window.surface_view.drawn.stationary
    assert not window.surface_view.marks.grad_head.isVisible()
    assert "stationary point" in window.surface_view.note.text()


@pytest.mark.parametrize("batch", [None, 8])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_the_drawn_step_is_the_step_taken(opened, qtbot, optimizer, batch):
    args = ["--preset", "softmax-blobs", "--optimizer", optimizer, "--lr", "0.05"]
    window = opened(*args, *(["--batch-size", str(batch)] if batch else []))
    s = window.session
    s.step(6)
    s.set_value("lr", 0.2)  # a change, then a scrub back past it: the next step branches with the new η
    s.step(4)
    s.seek(3)
    _settled(window, qtbot)
    spec = s.model.spec
    drawn = window.gradient_view.update_step
    tip = window.surface_view.drawn.update_tip - s.frame.path[-1]
    before = spec.flatten(s.params)
    s.step(1)
    taken = s.slice.displacement(spec, spec.flatten(s.params) - before)
    np.testing.assert_allclose(drawn, taken, rtol=1e-12, atol=1e-15)
    if not window.surface_view.drawn.update_cut:
        np.testing.assert_allclose(tip, taken, rtol=1e-9, atol=1e-12)


def _all_texts(window):
    """Every number a view writes, each view brought into sight first (a view behind a tab waits)."""
    texts = []
    for dock, read in (
        ("derivationDock", lambda: window.derivation_view.browser.toPlainText()),
        ("jacobianDock", lambda: window.jacobian_view.text.text()),
    ):
        window.docks[dock].raise_()
        QApplication.processEvents()
        window.flush()
        texts.append(read())
    texts += [
        window.residuals_view.readout.text(),
        *(r.text() for r in window.gradient_view.readouts.values()),
        window.loss_curve.readout.text(),
        window.surface_view.note.text(),
    ]
    texts += [label.text() for label in window.status_labels.values()]
    return texts


@pytest.mark.parametrize(
    "argv",
    [
        ("--preset", "logistic-blobs", "--lr", "1000000"),
        ("--preset", "softmax-blobs", "--lr", "1000000", "--optimizer", "sgd"),
        ("--preset", "mse-sigmoid", "--lr", "1000000"),
        ("--preset", "linear-line", "--lr", "1000"),
        ("--preset", "mlp-moons", "--lr", "1000", "--optimizer", "sgd"),
    ],
)
def test_after_divergence_no_view_writes_nan_or_inf_as_a_number(opened, qtbot, argv):
    window = opened(*argv)
    s = window.session
    s.step(300)
    window.flush()
    for i in (0, s.source_dataset.n_samples - 1):  # a saturated sample, with ŷ 0 or 1 to machine precision
        s.select(i)
        window.flush()
        for text in _all_texts(window):
            low = text.lower()
            assert "nan" not in low and "inf" not in low.replace("info", ""), text
    assert s.trainer.loss >= 0
    if s.diverged:
        assert "diverged" in window.derivation_view.browser.toPlainText()


def test_an_undefined_derivative_is_said_in_words_not_checked(opened, qtbot):
    window = opened("--preset", "logistic-blobs", "--lr", "1000000")
    s = window.session
    s.step(3)
    window.flush()
    saturated = [i for i in range(s.source_dataset.n_samples) if s.frame.predictions[i, 0] in (0.0, 1.0)]
    wrong = [i for i in saturated if s.frame.predictions[i, 0] != s.dataset.Y[i, 0]]
    if not wrong:
        pytest.skip("no confidently wrong sample at this step")
    s.select(wrong[0])
    window.flush()
    text = window.jacobian_view.text.text()
    assert "undefined" in text and "✓" not in text
