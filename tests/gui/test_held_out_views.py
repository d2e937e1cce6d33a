"""Held-out points as the views show them: hollow in the data view, their loss dashed on the loss curve."""

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDoubleSpinBox


def _hollow(window) -> int:
    """How many points the data view draws with a white fill (held out)."""
    count = 0
    for item in window.data_view.class_points:
        if item.isVisible():
            brushes = item.data["brush"]
            count += sum(1 for b in brushes if b is not None and b.color() == QColor("white"))
    return count


def test_held_out_points_are_hollow_and_their_loss_is_drawn(make_window):
    window = make_window("--preset", "mlp-moons", "--val-fraction", "0.3", "--steps", "25")
    s = window.session
    window.flush()
    val = s.val_indices
    assert val.size > 0 and _hollow(window) == val.size
    assert f"held out ({val.size})" in window.data_view.legend.text()
    curve = window.loss_curve
    assert curve.val_curve.isVisible() and len(curve.val_curve.xData) == len(s.frame.curves.steps)
    np.testing.assert_allclose(curve.val_curve.yData[-1], s.validation_loss(), rtol=1e-12)
    assert "validation loss" in curve.legend.text() and "training loss" in curve.legend.text()
    assert curve.val_readout.isVisible() and curve.val_readout.text().startswith("held out: L = ")
    assert "accuracy" in curve.val_readout.text()
    # log L: the loss axis in decades, the accuracy axis still 0 to 1 (it showed 2 … 10 before)
    s.set_view(loss_log=True)
    window.flush()
    assert curve.plot.getAxis("left").logMode and not curve.plot.getAxis("right").logMode
    # a held-out point selected: the per-sample views say its gradient is not part of ∇L
    s.select(int(val[0]))
    window.docks["derivationDock"].raise_()
    window.flush()
    assert "held out: its ∂ℓ/∂θ is not part of ∇L" in window.derivation_view.browser.toPlainText()
    s.select(int(s.train_indices[0]))
    window.flush()
    text = window.derivation_view.browser.toPlainText()
    assert "not part of ∇L" not in text and f"the {s.train_indices.size} training points ({val.size} held out)" in text
    # the share's control: another share is another split and a new run
    spin = window.findChild(QDoubleSpinBox, "valFractionSpin")
    assert spin.value() == 0.3
    spin.setValue(0.0)
    spin.editingFinished.emit()
    window.flush()
    assert s.val_indices.size == 0 and s.current_step == 0 and _hollow(window) == 0
    assert not curve.val_curve.isVisible() and "loss (all data)" in curve.legend.text()
    assert not curve.val_readout.isVisible()
    assert "held out" not in window.data_view.legend.text()
