"""The largest stable learning rate from the Hessian's top eigenvalue, and what happens on either side of it."""

from dataclasses import replace

import numpy as np
import pytest

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state import Session
from gradviz.state.sharpness import TINY_S, answer


def _preset(name: str) -> Session:
    d = load_preset(name)
    s = Session(d.dataset, d.settings)
    s.apply_session(d)
    return s


def _notes(s: Session) -> list:
    notes = []
    s.subscribe(lambda change: notes.extend(change.notes))
    return notes


def test_the_bound_is_two_over_the_largest_curvature_in_each_optimizers_form():
    s = _preset("step-size")
    t = s.trainer
    lam = np.linalg.eigvalsh(core.hessian(t.model, t.loss_fn, t.params, t.latest.X, t.latest.Y))[-1]
    Xt = np.column_stack([t.latest.X, np.ones(len(t.latest.X))])
    assert lam == pytest.approx(np.linalg.eigvalsh(Xt.T @ Xt / len(Xt))[-1], rel=1e-12)  # linear + MSE: X̃ᵀX̃/N
    assert s.max_stable_lr == pytest.approx(2 / lam, rel=1e-6)
    # the preset races η just below and just above it
    assert [r.settings.get("lr") / s.max_stable_lr for r in s.runs] == pytest.approx([0.9, 1.1], abs=1e-3)
    s.remove_run(1)
    s.set_value("optimizer", "momentum")
    s.set_value("momentum", 0.5)
    assert s.max_stable_lr == pytest.approx(2 * 1.5 / lam, rel=1e-6)
    s.set_value("optimizer", "nesterov")
    s.set_value("momentum", 0.5)
    assert s.max_stable_lr == pytest.approx(2 * 1.5 / (2.0 * lam), rel=1e-6)
    s.set_value("optimizer", "sgd")
    s.set_value("weight_decay", 0.25)  # λθ added to the gradient adds λ to every curvature
    assert s.max_stable_lr == pytest.approx(2 / (lam + 0.25), rel=1e-6)
    s.set_value("optimizer", "adam")
    assert s.max_stable_lr is None and "no single η bounds it" in s.run.step_bound().reason


@pytest.mark.parametrize("factor", [0.95, 1.05])
def test_gradient_descent_converges_just_below_the_bound_and_diverges_just_above(factor):
    s = _preset("step-size")
    s.remove_run(1)
    bound = s.max_stable_lr
    s.set_value("lr", factor * bound)
    notes = _notes(s)
    s.step(3000)
    if factor < 1:
        assert not s.diverged and s.current_step == 3000
        optimum = core.normal_equation(s.dataset.X, s.dataset.Y)
        np.testing.assert_allclose(s.params["W"].ravel(), np.ravel(optimum[0]), rtol=1e-6)
    else:
        assert s.diverged and s.current_step < 3000  # paused at its last finite step
        (warning,) = [n for n in notes if n.kind == "warning"]
        assert f"above the largest stable step at the last finite one, η < 2/λmax = {bound:.3g}" in warning.text
        label, apply = warning.fix
        assert label == f"Use η = {0.9 * bound:.3g}"
        apply()
        assert s.settings.get("lr") == pytest.approx(0.9 * bound)


def test_a_net_that_diverges_gets_its_message_whatever_its_last_curvature():
    s = _preset("mlp-moons")
    s.set_value("hidden_activation", "relu")
    s.set_value("optimizer", "sgd")
    s.set_value("lr", 50.0)  # |W| past 1e50 in ~35 steps: the last finite curvature is astronomical
    notes = _notes(s)
    s.step(500)
    assert s.diverged
    (warning,) = [n for n in notes if n.kind == "warning"]
    assert warning.text.startswith("Training diverged at step")
    s.set_value("optimizer", "adam")  # an adaptive optimizer: no bound, and no Hessian computed for it
    assert s.max_stable_lr is None


def test_edge_of_stability_the_sharpness_climbs_to_two_over_eta_and_stays():
    s = _preset("edge-of-stability")
    eta = s.settings.get("lr")
    s.step(3000)
    sharp = s.run.sharpness
    sharp.fill(s.trainer)
    steps, lam = sharp.curve(s.trainer)
    assert len(steps) >= 90 and steps[-1] == 3000 and np.all(np.diff(steps) > 0)
    edge = 2 / eta
    early = lam[(steps >= 200) & (steps <= 400)]
    assert early.max() < 0.95 * edge  # after the first catapult it is below the edge …
    last = lam[steps >= 2250]
    assert np.all(np.abs(last / edge - 1) < 0.15)  # … and over the last quarter it hovers at 2/η (measured ±3.5 %)
    assert not s.diverged and s.frame.loss < 0.02  # while the loss keeps going down


