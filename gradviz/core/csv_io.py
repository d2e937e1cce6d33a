"""CSV import and export of data sets: header `x1,x2,…,y` (or `…,label` for classes).

A malformed file raises `DataFileError` (a ValueError) naming the file, the line and the
reason, and nothing is half-loaded: the caller's current data set stays as it was.

Reading the target column: `label` or `class` holds class numbers 0–8; `y` holds class
numbers when there are two or more features and every value is a whole number 0–8,
and real-valued targets (regression) otherwise.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

import numpy as np

from ._files import UnreadableFile, read_text_limited, write_text_atomic
from .datasets import MAX_CLASSES, MAX_FEATURES, MAX_SAMPLES, Dataset
from .limits import MAX_VALUE

__all__ = ["DataFileError", "load_csv", "save_csv", "parse_csv", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 32 * 1024 * 1024
_CLASS_COLUMNS = ("label", "class")


class DataFileError(ValueError):
    """A data file that cannot be read; `path`, `line` (1-based or None) and `reason` say why."""

    def __init__(self, path: str | os.PathLike | None, line: int | None, reason: str):
        self.path = str(path) if path is not None else "<text>"
        self.line = line
        self.reason = reason
        where = f"{Path(self.path).name}, line {line}" if line is not None else Path(self.path).name
        super().__init__(f"{where}: {reason}")


def load_csv(path: str | os.PathLike, task: str | None = None) -> Dataset:
    """Read a data set from a CSV file. `task` ("regression" or "classification") overrides the guess."""
    try:
        text = read_text_limited(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise DataFileError(path, None, exc.reason) from None
    dataset = parse_csv(text, path=path, task=task)
    return dataset


def parse_csv(text: str, path: str | os.PathLike | None = None, task: str | None = None) -> Dataset:
    def fail(line: int | None, reason: str):
        raise DataFileError(path, line, reason)

    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        fail(None, "this is a binary file, not CSV text")
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields) or fields[0].lstrip().startswith("#"):
                continue
            rows.append((line, [f.strip() for f in fields]))
            if len(rows) > MAX_SAMPLES + 1:
                fail(line, f"too many rows: at most {MAX_SAMPLES:,} points are supported")
    except csv.Error as exc:
        fail(reader.line_num, f"not valid CSV ({exc})")
    if not rows:
        fail(None, "the file is empty: expected a header x1,x2,…,y and one row per point")

    header_line, header = rows[0]
    names = [h.lower() for h in header]
    if _looks_numeric(header):
        fail(header_line, "the header is missing: the first line must name the columns, e.g. x1,x2,y")
    if len(names) < 2:
        fail(header_line, f"the header has {len(names)} column; expected x1,…,xd and a target column y")
    feature_names, target_name = names[:-1], names[-1]
    expected = [f"x{i + 1}" for i in range(len(feature_names))]
    if feature_names != expected:
        fail(header_line, f"the feature columns must be named {','.join(expected)}, got {','.join(header[:-1])}")
    if target_name not in ("y", "target") + _CLASS_COLUMNS:
        fail(header_line, f"the last column must be y (or label/class for classes), got {header[-1]!r}")
    d = len(feature_names)
    if d > MAX_FEATURES:
        fail(header_line, f"too many features ({d}); at most {MAX_FEATURES}")
    if len(rows) == 1:
        fail(header_line, "the file has a header but no data rows: a data set needs at least one point")

    values = np.empty((len(rows) - 1, d + 1))
    for r, (line, fields) in enumerate(rows[1:]):
        if len(fields) != d + 1:
            fail(line, f"expected {d + 1} values (as in the header), found {len(fields)}")
        for c, field in enumerate(fields):
            try:
                v = float(field)
            except ValueError:
                fail(line, f"{header[c]} = {field!r} is not a number")
            if not math.isfinite(v):
                fail(line, f"{header[c]} = {field} is not a finite number (NaN and infinity are not allowed)")
            if abs(v) > MAX_VALUE:
                fail(
                    line,
                    f"{header[c]} = {field} is too large: values must lie within ±{MAX_VALUE:g}, so that squares stay finite",
                )
            values[r, c] = v
    X, t = values[:, :d], values[:, d]
    data_lines = [line for line, _ in rows[1:]]

    classify = _decide_task(task, target_name, d, t, path)
    if not classify:
        return Dataset(X, t, "regression", name=Path(str(path)).stem if path else "")
    for line, v in zip(data_lines, t, strict=True):
        if v != round(v) or v < 0:
            fail(line, f"{header[-1]} = {v:g} is not a class number (0, 1, 2, …)")
        if v >= MAX_CLASSES:
            fail(line, f"{header[-1]} = {v:g}: too many classes, at most {MAX_CLASSES} (0–{MAX_CLASSES - 1})")
    distinct = np.unique(t)
    if distinct.size < 2:
        fail(None, f"every point has the label {int(distinct[0])}: a classifier needs at least two classes")
    return Dataset(X, t, "binary", int(t.max()) + 1, name=Path(str(path)).stem if path else "")


def _decide_task(task: str | None, target_name: str, d: int, t: np.ndarray, path) -> bool:
    if task is not None:
        if task not in ("regression", "classification", "binary", "multiclass"):
            raise DataFileError(path, None, f"unknown task {task!r}")
        return task != "regression"
    if target_name in _CLASS_COLUMNS:
        return True
    if target_name == "target":
        return False
    return d >= 2 and bool(np.all(t == np.round(t))) and t.min() >= 0 and t.max() < MAX_CLASSES


def _looks_numeric(fields: list[str]) -> bool:
    try:
        [float(f) for f in fields]
    except ValueError:
        return False
    return True


def save_csv(dataset: Dataset, path: str | os.PathLike) -> None:
    """Write x1,…,xd and y (regression) or label (classes), every float in full precision."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    target = "label" if dataset.is_classification else "y"
    writer.writerow([f"x{i + 1}" for i in range(dataset.n_features)] + [target])
    for x, t in zip(dataset.X, dataset.targets, strict=True):
        tail = str(int(t)) if dataset.is_classification else repr(float(t))
        writer.writerow([repr(float(v)) for v in x] + [tail])
    write_text_atomic(path, out.getvalue())
