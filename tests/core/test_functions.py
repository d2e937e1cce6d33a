"""The playground's named functions: zero gradient at their known minima, value, gradient and Hessian
against finite differences, and refusals with a reason."""

import numpy as np
import pytest

from gradviz import core


@pytest.mark.parametrize("name", list(core.FUNCTIONS))
def test_gradient_and_hessian_against_finite_differences(name):
    f = core.make_function(name)
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = f.domain
    h = 1e-6
    for x, y in zip(rng.uniform(x0, x1, 6), rng.uniform(y0, y1, 6), strict=True):
        gx, gy = f.grad(x, y)
        fd = ((f.value(x + h, y) - f.value(x - h, y)) / (2 * h), (f.value(x, y + h) - f.value(x, y - h)) / (2 * h))
        np.testing.assert_allclose([gx, gy], fd, rtol=1e-6, atol=1e-6)
        H = f.hessian(x, y)
        cols = [
            np.subtract(f.grad(x + h, y), f.grad(x - h, y)) / (2 * h),
            np.subtract(f.grad(x, y + h), f.grad(x, y - h)) / (2 * h),
        ]
        np.testing.assert_allclose(H, np.column_stack(cols), rtol=1e-6, atol=1e-5)
        assert H[0, 1] == H[1, 0]


@pytest.mark.parametrize(
    "name, minima",
    [
        ("rosenbrock", [(1, 1)]),
        ("beale", [(3, 0.5)]),
        ("himmelblau", [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848127)]),
        ("ill-conditioned", [(0, 0)]),
    ],
)
def test_the_gradient_is_zero_at_the_known_minima(name, minima):
    f = core.make_function(name)
    for x, y in minima:
        assert np.hypot(*f.grad(x, y)) < 1e-4  # Himmelblau's three irrational minima are given to 6 places
        assert np.all(np.linalg.eigvalsh(f.hessian(x, y)) > 0)  # minima, not saddles
    assert np.allclose(f.minima, minima)


def test_values_broadcast_over_grids():
    f = core.make_function("rosenbrock")
    gx, gy = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 4))
    assert f.value(gx, gy).shape == (4, 5) and f.grad(gx, gy)[1].shape == (4, 5)
    assert f.value(1.0, 1.0) == 0.0 and f.value(0.0, 0.0) == 1.0


@pytest.mark.parametrize("spec", ["", "   ", "zeta", "rosenbrok", None])
def test_anything_else_is_refused_with_a_reason(spec):
    with pytest.raises(core.FunctionError) as info:
        core.make_function(spec)
    assert isinstance(info.value, ValueError) and "rosenbrock" in str(info.value)