def test_the_sharpness_series_is_strided_and_drops_what_a_branch_or_an_edit_rewrote():
    s = _preset("edge-of-stability")
    s.step(300)
    sharp, t = s.run.sharpness, s.trainer
    assert sharp.stride(300) == 4 and sharp.wanted(t)[0] == 300  # the current step first, then the stride
    # coarse to fine: the run's shape from its first few spectra (0, 256, 128, … every 128th, 64th, …)
    assert sharp.wanted(t)[1:6] == [0, 256, 128, 192, 64]
    assert sorted(sharp.wanted(t)[1:]) == list(range(0, 300, 4))
    sharp.fill(t)
    assert sharp.wanted(t) == [] and sharp.at(t) is not None
    steps, lam = sharp.curve(t)
    assert set(steps) == set(range(0, 301, 4))
    assert lam[-1] == s.run.curvature().top  # the current step's, as the learning rate's bound uses it
    before = dict(zip(steps.tolist(), lam.tolist(), strict=True))
    s.seek(200)
    s.set_value("lr", 0.1)  # a branch from step 200: the steps after it are new ones
    s.step(20)
    steps, _ = sharp.curve(t)
    assert steps.max() <= 220 and sharp.at(t, 204) is None  # the old step 204 is gone with its θ
    assert sharp.at(t, 200).top == before[200]  # the shared past stays
    sharp.fill(t)
    assert sharp.at(t, 204) is not None
    # a data edit: the same θ over other data is another Hessian
    s.remove_point(0)
    assert sharp.at(s.trainer) is None and sharp.wanted(s.trainer)[0] == s.current_step


def test_the_ill_conditioned_lesson_gd_zig_zags_and_momentum_gets_there_first():
    s = _preset("ill-conditioned")
    spectrum = s.run.curvature()
    assert spectrum.condition == pytest.approx(100, rel=0.01)
    top = spectrum.vectors[:, 0]  # the steep direction
    W, b = core.normal_equation(s.dataset.X, s.dataset.Y)
    best = np.concatenate([np.ravel(W), np.ravel(b)])
    signs = {0: [], 1: []}
    for _ in range(51):
        for k, run in enumerate(s.runs):
            signs[k].append(np.sign((run.trainer.spec.flatten(run.trainer.params) - best) @ top))
        s.step(1)
    flips = [int(np.sum(np.diff(signs[k]) != 0)) for k in (0, 1)]
    assert flips[0] == 50 and flips[1] <= 12  # GD turns at every step; momentum every ~6 (measured 9)
    s.step(600 - s.current_step)
    first = [
        next(
            int(t)
            for t, L in zip(r.trainer.history_store.steps, r.trainer.history_store.loss, strict=False)
            if L <= 0.007
        )
        for r in s.runs
    ]
    assert first == [183, 91]


def test_on_a_quadratic_the_errors_along_the_eigenvectors_follow_the_optimizers_rule():
    s = _preset("ill-conditioned")
    s.step(150)
    for k in (0, 1):  # GD, then momentum
        s.focus_run(k)
        errors = s.frame.eigen_errors
        assert errors is not None and errors.predicted is not None and errors.steps[-1] == 150
        np.testing.assert_allclose(errors.values, [5.9036138, 0.0590606], rtol=1e-6)
        np.testing.assert_allclose(errors.predicted, errors.measured, rtol=1e-9, atol=1e-12)
    # plain GD: eᵢ(t) = (1 − ηλᵢ)ᵗ eᵢ(0), as the lesson says
    s.focus_run(0)
    errors = s.frame.eigen_errors
    t = errors.steps.astype(float)
    np.testing.assert_allclose(
        errors.measured, errors.measured[0] * (1 - 0.32 * errors.values) ** t[:, None], rtol=1e-9, atol=1e-13
    )
    # an adaptive optimizer rescales θ's coordinates, not the eigenvectors': measured, no prediction, and why
    s.set_value("optimizer", "adam")
    s.step(5)
    errors = s.frame.eigen_errors
    assert errors.predicted is None and "rescales each parameter's step" in errors.why
    # not a quadratic: nothing of the sort
    assert _preset("mlp-moons").frame.eigen_errors is None


