"""Loss surfaces, gradient fields, directions and projections."""

import numpy as np
import pytest

from gradviz import core

from .problems import PAIRS, make_problem


def _brute_force(model, loss, X, Y, center, d1, d2, alphas, betas):
    spec = model.spec
    c, u, v = spec.flatten(center), spec.flatten(d1), spec.flatten(d2)
    return np.array([[model.loss_value(spec.unflatten(c + a * u + b * v), X, Y, loss) for b in betas] for a in alphas])


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: "-".join(p))
def test_surface_equals_the_loss_at_every_grid_point(pair):
    model, loss, params, X, Y = make_problem(*pair)
    labels = model.spec.labels()
    d1 = model.spec.axis(labels[0])
    d2 = model.spec.axis(labels[-1])
    alphas = np.linspace(-2, 2, 7)
    betas = np.linspace(-1, 3, 5)
    S = core.loss_surface(model, loss, X, Y, params, d1, d2, alphas, betas)
    assert S.shape == (7, 5)
    np.testing.assert_allclose(S, _brute_force(model, loss, X, Y, params, d1, d2, alphas, betas), rtol=1e-10)


@pytest.mark.parametrize(
    "pair", [("logistic", "sigmoid", "bce"), ("softmax", "softmax", "ce"), ("mlp", "softmax", "ce")]
)
def test_float32_surface_is_close_to_float64(pair):
    model, loss, params, X, Y = make_problem(*pair)
    d1, d2 = core.random_directions(params, seed=1, ignore_bias=False)
    grid = np.linspace(-1, 1, 9)
    S64 = core.loss_surface(model, loss, X, Y, params, d1, d2, grid, grid)
    S32 = core.loss_surface(model, loss, X, Y, params, d1, d2, grid, grid, dtype=np.float32)
    np.testing.assert_allclose(S32, S64, rtol=1e-4)


def test_surface_is_chunked_and_finite_far_away(monkeypatch):
    from gradviz.core import landscape

    monkeypatch.setattr(landscape, "MAX_CHUNK_BYTES", 1024)  # force many chunks
    model, loss, params, X, Y = make_problem("logistic", "sigmoid", "bce")
    d1, d2 = model.spec.axis("W[0,0]"), model.spec.axis("b[0]")
    grid = np.linspace(-1e3, 1e3, 11)
    S = core.loss_surface(model, loss, X, Y, params, d1, d2, grid, grid)
    assert np.all(np.isfinite(S))
    np.testing.assert_allclose(S, _brute_force(model, loss, X, Y, params, d1, d2, grid, grid), rtol=1e-9)


def test_linear_mse_surface_minimum_is_the_normal_equation():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 1))
    y = 2 * X[:, 0] - 1 + 0.2 * rng.normal(size=40)
    model = core.make_model("linear", 1)
    W, b = core.normal_equation(X, y)
    zero = model.spec.zeros()
    grid_w = np.linspace(W[0, 0] - 1, W[0, 0] + 1, 201)
    grid_b = np.linspace(b[0] - 1, b[0] + 1, 201)
    S = core.loss_surface(
        model,
        core.make_loss("mse"),
        X,
        y[:, None],
        zero,
        model.spec.axis("W[0,0]"),
        model.spec.axis("b[0]"),
        grid_w,
        grid_b,
    )
    i, j = np.unravel_index(np.argmin(S), S.shape)
    assert (i, j) == (100, 100)


def test_gradient_field_is_the_slice_gradient():
    model, loss, params, X, Y = make_problem("softmax", "softmax", "ce")
    d1, d2 = core.random_directions(params, seed=2)
    alphas, betas = np.array([-0.5, 0.25]), np.array([0.0, 0.4, 0.8])
    F = core.gradient_field(model, loss, X, Y, params, d1, d2, alphas, betas)
    assert F.shape == (2, 3, 2)
    eps = 1e-6
    S = lambda a, b: core.loss_surface(model, loss, X, Y, params, d1, d2, [a], [b])[0, 0]  # noqa: E731
    for i, a in enumerate(alphas):
        for j, b in enumerate(betas):
            assert F[i, j, 0] == pytest.approx((S(a + eps, b) - S(a - eps, b)) / (2 * eps), rel=1e-5, abs=1e-9)
            assert F[i, j, 1] == pytest.approx((S(a, b + eps) - S(a, b - eps)) / (2 * eps), rel=1e-5, abs=1e-9)


def test_random_directions_are_filter_normalised():
    model, _, params, _, _ = make_problem("mlp", "softmax", "ce", hidden=6)
    d1, d2 = core.random_directions(params, seed=0, orthogonalize=False)
    for d in (d1, d2):
        for key in ("W1", "W2"):
            np.testing.assert_allclose(np.linalg.norm(d[key], axis=0), np.linalg.norm(params[key], axis=0))
        assert not d["b1"].any() and not d["b2"].any()
    a, b = core.random_directions(params, seed=0)
    u, v = model.spec.flatten(a), model.spec.flatten(b)
    assert abs(u @ v) < 1e-9 * np.linalg.norm(u) * np.linalg.norm(v)
    a2, _ = core.random_directions(params, seed=0)
    np.testing.assert_array_equal(model.spec.flatten(a2), u)


