"""Runs raced in lock step: each is exactly the run a solo trainer makes, and the race stays fair."""

import numpy as np
import pytest

from gradviz import core
from gradviz.presets import load_preset
from gradviz.state import Session

from .timelines import assert_same_timeline


def _session(preset="logistic-blobs"):
    s = Session()
    s.apply_session(load_preset(preset))
    return s


def _solo(session, run):
    """The run a core.Trainer makes alone with the run's settings, seed and the race's θ₀."""
    first = session.runs[0].trainer
    return run.settings.make_trainer(session.source_dataset, init_params=first.init_params)


def _assert_same_as_solo(session):
    for run in session.runs:
        solo = _solo(session, run)
        solo.run(run.trainer.last_step)
        assert solo.last_step == run.trainer.last_step, run.name
        for k in range(run.trainer.last_step + 1):
            a, b = solo.params_at(k), run.trainer.params_at(k)
            for name in a:
                assert np.array_equal(a[name], b[name]), (run.name, k, name)


def test_each_raced_run_is_a_solo_trainer_step_for_step_and_after_scrubbing():
    s = _session("logistic-blobs")
    assert s.add_run(optimizer="momentum", momentum=0.9)
    assert s.add_run(optimizer="adam", lr=0.05)
    assert s.add_run(loss="mse", batch_size=8, seed=5)
    assert len(s.runs) == 4 and s.focus_index == 3
    s.step(30)
    assert [r.trainer.step_index for r in s.runs] == [30] * 4
    _assert_same_as_solo(s)
    s.seek(7)
    assert [r.trainer.step_index for r in s.runs] == [7] * 4
    s.step(5)  # stepping from a scrubbed step takes the steps anew (the same ones: nothing changed)
    assert s.last_step == 12
    s.step(18)
    s.step_back()
    assert [r.trainer.step_index for r in s.runs] == [29] * 4
    _assert_same_as_solo(s)
    # the race is fair: one θ₀, one data set, one model
    first = s.runs[0].trainer
    for run in s.runs[1:]:
        for name, v in run.trainer.init_params.items():
            assert np.array_equal(v, first.init_params[name])
        assert np.array_equal(run.trainer.X, first.X)
        assert run.settings.same_model_as(s.runs[0].settings)


def test_a_new_run_copies_the_focused_one_and_the_race_starts_again():
    s = _session("softmax-blobs")
    s.step(12)
    assert s.add_run(lr=0.01)
    assert s.current_step == 0 and s.last_step == 0
    new = s.runs[1]
    assert new.settings == s.runs[0].settings.replace(hyperparams={**s.runs[0].settings.hyperparams, "lr": 0.01})
    assert s.runs[0].name != new.name and "0.01" in new.name
    assert new.slot != s.runs[0].slot


def test_runs_are_limited_and_bad_changes_are_refused_in_words():
    s = _session("logistic-blobs")
    notes = []
    s.subscribe(lambda change: notes.extend(n.text for n in change.notes))
    assert not s.add_run(lr=-1)
    assert not s.add_run(loss="ce")  # logistic regression cannot take it
    for _ in range(6):
        assert s.add_run()
    assert not s.add_run()
    assert "At most 7 runs" in notes[-1]
    assert len(s.runs) == 7


def test_an_mlp_run_whose_loss_would_change_the_parameters_is_refused():
    s = _session("mlp-moons")  # binary: CE's softmax output has two units, BCE's sigmoid one
    notes = []
    s.subscribe(lambda change: notes.extend(n.text for n in change.notes))
    assert s.settings.loss == "ce"
    assert not s.add_run(loss="bce")
    assert "one θ₀" in notes[-1]
    assert s.add_run(loss="mse", output="softmax")
    assert not s.set_value("loss", "bce")  # on the focused (second) run
    assert len(s.runs) == 2 and s.runs[1].settings.loss == "mse"


def test_a_diverging_run_stops_and_the_others_go_on():
    s = _session("linear-line")
    assert s.add_run(lr=50.0)
    notes = []
    s.subscribe(lambda change: notes.extend(n for n in change.notes))
    s.step(40)
    wild, calm = s.runs[1], s.runs[0]
    assert s.current_step == 40 and calm.trainer.step_index == 40
    assert wild.trainer.step_index < 40 and wild.stopped(s.current_step) and not calm.stopped(40)
    assert any(wild.name in n.text and "other runs go on" in n.text for n in notes)
    assert not s.all_stopped
    s.focus_run(1)
    assert s.diverged  # the focused run's views show its last finite step
    fix = next(n.fix for n in notes if n.fix is not None)
    fix[1]()  # "Use η = 0.9 · 2/λmax": that run, not the focused one's neighbour
    assert s.runs[1].settings.get("lr") == pytest.approx(0.9 * s.runs[1].step_bound().lr)
    assert s.runs[0].settings.get("lr") == calm.settings.get("lr")
    s.seek(10)  # back before the divergence: everyone is at 10 and steps on together
    assert [r.trainer.step_index for r in s.runs] == [10, 10]


