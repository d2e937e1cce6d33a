"""A run's curvature over its steps: the Hessian's spectrum at the current step and λmax (the
sharpness) on a stride over the whole run, for the curvature dock and the learning rate's bound.

A spectrum costs from a tenth of a millisecond (a linear model) to seconds (a wide net), so the
slow ones are never computed on a frame: `wanted` says which steps still lack one (the current step
first, then every `stride`-th recorded step, newest first), `job` copies what one computation needs so
it can run on another thread, and `record` files the answer. `fill` does the same synchronously
(notebooks, tests). `cost` estimates a spectrum from the last one measured, so that those taking a
fraction of a millisecond can be computed with the step itself (`RaceControl.fill_cheap_curvature`).
Each value is kept with a hash of the θ it was computed at: a branch that rewrites a step makes its
old value stale, and `sync` drops it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from gradviz.core import Quadratic, Spectrum, Trainer, predicted_errors, quadratic_of, top_eigen

from .remembered import SPECTRA, digest

__all__ = [
    "CurvatureJob",
    "EigenErrors",
    "Sharpness",
    "MAX_POINTS",
    "eigen_errors",
    "spectrum_of",
    "training_data",
    "answer",
]

MAX_POINTS = 128  # λmax at about this many steps over a run, however long
# N × P² (points × parameters²) of a problem whose spectrum takes about TINY_S at most (measured here: 0.2 ms
# for logistic regression at N = 1,000, 0.6 ms for softmax regression with 9 parameters)
TINY_PROBLEM = 100_000
TINY_S = 0.001


@dataclass(frozen=True)
class CurvatureJob:
    """One spectrum to compute, with its own copies of θ and the data (safe on another thread)."""

    target: Sharpness
    step: int
    theta_hash: int
    data: tuple  # the data version's own arrays (X, Y): the value is stale once the step has other data
    model: object
    loss_fn: object
    params: dict
    X: np.ndarray
    Y: np.ndarray

    def compute(self) -> Spectrum:
        return spectrum_of(self.model, self.loss_fn, self.params, self.X, self.Y)

    @property
    def parameters(self) -> int:
        return sum(np.size(v) for v in self.params.values())

    def inputs(self) -> tuple:
        """What `spectrum_of` needs, all of it picklable: a job can be computed in another process."""
        return self.model, self.loss_fn, self.params, self.X, self.Y

    @property
    def key(self) -> bytes | None:
        """What the spectrum is remembered by (`SPECTRA`): the digest of its inputs (None: not remembered)."""
        return digest(self.inputs())


def spectrum_of(model, loss, params, X: np.ndarray, Y: np.ndarray) -> Spectrum:
    """The spectrum one job asks for (near divergence the curvature may overflow: then it is inf)."""
    with np.errstate(all="ignore"):
        return top_eigen(model, loss, params, X, Y)


def answer(inputs: tuple) -> tuple:
    """(the spectrum, or None if it cannot be computed; the seconds it took)."""
    start = time.perf_counter()
    try:
        spectrum = spectrum_of(*inputs)
    except (ValueError, RuntimeError, ArithmeticError):  # no convergence, or nothing finite to decompose
        spectrum = None
    return spectrum, time.perf_counter() - start


def _coarseness(step: int) -> int:
    """How coarse a stride `step` is on: the exponent of the largest power of two dividing it (0: all)."""
    return (step & -step).bit_length() if step else 64


def _hash(theta: np.ndarray) -> int:
    return hash(np.ascontiguousarray(theta).tobytes())


class Sharpness:
    def __init__(self):
        self._values: dict[int, tuple[int, tuple, Spectrum]] = {}  # step → (hash of θ, data (X, Y), spectrum)
        self._store_key: tuple[int, int] | None = None
        self._failed: set[tuple[int, int]] = set()  # (step, hash of θ) whose spectrum could not be computed
        self._quadratic: tuple | None = None  # (X, Y, settings, Quadratic) of a quadratic loss
        self._cost: tuple[int, float] | None = None  # (parameters, seconds per training point) of the last spectrum

    def latest(self, trainer: Trainer) -> tuple[int, Spectrum] | None:
        """The newest step up to the current one with a spectrum, and that spectrum (while the current
        step's is still being computed, the one before it)."""
        for step in sorted((k for k in self._values if k <= trainer.step_index), reverse=True):
            spectrum = self.at(trainer, step)
            if spectrum is not None:
                return step, spectrum
        return None

    # ------------------------------------------------------------------ what exists
    def at(self, trainer: Trainer, step: int | None = None) -> Spectrum | None:
        """The spectrum at `step` (default: the current one) if it has been computed for the θ there."""
        step = trainer.step_index if step is None else step
        entry = self._values.get(step)
        return entry[2] if entry is not None and self._valid(trainer, step, entry) else None

    def curve(self, trainer: Trainer) -> tuple[np.ndarray, np.ndarray]:
        """(steps, λmax) computed so far up to the current step, in step order."""
        self.sync(trainer)
        steps = np.array(sorted(k for k in self._values if k <= trainer.step_index), dtype=np.int64)
        return steps, np.array([self._values[int(k)][2].top for k in steps], dtype=float)

    # ------------------------------------------------------------------ what is missing
    @staticmethod
    def stride(last_step: int) -> int:
        """A power of two: about MAX_POINTS multiples of it up to last_step (old multiples stay multiples)."""
        stride = 1
        while last_step / stride > MAX_POINTS:
            stride *= 2
        return stride

    def wanted(self, trainer: Trainer, backfill: bool = True) -> list[int]:
        """Steps still without a spectrum: the current step first, then (backfill) the recorded steps on
        the stride, coarse to fine (every 64th step before the 32nd between them, and so on; newest first
        within each): the whole run's sharpness takes shape from its first few spectra and fills in."""
        self.sync(trainer)
        now = trainer.step_index
        out = [] if self.at(trainer, now) is not None or self._gave_up(trainer, now) else [now]
        if backfill:
            store = trainer.history_store
            steps = store.steps[: len(store)]
            stride = self.stride(now)
            on_stride = steps[(steps % stride == 0) & (steps <= now)]
            missing = [int(k) for k in on_stride if int(k) != now and int(k) not in self._values]
            out += sorted(missing, key=lambda k: (-_coarseness(k), -k))
        return [k for k in out if k == now or not self._gave_up(trainer, k)]

    def give_up(self, job: CurvatureJob) -> None:
        """The spectrum of this step and θ could not be computed (the eigen-solver did not converge): not again."""
        self._failed.add((job.step, job.theta_hash))

    def _gave_up(self, trainer: Trainer, step: int) -> bool:
        if not self._failed:
            return False
        theta = self._theta(trainer, step)
        return theta is not None and (step, _hash(theta)) in self._failed

    def job(self, trainer: Trainer, step: int) -> CurvatureJob:
        """Everything one spectrum needs, copied: θ at `step`, the training points of the data then."""
        theta = self._theta(trainer, step)
        if theta is None:
            raise ValueError(f"step {step} is not recorded")
        regime = trainer.regime_at(step)
        X, Y = training_data(trainer, step)
        params = trainer.spec.unflatten(theta)
        data = (regime.X, regime.Y)
        return CurvatureJob(self, step, _hash(theta), data, trainer.model, trainer.loss_fn, params, X.copy(), Y.copy())

    def quadratic(self, trainer: Trainer, weight_decay: float) -> Quadratic:
        """A quadratic loss's eigenbasis and minimiser for the data in force now (its Hessian does not
        depend on θ): computed once per data version."""
        regime = trainer.regime_at(trainer.step_index)
        key = (trainer.val_fraction, trainer.seed, weight_decay, trainer.model.spec)
        cached = self._quadratic
        if cached is None or cached[0] is not regime.X or cached[1] is not regime.Y or cached[2] != key:
            X, Y = training_data(trainer, trainer.step_index)
            quad = quadratic_of(trainer.model, trainer.loss_fn, trainer.params, X, Y, weight_decay)
            self._quadratic = cached = (regime.X, regime.Y, key, quad)
        return cached[3]

    def note_cost(self, job: CurvatureJob, seconds: float) -> None:
        """How long `job`'s spectrum took: the estimate for the next one (`cost`)."""
        self._cost = (job.parameters, seconds / max(1, len(job.X)))

    def cost(self, job: CurvatureJob) -> float | None:
        """The seconds `job` should take, scaled from the last one measured by the number of training
        points; before any is measured for a model of this many parameters, `TINY_S` for a tiny problem
        (a spectrum remembered from a lesson's computing ahead comes without its time), else None."""
        if self._cost is None or self._cost[0] != job.parameters:
            return TINY_S if len(job.X) * job.parameters**2 <= TINY_PROBLEM else None
        return self._cost[1] * len(job.X)

    def record(self, job: CurvatureJob, spectrum: Spectrum) -> None:
        """File a computed spectrum. Only the newest keeps its eigenvectors (the eigen slice's axes);
        the others keep their eigenvalues, and those off the stride go once there are too many."""
        for step, (h, data, old) in list(self._values.items()):
            if old.vectors.size:
                self._values[step] = (h, data, Spectrum(old.values, np.zeros((0, 0)), old.complete))
        self._values[job.step] = (job.theta_hash, job.data, spectrum)
        if len(self._values) > 2 * MAX_POINTS:
            stride = self.stride(max(self._values))
            self._values = {k: v for k, v in self._values.items() if k % stride == 0 or k == job.step}

    def fill(self, trainer: Trainer, backfill: bool = True) -> None:
        """Compute every wanted spectrum now (on this thread)."""
        for step in self.wanted(trainer, backfill):
            job = self.job(trainer, step)
            self.record(job, job.compute())

    def current(self, trainer: Trainer) -> Spectrum:
        """The spectrum at the current step with its eigenvectors (the eigen slice's axes): computed now if
        it is not known, or if a newer record took its vectors (then it is remembered, in `SPECTRA`)."""
        known = self.at(trainer)
        if known is not None and (known.vectors.size or not known.values.size):
            return known
        job = self.job(trainer, trainer.step_index)
        known = SPECTRA.get(job.key)
        if known is None:
            known = job.compute()
            SPECTRA.put(job.key, known)
        self.record(job, known)
        return known

    # ------------------------------------------------------------------ keeping it true
    def sync(self, trainer: Trainer) -> None:
        """After the history was rewritten (a branch, thinning): drop values whose θ is no longer there,
        and those off the stride (except the current step's)."""
        store = trainer.history_store
        key = (store.serial, store.version)
        if key == self._store_key:
            return
        self._store_key = key
        stride = self.stride(trainer.step_index)
        self._values = {
            step: entry
            for step, entry in self._values.items()
            if (step % stride == 0 or step == trainer.step_index) and self._valid(trainer, step, entry)
        }

    def _valid(self, trainer: Trainer, step: int, entry: tuple) -> bool:
        """Whether a value still belongs to the step: the same θ there, the same data version."""
        theta = self._theta(trainer, step)
        if theta is None or _hash(theta) != entry[0]:
            return False
        regime = trainer.regime_at(step)
        return entry[1][0] is regime.X and entry[1][1] is regime.Y

    @staticmethod
    def _theta(trainer: Trainer, step: int) -> np.ndarray | None:
        """θ at a step: the current parameters, or the recorded row (None if that step is not recorded)."""
        if step == trainer.step_index:
            return trainer.spec.flatten(trainer.params)
        store = trainer.history_store
        steps = store.steps[: len(store)]
        i = int(np.searchsorted(steps, step))
        return store.params[i] if i < len(steps) and steps[i] == step else None


@dataclass(frozen=True)
class EigenErrors:
    """A quadratic run's error along each Hessian eigenvector: measured from its θ and predicted by
    its optimizer's rule, at the same steps (from the start of the settings in force now)."""

    steps: np.ndarray  # (T,)
    values: np.ndarray  # (P,) the eigenvalues (weight decay included), largest first
    measured: np.ndarray  # (T, P) vᵢᵀ(θₜ − θ*)
    predicted: np.ndarray | None  # (T, P), None where no prediction applies (then `why` says so)
    why: str


def training_data(trainer: Trainer, step: int) -> tuple[np.ndarray, np.ndarray]:
    """The points a run trained on at `step` (its held-out ones left out)."""
    regime = trainer.regime_at(step)
    rows = trainer.split(regime.X.shape[0])
    return (regime.X, regime.Y) if rows is None else (regime.X[rows[0]], regime.Y[rows[0]])


def eigen_errors(run, thinned) -> EigenErrors | None:
    """For linear regression with MSE (a quadratic loss): the errors along its eigenvectors at the
    steps of `thinned` (the run's curve rows) since its current settings began; None for other losses."""
    t = run.trainer
    if t.model.kind != "linear" or t.loss_fn.name != "mse":
        return None
    regime = t.regime_at(t.step_index)
    opt = regime.optimizer
    wd = float(opt.hyperparams.get("weight_decay", 0.0) or 0.0) if opt.name != "adamw" else 0.0
    X, Y = training_data(t, t.step_index)
    quad = run.sharpness.quadratic(t, wd)
    keep = thinned.steps >= regime.start
    steps = thinned.steps[keep]
    measured = quad.measured_errors(thinned.params[keep]) if keep.any() else np.zeros((0, len(quad.values)))
    if not len(steps):
        return EigenErrors(steps, quad.values, measured, None, "no steps yet under these settings")
    if regime.batch_size is not None and regime.batch_size < len(X):
        return EigenErrors(steps, quad.values, measured, None, "mini-batches: each step follows a sample of the loss")
    try:
        start = quad.measured_errors(t.spec.flatten(t.params_at(regime.start)))[0]
        predicted = predicted_errors(opt.name, opt.hyperparams, quad.values, start, steps - regime.start)
    except ValueError as exc:  # the adaptive optimizers
        return EigenErrors(steps, quad.values, measured, None, str(exc))
    return EigenErrors(steps, quad.values, measured, predicted, "")