def test_pca_directions_and_projection_of_a_trajectory():
    ds = core.generate("blobs", n_samples=50, classes=3)
    model = core.make_model("softmax", 2, 3)
    t = core.Trainer(model, core.make_loss("ce"), core.make_optimizer("momentum", lr=0.2), ds.X, ds.encode_targets(3))
    t.run(40)
    traj = t.history().params
    d1, d2, explained = core.pca_directions(traj, model.spec)
    assert explained[0] >= explained[1] > 0 and explained.sum() <= 1 + 1e-12
    proj = core.project_trajectory(traj, model.spec, t.params, d1, d2)
    assert proj.coords.shape == (41, 2)
    np.testing.assert_allclose(proj.coords[-1], 0, atol=1e-12)  # centred on the last point
    assert not proj.exact  # 9 parameters: the path does not lie in one plane
    with pytest.raises(ValueError, match="three distinct"):
        core.pca_directions(traj[:1], model.spec)


def test_projection_is_exact_for_a_two_parameter_model():
    ds = core.generate("line", n_samples=20)
    model = core.make_model("linear", 1)
    t = core.Trainer(model, core.make_loss("mse"), core.make_optimizer("sgd", lr=0.1), ds.X, ds.encode_targets(1))
    t.run(10)
    zero = model.spec.zeros()
    proj = core.project_trajectory(
        t.history().params, model.spec, zero, model.spec.axis("W[0,0]"), model.spec.axis("b[0]")
    )
    assert proj.exact
    np.testing.assert_allclose(proj.coords, t.history().params)
    with pytest.raises(ValueError, match="parallel"):
        core.project_trajectory(t.history().params, model.spec, zero, model.spec.axis("b[0]"), model.spec.axis("b[0]"))


def test_random_directions_span_a_plane_even_with_a_single_weight():
    model = core.make_model("linear", 1)
    params = model.init(0)
    sl = core.make_slice("random", model.spec, params, seed=0)
    assert np.linalg.matrix_rank(np.column_stack([model.spec.flatten(sl.d1), model.spec.flatten(sl.d2)])) == 2
    assert sl.project(model.spec, model.spec.flatten(params)[None]).coords.shape == (1, 2)


def test_random_directions_span_a_plane_for_a_one_unit_mlp_on_one_feature_at_every_seed():
    """A 1-1-1 MLP: every filter is one weight, so filter-normalised directions are signs and can be
    parallel (seed 7 was, found by the GUI fuzzer: choosing this model raised)."""
    model = core.make_model("mlp", 1, 1, hidden=1, output="identity")
    for seed in range(40):
        params = model.init(seed)
        sl = core.make_slice("random", model.spec, params, seed=seed)
        D = np.column_stack([model.spec.flatten(sl.d1), model.spec.flatten(sl.d2)])
        assert np.linalg.matrix_rank(D) == 2, seed


def test_contour_segments_lie_on_their_level_and_trace_the_curve():
    from gradviz.core import contour_segments

    xs, ys = np.linspace(-2, 2, 101), np.linspace(-1.5, 1.5, 81)
    S = xs[:, None] ** 2 + 2 * ys[None, :] ** 2  # ellipses x² + 2y² = c
    for level in (0.5, 1.0, 2.0):
        seg = contour_segments(S, [level], xs, ys)
        assert len(seg) % 2 == 0 and len(seg) > 20
        np.testing.assert_allclose(seg[:, 0] ** 2 + 2 * seg[:, 1] ** 2, level, rtol=2e-3)
        pairs = seg.reshape(-1, 2, 2)
        length = np.linalg.norm(pairs[:, 1] - pairs[:, 0], axis=1).sum()
        a, b = np.sqrt(level), np.sqrt(level / 2)
        h = ((a - b) / (a + b)) ** 2
        ramanujan = np.pi * (a + b) * (1 + 3 * h / (10 + np.sqrt(4 - 3 * h)))
        assert length == pytest.approx(ramanujan, rel=2e-3)


def test_contour_segments_split_saddles_and_skip_what_is_not_finite():
    from gradviz.core import contour_segments

    xs = ys = np.array([0.0, 1.0])
    saddle = np.array([[1.0, -1.0], [-1.0, 1.0]])  # a = c = 1, b = d = −1
    seg = contour_segments(saddle, [0.0], xs, ys)
    assert seg.shape == (4, 2)  # two segments in the one cell
    mid = {tuple(p) for p in np.round(seg, 12)}
    assert mid == {(0.5, 0.0), (1.0, 0.5), (0.5, 1.0), (0.0, 0.5)}
    broken = np.array([[1.0, -1.0], [np.nan, 1.0]])
    assert contour_segments(broken, [0.0], xs, ys).shape == (0, 2)
    with pytest.raises(ValueError, match="shape"):
        contour_segments(np.zeros((3, 3)), [0.0], xs, ys)


def test_class_boundaries_lie_where_the_decision_changes():
    xs, ys = np.linspace(-2, 2, 61), np.linspace(-2, 2, 51)
    X = np.array([(x, y) for x in xs for y in ys])
    # three classes split by the lines x = 0 (between 0 and 1) and y = 1 (class 2 above)
    scores = np.column_stack([-X[:, 0], X[:, 0], 3 * (X[:, 1] - 1) + np.abs(X[:, 0])])
    seg = core.class_boundaries(scores, xs, ys)
    assert len(seg) > 0 and len(seg) % 2 == 0
    # every segment point has two classes tied for the largest score (to the grid's resolution)
    top2 = np.sort(np.column_stack([-seg[:, 0], seg[:, 0], 3 * (seg[:, 1] - 1) + np.abs(seg[:, 0])]), axis=1)
    assert np.all(top2[:, -1] - top2[:, -2] < 0.2)
    one = core.class_boundaries(1 / (1 + np.exp(-(X[:, :1] - 0.3))), xs, ys)  # a sigmoid: x = 0.3
    np.testing.assert_allclose(one[:, 0], 0.3, atol=1e-9)
