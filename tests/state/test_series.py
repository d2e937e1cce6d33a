"""What the curves and the path are drawn from: bounded, incremental, exact at the ends."""

import numpy as np

from gradviz import core
from gradviz.state import Session, choose_shown
from gradviz.state.series import Thinned


def test_thinned_history_stays_bounded_and_ends_at_the_newest_step():
    t = core.Settings().make_trainer(core.generate("blobs", n_samples=40, seed=0))
    thin = Thinned(max_points=64)
    for _ in range(50):
        t.run(37)
        thin.update(t.history_store)
    curves = thin.curves()
    assert len(curves.steps) <= 2 * 64 + 1
    assert curves.steps[-1] == t.last_step and curves.loss[-1] == t.loss
    assert np.all(np.diff(curves.steps) > 0)


def test_thinned_is_bounded_even_when_many_rows_come_at_once():
    t = core.Settings().make_trainer(core.generate("blobs", n_samples=40, seed=0))
    t.run(5_000)
    thin = Thinned(max_points=100, head=50)
    thin.update(t.history_store)
    assert len(thin.steps) <= 50 + 2 * 100
    np.testing.assert_array_equal(thin.steps[:50], np.arange(50))  # the head is kept whole


def test_thinned_rebuilds_when_the_history_is_rewritten():
    t = core.Settings().make_trainer(core.generate("blobs", n_samples=40, seed=0))
    thin = Thinned()
    t.run(30)
    thin.update(t.history_store)
    t.seek(10)
    t.set_learning_rate(0.5)  # a branch from step 10: steps 11–30 are gone
    t.run(5)
    thin.update(t.history_store)
    assert thin.curves().steps[-1] == 15 and len(thin.curves().steps) == 16


def test_path_on_the_slice_ends_at_the_current_parameters():
    s = Session()
    s.step(40)
    s.seek(25)
    path = s.frame.path
    assert len(path) == 26
    spec = s.model.spec
    a, b = s.slice.axis_labels
    flat = spec.flatten(s.params)
    np.testing.assert_allclose(path[-1], [flat[spec.index_of(a)], flat[spec.index_of(b)]])


def test_choose_shown_keeps_what_matters_and_is_stable():
    assert choose_shown(100, 200) is None
    first = np.array([5, 99_000])
    worst = np.arange(10, 20)
    a = choose_shown(100_000, 2_000, first=first, then=worst)
    assert len(a) == 2_000 and np.all(np.diff(a) > 0)
    assert set(first) <= set(a) and set(worst) <= set(a)
    np.testing.assert_array_equal(a, choose_shown(100_000, 2_000, first=first, then=worst))


def test_a_path_that_leaves_the_box_is_cut_at_its_edge():
    from gradviz.state.series import clip_polyline

    lo, hi = np.array([0.0, 0.0]), np.array([1.0, 1.0])
    path = np.array([[0.5, 0.5], [0.5, 3.0], [1e50, -1e49], [0.25, 0.75], [0.5, 0.25]])
    out = clip_polyline(path, lo, hi)
    np.testing.assert_allclose(out[0], [0.5, 0.5])
    np.testing.assert_allclose(out[1], [0.5, 1.0])  # leaves through the top edge, on its own line
    assert np.isnan(out[2]).all() and np.isnan(out[3]).all()  # the part outside is a gap
    assert np.all((out[np.isfinite(out[:, 0])] >= lo) & (out[np.isfinite(out[:, 0])] <= hi))
    np.testing.assert_allclose(out[-2:], path[-2:])
    inside = np.array([[0.1, 0.2], [0.3, 0.4]])
    assert clip_polyline(inside, lo, hi) is inside or np.array_equal(clip_polyline(inside, lo, hi), inside)
