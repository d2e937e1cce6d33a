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


def test_a_race_shows_each_runs_held_out_loss(make_window):
    """Overfitting against weight decay, raced: each run's validation loss dashed in its colour and in the
    table; a run with another share holds out other points, measured on its own."""
    from gradviz.gui import palette
    from gradviz.gui.numbers import num

    window = make_window("--preset", "mlp-moons", "--val-fraction", "0.3")
    s = window.session
    window.docks["runsDock"].raise_()
    assert s.add_run(weight_decay=0.01) and s.add_run(val_fraction=0.2, weight_decay=0.01)
    s.step(40)
    window.flush()
    held = s.frame.race_validation_curves
    assert len(held) == 3 and all(h is not None for h in held)
    splits = [run.trainer.split(s.source_dataset.n_samples)[1] for run in s.runs]
    np.testing.assert_array_equal(splits[0], splits[1])  # the same share and seed: the same points
    assert splits[2].size != splits[0].size
    for run, h, val in zip(s.runs, held, splits, strict=True):  # each on its own held-out points and θ
        t = run.trainer
        e = t.model.evaluate(t.params, t.latest.X[val], t.latest.Y[val], t.loss_fn, grad=False)
        np.testing.assert_allclose(h[-1, 0], e.loss, rtol=1e-10)
    # the loss curve: three dashed curves in the runs' colours, the focused one's ending at its readout
    curve = window.loss_curve
    dashed = [c for c in curve.race_validation if c.isVisible()]
    assert len(dashed) == 3 and not curve.val_curve.isVisible()
    assert {c.opts["pen"].color().name().upper() for c in dashed} == {
        palette.RUN_COLORS[r.slot].upper() for r in s.runs
    }
    assert "validation loss: dashed, in each run's colour" in curve.legend.text()
    # the table: every run's held-out L
    table = window.runs_view.table
    assert not table.isColumnHidden(2)
    shown = sorted(table.item(r, 2).text() for r in range(table.rowCount()))
    assert shown == sorted(num(v[0]) for v in s.frame.race_validation)
    np.testing.assert_allclose(s.frame.race_validation[s.focus_index][0], s.validation_loss(), rtol=1e-12)
    assert "by ▶ the focused run" in window.data_view.legend.text()
    assert _hollow(window) == s.val_indices.size == splits[s.focus_index].size
    s.focus_run(0)  # another run focused: its rings (it held out other points)
    window.flush()
    assert _hollow(window) == splits[0].size != splits[2].size
