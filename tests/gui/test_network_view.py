"""The network view: edges are the weights (or the next step's ∂L/∂w), nodes what the focused sample makes of each unit."""

import numpy as np

from gradviz import core
from gradviz.gui.views.network import MAX_NUMBERED, network_layout


def _network(make_window, *argv):
    window = make_window(*argv)
    window.show_view("network")
    window.flush()
    return window, window.network_view


def test_edges_are_the_weights_or_the_gradient_and_nodes_the_focused_sample(opened):
    window, view = _network(opened, "--preset", "mlp-moons", "--hidden", "4", "--steps", "12")
    s = window.session
    p = s.params
    np.testing.assert_array_equal(view.edge_values, np.concatenate([p["W1"].ravel(), p["W2"].ravel()]))
    i = s.frame.focus[0]
    t = core.backprop_trace(s.model, p, s.dataset.X[i], s.dataset.Y[i], s.loss_fn)
    for shown, expected in zip(view.node_values, (s.dataset.X[i], t["a1"], t["yhat"]), strict=True):
        np.testing.assert_allclose(shown, expected, rtol=1e-12)
    # the numbers beside the nodes (h ≤ MAX_NUMBERED), and the hover text with z, a and δ
    assert len(view.labels.texts) == 2 + 4 + 2 and view.labels.texts[0] == f"x₁ = {core_num2(s.dataset.X[i][0])}"
    assert (
        view.node_text(2 + 1)
        == view.nodes.opts["tip"](x=0, y=0, data=3)
        == (f"z¹₂ = {core_num(t['z1'][1])}, a₂ = {core_num(t['a1'][1])}, δ¹ = {core_num(t['dz1'][1])}")
    )
    # another sample selected: the nodes follow it
    s.select((i + 1) % s.source_dataset.n_samples)
    window.flush()
    np.testing.assert_allclose(view.node_values[0], s.dataset.X[(i + 1) % s.source_dataset.n_samples])
    # the edges switched to the gradient the next step uses
    view.edge_combo.setCurrentIndex(view.edge_combo.findData("gradient"))
    window.flush()
    g = s.trainer.next_grads()
    assert s.view.network_edges == "gradient"
    np.testing.assert_allclose(view.edge_values, np.concatenate([g["W1"].ravel(), g["W2"].ravel()]), rtol=1e-12)


def core_num2(x):
    from gradviz.gui.numbers import num

    return num(x, 2)


def core_num(x):
    from gradviz.gui.numbers import num

    return num(x, 3)


def test_a_one_layer_model_and_a_wide_hidden_layer(opened):
    window, view = _network(opened, "--preset", "softmax-blobs", "--steps", "3")
    W = window.session.params["W"]
    np.testing.assert_array_equal(view.edge_values, W.ravel())
    assert len(view.node_values) == 2 and [len(v) for v in view.node_values] == [2, W.shape[1]]
    window, view = _network(opened, "--preset", "mlp-moons", "--hidden", "32")
    assert 32 > MAX_NUMBERED and view.labels.texts == []
    sizes = view.nodes.data["size"]
    assert sizes.shape == (2 + 32 + 2,) and sizes[2] < sizes[0]  # the crowded column's nodes are smaller


def test_the_network_view_exports_from_the_command_line(tmp_path):
    import os
    import subprocess
    import sys

    from PIL import Image

    out = tmp_path / "net.png"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    cmd = [sys.executable, "-m", "gradviz", "--preset", "mlp-moons", "--hidden", "4", "--steps", "40"]
    done = subprocess.run([*cmd, "--export-view", "network", str(out), "--size", "1280x720"], env=env, timeout=120)
    assert done.returncode == 0  # a colour bar without an image crashed the interpreter at exit
    with Image.open(out) as picture:
        assert picture.size[0] > 300 and picture.size[1] > 150  # drawn in front of its tab group, at its size


