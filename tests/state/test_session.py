"""The application state without Qt: batching, undo with the selection, settings, files."""

import numpy as np
import pytest

from gradviz import core
from gradviz.state import Change, Session


@pytest.fixture
def session():
    return Session()


@pytest.fixture
def changes(session):
    seen: list[Change] = []
    session.subscribe(seen.append)
    return seen


def test_one_call_is_one_change_and_a_batch_is_one_change(session, changes):
    session.step(5)
    assert len(changes) == 1 and changes[0].aspects == {"step"}
    with session.batch():
        session.step(1)
        session.select(3)
        session.set_view(surface_log=True)
    assert len(changes) == 2 and changes[1].aspects == {"step", "selection", "view"}
    session.select(3)  # nothing changed: nothing emitted
    assert len(changes) == 2


def test_generate_is_one_change_with_everything_it_touched(session, changes):
    session.select(4)
    changes.clear()
    assert session.generate("blobs", 90, 0.5, classes=3)
    assert len(changes) == 1
    assert {"data", "model", "selection", "undo"} <= changes[0].aspects
    assert session.model.kind == "softmax" and session.selected is None
    assert any("softmax regression" in n.text for n in changes[0].notes)  # said, not silent


def test_undo_restores_the_selection_with_the_data(session):
    session.select(10)
    session.remove_point(5)
    assert session.selected == 9
    assert session.undo_text == "remove point"
    assert session.undo()
    assert session.selected == 10 and session.source_dataset.n_samples == 60
    assert session.redo()
    assert session.selected == 9 and session.source_dataset.n_samples == 59


def test_undo_of_a_reshaping_edit_restores_the_model(session):
    assert session.model.kind == "logistic"
    session.add_point([0.0, 0.0], 4, reshape=True)  # a fifth class: softmax
    assert session.model.kind == "softmax"
    session.undo()
    assert session.model.kind == "logistic" and session.source_dataset.n_classes == 2


def test_removing_the_selected_point_clears_the_selection(session):
    session.select(7)
    session.remove_point(7)
    assert session.selected is None
    session.undo()
    assert session.selected == 7


def test_settings_carry_the_run_on_or_restart_it(session, changes):
    session.step(10)
    assert session.set_value("lr", 0.05)
    assert session.current_step == 10 and session.optimizer.lr == 0.05
    assert changes[-1].aspects == {"settings"}
    assert session.set_value("optimizer", "adam")
    assert session.optimizer.name == "adam" and session.optimizer.lr == 0.05  # η kept
    assert session.set_value("model", "mlp")
    assert session.current_step == 0 and (session.settings.output, session.loss_fn.name) == ("sigmoid", "bce")
    assert "model" in changes[-1]


def test_invalid_settings_change_nothing_and_say_why(session, changes):
    before = session.settings
    assert not session.set_value("lr", -1.0)
    assert session.settings is before
    assert changes[-1].aspects == frozenset() and changes[-1].notes[0].kind == "error"
    assert "learning rate" in changes[-1].notes[0].text


def test_divergence_is_a_warning_with_a_fix_and_keeps_the_last_finite_state():
    s = Session(core.generate("line", seed=0), core.Settings(model="linear", loss="mse", hyperparams={"lr": 1e3}))
    changes = []
    s.subscribe(changes.append)
    s.step(200)
    assert s.diverged
    assert all(np.all(np.isfinite(v)) for v in s.params.values())
    note = [n for c in changes for n in c.notes if n.kind == "warning"][-1]
    assert "smaller learning rate" in note.text
    label, fix = note.fix
    fix()  # not η/10 = 100, which diverges too: 0.9 of the largest stable η, 2/λmax
    bound = s.run.step_bound().lr
    assert s.optimizer.lr == pytest.approx(0.9 * bound) and label == f"Use η = {0.9 * bound:.3g}"
    assert "is above the largest stable step" in note.text


def test_frame_computes_each_quantity_once_and_keeps_what_a_change_did_not_touch(session):
    session.step(2)
    f = session.frame
    for _ in range(3):
        _ = f.residuals, f.focus, f.next_update, f.sample_grads, f.slice_grad
    assert max(session.work.values()) == 1
    session.work.clear()
    session.select(2)
    g = session.frame
    _ = g.residuals, g.focus
    assert session.work["forward"] == 0 and session.work["focus"] == 1
    session.step(1)
    _ = session.frame.residuals
    assert session.work["forward"] == 1


def test_frame_numbers_are_the_models(session):
    session.step(3)
    f = session.frame
    P = session.model.predict(session.params, session.dataset.X)
    np.testing.assert_allclose(f.residuals, P - session.dataset.Y)
    assert f.batch_check is True
    before = session.model.spec.flatten(session.params)
    update = f.next_update
    session.step(1)
    np.testing.assert_allclose(session.model.spec.flatten(session.params) - before, update, rtol=1e-12, atol=1e-15)
    i, chosen = session.frame.focus
    assert not chosen and i == int(np.argmax(session.frame.sample_losses))


