"""A long run's timeline as saved arrays, so that opening it needs no replay.

A run record (core.run_record) replays every step: 100,000 steps of a small MLP take ~10 s.
A snapshot adds what the trainer keeps of the timeline: its recorded rows (thinned to at most
4,096, what the curves and the path draw), its checkpoints (the parameters and optimizer state
every 32nd step or sparser) and the state at the last step. Restored, every step is reached by
replaying at most one checkpoint's spacing, exactly as in the run that was saved.

Arrays are stored as base64 of little-endian float64 (int64 for steps): exact, and a tenth of
the size and parse time of JSON numbers. Reading checks every length and value.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .doc_reader import Doc
from .history import Checkpoints, HistoryStore
from .limits import LIMITS, MAX_STEPS

__all__ = ["Snapshot", "MAX_SNAPSHOT_ROWS"]

MAX_SNAPSHOT_ROWS = 4096
ROW_FIELDS = ("loss", "batch_loss", "grad_norm", "metric")  # one number per row (NaN allowed: no metric)


@dataclass(frozen=True, eq=False)
class Snapshot:
    stride: int  # rows are kept at steps that are multiples of it (and the last step)
    steps: np.ndarray  # (T,) int64
    params: np.ndarray  # (T, P)
    grads: np.ndarray  # (T, P)
    values: dict[str, np.ndarray]  # ROW_FIELDS, each (T,)
    checkpoints: tuple[tuple[int, np.ndarray, dict], ...]  # (step, params (P,), state {"step", buffer: (P,)})
    end_params: np.ndarray  # (P,) at the last step
    end_state: dict  # the optimizer's raw state there

    # ------------------------------------------------------------------ from and to a trainer's timeline
    @classmethod
    def pack(
        cls, rows: HistoryStore, checkpoints: Checkpoints, spec, end_params, end_state, max_bytes: int
    ) -> Snapshot:
        """A trainer's rows thinned to half of `max_bytes` (at most MAX_SNAPSHOT_ROWS), its checkpoints thinned
        to the other half, and the parameters and raw optimizer state at its last step."""
        P = spec.size
        max_rows = int(min(MAX_SNAPSHOT_ROWS, max(2, max_bytes // 2 // (8 * (2 * P + 5)))))
        n = len(rows)
        steps = rows.steps[:n]
        stride, keep = rows.stride, np.ones(n, dtype=bool)
        while keep.sum() > max_rows:
            stride *= 2
            keep = steps % stride == 0
            keep[-1] = True
        idx = np.flatnonzero(keep)
        flat = spec.flatten
        return cls(
            stride,
            steps[idx].copy(),
            rows.params[idx].copy(),
            rows.grads[idx].copy(),
            {name: getattr(rows, name)[idx].copy() for name in ROW_FIELDS},
            tuple((s, flat(p), _flat_state(st, flat)) for s, p, st in _thinned(checkpoints.items(), max_bytes // 2)),
            flat(end_params),
            _flat_state(end_state, flat),
        )

    def unpack(self, rows: HistoryStore, checkpoints: Checkpoints, spec) -> tuple[int, dict, dict]:
        """Load the saved rows and checkpoints into a trainer's; its last step, parameters and raw state there."""
        unflat = spec.unflatten
        rows.load(self.stride, {"steps": self.steps, "params": self.params, "grads": self.grads, **self.values})
        checkpoints.load((s, unflat(p), _shaped_state(st, unflat)) for s, p, st in self.checkpoints)
        return int(self.steps[-1]), unflat(self.end_params), _shaped_state(self.end_state, unflat)

    # ------------------------------------------------------------------ to and from a document
    def to_doc(self) -> dict:
        return {
            "stride": self.stride,
            "steps": _b64(self.steps.astype("<i8")),
            "params": _b64(self.params),
            "grads": _b64(self.grads),
            **{name: _b64(self.values[name]) for name in ROW_FIELDS},
            "checkpoints": [
                {"step": step, "params": _b64(params), "state": _state_doc(state)}
                for step, params, state in self.checkpoints
            ],
            "end": {"params": _b64(self.end_params), "state": _state_doc(self.end_state)},
        }

    @classmethod
    def from_doc(cls, doc: Doc, n_params: int, buffers: Callable[[int], tuple[str, ...]], last_step: int) -> Snapshot:
        """`buffers[step]`: the optimizer buffers in force at a step (from the run's regimes)."""
        doc.obj(("stride", "steps", "params", "grads", *ROW_FIELDS, "checkpoints", "end"))
        stride = doc["stride"].integer(LIMITS["steps"])
        steps = _array(doc["steps"], np.int64)
        count = len(steps)
        if not 1 <= count <= MAX_SNAPSHOT_ROWS or np.any(np.diff(steps) <= 0) or steps[0] != 0:
            raise doc["steps"].fail(f"must rise from step 0, at most {MAX_SNAPSHOT_ROWS:,} of them")
        if steps[-1] != last_step:
            raise doc["steps"].fail(f"must end at the run's last step, {last_step:,}")
        if stride < 1:
            raise doc["stride"].fail("must be at least 1")
        params = _array(doc["params"], np.float64, (count, n_params))
        grads = _array(doc["grads"], np.float64, (count, n_params))
        values = {name: _array(doc[name], np.float64, (count,), allow_nan=name == "metric") for name in ROW_FIELDS}
        checkpoints = []
        for entry in doc["checkpoints"].elements(max_len=MAX_STEPS):
            entry.obj(("step", "params", "state"))
            step = entry["step"].integer(LIMITS["steps"])
            if step > last_step or (checkpoints and step <= checkpoints[-1][0]) or (not checkpoints and step != 0):
                raise entry["step"].fail("checkpoints must rise from step 0 to at most the last step")
            checkpoints.append(
                (
                    step,
                    _array(entry["params"], np.float64, (n_params,)),
                    _state(entry["state"], n_params, buffers(step)),
                )
            )
        if not checkpoints:
            raise doc["checkpoints"].fail("must hold at least the checkpoint at step 0")
        end = doc["end"]
        end.obj(("params", "state"))
        end_params = _array(end["params"], np.float64, (n_params,))
        end_state = _state(end["state"], n_params, buffers(last_step))
        return cls(stride, steps, params, grads, values, tuple(checkpoints), end_params, end_state)


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()).decode("ascii")


