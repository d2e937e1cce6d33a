"""The numbers the views draw, derived from one version of the state, each computed once.

Views read `session.frame.residuals`, `frame.next_update`, … instead of calling the model or
reaching into the trainer. A quantity is computed when it is first read and then shared by
every view; after a Change the session starts a new frame that keeps whatever the Change did
not touch (a new selection keeps the predictions). `work` counts the computations, so tests
can prove that one step computes each quantity once, however many views read it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import wraps

import numpy as np

from gradviz import core

from .sharpness import eigen_errors

__all__ = ["Frame", "MAX_SHOWN", "MAX_CHECKED", "MAX_POINTS_DRAWN", "choose_shown"]

MAX_SHOWN = 1_000  # per-sample views (residual stems, gradient arrows): more than a plot has pixels across
MAX_POINTS_DRAWN = 2_000  # the data view's scatter
MAX_CHECKED = 5_000  # batches up to this size are re-summed from per-sample gradients as a check
_SHOWN_SEED = 20240917  # a fixed seed: the random rest does not flicker from frame to frame

_DEPENDS: dict[str, frozenset[str]] = {}
_RUN = ("data", "model", "step", "runs")  # what the current parameters depend on


def derived(*aspects: str, params: bool = True, may_overflow: bool = False) -> Callable:
    """A frame quantity that depends on these aspects of the state (and, unless params=False,
    on the run's current parameters).

    `may_overflow`: per-sample and projected quantities can overflow where the run's own loss and
    gradient do not (near divergence, |θ| up to 1e50, one sample's gradient is N times its share
    of the mean). They are computed without NumPy's overflow warnings, and the views write a
    non-finite value in words, never as a number (tests/gui/test_truth.py, test_extreme_data.py).
    """
    deps = frozenset(aspects) | (frozenset(_RUN) if params else frozenset({"data", "model", "runs"}))
    quiet = {"over": "ignore", "invalid": "ignore"} if may_overflow else {}

    def wrap(fn: Callable) -> property:
        name = fn.__name__
        _DEPENDS[name] = deps

        @wraps(fn)
        def get(self: Frame):
            try:
                return self._cache[name]
            except KeyError:
                self.work[name] += 1
                with np.errstate(**quiet):
                    value = self._cache[name] = fn(self)
                return value

        return property(get)

    return wrap


def choose_shown(n: int, limit: int, *, first=(), then=(), seed: int = _SHOWN_SEED) -> np.ndarray | None:
    """Sorted indices of at most `limit` of n samples to draw (None: draw all n).

    `first` are always kept (the selection, a mini-batch), `then` next (the largest |ŷ − y|),
    and a seeded random choice of the rest fills up to the limit: the same samples from frame
    to frame, so the picture does not flicker.
    """
    if n <= limit:
        return None
    wanted = np.concatenate([np.asarray(first, dtype=np.int64).ravel(), np.asarray(then, dtype=np.int64).ravel()])
    _, at = np.unique(wanted, return_index=True)
    chosen = wanted[np.sort(at)][:limit]  # in priority order, each once
    rest = limit - len(chosen)
    if rest > 0:
        candidates = np.random.default_rng(seed).choice(n, min(n, 2 * limit), replace=False)
        candidates = candidates[~np.isin(candidates, chosen)]
        chosen = np.concatenate([chosen, candidates[:rest]])
    return np.sort(chosen)


class Frame:
    def __init__(self, session, work: Counter, inherited: dict | None = None):
        self._s = session
        self.work = work
        self._cache: dict = dict(inherited or {})

    def successor(self, changed: frozenset[str]) -> Frame:
        """The next frame after a Change: it keeps every quantity the Change did not touch."""
        kept = {k: v for k, v in self._cache.items() if _DEPENDS[k].isdisjoint(changed)}
        return Frame(self._s, self.work, kept)

    # ------------------------------------------------------------------ the run's plain facts
    @property
    def model(self):
        return self._s.model

    @property
    def params(self) -> dict[str, np.ndarray]:
        return self._s.params

    @property
    def spec(self) -> core.ParamSpec:
        return self._s.model.spec

    @property
    def loss(self) -> float:
        """L on all the data at the current step."""
        return self._s.trainer.loss

    @property
    def metric(self) -> float:
        """Accuracy at the current step (NaN for regression)."""
        return self._s.trainer.metric

    @derived("settings")
    def grad_norm(self) -> float:
        """‖∇L‖ of the gradient the next step uses (see `grads`)."""
        return core.params.norm(self.grads)

    @property
    def mini_batches(self) -> bool:
        """Whether a step sees fewer samples than all of them."""
        b = self._s.trainer.batch_size
        return b is not None and b < self._s.dataset.X.shape[0]

    # ------------------------------------------------------------------ every sample
    @derived()
    def forward(self) -> core.Forward:
        """One forward pass over every sample at the current step: ŷ, z and what the loss needs.

        The trainer made it already, to take the step: it is reused, not recomputed.
        """
        s = self._s
        fwd = s.trainer.forward
        return fwd if fwd is not None else s.model.forward(s.params, s.dataset.X)

    @property
    def predictions(self) -> np.ndarray:
        """ŷ (N, k) of every sample at the current step."""
        return self.forward.P

    @derived(params=False)
    def targets_t(self) -> np.ndarray:
        """Y class-major (k, N), contiguous: sums and maxima over the classes run fast on it."""
        return np.ascontiguousarray(self._s.dataset.Y.T)

    @derived()
    def residuals(self) -> np.ndarray:
        """ŷ − y (N, k): for a canonical pair, exactly what backprop gets as N·dL/dz."""
        return np.subtract(self.forward.Pt, self.targets_t).T  # class-major inside

    @derived()
    def logit_grads(self) -> np.ndarray:
        """N·dL/dz (N, k): each sample's own ∂ℓ/∂z (differs from ŷ − y for MSE with sigmoid or softmax)."""
        s, fwd = self._s, self.forward
        return s.loss_fn.sample_logit_grads_t(fwd.Zt, fwd.Pt, self.targets_t, s.model.output).T

    @derived(may_overflow=True)
    def sample_losses(self) -> np.ndarray:
        """Each sample's own loss ℓᵢ (N,)."""
        s, fwd = self._s, self.forward
        return s.loss_fn.sample_terms_t(fwd.Zt, fwd.Pt, fwd.lse, self.targets_t)

    @derived(may_overflow=True)
    def misfit(self) -> np.ndarray:
        """max over outputs of |ŷ − y| per sample (N,): how wrong the model is on each."""
        return np.abs(self.residuals.T).max(axis=0)

    @derived("selection")
    def focus(self) -> tuple[int, bool]:
        """(index, selected): the selected sample, or else the one the model gets most wrong."""
        if self._s.selected is not None:
            return self._s.selected, True
        return int(np.argmax(self.sample_losses)), False

    @property
    def focus_is_held_out(self) -> bool:
        """Whether the focused sample is one of the held-out points (its gradient is not in ∇L)."""
        return bool(np.isin(self.focus[0], self._s.val_indices))

    @derived("selection", may_overflow=True)
    def focus_trace(self) -> dict[str, np.ndarray]:
        """The focused sample's forward values and deltas (core.backprop_trace)."""
        s = self._s
        i = self.focus[0]
        return core.backprop_trace(s.model, s.params, s.dataset.X[i], s.dataset.Y[i], s.loss_fn)

    # ------------------------------------------------------------------ this step's batch and update
    @derived("settings")
    def batch(self) -> np.ndarray | None:
        """The samples of the batch the next step uses (None: all of them). Scrubbed back to before
        a change of the data or the batch size, that is the branch's batch, in the current data."""
        return self._s.trainer.next_batch_indices

    @property
    def batch_is_training_set(self) -> bool:
        """Whether the next step's batch is every training point of a run with points held out."""
        held = self._s.val_indices.size
        return bool(held) and self.batch is not None and len(self.batch) == self._s.dataset.X.shape[0] - held

    @derived("settings")
    def grads(self) -> np.ndarray:
        """∇L on that batch, flat: what the optimizer steps with next."""
        return self.spec.flatten(self._s.trainer.next_grads())

    @derived("settings")
    def next_update(self) -> np.ndarray:
        """Δθ the next step will apply, flat (differs from −η∇L for momentum, Adam, …)."""
        return self.spec.flatten(self._s.trainer.next_update())

    @derived("settings", may_overflow=True)
    def step_parts(self) -> core.StepParts:
        """The next step in the optimizer's own parts (momentum's velocity and gradient, Adam's
        m̂/(√v̂ + ε), AdaGrad's and RMSProp's per-coordinate scale), flat."""
        return core.step_parts(*self._s.trainer.next_step_inputs(), self.spec)

    @derived("selection", "settings")
    def shown(self) -> np.ndarray | None:
        """The samples per-sample views draw (None: all): the selection, the batch, the worst fits."""
        s = self._s
        n = s.dataset.X.shape[0]
        if n <= MAX_SHOWN:
            return None
        first = [] if s.selected is None else [s.selected]
        if self.batch is not None:
            first = np.concatenate([first, self.batch[: MAX_SHOWN // 2]])
        k = MAX_SHOWN // 4
        worst = np.argpartition(-self.misfit, k)[:k]
        return choose_shown(n, MAX_SHOWN, first=first, then=worst)

    @derived("selection", "settings", may_overflow=True)
    def sample_grads(self) -> tuple[np.ndarray, np.ndarray]:
        """(indices, ∇ℓᵢ (n, P) flat): each shown or checked sample's own gradient, not divided by N."""
        s = self._s
        n = s.dataset.X.shape[0]
        idx = np.arange(n) if self.shown is None else self.shown
        if self.batch is not None and len(self.batch) <= MAX_CHECKED:
            idx = np.union1d(idx, self.batch)
        elif self.batch is None and n <= MAX_CHECKED:
            idx = np.arange(n)
        per = s.model.per_sample_grads(s.params, s.dataset.X[idx], s.dataset.Y[idx], s.loss_fn)
        flat = np.concatenate([per[k].reshape(len(idx), -1) for k in self.spec.keys], axis=1)
        return idx, flat * len(idx)

    @derived("selection", "settings", may_overflow=True)
    def batch_check(self) -> bool | None:
        """Whether the mean of the batch's ∇ℓᵢ is the trainer's ∇L (None: the batch is too large to re-sum)."""
        n = self._s.dataset.X.shape[0]
        batch = np.arange(n) if self.batch is None else self.batch
        if len(batch) > MAX_CHECKED:
            return None
        idx, flat = self.sample_grads
        rows = np.searchsorted(idx, batch)
        return bool(np.allclose(flat[rows].mean(axis=0), self.grads, rtol=1e-9, atol=1e-12))

    # ------------------------------------------------------------------ on the slice
    @derived("settings", "slice", may_overflow=True)
    def slice_grad(self) -> np.ndarray:
        """∇L's components along the slice's two directions."""
        return self._s.slice.components(self.spec, self.grads)

    @derived("settings", "slice", may_overflow=True)
    def slice_update(self) -> np.ndarray:
        """Δθ in slice coordinates (by least squares when Δθ leaves the plane)."""
        return self._s.slice.displacement(self.spec, self.next_update)

    @property
    def path(self) -> np.ndarray:
        """(T, 2) the focused run's descent path on the slice up to its step (thinned for long runs)."""
        return self.race_paths[self._s.focus_index]

    @derived("settings", "slice")
    def race_paths(self) -> tuple[np.ndarray, ...]:
        """Every run's path on the same slice coordinates (a run off the plane: its projection)."""
        s = self._s
        out = []
        for run in s.runs:
            run.path_rows.update(run.trainer.history_store)
            t = run.trainer
            current = self.spec.flatten(t.params)
            out.append(run.path.coords(run.path_rows, s.slice_coordinates, self.spec, t.step_index, current))
        return tuple(out)

    @property
    def curves(self):
        """The focused run's loss, batch loss and accuracy per recorded step (thinned for long runs)."""
        return self.race_curves[self._s.focus_index]

    @derived("settings")
    def race_curves(self) -> tuple:
        """Every run's curves, each up to its own last step."""
        out = []
        for run in self._s.runs:
            run.curve_rows.update(run.trainer.history_store)
            out.append(run.curve_rows.curves())
        return tuple(out)

    @derived()
    def validation(self) -> tuple[float, float] | None:
        """(loss, accuracy) on the held-out points at the current step; None without a split (the
        accuracy is NaN for regression)."""
        s = self._s
        val = s.val_indices
        if val.size == 0:
            return None
        with np.errstate(all="ignore"):
            loss = float(self.sample_losses[val].mean())
        metric = core.accuracy_from_predictions(self.predictions[val], s.dataset.Y[val]) if self._classify else np.nan
        return loss, float(metric)

    @property
    def validation_curve(self) -> np.ndarray | None:
        """(T, 2) loss and accuracy on the held-out points at the steps of `curves`; None without a split."""
        return self.race_validation_curves[self._s.focus_index]

    @derived("settings")
    def race_validation_curves(self) -> tuple:
        """Each run's (T, 2) loss and accuracy on its own held-out points at the steps of its curves
        (None: that run holds nothing out). Runs may split differently (another share or seed)."""
        s = self._s
        _ = self.race_curves  # brings the runs' curve rows up to date
        out = []
        for run in s.runs:
            evaluate = self._held_out_evaluator(run)
            out.append(None if evaluate is None else run.held_out.values(run.curve_rows, s.dataset, evaluate))
        return tuple(out)

    @derived()
    def race_validation(self) -> tuple:
        """Each run's (loss, accuracy) on its held-out points at its current step (None: no split)."""
        s = self._s
        out = []
        for i, run in enumerate(s.runs):
            if i == s.focus_index:  # the focused run's, as every view shows it
                out.append(self.validation)
                continue
            evaluate = self._held_out_evaluator(run)
            t = run.trainer
            out.append(None if evaluate is None else evaluate(t.model.spec.flatten(t.params)))
        return tuple(out)

    def _held_out_evaluator(self, run) -> Callable[[np.ndarray], tuple[float, float]] | None:
        """evaluate(flat θ) -> (loss, accuracy) of one run on the points it holds out, as it sees the
        data (its loss, its targets); None if it holds none out."""
        t = run.trainer
        split = t.split(self._s.source_dataset.n_samples)
        if split is None or split[1].size == 0:
            return None
        val = split[1]
        data = t.latest
        X, Y, spec, model, loss = data.X[val], data.Y[val], t.model.spec, t.model, t.loss_fn
        metric = core.accuracy_from_predictions if self._classify else None

        def evaluate(flat: np.ndarray) -> tuple[float, float]:
            with np.errstate(all="ignore"):
                e = model.evaluate(spec.unflatten(flat), X, Y, loss, grad=False, metric=metric)
            return e.loss, e.metric

        return evaluate

    @derived("settings")
    def eigen_errors(self):
        """The focused run's error along each eigenvector of its Hessian, measured and predicted, at the
        loss curve's steps (`state.sharpness.EigenErrors`); None unless the loss is quadratic (linear + MSE)."""
        _ = self.race_curves  # brings the runs' curve rows up to date
        run = self._s.run
        return eigen_errors(run, run.curve_rows)

    @property
    def _classify(self) -> bool:
        return self._s.measures_accuracy

    @derived(params=False)
    def minima(self) -> np.ndarray | None:
        """The minima known in closed form, flat (k, P): the normal equation's θ* for linear regression
        with MSE, a named function's known minima; None where none is known."""
        s = self._s
        if s.settings.is_function:
            known = s.model.function.minima
            return np.array(known, dtype=float).reshape(-1, 2) if known else None
        return None if self.optimum is None else self.optimum[None, :]

    @derived(params=False)
    def optimum(self) -> np.ndarray | None:
        """Linear regression with MSE: the normal equation's θ*, flat (None for other pairs)."""
        s = self._s
        if not (s.model.kind == "linear" and s.loss_fn.name == "mse"):
            return None
        W, b = core.normal_equation(s.dataset.X, s.dataset.Y)
        return self.spec.flatten({"W": W, "b": b})
