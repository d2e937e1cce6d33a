"""A long run saved with its timeline opens without a replay, exactly, and a doctored one is refused."""

import base64
import json

import numpy as np
import pytest

from gradviz import core
from gradviz.core.doc_reader import Doc, DocError, parse_json
from gradviz.core.run_record import RunRecord, RunReplay, record_run


def _long_run(steps=3000):
    data = core.generate("blobs", n_samples=80, noise=1.0, classes=3, seed=1)
    settings = core.Settings(model="softmax", loss="ce", optimizer="momentum", hyperparams={"lr": 0.05}, seed=2)
    trainer = settings.make_trainer(data)
    trainer.run(steps // 2)
    trainer.set_learning_rate(0.02)
    trainer.set_batch_size(16)
    trainer.run(steps - steps // 2)
    model = settings.make_model(data)
    current = (data.X, data.encode_targets(model.n_outputs))
    return trainer, model, settings, current


def _through_a_file(record, model, current):
    text = json.dumps(record.to_doc(current))
    return RunRecord.from_doc(Doc(parse_json(text), "run"), model.spec, current, core.MAX_STEPS)


def test_a_long_run_opens_from_its_timeline_bit_for_bit():
    trainer, model, settings, current = _long_run()
    record = record_run(trainer, snapshot_from=1000)
    assert record.snapshot is not None
    replay = RunReplay(_through_a_file(record, model, current), model, settings.make_loss(), trainer.metric_fn)
    assert replay.done and replay.advance() is None  # nothing to replay
    restored = replay.trainer
    assert restored.last_step == trainer.last_step == restored.step_index
    for k in [*range(0, 3001, 97), 1499, 1500, 1501, 2999, 3000]:
        trainer.seek(k)
        restored.seek(k)
        for name in trainer.params:
            assert np.array_equal(trainer.params[name], restored.params[name]), (k, name)
        assert trainer.loss == restored.loss, k
    restored.run(25)  # and it trains on exactly as the original would
    trainer.seek(3000)
    trainer.run(25)
    for name in trainer.params:
        assert np.array_equal(trainer.params[name], restored.params[name])


def test_a_doctored_timeline_is_refused():
    trainer, model, settings, current = _long_run(2048)
    doc = record_run(trainer, snapshot_from=1000).to_doc(current)
    end = np.frombuffer(base64.b64decode(doc["snapshot"]["end"]["params"]), dtype="<f8").copy()
    end[0] += 1e-9
    doc["snapshot"]["end"]["params"] = base64.b64encode(end.tobytes()).decode()
    record = RunRecord.from_doc(Doc(parse_json(json.dumps(doc)), "run"), model.spec, current, core.MAX_STEPS)
    with pytest.raises(ValueError, match="does not match the run's record"):
        RunReplay(record, model, settings.make_loss(), trainer.metric_fn)


@pytest.mark.parametrize(
    "where,value,message",
    [
        ("params", "AAAA", "run › snapshot › params: holds 3 bytes"),
        ("steps", "not base64!", "run › snapshot › steps: must be base64 text"),
        ("stride", 0, "run › snapshot › stride: must be at least 1"),
    ],
)
def test_a_broken_timeline_names_its_field(where, value, message):
    trainer, model, settings, current = _long_run(2048)
    doc = record_run(trainer, snapshot_from=1000).to_doc(current)
    doc["snapshot"][where] = value
    with pytest.raises(DocError) as info:
        RunRecord.from_doc(Doc(parse_json(json.dumps(doc)), "run"), model.spec, current, core.MAX_STEPS)
    assert str(info.value).startswith(message)


def test_the_timeline_of_a_big_model_stays_within_its_budget():
    data = core.generate("spiral", n_samples=200, noise=0.2, classes=9, seed=0)
    settings = core.Settings(model="mlp", loss="ce", hidden=256, optimizer="adam", hyperparams={"lr": 0.01})
    trainer = settings.make_trainer(data)
    trainer.run(2100)
    snapshot = trainer.snapshot(max_bytes=4 * 2**20)
    size = sum(a.nbytes for a in (snapshot.params, snapshot.grads, *snapshot.values.values()))
    size += sum(p.nbytes + sum(v.nbytes for k, v in s.items() if k != "step") for _, p, s in snapshot.checkpoints)
    assert size <= 4.5 * 2**20
    assert snapshot.checkpoints[0][0] == 0 and snapshot.steps[-1] == 2100
