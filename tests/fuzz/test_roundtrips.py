"""Any sequence of edits and steps, saved and reopened, scrubs the same: every step of the timeline
has the same parameters, loss, gradient and residuals, bit for bit, and the same step, selection
and data are shown."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradviz.presets import load_preset
from gradviz.state import Session

from ..state.timelines import assert_same_timeline
from .budget import examples

ACTIONS = st.one_of(
    st.tuples(st.just("step"), st.integers(1, 25)),
    st.tuples(st.just("seek"), st.floats(0, 1)),
    st.tuples(st.just("lr"), st.sampled_from([0.01, 0.05, 0.3, 1.0])),
    st.tuples(st.just("batch_size"), st.sampled_from([None, 1, 7, 32])),
    st.tuples(st.just("optimizer"), st.sampled_from(["sgd", "momentum", "adam", "rmsprop", "nesterov"])),
    st.tuples(st.just("add"), st.tuples(st.floats(-3, 3), st.floats(-3, 3))),
    st.tuples(st.just("remove"), st.floats(0, 1)),
    st.tuples(st.just("restart"), st.floats(-1, 1)),
    st.tuples(st.just("undo"), st.none()),
    st.tuples(st.just("redo"), st.none()),
    st.tuples(st.just("select"), st.floats(0, 1)),
)


def _do(s: Session, action, value) -> None:
    n = s.source_dataset.n_samples
    if action == "step":
        s.step(value)
    elif action == "seek":
        s.seek(int(value * s.last_step))
    elif action in ("lr", "batch_size", "optimizer"):
        s.set_value(action, value)
    elif action == "add":
        ds = s.source_dataset
        target = (value[0] + value[1]) % ds.n_classes if ds.is_classification else value[1]
        x = value if ds.n_features == 2 else (value[0],)
        s.add_point(x, int(target) if ds.is_classification else target)
    elif action == "remove" and n > 5:
        s.remove_point(int(value * (n - 1)))
    elif action == "restart":
        s.restart_from({k: v + value for k, v in s.params.items()})
    elif action == "undo":
        s.undo()
    elif action == "redo":
        s.redo()
    elif action == "select":
        s.select(int(value * (n - 1)))


@settings(
    max_examples=examples(25, 600),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(
    preset=st.sampled_from(["logistic-blobs", "softmax-blobs", "mlp-moons", "linear-line", "momentum-ravine"]),
    actions=st.lists(ACTIONS, min_size=1, max_size=14),
)
def test_edits_and_steps_saved_and_reopened_scrub_the_same(tmp_path, preset, actions):
    s = Session()
    s.apply_session(load_preset(preset))
    for action, value in actions:
        _do(s, action, value)
    path = tmp_path / "fuzzed.gradviz.json"
    assert s.save(path)
    reopened = Session()
    assert reopened.load(path) is not None
    assert_same_timeline(s, reopened)
