"""Generated session files, valid and broken: each opens or is refused with SessionFileError, and
nothing else ever escapes (not from core, not from the application state that opens it)."""

import json
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state import Session

from .budget import examples

_BASES: dict[str, str] = {}


def _bases() -> dict[str, str]:
    """Real files to break: each model kind, a run with changes, one with a saved timeline."""
    if not _BASES:
        for preset, steps, change in (
            ("linear-line", 7, None),
            ("logistic-blobs", 12, ("lr", 1.5)),
            ("softmax-blobs", 9, ("batch_size", 10)),
            ("mlp-moons", 5, ("optimizer", "sgd")),
            ("mlp-spiral", 2100, None),  # long enough to be saved with its timeline
        ):
            s = Session()
            s.apply_session(load_preset(preset))
            s.step(steps)
            if change:
                s.set_value(*change)
                s.step(3)
            s.select(1)
            _BASES[preset] = json.dumps(core.session_file.session_to_dict(s.session_data()))
    return _BASES


# values a field may be replaced with: every JSON kind, and the numbers that break naive readers
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1, 2, 9, 10, 255, 2**31, 2**63, 10**20]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, -0.0, 1e-300, 1e300, 3.7]),
    st.text(max_size=12),
    st.sampled_from(["full", "adam", "mlp", "", "1e400", "NaN"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)
RAW = st.sampled_from(["1e400", "-1e400", "9" * 60, "[" * 200 + "]" * 200, "NaN", "Infinity", "1.5e308"])


def _paths(doc, prefix=()):
    """Every place in the document (objects' keys and lists' indices), big arrays sampled."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i in sorted({0, len(doc) - 1, len(doc) // 2} & set(range(len(doc)))):
            yield from _paths(doc[i], (*prefix, i))


def _mutate(doc, path, how, value):
    """Replace, delete or add at `path`; returns the text to write (raw numbers spliced in)."""
    if not path:
        return json.dumps(value) if how != "raw" else value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if how == "delete":
        del parent[key]
    elif how == "extra" and isinstance(parent, dict):
        parent[f"{key}_extra"] = value
    elif how == "raw":
        parent[key] = "@@RAW@@"
        return json.dumps(doc).replace('"@@RAW@@"', value)
    elif how == "grow" and isinstance(parent[key], list):
        parent[key] = parent[key] + parent[key][:3]
    elif how == "shrink" and isinstance(parent[key], list):
        parent[key] = parent[key][: len(parent[key]) // 2]
    else:
        parent[key] = value
    return json.dumps(doc)


def _opens_or_says_why(path):
    try:
        data = core.load_session(path)
    except core.SessionFileError as exc:
        assert str(exc).startswith(path.name + ": ") and len(str(exc)) < 600
        assert "Traceback" not in str(exc) and "object is not" not in str(exc)
        data = None
    # the application state opens it too: a note, or the session it describes, never an exception
    session = Session()
    before = session.source_dataset
    notes = []
    session.subscribe(lambda change: notes.extend(change.notes))
    opened = session.load(path)
    if opened is None:
        assert session.source_dataset is before and notes and notes[-1].kind == "error"
    else:
        assert data is not None
        frame = session.frame
        assert math.isfinite(frame.loss) or session.diverged
        assert session.current_step <= session.last_step


@settings(
    max_examples=examples(60, 2500),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(st.data())
def test_a_mutated_session_file_opens_or_is_refused_in_words(tmp_path, data):
    name = data.draw(st.sampled_from(sorted(_bases())))
    doc = json.loads(_bases()[name])
    paths = list(_paths(doc))
    path = data.draw(st.sampled_from(paths))
    how = data.draw(st.sampled_from(["replace", "replace", "delete", "extra", "raw", "grow", "shrink"]))
    value = data.draw(RAW if how == "raw" else VALUES)
    if how == "delete" and not path:
        how = "replace"
    text = _mutate(doc, path, how, value)
    file = tmp_path / "fuzzed.gradviz.json"
    file.write_text(text)
    _opens_or_says_why(file)


@settings(
    max_examples=examples(20, 500),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(st.data())
def test_a_truncated_or_garbled_file_is_refused_in_words(tmp_path, data):
    text = _bases()[data.draw(st.sampled_from(sorted(_bases())))]
    cut = data.draw(st.integers(min_value=0, max_value=len(text)))
    kind = data.draw(st.sampled_from(["truncate", "flip", "insert"]))
    if kind == "truncate":
        text = text[:cut]
    elif kind == "flip":
        text = text[:cut] + data.draw(st.characters()) + text[cut + 1 :]
    else:
        text = text[:cut] + data.draw(st.text(max_size=5)) + text[cut:]
    file = tmp_path / "garbled.gradviz.json"
    file.write_bytes(text.encode("utf-8", "surrogatepass"))
    _opens_or_says_why(file)


def test_every_base_file_opens_as_it_was(tmp_path):
    for name, text in _bases().items():
        file = tmp_path / f"{name}.gradviz.json"
        file.write_text(text)
        data = core.load_session(file)
        assert data.run is not None and np.isfinite(data.dataset.X).all()
        assert (data.run.snapshot is not None) == (name == "mlp-spiral")