def test_the_layout_puts_each_layer_in_its_column_top_to_bottom():
    layers = network_layout((2, 3, 1))
    assert [layer[:, 0].tolist() for layer in layers] == [[0, 0], [1, 1, 1], [2]]
    assert layers[1][:, 1].tolist() == [1.0, 0.5, 0.0] and layers[2][0, 1] == 0.5


def test_the_backward_walk_by_keys_with_its_numbers(opened):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from gradviz.gui.numbers import num, vec

    window, view = _network(opened, "--preset", "mlp-moons", "--hidden", "4", "--steps", "20")
    s = window.session
    i = s.frame.focus[0]
    t = core.backprop_trace(s.model, s.params, s.dataset.X[i], s.dataset.Y[i], s.loss_fn)
    window.setFocus()

    def press(key, modifier=Qt.KeyboardModifier.NoModifier):
        QTest.keyClick(window, key, modifier)
        window.flush()
        return view.stage

    stage = press(Qt.Key.Key_W)  # δ² = ŷ − y at the outputs (softmax + CE: canonical)
    assert stage.title.startswith("Backprop 1 of 4") and stage.nodes == 2
    np.testing.assert_allclose(stage.node_values, t["yhat"] - s.dataset.Y[i], rtol=1e-12)
    assert f"= ŷ − y = {vec(t['yhat'], 3)}" in stage.formula and view.walk_text.isVisible()
    assert view.labels.texts[-2:] == [
        f"δ²₁ = {num(t['dz2'][0], 2)}",
        f"δ²₂ = {num(t['dz2'][1], 2)}",
    ]
    # no edge is lit at this stop: the colour bar keeps the weights' scale (not a range of ±1e-12)
    assert view.bar_top >= np.abs(view.edge_values).max() > 0.1
    stage = press(Qt.Key.Key_W)  # δ¹ through W²: the W² edges lit, the W¹ edges faded
    np.testing.assert_allclose(stage.node_values, t["dz1"], rtol=1e-12)
    assert stage.edges == 1 and vec(t["dz1"], 3) in stage.formula
    stage = press(Qt.Key.Key_W)  # ∂ℓ/∂W² = aᵀδ², this sample's
    np.testing.assert_allclose(view.edge_values[8:], np.outer(t["a1"], t["dz2"]).ravel(), rtol=1e-12)
    stage = press(Qt.Key.Key_W)  # ∂ℓ/∂W¹ = xᵀδ¹
    np.testing.assert_allclose(view.edge_values[:8], np.outer(s.dataset.X[i], t["dz1"]).ravel(), rtol=1e-12)
    assert press(Qt.Key.Key_W).title.startswith("Backprop 4 of 4")  # the last stop stays
    for _ in range(4):
        press(Qt.Key.Key_W, Qt.KeyboardModifier.ShiftModifier)
    assert view.stage is None and not view.walk_text.isVisible() and s.walk_stop == 0


def test_the_walk_shows_the_non_canonical_delta_of_mse_with_a_sigmoid(opened):
    window, view = _network(opened, "--preset", "mse-sigmoid", "--steps", "5")
    s = window.session
    view.walk_next.click()
    window.flush()
    i = s.frame.focus[0]
    t = core.backprop_trace(s.model, s.params, s.dataset.X[i], s.dataset.Y[i], s.loss_fn)
    p, y = t["yhat"], s.dataset.Y[i]
    np.testing.assert_allclose(view.stage.node_values, (p - y) * p * (1 - p), rtol=1e-12)
    assert "<i>not</i> ŷ − y" in view.stage.formula and view.stage.title.endswith("δ at the outputs")
    assert not np.allclose(view.stage.node_values, p - y)
    view.walk_next.click()  # a one-layer model: its second and last stop is ∂ℓ/∂W = xᵀδ
    window.flush()
    assert view.stage.title.startswith("Backprop 2 of 2") and not view.walk_next.isEnabled()
    np.testing.assert_allclose(view.edge_values, np.outer(s.dataset.X[i], t["dz"]).ravel(), rtol=1e-12)