def test_shared_changes_restart_every_run_and_keep_each_runs_own_settings():
    s = _session("mlp-moons")
    assert s.settings.optimizer == "adam"
    assert s.add_run(optimizer="sgd", lr=0.5)
    s.step(5)
    s.focus_run(1)
    assert s.set_value("hidden", 4)
    assert s.current_step == 0 and all(r.settings.hidden == 4 for r in s.runs)
    assert s.runs[1].settings.optimizer == "sgd" and s.runs[0].settings.optimizer == "adam"
    assert s.focus_index == 1
    # a data edit trains every run on the new data from here on
    s.step(3)
    assert s.add_point((0.0, 0.5), 1)
    for run in s.runs:
        assert run.trainer.latest.X.shape[0] == s.source_dataset.n_samples
    # a click on the surface starts every run there
    start = {k: v * 0.5 for k, v in s.params.items()}
    assert s.restart_from(start)
    for run in s.runs:
        assert all(np.array_equal(run.trainer.init_params[k], start[k]) for k in start)


def test_a_raced_runs_loss_or_seed_restarts_it_from_the_shared_start():
    s = _session("mse-sigmoid")
    assert s.add_run(loss="bce")
    s.step(6)
    assert s.set_value("seed", 9, run=1)  # that run's batches: the race starts again, θ₀ kept
    assert s.current_step == 0
    assert all(np.array_equal(s.runs[1].trainer.init_params[k], v) for k, v in s.runs[0].trainer.init_params.items())
    s.step(3)
    assert s.set_value("seed", 4, run=0)  # the first run's seed is θ₀'s: every run gets the new one
    assert all(np.array_equal(s.runs[1].trainer.init_params[k], v) for k, v in s.runs[0].trainer.init_params.items())
    assert s.runs[1].settings.seed == 9


def test_remove_focus_and_hide():
    s = _session("logistic-blobs")
    s.add_run(lr=0.05)
    s.add_run(lr=0.2)
    s.focus_run(2)
    s.set_run_visible(1, False)
    assert not s.runs[1].visible
    assert s.remove_run(0)
    assert len(s.runs) == 2 and s.focus_index == 1 and s.run.settings.get("lr") == 0.2
    assert s.remove_run(1) and s.focus_index == 0
    assert not s.remove_run(0)  # the last run stays
    assert s.runs[0].name == "run 1"
    shown = [r.visible for r in s.runs]
    s.set_run_visible(3, not shown[0])  # a row of a run since removed (a table not yet redrawn): nothing happens
    s.set_run_visible(-1, not shown[0])
    assert [r.visible for r in s.runs] == shown