def test_session_round_trip_keeps_selection_slice_and_view_options(session, tmp_path):
    session.step(6)
    session.select(9)
    session.set_slice("axes", ("b[0]", "W[1,0]"))
    session.set_view(surface_log=True, residual_order="size")
    path = tmp_path / "s.json"
    assert session.save(path)
    other = Session()
    assert other.load(path) is not None
    assert other.current_step == 6 and other.selected == 9
    assert other.slice.axis_labels == ("b[0]", "W[1,0]")
    assert other.view.surface_log and other.view.residual_order == "size"
    np.testing.assert_array_equal(other.params["W"], session.params["W"])


def test_a_bad_session_file_changes_nothing(session, tmp_path, changes):
    session.step(4)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert session.load(bad) is None
    assert session.current_step == 4 and "not valid JSON" in changes[-1].notes[0].text


def test_a_point_of_a_new_class_asks_before_it_changes_the_model(session, changes):
    n = session.source_dataset.n_samples
    session.step(5)
    assert not session.add_point([0.0, 0.0], 4)
    assert session.source_dataset.n_samples == n and session.model.kind == "logistic" and session.current_step == 5
    note = changes[-1].notes[0]
    assert note.kind == "warning" and "softmax regression" in note.text and "Nothing was added" in note.text
    label, add_anyway = note.fix
    add_anyway()
    assert session.source_dataset.n_samples == n + 1 and session.model.kind == "softmax" and session.current_step == 0
    assert session.add_point([1.0, 1.0], 1)  # an existing class: no question


@pytest.mark.parametrize("optimizer", core.OPTIMIZERS)
@pytest.mark.parametrize("batch", [None, 16])
@pytest.mark.parametrize(
    "case",
    [
        "plain",
        "batch size changed",
        "η changed, then scrubbed",
        "scrubbed past an η change",
        "scrubbed past a batch change",
    ],
)
def test_the_next_update_is_exactly_the_step_taken(optimizer, batch, case):
    settings = core.Settings(
        model="softmax", loss="ce", optimizer=optimizer, batch_size=batch, hyperparams={"lr": 0.05}
    )
    s = Session(core.generate("blobs", n_samples=60, seed=0, classes=3), settings)
    s.step(7)
    if case == "batch size changed":
        s.set_value("batch_size", 5 if batch is None else None)
    elif case == "η changed, then scrubbed":
        s.set_value("lr", 0.2)
        s.step(5)
        s.seek(9)
    elif case == "scrubbed past an η change":
        s.set_value("lr", 0.2)
        s.step(5)
        s.seek(4)
    elif case == "scrubbed past a batch change":
        s.set_value("batch_size", 7)
        s.step(5)
        s.seek(3)
    spec = s.model.spec
    before, update = spec.flatten(s.params), s.frame.next_update.copy()
    s.step(1)
    np.testing.assert_allclose(spec.flatten(s.params) - before, update, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("how", ["reset", "restart"])
def test_a_new_run_after_scrubbing_back_past_a_data_edit_uses_the_current_data(session, how):
    """Found by the GUI fuzzer: scrubbed back before an added point, a restart trained on the old data."""
    session.step(2)
    session.add_point((2.0, -3.0), 0)
    session.seek(0)
    if how == "reset":
        session.reset()
    else:
        assert session.restart_from({k: v + 0.1 for k, v in session.params.items()})
    n = session.source_dataset.n_samples
    assert session.trainer.X.shape[0] == n and session.frame.residuals.shape[0] == n


def test_data_shrinking_below_the_batch_size_make_it_the_full_batch(session):
    """Found by the GUI fuzzer: the control showed 10 (its maximum, N) while the session held 21."""
    session.set_value("batch_size", 21)
    session.step(3)
    session.generate("blobs", n_samples=10, noise=1.0, classes=2)
    assert session.settings.batch_size is None and session.current_step == 3  # the run goes on
    session.undo()
    assert session.settings.batch_size == 21


@pytest.mark.parametrize("batch", [None, 4])
def test_scrubbed_back_past_a_smaller_data_set_the_frame_shows_the_next_step(session, batch):
    """Found by the GUI fuzzer: back at a step recorded on 60 points with 10 points now, the gradient
    view indexed the old batch into the new data."""
    session.set_value("batch_size", batch)
    session.step(3)
    session.generate("blobs", n_samples=10, noise=1.0, classes=2)
    session.seek(1)
    f = session.frame
    assert f.batch is None or f.batch.max() < 10
    assert f.batch_check  # the mean of the per-sample gradients is the ∇L the next step uses
    before = session.model.spec.flatten(session.params)
    update = f.next_update.copy()
    session.step(1)
    np.testing.assert_allclose(session.model.spec.flatten(session.params) - before, update, rtol=1e-12, atol=1e-15)


def test_a_start_point_where_the_loss_overflows_is_refused(session, changes):
    """Found by the GUI fuzzer: a click far out on a zoomed-out surface started a run where the loss overflowed."""
    session.step(3)
    before = {k: v.copy() for k, v in session.params.items()}
    assert not session.restart_from({k: np.full_like(v, 1e308) for k, v in session.params.items()})
    assert "overflows at that point" in changes[-1].notes[0].text
    assert session.current_step == 3
    for k, v in before.items():
        assert np.array_equal(session.params[k], v)
