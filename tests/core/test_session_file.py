"""Session files: round trip, atomic writes, and a corpus of corrupt files with clear errors."""

import json

import pytest

from gradviz import core
from gradviz.core.session_file import SCHEMA_VERSION, session_to_dict


def _session(step=12):
    ds = core.generate("spiral", n_samples=30, classes=3, seed=2)
    settings = core.Settings(
        model="mlp",
        loss="ce",
        hidden=5,
        hidden_activation="relu",
        optimizer="adam",
        hyperparams={"lr": 0.05, "betas": (0.8, 0.99)},
        batch_size=10,
        seed=7,
    )
    return core.SessionData(ds, settings, step, {"slice": ["W1[0,0]", "W1[1,0]"]})


def test_round_trip(tmp_path):
    path = tmp_path / "s.json"
    data = _session()
    core.save_session(path, data)
    back = core.load_session(path)
    assert back.dataset == data.dataset
    assert back.settings == data.settings
    assert back.step == 12 and back.extra == data.extra
    # the settings rebuild the same run
    a, b = data.settings.make_trainer(data.dataset), back.settings.make_trainer(back.dataset)
    a.run(12)
    b.run(12)
    assert a.loss == b.loss


def test_write_is_atomic_and_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    core.save_session(path, _session(step=1))
    before = path.read_text()
    import gradviz.core._files as files

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(OSError):
        core.save_session(path, _session(step=2))
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def _doc(**changes):
    doc = session_to_dict(_session())
    for dotted, value in changes.items():
        target = doc
        *parents, last = dotted.split("__")
        for p in parents:
            target = target[p]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
    return json.dumps(doc)


CORRUPT = {
    "truncated": ('{"format": "gradviz-session", "version": 1, "data', "not valid JSON (line 1"),
    "not_json": ("hello", "not valid JSON"),
    "a_list": ("[1, 2, 3]", "not a gradviz session"),
    "future": (_doc(version=SCHEMA_VERSION + 1), "newer gradviz"),
    "bad_version": (_doc(version="one"), "version: must be a number"),
    "no_dataset": (_doc(dataset=KeyError), "the file has no 'dataset'"),
    "no_X": (_doc(dataset__X=KeyError), "dataset: has no 'X'"),
    "ragged_X": (_doc(dataset__X=[[1, 2], [3]]), "dataset › X › row 2: has 1 value, the rows must have 2"),
    "nan": (_doc().replace('"step": 12', '"step": NaN'), "NaN is not allowed"),
    "bad_model": (_doc(settings__model="perceptron"), "settings › model: must be one of linear"),
    "bad_lr": (_doc(settings__hyperparams={"lr": -1}), "settings: the learning rate must be between"),
    "unknown_setting": (_doc(settings__colour="red"), "settings: has no field 'colour'"),
    "mismatch": (_doc(settings__model="logistic", settings__loss="bce"), "do not fit the data"),
    "negative_step": (_doc(step=-3), "step: must be from 0 to 1,000,000, not -3"),
}


@pytest.mark.parametrize("name", sorted(CORRUPT))
def test_corrupt_session_files_raise_clear_errors(tmp_path, name):
    text, message = CORRUPT[name]
    path = tmp_path / f"{name}.json"
    path.write_text(text)
    with pytest.raises(core.SessionFileError) as info:
        core.load_session(path)
    assert isinstance(info.value, ValueError)
    assert message in str(info.value) and f"{name}.json" in str(info.value)


def test_settings_validation():
    with pytest.raises(ValueError, match="needs a softmax"):
        core.Settings(model="logistic", loss="ce")
    s = core.Settings(model="mlp", loss="bce")
    assert s.output_activation == "sigmoid" and s.is_canonical
    assert not core.Settings(model="logistic", loss="mse").is_canonical
    with pytest.raises(ValueError, match="two classes"):
        core.Settings(model="logistic", loss="bce").make_model(core.generate("spiral", classes=3, n_samples=9))