@pytest.mark.parametrize("steps", [25, 2_100])  # 2,100: the runs' timelines are saved, not replayed
def test_a_four_run_session_saved_and_opened_is_the_same_race(tmp_path, steps):
    s = _session("momentum-ravine")
    s.add_run(optimizer="momentum", momentum=0.9)
    s.add_run(optimizer="nesterov", momentum=0.9)
    s.add_run(optimizer="adam", lr=0.05)
    s.set_run_visible(2, False)
    s.focus_run(1)
    s.step(steps)
    s.seek(steps - 3)
    path = tmp_path / "race.gradviz.json"
    assert s.save(path)
    other = Session()
    assert other.load(path) is not None
    assert [r.name for r in other.runs] == [r.name for r in s.runs]
    assert [r.visible for r in other.runs] == [True, True, False, True]
    assert other.focus_index == 1 and other.current_step == steps - 3
    for a, b in zip(s.runs, other.runs, strict=True):
        assert a.settings == b.settings
        assert a.trainer.last_step == b.trainer.last_step
        for k in {0, 1, steps // 2, steps - 3, steps, a.trainer.last_step}:
            if k > a.trainer.last_step:  # this run diverged before
                continue
            for name, v in a.trainer.params_at(k).items():
                assert np.array_equal(v, b.trainer.params_at(k)[name]), (a.name, k)
    if steps < 100:
        for i in range(4):
            s.focus_run(i)
            other.focus_run(i)
            assert_same_timeline(s, other)


def test_version_2_files_open_as_one_run(tmp_path):
    s = _session("logistic-blobs")
    s.step(4)
    doc = core.session_file.session_to_dict(s.session_data())
    doc["version"] = 2
    import json

    path = tmp_path / "v2.gradviz.json"
    path.write_text(json.dumps(doc))
    other = Session()
    assert other.load(path) is not None and len(other.runs) == 1 and other.current_step == 4


@pytest.mark.parametrize("model", ["linear", "softmax", "mlp"])
def test_a_new_model_gives_every_run_a_loss_it_can_train(model):
    """A raced run's loss that the new model cannot take gives way to the edited run's (the GUI
    fuzzer found BCE kept for a linear model, and the window raised)."""
    s = _session("logistic-blobs")
    s.add_run(loss="mse", lr=0.1)
    s.focus_run(0)
    assert s.set_value("model", model)
    for run in s.runs:
        assert run.settings.model == model
        run.trainer.step()
    assert len(s.runs) == 2 and s.runs[1].settings.get("lr") == 0.1


def test_a_lesson_with_a_start_point_opened_at_a_step_puts_every_run_there(tmp_path):
    """race-mse-bce names its start θ₀ (a record at step 0): opened at step 12 the first run was left at
    0 and called diverged, while the other was at 12 (seen in a screenshot)."""
    from dataclasses import replace

    s = Session()
    s.apply_session(replace(load_preset("race-mse-bce"), step=12))
    assert [r.trainer.step_index for r in s.runs] == [12, 12] and not s.diverged
    # a saved race opened with more steps (`gradviz --load FILE --steps 5`): every run goes on
    s.save(tmp_path / "r.gradviz.json")
    other = Session()
    other.apply_session(replace(core.load_session(tmp_path / "r.gradviz.json"), step=17))
    assert [r.trainer.step_index for r in other.runs] == [17, 17] and not other.diverged


def test_the_table_and_who_is_ahead():
    from gradviz.state import run_results
    from gradviz.state.race import leader

    s = _session("race-optimizers")
    s.step(130)
    rows = run_results(s, 0.0195)
    assert [r.first_below for r in rows] == [121, 69, 66, 102]  # GD, momentum, Nesterov, Adam (docs/lecturing.md)
    assert leader(rows, same_loss=True) == 2
    s.seek(40)  # before anyone is below τ: the lowest L leads
    rows = run_results(s, 0.0195)
    assert all(r.first_below is None for r in rows)
    assert leader(rows, same_loss=True) == min(rows, key=lambda r: r.loss).index
    m = _session("race-mse-bce")
    m.step(10)
    rows = run_results(m, 1e-9)
    assert leader(rows, same_loss=False) == 1  # different losses: accuracy decides (BCE)


def test_the_runs_share_one_workspace_and_never_read_each_others_forward_pass():
    """Seven runs of an MLP with 256 hidden units on 100,004 points took 6 GB, a workspace each
    (found by the GUI fuzzer); they take turns, so they share one."""
    s = _session("mlp-moons")
    s.add_run(lr=0.01)
    s.add_run(optimizer="sgd", lr=0.5)
    s.focus_run(1)
    s.step(3)
    ws = {id(r.trainer.workspaces[0]) for r in s.runs}
    assert len(ws) == 1
    focused = s.trainer
    assert focused.forward is not None  # it evaluated last: the views reuse its pass
    for run in s.runs:
        if run.trainer is not focused:
            assert run.trainer.forward is None  # its pass was overwritten: nobody may read it
    s.focus_run(0)  # the views then compute run 0's forward pass afresh, and it is right
    expected = s.model.forward(s.params, s.dataset.X).P
    np.testing.assert_array_equal(s.frame.predictions, expected)


def test_a_slice_of_training_starts_no_step_that_would_end_past_its_time(monkeypatch):
    """Steps of 15 ms in a 25 ms slice: one step, not two (the second would end at 30 ms); steps of 1 ms:
    about 25; and at least one step however slow."""
    import time

    s = Session()
    step_all = type(s.race.runs).step_all
    for pause, low, high in ((0.015, 1, 1), (0.001, 10, 25), (0.05, 1, 1)):
        monkeypatch.setattr(
            type(s.race.runs), "step_all", lambda self, d, p=pause: (time.sleep(p), step_all(self, d))[1]
        )
        before = s.current_step
        s.run_for(0.025)
        assert low <= s.current_step - before <= high
