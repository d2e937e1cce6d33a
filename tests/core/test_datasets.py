"""Data sets: generators, target encodings, pure point edits, CSV round trips and a malformed-file corpus."""

import numpy as np
import pytest

from gradviz import core


@pytest.mark.parametrize("name", sorted(core.GENERATORS))
def test_generators_are_seeded_and_sized(name):
    a = core.generate(name, n_samples=60, seed=1)
    b = core.generate(name, n_samples=60, seed=1)
    c = core.generate(name, n_samples=60, seed=2)
    assert a == b and a != c
    assert a.n_samples == 60
    assert a.n_features == (1 if name == "line" else 2)
    assert a.is_classification == (name != "line")
    if a.is_classification:
        assert len(np.unique(a.labels)) == a.n_classes


def test_blobs_and_spiral_take_a_class_count():
    assert core.generate("blobs", classes=4, n_samples=40).n_classes == 4
    assert core.generate("spiral", classes=5, n_samples=50).task == "multiclass"
    with pytest.raises(ValueError):
        core.generate("blobs", classes=12)
    with pytest.raises(ValueError, match="unknown data set"):
        core.generate("swissroll")
    with pytest.raises(ValueError):
        core.generate("moons", n_samples=0)


def test_target_encodings():
    ds = core.generate("spiral", n_samples=9, classes=3)
    Y = ds.encode_targets(3)
    assert Y.shape == (9, 3)
    np.testing.assert_array_equal(Y.argmax(1), ds.labels)
    np.testing.assert_array_equal(Y.sum(1), 1)
    with pytest.raises(ValueError, match="two classes"):
        ds.encode_targets(1)
    binary = core.generate("moons", n_samples=10)
    assert binary.encode_targets(1).shape == (10, 1)
    assert binary.encode_targets(2).shape == (10, 2)
    line = core.generate("line", n_samples=5)
    np.testing.assert_array_equal(line.encode_targets(1)[:, 0], line.targets)


def test_edits_are_pure_and_invertible():
    ds = core.generate("blobs", n_samples=10)
    added = ds.with_point_added([0.5, 0.5], 1)
    assert ds.n_samples == 10 and added.n_samples == 11
    moved = added.with_point_moved(10, [1.0, 2.0])
    np.testing.assert_array_equal(moved.X[10], [1.0, 2.0])
    np.testing.assert_array_equal(added.X[10], [0.5, 0.5])
    x, t = ds.point(3)
    removed = ds.with_point_removed(3)
    assert removed.n_samples == 9
    assert removed.with_point_inserted(3, x, t) == ds
    with pytest.raises(ValueError):
        ds.X[0, 0] = 5.0  # the arrays are read-only


def test_adding_a_new_class_grows_the_class_count():
    ds = core.generate("moons", n_samples=10)
    three = ds.with_point_added([0, 0], 2)
    assert three.n_classes == 3 and three.task == "multiclass"
    # removing it again keeps the class (the model's shape does not jump back and forth)
    assert three.with_point_removed(10).n_classes == 3


def test_bad_edits_raise_and_leave_data_alone():
    ds = core.generate("moons", n_samples=3)
    with pytest.raises(ValueError):
        ds.with_point_added([np.nan, 0], 0)
    with pytest.raises(ValueError):
        ds.with_point_added([0, 0], 1.5)
    with pytest.raises(ValueError):
        ds.with_point_added([0, 0, 0], 1)
    with pytest.raises(IndexError):
        ds.with_point_moved(7, [0, 0])
    one = core.Dataset([[0.0, 1.0]], [0], "binary")
    with pytest.raises(ValueError, match="last point"):
        one.with_point_removed(0)
    with pytest.raises(ValueError, match="at least one"):
        core.Dataset(np.zeros((0, 2)), np.zeros(0))
    assert ds.n_samples == 3


@pytest.mark.parametrize("name", ["line", "spiral", "moons"])
def test_csv_round_trip_is_exact(tmp_path, name):
    ds = core.generate(name, n_samples=25, seed=3)
    path = tmp_path / "data.csv"
    core.save_csv(ds, path)
    back = core.load_csv(path)
    assert back == ds
    assert not list(tmp_path.glob(".*tmp"))  # the atomic write left no temporary file


