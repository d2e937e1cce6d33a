"""The Trainer: a seeded, deterministic run of gradient descent with a timeline.

Step t holds the parameters θₜ, the loss at θₜ and the gradient gₜ on batch Bₜ; a step
applies the optimizer to gₜ and records t + 1. Everything is a pure function of the seed,
the step number and the settings in force, so `seek(k)` can go back to any earlier step
(replaying from the nearest checkpoint if that row was thinned out) and stepping on from
there reproduces the same history. Settings changed mid-run (learning rate, optimizer,
batch size, data) start a new *regime* at the current step; the run goes on from there.

Memory stays bounded: past `max_rows` recorded steps the older rows are thinned to every
2nd, 4th, … step, and full optimizer states are kept only at checkpoints.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

from .history import Checkpoints, History, HistoryStore
from .limits import LIMITS, check_batch_size, check_seed
from .losses import Loss
from .models import Forward, Workspace
from .optimizers import Optimizer, OptimizerState
from .params import DIVERGENCE_LIMIT, Params, copy_params, divergence, norm, params_allfinite
from .schedule import BatchOrder, Regime, Regimes, split_indices
from .snapshot import Snapshot

__all__ = ["Trainer", "History", "Regime", "DIVERGENCE_LIMIT", "check_batch_size", "check_seed"]

SNAPSHOT_BYTES = 24 * 2**20  # a saved timeline's arrays: what a session file may spend on them
_HISTORY_BUDGET_BYTES = 24 * 2**20  # what a long run's history may hold, however long it goes


class Trainer:
    """Gradient descent on (X, Y) with a timeline. See the module docstring."""

    def __init__(
        self,
        model,
        loss: Loss,
        optimizer: Optimizer,
        X: np.ndarray,
        Y: np.ndarray,
        *,
        batch_size: int | None = None,
        seed: int = 0,
        init_params: Mapping[str, np.ndarray] | None = None,
        max_rows: int | None = None,
        metric: Callable[[np.ndarray, np.ndarray], float] | None = None,
        workspaces: tuple[Workspace, Workspace] | None = None,
        val_fraction: float = 0.0,
    ):
        """`workspaces`: (steps', replays') scratch arrays, shared by trainers that take turns (runs
        racing on one data set): one set of N × h arrays instead of one per run. `val_fraction`:
        the share of the samples held out (`core.split_indices` with this seed); the run trains,
        and its loss and metric are measured, on the others only."""
        model.check_pair(loss)
        X, Y = model.check_data(X, Y)
        self.model = model
        self.loss_fn = loss
        self.metric_fn = metric
        self.seed = check_seed(seed)
        self.val_fraction = float(LIMITS["val_fraction"].check(val_fraction))
        self._spec = model.spec
        if init_params is not None:
            self._spec.check(init_params)
            self._init_params = copy_params(init_params)
        else:
            self._init_params = model.init(self.seed)
        P = self._spec.size
        row_bytes = 8 * (2 * P + 4)
        self._max_rows = max_rows or int(min(100_000, max(2_000, _HISTORY_BUDGET_BYTES // row_bytes)))
        self._batches = BatchOrder(self.seed)
        # the current step's forward pass lives in _ws (see `forward`); replays never overwrite it
        self._ws, self._replay_ws = workspaces if workspaces is not None else (Workspace(), Workspace())
        self._forward: Forward | None = None
        self._pending_forward: Forward | None = None
        self._start(optimizer, check_batch_size(batch_size), X, Y)

    # ------------------------------------------------------------------ state
    def _start(self, optimizer: Optimizer, batch_size: int | None, X, Y) -> None:
        self._regimes = Regimes(Regime(0, optimizer, batch_size, _frozen(X), _frozen(Y)))
        self._rows = HistoryStore(self._spec.size, self._max_rows)
        self._checkpoints = Checkpoints(limit=max(64, self._max_rows // Checkpoints.EVERY))
        self._step = 0
        self._params = copy_params(self._init_params)
        self._raw_state = optimizer.init(self._params)
        self._state = self._raw_state
        self.diverged = False
        self.divergence_message = ""
        self._checkpoints.add(0, self._params, self._raw_state)
        self._record()

    @property
    def step_index(self) -> int:
        """The current step t (what the timeline shows)."""
        return self._step

    @property
    def last_step(self) -> int:
        """The newest recorded step (larger than step_index after seeking back)."""
        return int(self._rows.steps[len(self._rows) - 1])

    @property
    def params(self) -> Params:
        """θₜ. Treat as read-only: the trainer never mutates these arrays in place."""
        return self._params

    @property
    def init_params(self) -> Params:
        return copy_params(self._init_params)

    @property
    def opt_state(self) -> OptimizerState:
        return self._state

    @property
    def grads(self) -> Params:
        return self._grads

    @property
    def loss(self) -> float:
        """Loss on the whole data set at θₜ."""
        return self._loss

    @property
    def metric(self) -> float:
        """The metric (e.g. accuracy) at θₜ, NaN without a metric function."""
        return self._metric

    @property
    def batch_loss(self) -> float:
        return self._batch_loss

    @property
    def grad_norm(self) -> float:
        return self._grad_norm

    @property
    def regime(self) -> Regime:
        return self._regime_at(self._step)

    @property
    def optimizer(self) -> Optimizer:
        return self.regime.optimizer

    @property
    def batch_size(self) -> int | None:
        return self.regime.batch_size

    @property
    def X(self) -> np.ndarray:
        return self.regime.X

    @property
    def Y(self) -> np.ndarray:
        return self.regime.Y

    @property
    def batch_indices(self) -> np.ndarray | None:
        """The samples of the current step's batch (None: the whole data set)."""
        return self._batch_at(self._step, self.regime)

    def history(self, until: int | None = None) -> History:
        """Recorded rows up to step `until` (default: everything recorded)."""
        return self._rows.view(until)

    def params_path(self, until: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(steps, flat params (T, P)) up to step `until`: the descent path."""
        rows = self._rows
        n = len(rows) if until is None else int(np.searchsorted(rows.steps[: len(rows)], until, side="right"))
        return rows.steps[:n].copy(), rows.params[:n].copy()

    @property
    def history_store(self) -> HistoryStore:
        """The recorded rows themselves (read them, never write): for readers that keep up incrementally."""
        return self._rows

    # ------------------------------------------------------------------ regimes
    @property
    def regimes(self) -> tuple[Regime, ...]:
        """What was in force from which step on (the first starts at 0); see core.run_record."""
        return self._regimes.all

    @property
    def latest(self) -> Regime:
        """What the next new step trains with (the controls show it), even when scrubbed back past a change."""
        return self._regimes.latest

    def regime_at(self, step: int) -> Regime:
        """What was in force at `step` (its optimizer, η, batch size, data)."""
        return self._regimes.at(int(step))

    def _regime_at(self, step: int) -> Regime:
        return self._regimes.at(step)

    def _new_regime(self, **changes) -> None:
        """Settings change at the current step: the future recorded so far no longer applies."""
        self._discard_future()
        self._regimes.begin(self._step, **changes)

    def _discard_future(self) -> None:
        """Before a new branch from a scrubbed step: drop what was recorded after it.

        The branch trains with the latest settings (what the controls show), not with the
        ones that were in force at the scrubbed step.
        """
        t = self._step
        if self.last_step <= t:
            return
        latest = self._regimes.latest
        self._rows.truncate_after(t)
        self._checkpoints.truncate_after(t)
        self._regimes.truncate_after(t)
        if not self._regimes.at(t).same_settings(latest):
            self._regimes.begin(t, optimizer=latest.optimizer, batch_size=latest.batch_size, X=latest.X, Y=latest.Y)
            self._state = latest.optimizer.adopt(self._raw_state, self._params)
            self._record()

    def set_optimizer(self, optimizer: Optimizer) -> None:
        """Change optimizer or hyper-parameters from the current step on; no reset."""
        self._new_regime(optimizer=optimizer)
        self._state = optimizer.adopt(self._raw_state, self._params)
        self.diverged = False

    def set_learning_rate(self, lr: float) -> None:
        self.set_optimizer(self.optimizer.replace(lr=lr))

    def set_batch_size(self, batch_size: int | None) -> None:
        """Full batch (None), mini-batches or single samples (1), from the current step on."""
        batch_size = check_batch_size(batch_size)
        self._new_regime(batch_size=batch_size)
        self.diverged = False
        self._record()

    def set_data(self, X: np.ndarray, Y: np.ndarray) -> None:
        """Train on edited data from the current step on (same d and k); no reset."""
        X, Y = self.model.check_data(X, Y)
        self._new_regime(X=_frozen(X), Y=_frozen(Y))
        self.diverged = False
        self._record()

    def reset(self, seed: int | None = None, init_params: Mapping[str, np.ndarray] | None = None) -> None:
        """Back to step 0 and the same initialisation (or a new seed's, or given start parameters).

        The new run trains with the latest settings and data (what the controls show), even when
        the timeline was scrubbed back to before they changed.
        """
        current = self._regimes.latest
        if seed is not None:
            self.seed = check_seed(seed)
            self._init_params = self.model.init(self.seed)
        if init_params is not None:
            self.check_start(init_params)
            self._init_params = copy_params(init_params)
        self._batches = BatchOrder(self.seed)
        self._start(current.optimizer, current.batch_size, current.X, current.Y)

    def check_start(self, init_params: Mapping[str, np.ndarray]) -> None:
        """ValueError unless a run can start at `init_params` (shapes, finite, a finite loss and gradient)."""
        self._spec.check(init_params)
        if not all(np.all(np.isfinite(v)) for v in init_params.values()):
            raise ValueError("start parameters must be finite")
        current = self._regimes.latest
        with np.errstate(all="ignore"):
            start = self.model.evaluate(init_params, current.X, current.Y, self.loss_fn, ws=self._replay_ws)
        if not (math.isfinite(start.loss) and params_allfinite(start.grads)):
            size = norm(self._spec.flatten(init_params))
            raise ValueError(
                f"the loss or its gradient overflows at that point (‖θ‖ = {size:.3g}); start nearer the run"
            )

    # ------------------------------------------------------------------ stepping
    def split(self, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(training rows, validation rows) of n samples; None without a split."""
        return split_indices(n, self.val_fraction, self.seed) if self.val_fraction else None

    def _batch_at(self, step: int, regime: Regime) -> np.ndarray | None:
        split = self.split(regime.X.shape[0])
        if split is None:
            return self._batches.at(step, regime.X.shape[0], regime.batch_size)
        rows = split[0]  # batches come from the training rows only
        idx = self._batches.at(step, rows.size, regime.batch_size)
        return rows if idx is None else rows[idx]

    def _evaluate(self, step: int, params: Params, regime: Regime, full_loss: bool = True):
        """(loss on all data, batch loss, batch gradient, metric on all data) at `step`.

        With full_loss the forward pass over all data is kept in the trainer's own workspace:
        `forward` hands it to whoever draws the step, so nobody computes it twice.
        """
        with np.errstate(all="ignore"):  # near divergence, or on data up to ±1e100: the callers check finiteness
            return self._evaluate_on(step, params, regime, full_loss)

    def _evaluate_on(self, step: int, params: Params, regime: Regime, full_loss: bool):
        idx = self._batch_at(step, regime)
        model, loss = self.model, self.loss_fn
        ws = self._ws if full_loss else self._replay_ws
        if full_loss:
            ws.owner = self
        metric = self.metric_fn if full_loss else None
        if idx is None:
            full = model.evaluate(params, regime.X, regime.Y, loss, metric=metric, ws=ws)
            self._pending_forward = full.forward if full_loss else None
            return full.loss, full.loss, full.grads, full.metric
        batch = model.evaluate(params, regime.X[idx], regime.Y[idx], loss, ws=ws)
        if not full_loss:
            return math.nan, batch.loss, batch.grads, math.nan
        split = self.split(regime.X.shape[0])
        full = model.evaluate(params, regime.X, regime.Y, loss, grad=False, metric=None if split else metric, ws=ws)
        self._pending_forward = full.forward  # over every sample: the views draw the held-out ones too
        if split is None:
            return full.loss, batch.loss, batch.grads, full.metric
        rows = split[0]  # the run's loss and metric are the training samples'
        fwd = full.forward
        terms = loss.sample_terms_t(fwd.Zt, fwd.Pt, fwd.lse, regime.Y.T)
        train_metric = math.nan if metric is None else metric(fwd.P[rows], regime.Y[rows])
        return float(terms[rows].mean()), batch.loss, batch.grads, train_metric

    @property
    def forward(self) -> Forward | None:
        """The forward pass over all of the latest data at the current step's parameters.

        Its arrays are shared: read them, never write them; they are valid until the trainer
        moves. None where no such pass is at hand (a refused step, or a step scrubbed back to
        before the data were edited, when the step's own data are the older ones).
        """
        current, latest = self._regime_at(self._step), self._regimes.latest
        if current.X is not latest.X or current.Y is not latest.Y or self._ws.owner is not self:
            return None  # (owner: another trainer sharing the workspace has evaluated since)
        return self._forward

    def _record(self) -> None:
        regime = self._regime_at(self._step)
        self._loss, self._batch_loss, self._grads, self._metric = self._evaluate(self._step, self._params, regime)
        self._forward = self._pending_forward
        self._store(self._step, self._params)

    def _store(self, t: int, params: Params) -> None:
        g = self._spec.flatten(self._grads)
        self._grad_norm = norm(g)
        self._rows.put(t, self._spec.flatten(params), g, self._loss, self._batch_loss, self._grad_norm, self._metric)

    def step(self) -> bool:
        """One optimizer step. False (and `diverged` set) if it would leave finite numbers."""
        self._discard_future()
        regime = self._regime_at(self._step)
        new_params, raw_state = regime.optimizer.step(self._params, self._grads, self._state)
        t = self._step + 1
        next_regime = self._regime_at(t)
        problem = divergence(new_params)
        if problem is None:
            loss, batch_loss, grads, metric = self._evaluate(t, new_params, next_regime)
            if not (math.isfinite(loss) and math.isfinite(batch_loss)) or not params_allfinite(grads):
                problem = "the loss or its gradient overflowed"
        if problem is not None:
            self._forward = None  # the workspace now holds the step that was refused
            self.diverged = True
            self.divergence_message = (
                f"Training diverged at step {t} ({problem}) with learning rate {regime.optimizer.lr:g}; "
                f"kept step {self._step}. Try a smaller learning rate."
            )
            return False
        self._step = t
        self._params = new_params
        self._raw_state = raw_state
        self._state = raw_state
        self._loss, self._batch_loss, self._grads, self._metric = loss, batch_loss, grads, metric
        self._forward = self._pending_forward
        self._store(t, new_params)
        self._checkpoints.add(t, new_params, raw_state)
        return True

    def run(self, n_steps: int) -> int:
        """Up to n steps; stops early on divergence. Returns how many were taken."""
        done = 0
        for _ in range(int(n_steps)):
            if not self.step():
                break
            done += 1
        return done

    def _branch(self) -> Regime:
        """The regime the next step uses: the current one, or, scrubbed back to before a change of
        settings or data, the latest (the run branches with what the controls show)."""
        t = self._step
        here, latest = self._regimes.at(t), self._regimes.latest
        if self.last_step > t and not here.same_settings(latest):
            return Regime(t, latest.optimizer, latest.batch_size, latest.X, latest.Y)
        return here

    @property
    def next_batch_indices(self) -> np.ndarray | None:
        """The samples of the batch the next step uses (None: all of them), in the latest data."""
        return self._batch_at(self._step, self._branch())

    def next_grads(self) -> Params:
        """The gradient the next step uses: gₜ, or on a branch, the gradient at θₜ with the latest settings."""
        branch = self._branch()
        if branch is self._regimes.at(self._step):
            return self._grads
        return self._evaluate(self._step, self._params, branch, full_loss=False)[2]

    def next_update(self) -> Params:
        """Δθ the next step will apply (differs from −lr·g for momentum, Adam, …).

        Exactly what `step` does: scrubbed back to before a change of settings, the next step
        branches with the latest settings (their optimizer, state and batch), not the old ones.
        """
        optimizer, params, grads, state = self.next_step_inputs()
        return optimizer.update(params, grads, state)

    def next_step_inputs(self) -> tuple[Optimizer, Params, Params, OptimizerState]:
        """(optimizer, θ, gradient, optimizer state) of the next step, as `step` will take it (for
        `core.step_parts`: what the optimizer makes of the gradient, in parts)."""
        branch = self._branch()
        if branch is self._regimes.at(self._step):
            return self.optimizer, self._params, self._grads, self._state
        state = branch.optimizer.adopt(self._raw_state, self._params)
        return branch.optimizer, self._params, self.next_grads(), state

    # ------------------------------------------------------------------ saving the timeline
    def snapshot(self, max_bytes: int = SNAPSHOT_BYTES) -> Snapshot:
        """The timeline as arrays to save (core.snapshot), in about `max_bytes`, with the state at the last step."""
        end = (self._params, self._raw_state) if self._step == self.last_step else self._replay_to(self.last_step)
        return Snapshot.pack(self._rows, self._checkpoints, self._spec, *end, max_bytes)

    def restore(self, snapshot: Snapshot, regimes: list[Regime]) -> None:
        """Take over a saved timeline with its regimes, at its last step (no replay)."""
        self._regimes = Regimes(regimes[0])
        for regime in regimes[1:]:
            self._regimes.begin(
                regime.start, optimizer=regime.optimizer, batch_size=regime.batch_size, X=regime.X, Y=regime.Y
            )
        self._step, self._params, self._raw_state = snapshot.unpack(self._rows, self._checkpoints, self._spec)
        regime = self._regime_at(self._step)
        adopt = regime.start == self._step
        self._state = regime.optimizer.adopt(self._raw_state, self._params) if adopt else self._raw_state
        self.diverged = False
        self._record()

    # ------------------------------------------------------------------ timeline
    def seek(self, k: int) -> None:
        """Make step k current (0 ≤ k ≤ last_step); later history stays until the next step."""
        k = int(k)
        if not 0 <= k <= self.last_step:
            raise ValueError(f"cannot seek to step {k}: steps 0 to {self.last_step} exist")
        self._params, self._raw_state = self._replay_to(k)
        self._step = k
        regime = self._regime_at(k)
        self._state = regime.optimizer.adopt(self._raw_state, self._params) if regime.start == k else self._raw_state
        self._loss, self._batch_loss, self._grads, self._metric = self._evaluate(k, self._params, regime)
        self._forward = self._pending_forward
        self._grad_norm = norm(self._spec.flatten(self._grads))
        self.diverged = False

    @property
    def workspaces(self) -> tuple[Workspace, Workspace]:
        """The (steps', replays') scratch arrays it computes in (shared by runs that take turns)."""
        return self._ws, self._replay_ws

    @property
    def checkpoint_steps(self) -> tuple[int, ...]:
        """The steps whose parameters and optimizer state are kept: a seek replays from the nearest before it."""
        return tuple(step for step, _, _ in self._checkpoints.items())

    @property
    def spec(self):
        return self._spec

    def replayed_params(self, k: int) -> Params:
        """θₖ replayed from the checkpoint before it (never read from the rows): a check of the checkpoints."""
        return self._replay_to(int(k))[0]

    def params_at(self, k: int) -> Params:
        """θₖ for any recorded step, replayed if its row was thinned out."""
        i = self._rows.find(int(k))
        if i is not None:
            return self._spec.unflatten(self._rows.params[i])
        if not 0 <= k <= self.last_step:
            raise ValueError(f"step {k} has not been computed (last step {self.last_step})")
        return self._replay_to(int(k))[0]

    def _replay_to(self, k: int) -> tuple[Params, OptimizerState]:
        c, params, raw = self._checkpoints.nearest(k)
        for s in range(c, k):
            regime = self._regime_at(s)
            state = regime.optimizer.adopt(raw, params) if regime.start == s else raw
            _, _, grads, _ = self._evaluate(s, params, regime, full_loss=False)
            params, raw = regime.optimizer.step(params, grads, state)
        return params, raw


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float, copy=True)
    a.setflags(write=False)
    return a
