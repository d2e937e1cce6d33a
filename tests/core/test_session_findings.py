"""Every way a session file was found to escape as a traceback or a message in Python's words now
gets one sentence that names the file and the field, and nothing else escapes."""

import json
import os
import signal

import pytest

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state import Session


@pytest.fixture
def saved(tmp_path):
    s = Session()
    s.apply_session(load_preset("logistic-blobs"))
    s.step(5)
    path = tmp_path / "good.gradviz.json"
    assert s.save(path)
    return json.loads(path.read_text())


def _write(tmp_path, name, doc, raw=None):
    """The document with the placeholder "@@" replaced by raw text (a number JSON cannot say otherwise)."""
    text = json.dumps(doc)
    if raw is not None:
        text = text.replace('"@@"', raw)
    path = tmp_path / f"{name}.json"
    path.write_text(text)
    return path


def _set(doc, dotted, value):
    target = doc
    *parents, last = dotted.split(".")
    for key in parents:
        target = target[key]
    target[last] = value
    return doc


def _error(path) -> str:
    with pytest.raises(core.SessionFileError) as info:
        core.load_session(path)
    return str(info.value)


@pytest.mark.parametrize(
    "field,expected",
    [
        ("dataset.n_classes", "dataset › n_classes: must be a whole number, from 2 to 9, not 1e400"),
        ("settings.batch_size", "settings › batch_size: must be a whole number, from 1 to 200,000, not 1e400"),
        ("settings.seed", "settings › seed: must be a whole number, from 0 to 2,147,483,647, not 1e400"),
        ("step", "step: must be a whole number, from 0 to 1,000,000, not 1e400"),
        ("run.seed", "run › seed: must be a whole number"),
        ("run.last_step", "run › last_step: must be a whole number"),
    ],
)
def test_1e400_in_a_whole_number_field_names_the_field(tmp_path, saved, field, expected):
    path = _write(tmp_path, "inf", _set(saved, field, "@@"), raw="1e400")
    assert _error(path).startswith(f"inf.json: {expected}")


def test_1e400_in_the_slice_seed_skips_the_slice_and_keeps_the_data(tmp_path, saved):
    path = _write(tmp_path, "slice", _set(saved, "extra.slice.seed", "@@"), raw="1e400")
    s = Session()
    notes = []
    s.subscribe(lambda change: notes.extend(n.text for n in change.notes))
    assert s.load(path) is not None
    assert s.source_dataset.n_samples == len(saved["dataset"]["X"])
    assert any("slice was skipped" in n and "1e400" in n for n in notes), notes


def test_json_nested_thousands_deep_is_refused_before_parsing(tmp_path, saved):
    _set(saved, "extra.deep", "@@")
    path = _write(tmp_path, "deep", saved, raw="[" * 5000 + "]" * 5000)
    assert _error(path) == "deep.json: the file is nested 5,002 levels deep (a gradviz file needs at most 64)"


def test_a_number_with_thousands_of_digits_is_refused(tmp_path, saved):
    path = _write(tmp_path, "digits", _set(saved, "step", "@@"), raw="9" * 5000)
    assert _error(path) == "digits.json: the file holds a number with 5,000 digits"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="POSIX devices")
def test_a_device_is_refused_without_reading_it():
    assert _error("/dev/zero") == "zero: cannot be opened: it is not a regular file (a device, a pipe or a socket)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX named pipes")
def test_a_named_pipe_is_refused_at_once(tmp_path):
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    signal.alarm(10)  # before the fix this waited for a writer for good
    try:
        assert "not a regular file" in _error(pipe)
    finally:
        signal.alarm(0)


def test_a_folder_is_refused(tmp_path):
    assert _error(tmp_path) == f"{tmp_path.name}: cannot be opened: it is a folder"


@pytest.mark.parametrize(
    "field,value,expected",
    [
        ("dataset.class_names", 5, "dataset › class_names: must be a list […], not the number 5"),
        ("settings.hyperparams", [1, 2], "settings › hyperparams: must be an object {…}, not a list of 2"),
        ("settings.batch_size", "full", "settings › batch_size: must be a whole number, or null for the full batch"),
        ("dataset.X", "abc", 'dataset › X: must be a list of rows, not the text "abc"'),
        ("dataset.recipe", [1], "dataset › recipe: must be an object {…}, not a list of 1"),
        ("settings.hidden", "8", 'settings › hidden: must be a number, not the text "8"'),
        ("dataset.targets", [[1]], "dataset › targets: must hold 60 numbers, it holds 1"),
        ("extra", [1], "extra: must be an object {…}, not a list of 1"),
    ],
)
def test_wrong_kinds_are_said_in_the_users_words(tmp_path, saved, field, value, expected):
    path = _write(tmp_path, "kind", _set(saved, field, value))
    message = _error(path)
    assert message.startswith(f"kind.json: {expected}"), message
    for python_words in (
        "object is not iterable",
        "dictionary update sequence",
        "invalid literal",
        "could not convert",
    ):
        assert python_words not in message


def test_a_190000_point_session_opens_with_its_size(tmp_path):
    data = core.generate("moons", n_samples=190_000, noise=0.1, seed=0)
    path = tmp_path / "big.gradviz.json"
    core.save_session(path, core.SessionData(data, core.Settings(model="logistic", loss="bce")))
    s = Session()
    assert s.load(path) is not None and s.source_dataset.n_samples == 190_000
    assert core.LIMITS["n_samples"].high >= 190_000  # the controls read their range from here


def test_a_large_data_set_read_at_once_still_names_a_bad_entry_by_its_row(tmp_path, saved):
    """Rows are checked all at once where every entry is a number; where one is not, the message still
    names its row and entry (the rows are then read one by one)."""
    X = [[0.5, -0.5]] * 3000
    X[2345] = [0.5, True]
    saved["dataset"]["X"] = X
    path = _write(tmp_path, "rows", saved)
    assert _error(path) == "rows.json: dataset › X › row 2346 › entry 2: must be a number, not true/false"


@pytest.mark.parametrize(
    "text,parsed",
    [
        ('{"x": [1.5, -2e-3, 7, 1E+99], "s": "e999 in words"}', {"x": [1.5, -2e-3, 7, 1e99], "s": "e999 in words"}),
        ("[" + "9" * 40 + "]", [int("9" * 40)]),
        ("[1.5e-400, 2]", [0.0, 2]),  # too small for a float: 0, as written
    ],
)
def test_numbers_read_alike_on_the_fast_path_and_the_careful_one(text, parsed):
    from gradviz.core.doc_reader import parse_json

    assert parse_json(text, as_written=False) == parsed == parse_json(text)


def test_an_integer_past_forty_digits_is_refused_with_its_length():
    from gradviz.core.doc_reader import DocError, parse_json

    with pytest.raises(DocError, match="41 digits"):
        parse_json("[" + "9" * 41 + "]", as_written=False)