def _array(field: Doc, dtype, shape: tuple[int, ...] | None = None, allow_nan: bool = False) -> np.ndarray:
    text = field.text(max_len=200 * 2**20)
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise field.fail("must be base64 text") from None
    item = np.dtype(dtype).itemsize
    if len(raw) % item:
        raise field.fail(f"holds {len(raw)} bytes, not a whole number of {item}-byte values")
    a = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)
    if shape is not None:
        if a.size != int(np.prod(shape)):
            raise field.fail(f"holds {a.size:,} values, {int(np.prod(shape)):,} were expected")
        a = a.reshape(shape)
    if a.dtype.kind == "f":
        finite = np.isfinite(a) | (np.isnan(a) if allow_nan else False)
        if not np.all(finite):
            raise field.fail("holds a value that is not a finite number")
    return a


def _state_doc(state: dict) -> dict:
    return {k: (int(v) if k == "step" else _b64(v)) for k, v in state.items()}


def _state(doc: Doc, n_params: int, buffers: tuple[str, ...]) -> dict:
    doc.obj(("step", *buffers))
    state = {"step": doc["step"].integer(LIMITS["steps"])}
    for name in buffers:
        state[name] = _array(doc[name], np.float64, (n_params,))
    return state


def _thinned(checkpoints: list, max_bytes: int) -> list:
    """Every 2nd, 4th, … checkpoint (step 0 always) until they fit in `max_bytes`."""
    spacing = Checkpoints.EVERY
    while len(checkpoints) > 1:
        step, params, state = checkpoints[-1]
        size = 8 * sum(v.size for v in params.values()) * (len(state) or 1)
        if len(checkpoints) * size <= max_bytes:
            break
        spacing *= 2
        checkpoints = [c for c in checkpoints if c[0] % spacing == 0]
    return checkpoints


def _flat_state(state: dict, flatten) -> dict:
    return {k: (int(v) if k == "step" else flatten(v)) for k, v in state.items()}


def _shaped_state(state: dict, unflatten) -> dict:
    return {k: (int(v) if k == "step" else unflatten(v)) for k, v in state.items()}