def test_csv_task_rules():
    reg = core.parse_csv("x1,x2,y\n0,1,2\n1,0,3\n")
    assert reg.is_classification  # whole numbers 0–8 with two features: classes
    assert not core.parse_csv("x1,x2,y\n0,1,2.5\n1,0,3\n").is_classification
    assert not core.parse_csv("x1,y\n0,1\n1,0\n").is_classification  # one feature: regression
    assert not core.parse_csv("x1,x2,target\n0,1,2\n1,0,3\n").is_classification
    assert core.parse_csv("x1,label\n0,1\n1,0\n").is_classification
    assert not core.parse_csv("x1,x2,y\n0,1,2\n1,0,3\n", task="regression").is_classification
    # comments and blank lines are allowed, a BOM too
    ds = core.parse_csv("\ufeff# made by hand\nx1,x2,label\n\n0,1,0\n1,0,1\n")
    assert ds.n_samples == 2


MALFORMED = {
    "empty.csv": ("", None, "empty"),
    "only_header.csv": ("x1,x2,y\n", 1, "no data rows"),
    "no_header.csv": ("0.1,0.2,1\n0.3,0.4,0\n", 1, "header is missing"),
    "bad_names.csv": ("a,b,y\n1,2,0\n", 1, "x1,x2"),
    "bad_target_name.csv": ("x1,x2,colour\n1,2,0\n", 1, "last column"),
    "non_numeric.csv": ("x1,x2,y\n1,2,0\n3,abc,1\n", 3, "'abc' is not a number"),
    "nan.csv": ("x1,x2,y\n1,2,0\n3,nan,1\n", 3, "not a finite number"),
    "inf.csv": ("x1,x2,y\n1,2,0\n3,1,0\n4,-inf,1\n", 4, "not a finite number"),
    "ragged.csv": ("x1,x2,y\n1,2,0\n3,4\n", 3, "expected 3 values"),
    "ragged_long.csv": ("x1,x2,y\n1,2,0\n3,4,1,5\n", 3, "found 4"),
    "fractional_label.csv": ("x1,x2,label\n1,2,0\n3,4,1.5\n", 3, "not a class number"),
    "negative_label.csv": ("x1,x2,label\n1,2,-1\n3,4,1\n", 2, "not a class number"),
    "one_class.csv": ("x1,x2,label\n1,2,1\n3,4,1\n", None, "at least two classes"),
    "too_many_classes.csv": ("x1,x2,label\n1,2,0\n3,4,12\n", 3, "too many classes"),
    "binary.csv": ("x1,x2,y\n\x00\x01\x02\n", None, "binary"),
    "quote.csv": ('x1,x2,y\n1,"2\n', None, ""),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_csv_names_file_line_and_reason(tmp_path, name):
    text, line, reason = MALFORMED[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(core.DataFileError) as info:
        core.load_csv(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert name in str(err)
    if line is not None:
        assert err.line == line and f"line {line}" in str(err)
    assert reason in err.reason


def test_csv_that_is_not_utf8_or_missing_or_too_large(tmp_path, monkeypatch):
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("x1,x2,y\n1,2,\xe9\n".encode("latin-1"))
    with pytest.raises(core.DataFileError, match="UTF-8"):
        core.load_csv(bad)
    with pytest.raises(core.DataFileError, match="cannot be read"):
        core.load_csv(tmp_path / "nope.csv")
    from gradviz.core import csv_io

    monkeypatch.setattr(csv_io, "MAX_FILE_BYTES", 10)
    big = tmp_path / "big.csv"
    big.write_text("x1,x2,y\n" + "1,2,0\n" * 10)
    with pytest.raises(core.DataFileError, match="too large"):
        core.load_csv(big)


def test_csv_with_too_many_rows(monkeypatch):
    from gradviz.core import csv_io

    monkeypatch.setattr(csv_io, "MAX_SAMPLES", 3)
    with pytest.raises(core.DataFileError, match="too many rows"):
        core.parse_csv("x1,y\n" + "1,2\n" * 10)
