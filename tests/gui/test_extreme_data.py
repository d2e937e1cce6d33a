"""Data at the edge of what the app accepts never break a view, through the command line or the window."""

import numpy as np
import pytest

from gradviz import core

from .test_truth import _all_texts

SHARED_WINDOW = True  # one window for the module's `window` tests, each from a first start's session


def _csv(path, X, y, target="y"):
    X = np.atleast_2d(X)
    header = ",".join(f"x{i + 1}" for i in range(X.shape[1])) + f",{target}"
    rows = [",".join(repr(float(v)) for v in (*x, t)) for x, t in zip(X, y, strict=True)]
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


rng = np.random.default_rng(0)
CASES = {
    "huge": (rng.normal(size=(30, 1)) * 1e90, rng.normal(size=30) * 1e90, "target"),
    "tiny": (rng.normal(size=(30, 1)) * 1e-90, rng.normal(size=30) * 1e-90, "target"),
    "identical": (np.ones((6, 2)), np.array([0, 1, 0, 1, 0, 1]), "label"),
    "single point": (np.array([[0.5]]), np.array([2.0]), "target"),
    "duplicates": (np.repeat(rng.normal(size=(4, 2)), 5, axis=0), np.tile([0, 1, 1, 0], 5), "label"),
    "huge classes": (rng.normal(size=(40, 2)) * 1e95, rng.integers(0, 3, 40), "label"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_command_line_opens_extreme_data(gradviz_command, tmp_path, case):
    X, y, target = CASES[case]
    path = _csv(tmp_path / f"{case}.csv", X, y, target)
    out = gradviz_command("--data", str(path), "--steps", "20", "--screenshot", str(tmp_path / "s.png"))
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "Warning" not in out.stderr


@pytest.mark.parametrize("case", list(CASES))
def test_the_window_imports_extreme_data_and_undo_restores_the_views(window, qtbot, tmp_path, case):
    s = window.session
    s.step(5)
    window.flush()
    X, y, target = CASES[case]
    assert s.import_csv(_csv(tmp_path / f"{case}.csv", X, y, target))
    s.step(10)
    window.flush()
    assert not window.grab().isNull()  # every view paints it
    for text in _all_texts(window):
        assert "nan" not in text.lower()
    s.undo()
    window.flush()
    assert s.source_dataset.n_samples == 60
    # the views fit the restored data again, not the extreme ones (the residual axis stayed at ±4e49 once)
    biggest = np.abs(s.frame.residuals).max()
    _, (y0, y1) = window.residuals_view.plot.getViewBox().viewRange()
    assert biggest <= y1 <= 10 * max(biggest, 0.1) and y0 == pytest.approx(-y1)
    (x0, x1), _ = window.data_view.view_box.viewRange()
    span = np.ptp(s.source_dataset.X[:, 0])
    assert x0 <= s.source_dataset.X[:, 0].min() and x1 >= s.source_dataset.X[:, 0].max() and x1 - x0 <= 5 * span


def test_values_beyond_the_limit_are_refused_with_the_line(window, gradviz_command, tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("x1,target\n1,2\n1e200,3\n")
    s = window.session
    assert not s.import_csv(path)
    assert "big.csv, line 3" in window.message_bar.text and "too large" in window.message_bar.text
    with pytest.raises(ValueError, match="within"):
        core.Dataset(np.array([[1e300]]), np.array([0.0]))
    out = gradviz_command("--data", str(path), "--screenshot", str(tmp_path / "s.png"))
    assert out.returncode == 2 and "line 3" in out.stderr and "Traceback" not in out.stderr


def test_an_arrow_head_points_along_its_arrow_on_screen_at_any_scale(qtbot):
    """The head's angle is the arrow's in pixels, whatever the axes' scales; no overflow warning at
    1e300 over pixels of 1e-300 (it reached the terminal from the gradient view)."""
    import pyqtgraph as pg

    from gradviz.gui.views.plot_items import head_angle

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 200)
    widget.show()
    qtbot.waitExposed(widget)
    box = widget.getViewBox()
    box.setRange(xRange=(0, 4), yRange=(0, 1), padding=0)  # x: 1 a 100 pixels, y: 1 a 200 pixels
    px, py = box.viewPixelSize()
    for d in ([1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-2.0, 0.5]):
        expected = 180 + np.degrees(np.arctan2(-d[1] / py, d[0] / px))
        assert head_angle(box, np.array(d)) == pytest.approx(expected)
    box.setRange(xRange=(0, 1e-298), yRange=(0, 1e-298), padding=0)
    for d in ([1e300, 1.0], [1e-300, -1e300], [5e-324, 0.0]):
        assert np.isfinite(head_angle(box, np.array(d)))
