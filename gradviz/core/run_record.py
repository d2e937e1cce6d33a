"""What a run's timeline is made of, small enough to save: where it started and what was in force
from each step on. Replayed, it gives back every step of the run bit for bit.

A run is a pure function of its start parameters, its seed and its *regimes*: the optimizer
(with its hyper-parameters), the batch size and the data in force from a step on. A learning
rate changed at step 10, a point added at step 10, a run started from a clicked point: each is
part of the record. Saving the last settings and replaying the whole run with them, as version 1
session files did, gave back a different run whenever something changed on the way.

    record = record_run(trainer)             # what to save
    replay = RunReplay(record, model, loss)  # later: advance() until None, then replay.trainer
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from .doc_reader import Doc
from .limits import LIMITS
from .optimizers import OPTIMIZERS, Optimizer
from .params import Params, copy_params
from .schedule import Regime
from .snapshot import Snapshot
from .trainer import SNAPSHOT_BYTES, Trainer

__all__ = ["RegimeRecord", "RunRecord", "RunReplay", "read_hyperparams", "record_run"]


@dataclass(frozen=True)
class RegimeRecord:
    """From step `start` on: this optimizer, this batch size, and data version `data`."""

    start: int
    optimizer: Optimizer
    batch_size: int | None
    data: int


@dataclass(frozen=True, eq=False)
class RunRecord:
    init_params: Params
    seed: int
    last_step: int
    regimes: tuple[RegimeRecord, ...]
    data: tuple[tuple[np.ndarray, np.ndarray], ...]  # (X, Y) of every data version, oldest first
    snapshot: Snapshot | None = None  # the saved timeline of a long run: opening it needs no replay

    # ------------------------------------------------------------------ to and from a document
    def to_doc(self, current: tuple[np.ndarray, np.ndarray]) -> dict:
        """The record as JSON-ready values. The newest data version, when it is the session's current
        data (`current`, saved beside the record), is written as null rather than twice."""
        versions = list(self.data)
        shared = len(versions) - 1 if versions and _same(versions[-1], current) else None
        return {
            "init_params": {k: np.asarray(v).tolist() for k, v in self.init_params.items()},
            "seed": self.seed,
            "last_step": self.last_step,
            "regimes": [
                {
                    "start": r.start,
                    "optimizer": r.optimizer.name,
                    "hyperparams": _jsonable(r.optimizer.hyperparams),
                    "batch_size": r.batch_size,
                    "data": None if r.data == shared else r.data,
                }
                for r in self.regimes
            ],
            "data": [None if i == shared else {"X": X.tolist(), "Y": Y.tolist()} for i, (X, Y) in enumerate(versions)],
            **({"snapshot": self.snapshot.to_doc()} if self.snapshot is not None else {}),
        }

    @classmethod
    def from_doc(cls, doc: Doc, spec, current: tuple[np.ndarray, np.ndarray], max_step: int) -> RunRecord:
        """Read a record, checking everything against the model (`spec`) and the current data."""
        doc.obj(("init_params", "seed", "last_step", "regimes", "data", "snapshot"))
        init = doc["init_params"]
        init.obj(spec.keys)
        params = {}
        for name, shape in spec.shapes:
            field = init[name]
            values = field.matrix(cols=shape[1]) if len(shape) == 2 else field.vector(length=shape[0])
            if values.shape != shape:
                raise field.fail(
                    f"must have the shape {' × '.join(map(str, shape))}, not {' × '.join(map(str, values.shape))}"
                )
            params[name] = values
        seed = doc["seed"].integer(LIMITS["seed"])
        last_step = doc["last_step"].integer(LIMITS["steps"])
        if last_step > max_step:
            raise doc["last_step"].fail(f"must be at most {max_step:,}")
        n_features, n_outputs = current[0].shape[1], current[1].shape[1]
        versions = []
        for entry in doc["data"].elements(max_len=10_000):
            if entry.is_null():
                versions.append(current)
                continue
            entry.obj(("X", "Y"))
            X = entry["X"].matrix(cols=n_features)
            Y = entry["Y"].matrix(cols=n_outputs)
            if len(X) == 0 or len(X) != len(Y) or len(X) > LIMITS["n_samples"].high:
                raise entry.fail("must hold X and Y with the same number of rows, at least one")
            versions.append((X, Y))
        if not versions:
            versions.append(current)
        regimes = []
        for field in doc["regimes"].elements(max_len=100_000):
            field.obj(("start", "optimizer", "hyperparams", "batch_size", "data"))
            start = field["start"].integer(LIMITS["steps"])
            expected = "0" if not regimes else f"after step {regimes[-1].start} and at most {last_step:,}"
            if (not regimes and start != 0) or (regimes and not regimes[-1].start < start <= last_step):
                raise field["start"].fail(f"must be {expected}, not {start}")
            name = field["optimizer"].text(OPTIMIZERS)
            hyper = read_hyperparams(field["hyperparams"])
            try:
                optimizer = Optimizer(name, hyper)
            except ValueError as exc:
                raise field["hyperparams"].fail(str(exc)) from None
            batch = field["batch_size"]
            batch_size = None if batch.is_null() else batch.integer(LIMITS["batch_size"])
            data = field.get("data")
            index = len(versions) - 1 if data.is_null() else data.integer(LIMITS["steps"])
            if index >= len(versions):
                raise data.fail(f"names data version {index}, the file has {len(versions)}")
            regimes.append(RegimeRecord(start, optimizer, batch_size, index))
        if not regimes:
            raise doc["regimes"].fail("must hold at least the regime that starts at step 0")
        snapshot = None
        if "snapshot" in doc:

            def buffers(step: int) -> tuple[str, ...]:
                return next(r for r in reversed(regimes) if r.start <= step).optimizer.buffers()

            snapshot = Snapshot.from_doc(doc["snapshot"], spec.size, buffers, last_step)
        return cls(params, seed, last_step, tuple(regimes), tuple(versions), snapshot)


def _same(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> bool:
    return all(x is y or (x.shape == y.shape and np.array_equal(x, y)) for x, y in zip(a, b, strict=True))


def _jsonable(hyper) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in hyper.items()}


def read_hyperparams(doc: Doc) -> dict:
    """Hyper-parameters as written: numbers, true/false (centered, nesterov), the pair of betas."""
    out = {}
    for name, field in doc.items():
        if isinstance(field.value, list):
            out[name] = tuple(field.vector(length=2).tolist())
        elif isinstance(field.value, bool):
            out[name] = field.value
        else:
            out[name] = field.real()
    return out


SNAPSHOT_FROM = 2_000  # runs this long are saved with their timeline: replaying takes a second or more


def record_run(trainer: Trainer, snapshot_from: int = SNAPSHOT_FROM, max_bytes: int = SNAPSHOT_BYTES) -> RunRecord:
    """The record of a trainer's timeline, up to its last recorded step (with a snapshot of the
    timeline, within `max_bytes`, from `snapshot_from` steps on)."""
    versions: list[tuple[np.ndarray, np.ndarray]] = []
    regimes = []
    for regime in trainer.regimes:
        index = next((i for i, (X, Y) in enumerate(versions) if X is regime.X and Y is regime.Y), None)
        if index is None:
            versions.append((regime.X, regime.Y))
            index = len(versions) - 1
        regimes.append(RegimeRecord(regime.start, regime.optimizer, regime.batch_size, index))
    snapshot = trainer.snapshot(max_bytes) if trainer.last_step >= snapshot_from else None
    return RunRecord(trainer.init_params, trainer.seed, trainer.last_step, tuple(regimes), tuple(versions), snapshot)


class RunReplay:
    """A trainer rebuilt from a record, a slice of steps at a time (see `advance`)."""

    def __init__(self, record: RunRecord, model, loss, metric=None, workspaces=None, val_fraction: float = 0.0):
        self.record = record
        first = record.regimes[0]
        X, Y = record.data[first.data]
        self.trainer = Trainer(
            model,
            loss,
            first.optimizer,
            X,
            Y,
            batch_size=first.batch_size,
            seed=record.seed,
            init_params=copy_params(record.init_params),
            metric=metric,
            workspaces=workspaces,
            val_fraction=val_fraction,
        )
        self._next = 1  # the next regime to apply
        if record.snapshot is not None:
            self._restore(record.snapshot)

    @property
    def done(self) -> bool:
        t = self.trainer
        return self._next >= len(self.record.regimes) and (t.step_index >= self.record.last_step or t.diverged)

    def advance(self, seconds: float = math.inf) -> float | None:
        """Re-run steps for about `seconds`; the fraction done, or None when the run is whole again."""
        t = self.trainer
        regimes = self.record.regimes
        deadline = time.perf_counter() + seconds
        while not self.done:
            while self._next < len(regimes) and regimes[self._next].start == t.step_index:
                self._apply(regimes[self._next - 1], regimes[self._next])
                self._next += 1
            if t.step_index >= self.record.last_step or t.diverged or not t.step():
                if self._next < len(regimes):  # diverged before a later regime: the record cannot be met
                    self._next = len(regimes)
                break
            if time.perf_counter() >= deadline:
                break
        if self.done:
            return None
        return t.step_index / max(1, self.record.last_step)

    def _restore(self, snapshot: Snapshot) -> None:
        """The saved timeline instead of a replay, checked against the record: the last step replayed
        from the checkpoint before it must give the saved last step, bit for bit."""
        t = self.trainer
        frozen = {self.record.regimes[0].data: (t.X, t.Y)}
        regimes = []
        for r in self.record.regimes:
            if r.data not in frozen:
                frozen[r.data] = tuple(_read_only(a) for a in self.record.data[r.data])
            regimes.append(Regime(r.start, r.optimizer, r.batch_size, *frozen[r.data]))
        t.restore(snapshot, regimes)
        if not np.array_equal(t.spec.flatten(t.replayed_params(self.record.last_step)), snapshot.end_params):
            raise ValueError("its saved timeline does not match the run's record (the file was changed)")
        self._next = len(self.record.regimes)

    def _apply(self, before: RegimeRecord, regime: RegimeRecord) -> None:
        """What a user did at this step, in calls to the trainer: data first (it re-evaluates the
        step), then the batch size, then the optimizer (its state adopted as the change did)."""
        t = self.trainer
        if regime.data != before.data:  # a new copy per change, as the edit made one
            t.set_data(*self.record.data[regime.data])
        if regime.batch_size != before.batch_size:
            t.set_batch_size(regime.batch_size)
        if regime.optimizer != before.optimizer:
            t.set_optimizer(regime.optimizer)


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float, copy=True)
    a.setflags(write=False)
    return a