def test_the_eigen_slice_is_the_hessians_sharpest_plane_and_turns_with_it_unless_pinned():
    s = _preset("edge-of-stability")
    s.step(40)
    assert s.set_slice("eigen")
    spec = s.model.spec
    vectors = s.run.curvature().vectors[:, :2]
    D = np.column_stack([spec.flatten(s.slice.d1), spec.flatten(s.slice.d2)])
    np.testing.assert_allclose(np.abs(np.sum(D * vectors, axis=0)), 1.0, rtol=1e-9)  # the same unit vectors
    assert s.slice.axis_labels[0].startswith("α (v₁: λ₁ = ")
    before = s.slice
    s.step(10)
    job = s.next_curvature_job()
    s.record_curvature(job, job.compute())  # as the feed does: the Hessian at step 50
    turned = s.slice_coordinates
    assert turned is not before and turned.mode == "eigen"
    assert np.sum(spec.flatten(turned.d1) * spec.flatten(before.d1)) > 0  # no axis flips its sign
    s.pin_slice(True)
    pinned = s.slice_coordinates
    s.step(10)
    job = s.next_curvature_job()
    s.record_curvature(job, job.compute())
    assert s.slice_coordinates is pinned  # pinned: the plane stays


def test_a_cheap_spectrum_is_filled_in_with_the_step_once_one_was_measured():
    wide = _preset("mlp-spiral")  # 99 parameters: nothing measured yet, the background's to compute
    wide.race.fill_cheap_curvature(1.0)
    assert wide.run.sharpness.at(wide.run.trainer) is None
    tiny = _preset("logistic-blobs")  # 3 parameters: computed here (and measured) before anything was measured
    tiny.race.fill_cheap_curvature(0.002)
    assert tiny.run.sharpness.at(tiny.run.trainer) is not None
    s = _preset("logistic-blobs")
    changes = []
    s.subscribe(changes.append)
    job = s.next_curvature_job()
    spectrum, seconds = answer(job.inputs())
    s.record_curvature(job, spectrum, seconds)
    assert s.run.sharpness.cost(job) == pytest.approx(seconds)
    s.step(1)
    s.race.fill_cheap_curvature(1.0)
    here = s.run.sharpness.at(s.run.trainer)
    t = s.run.trainer
    lam = np.linalg.eigvalsh(core.hessian(t.model, t.loss_fn, t.params, t.latest.X, t.latest.Y))[-1]
    assert here is not None and here.top == pytest.approx(lam, rel=1e-9)  # this step's own Hessian
    assert "curvature" in changes[-1]
    s.step(1)
    s.race.fill_cheap_curvature(0.0)  # no time to spare: left to the background
    assert s.run.sharpness.at(s.run.trainer) is None


def test_the_cost_of_a_spectrum_scales_with_the_points_and_belongs_to_its_model():
    s = _preset("logistic-blobs")
    job = s.next_curvature_job()
    s.record_curvature(job, job.compute(), 0.004)
    n = len(job.X)
    half = replace(job, X=job.X[: n // 2], Y=job.Y[: n // 2])
    assert s.run.sharpness.cost(half) == pytest.approx(0.004 * (n // 2) / n)
    wider = replace(job, params={**job.params, "extra": np.zeros(5)})
    assert s.run.sharpness.cost(wider) == TINY_S  # another model, not measured: tiny, so taken as quick
    wide = replace(job, params={**job.params, "extra": np.zeros(500)})
    assert s.run.sharpness.cost(wide) is None  # not measured, not tiny: unknown


def test_equal_inputs_digest_alike_whatever_a_copy_has_cached():
    """Spectra and surfaces are remembered by a digest of their pickled inputs: a spec that has written
    its parameter labels (cached) pickles as one that has not."""
    import pickle

    from gradviz.core.params import ParamSpec
    from gradviz.state.remembered import digest

    shapes = {"W": np.zeros((2, 3)), "b": np.zeros(3)}
    fresh, used = ParamSpec.from_params(shapes), ParamSpec.from_params(shapes)
    assert used.labels()[-1] == "b[2]" and used.index_of("W[1,0]") == 3
    assert digest((fresh,)) == digest((used,))
    assert pickle.loads(pickle.dumps(used)).labels() == used.labels()