def test_each_hidden_units_map_and_one_shown_large_behind_the_data(opened):
    from gradviz.gui.views.network import MAP_GRID

    window, view = _network(opened, "--preset", "mlp-moons", "--hidden", "4", "--steps", "30")
    s = window.session
    maps = view.unit_maps
    assert maps.shape == (4, MAP_GRID, MAP_GRID) and view.maps.isVisible() and len(view.maps.rects) == 4
    # each map just right of its unit's node, the units in order down the column
    nodes = np.column_stack(view.nodes.getData())[2:6]
    centres = [(r.center().x(), r.center().y()) for r in view.maps.rects]
    assert all(x > node[0] for (x, _), node in zip(centres, nodes, strict=True))
    np.testing.assert_allclose([y for _, y in centres], nodes[:, 1])
    X = s.dataset.X
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = hi - lo
    corner = lo - 0.15 * span  # the map's first pixel: the plane's lower left corner
    a = s.model.hidden_activations(s.params, corner[None, :])[0]
    np.testing.assert_allclose(maps[:, 0, 0], a, rtol=1e-12)

    # a click on unit 3's map: the data view's background is that unit, the legend says so
    class Click:
        def __init__(self, unit):
            self.at = view.maps.rects[unit].center()

        def pos(self):
            return self.at

        def button(self):
            from PySide6.QtCore import Qt

            return Qt.MouseButton.LeftButton

        def accept(self):
            pass

    view.maps.mouseClickEvent(Click(2))
    window.flush()
    assert s.shown_unit == 2 and "background: hidden unit a₃" in window.data_view.legend.text()
    image = window.data_view.region.image
    (x0, x1), (y0, y1) = window.data_view.view_box.viewRange()
    from gradviz.gui.views.data_view import GRID

    assert image.shape == (GRID, GRID, 4)
    centre_colour = image[GRID // 2, GRID // 2, :3].astype(int)
    x = np.array([[np.linspace(x0, x1, GRID)[GRID // 2], np.linspace(y0, y1, GRID)[GRID // 2]]])
    value = s.model.hidden_activations(s.params, x)[0, 2]
    assert (centre_colour[0] > centre_colour[2]) == (value > 0)  # red where the unit is positive, blue where negative
    view.maps.mouseClickEvent(Click(2))  # again: the decision regions come back
    window.flush()
    assert s.shown_unit is None and "background" not in window.data_view.legend.text()
    # no maps where they cannot be drawn: more than two inputs or too many units
    window, view = _network(opened, "--preset", "mlp-moons", "--hidden", "32")
    assert view.unit_maps is None and not view.maps.isVisible()


def test_edge_lines_rebuild_only_when_the_picture_changes_and_draw_opaque(qapp):
    from gradviz.gui.views.plot_items import EdgeLines

    edges = EdgeLines()
    starts, ends = np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 0.5]]), np.array([[1.0, 1.0], [1.0, 0.0], [1.0, 0.5]])
    rgba = np.array([[200, 10, 10, 120], [10, 10, 200, 255], [200, 10, 10, 30]], dtype=np.uint8)
    widths = np.array([3.0, 1.0, 3.0])
    edges.set_lines(starts, ends, rgba, widths)
    assert edges.redrawn == 1
    pens = [pen for pen, _ in edges.pen_paths]
    # two pens (edges 0 and 2 look alike); thin first, so the strong edges are drawn over the faint;
    # opaque whatever alpha was asked for (Qt paints translucent wide lines ~30× slower)
    assert [p.widthF() for p in pens] == [1.0, 3.0] and all(p.color().alpha() == 255 for p in pens)
    assert (pens[1].color().red(), pens[1].color().blue()) == (200, 8)
    edges.set_lines(starts, ends, rgba + np.uint8(1), widths + 0.05)  # below the quantisation: the same picture
    assert edges.redrawn == 1
    edges.set_lines(starts, ends, rgba, widths * 2)
    assert edges.redrawn == 2 and [p.widthF() for p, _ in edges.pen_paths] == [2.0, 6.0]
