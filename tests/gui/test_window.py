"""The main window as a user and a lecturer drive it: contract, controls, playback, timeline, files."""

import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDockWidget, QDoubleSpinBox, QSlider, QSpinBox, QToolButton, QWidget

from gradviz import core
from gradviz.cli import parse_args
from gradviz.gui import create_window
from gradviz.presets import list_presets
from gradviz.session_options import session_data_from_args

SHARED_WINDOW = True  # one window for the module's `window` tests, each from a first start's session


DOCKS = ("dataDock", "lossCurveDock", "controlsDock")
CONTROLS = {
    "modelCombo": QComboBox,
    "lossCombo": QComboBox,
    "optimizerCombo": QComboBox,
    "learningRateSpin": QDoubleSpinBox,
    "batchSizeSpin": QSpinBox,
    "speedSpin": QSpinBox,
    "stepButton": QToolButton,
    "stepBackButton": QToolButton,
    "playButton": QToolButton,
    "resetButton": QToolButton,
    "timelineSlider": QSlider,
}


def find(window, cls, name):
    w = window.findChild(cls, name)
    assert w is not None, f"no {cls.__name__} named {name}"
    return w


def test_default_demo_and_session_contract(window):
    s = window.session
    assert s.model.kind == "logistic" and s.loss_fn.name == "bce"
    assert s.dataset.X.shape == (60, 2) and s.dataset.Y.shape == (60, 1)
    assert s.current_step == 0 and s.selected is None
    assert set(s.params) == {"W", "b"}
    s.select(4)
    assert s.selected == 4
    for name in DOCKS:
        find(window, QDockWidget, name)
    for name, cls in CONTROLS.items():
        find(window, cls, name)


def test_steps_option_and_buttons(opened):
    window = opened("--steps", "5")
    s = window.session
    assert s.current_step == 5
    find(window, QToolButton, "stepButton").click()
    assert s.current_step == 6
    find(window, QToolButton, "stepBackButton").click()
    assert s.current_step == 5
    assert find(window, QSlider, "timelineSlider").value() == 5
    find(window, QToolButton, "resetButton").click()
    assert s.current_step == 0
    np.testing.assert_array_equal(s.params["W"], s.trainer.init_params["W"])


def test_play_pause_runs_on_the_timer(window, qtbot):
    s = window.session
    window.playback.set_speed(200)
    find(window, QToolButton, "playButton").click()
    assert window.playback.playing
    qtbot.waitUntil(lambda: s.current_step >= 10, timeout=5000)
    find(window, QToolButton, "playButton").click()
    assert not window.playback.playing
    stopped = s.current_step
    qtbot.wait(100)
    assert s.current_step == stopped


def test_keyboard_shortcuts(window, qtbot):
    s = window.session
    window.activateWindow()
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert s.current_step == 2
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert s.current_step == 1
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.playback.playing)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.playback.playing
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert s.current_step == 0
    qtbot.keyClick(window, Qt.Key.Key_3)
    assert s.new_point_class == 2


def test_timeline_scrub_then_step_matches_stepping_from_reset(window):
    """Step 20, scrub to 5, step: the history is the same as stepping 6 from reset."""
    s = window.session
    s.step(20)
    slider = find(window, QSlider, "timelineSlider")
    assert slider.maximum() == 20 and slider.value() == 20
    slider.setValue(5)
    assert s.current_step == 5 and s.last_step == 20
    find(window, QToolButton, "stepButton").click()
    assert s.current_step == 6 and s.last_step == 6 and slider.maximum() == 6
    scrubbed = s.trainer.history()
    fresh = s.settings.make_trainer(s.source_dataset)
    fresh.run(6)
    np.testing.assert_array_equal(scrubbed.params, fresh.history().params)
    np.testing.assert_array_equal(scrubbed.loss, fresh.history().loss)


def test_learning_rate_change_keeps_the_run_model_change_resets(window):
    s = window.session
    s.step(10)
    lr_spin = find(window, QDoubleSpinBox, "learningRateSpin")
    lr_spin.setValue(0.05)
    assert s.optimizer.lr == pytest.approx(0.05) and s.current_step == 10
    find(window, QSpinBox, "batchSizeSpin").setValue(7)
    assert s.trainer.batch_size == 7 and s.current_step == 10
    combo = find(window, QComboBox, "modelCombo")
    combo.setCurrentIndex(combo.findData("softmax"))
    assert s.model.kind == "softmax" and s.loss_fn.name == "ce" and s.current_step == 0
    assert "new run" in window.statusBar().currentMessage()


def test_controls_bind_both_ways(window):
    s = window.session
    opt = find(window, QComboBox, "optimizerCombo")
    opt.setCurrentIndex(opt.findData("adam"))
    assert s.settings.optimizer == "adam" and s.optimizer.name == "adam"
    controls = window.controls
    assert find(window, QDoubleSpinBox, "beta1Spin").isVisibleTo(controls)
    assert not find(window, QDoubleSpinBox, "momentumSpin").isVisibleTo(controls)
    s.set_settings(optimizer="momentum", hyperparams={"lr": 0.2, "momentum": 0.7})
    assert opt.currentData() == "momentum"
    assert find(window, QDoubleSpinBox, "momentumSpin").value() == pytest.approx(0.7)
    assert find(window, QDoubleSpinBox, "learningRateSpin").value() == pytest.approx(0.2)


def test_loss_combo_marks_canonical_and_disables_invalid(window):
    loss = find(window, QComboBox, "lossCombo")
    items = {loss.itemData(i): loss.model().item(i) for i in range(loss.count())}
    assert not items["ce"].isEnabled()  # logistic output: CE needs a softmax
    assert "✓" in items["bce"].text()
    assert "⚠" in items["mse"].text() and items["mse"].isEnabled()
    loss.setCurrentIndex(loss.findData("mse"))
    assert window.session.loss_fn.name == "mse"
    assert "ŷ(1 − ŷ)" in window.controls.pair_label.text()


def test_divergence_pauses_and_keeps_the_last_finite_state(opened, qtbot):
    window = opened("--preset", "linear-line", "--lr", "1000")
    s = window.session
    window.playback.set_speed(0)
    window.playback.play()
    qtbot.waitUntil(lambda: s.diverged, timeout=10_000)
    qtbot.waitUntil(lambda: not window.playback.playing, timeout=2000)
    assert window.message_bar.isVisible()
    assert "smaller learning rate" in window.message_bar.text
    # the cause in numbers: η = 1000 is above 2/λmax (a quadratic: λmax is the same at every step)
    bound = s.run.step_bound().lr
    assert f"η = 1e+03 is above the largest stable step at the last finite one, η < 2/λmax = {bound:.3g}" in (
        window.message_bar.text
    )
    assert window.message_bar.fix_action.text() == f"Use η = {0.9 * bound:.3g}"
    assert all(np.all(np.isfinite(v)) for v in s.params.values())
    assert np.isfinite(s.trainer.loss)
    window.message_bar.fix_action.trigger()  # η = 0.9 · 2/λmax: now it converges
    assert s.optimizer.lr == pytest.approx(0.9 * bound)
    s.step(200)
    assert not s.diverged


def test_malformed_csv_import_leaves_the_data_unchanged(window, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,y\n1,2,0\n3,oops,1\n")
    s = window.session
    before = s.source_dataset
    assert not s.import_csv(bad)
    assert s.source_dataset is before
    assert window.message_bar.isVisible()
    assert "bad.csv, line 3" in window.message_bar.text and "unchanged" in window.message_bar.text


def test_csv_import_and_export_round_trip(window, tmp_path):
    s = window.session
    path = tmp_path / "out.csv"
    assert s.export_csv(path)
    s.generate("spiral", 30, 0.1, classes=3)
    assert s.source_dataset.n_classes == 3 and s.model.kind == "softmax"
    assert s.import_csv(path)
    assert s.source_dataset.n_samples == 60
    s.undo()
    assert s.source_dataset.n_classes == 3


def test_session_save_and_load(window, tmp_path):
    s = window.session
    s.set_settings(optimizer="adam", hyperparams={"lr": 0.05})
    s.step(7)
    path = tmp_path / "s.json"
    assert s.save(path)
    other = create_window(["--load", str(path)])
    try:
        assert other.session.current_step == 7
        np.testing.assert_allclose(other.session.params["W"], s.params["W"])
        assert other.session.optimizer.name == "adam"
    finally:
        other.close()
    (tmp_path / "bad.json").write_text("{not json")
    assert s.load(tmp_path / "bad.json") is None
    assert "not valid JSON" in window.message_bar.text
    assert s.current_step == 7


COMBOS = [
    ("blobs", "linear", "mse"),
    ("blobs", "logistic", "bce"),
    ("blobs", "logistic", "mse"),
    ("spiral", "softmax", "ce"),
    ("spiral", "softmax", "mse"),
    ("spiral", "linear", "mse"),
    ("moons", "mlp", "ce"),
    ("moons", "mlp", "bce"),
    ("moons", "mlp", "mse"),
    ("line", "linear", "mse"),
    ("line", "mlp", "mse"),
]


@pytest.mark.parametrize("dataset,model,loss", COMBOS)
def test_every_model_and_loss_trains_ten_steps_cleanly(shared_window, dataset, model, loss):
    """Each pair as the command line asks for it, opened in one window after another."""
    window = shared_window()
    data, _ = session_data_from_args(parse_args(["--dataset", dataset, "--model", model, "--loss", loss]))
    window.session.apply_session(data)
    window.flush()
    s = window.session
    assert (s.model.kind, s.loss_fn.name) == (model, loss)
    assert s.step(10) == 10
    assert np.isfinite(s.trainer.loss)
    window.grab()  # every view paints this state


def test_cli_errors_are_messages_not_tracebacks(gradviz_command, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,y\n1,2\n")
    out = gradviz_command("--data", str(bad), "--screenshot", str(tmp_path / "x.png"))
    assert out.returncode == 2
    assert "bad.csv, line 2" in out.stderr and "Traceback" not in out.stderr
    out = gradviz_command("--lr", "-3")
    assert out.returncode == 2 and "learning rate" in out.stderr
    # and from a process of its own, as the user runs it
    out = subprocess.run([sys.executable, "-m", "gradviz", "--preset", "nope"], capture_output=True, text=True)
    assert out.returncode == 2 and "no preset named" in out.stderr and "Traceback" not in out.stderr


def test_values_on_the_command_line_may_be_negative():
    """argparse takes '-1.5,2' for an option ("expected one argument"): every value may start with '-'."""
    from gradviz.cli import parse_args

    args = parse_args(["--function", "rosenbrock", "--start", "-1.5,2", "--seed", "3"])
    assert args.start == (-1.5, 2.0) and args.seed == 3
    assert parse_args(["--function", "saddle", "--start=-1,-0.5"]).start == (-1.0, -0.5)
    with pytest.raises(SystemExit):  # a value that is not there is still said
        parse_args(["--lr", "--steps", "3"])


def test_list_presets_to_a_reader_that_stops_early_ends_quietly():
    """`gradviz --list-presets | head -1`: no BrokenPipe traceback at the user."""
    done = subprocess.run(
        f"{sys.executable} -m gradviz --list-presets | head -c 10", shell=True, capture_output=True, text=True
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr and len(done.stdout) == 10


def test_screenshot_option_writes_a_png_and_says_nothing(tmp_path):
    """From a process of its own, as the user runs it: not a word on stdout or stderr (Qt's included)."""
    shot = tmp_path / "shot.png"
    out = subprocess.run(
        [sys.executable, "-m", "gradviz", "--steps", "3", "--screenshot", str(shot)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0 and out.stdout == "" and out.stderr == "", out.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_list_presets():
    out = subprocess.run([sys.executable, "-m", "gradviz", "--list-presets"], capture_output=True, text=True)
    assert out.returncode == 0
    for name in ("logistic-blobs", "linear-line", "mlp-moons"):
        assert name in out.stdout
    assert "lesson" not in out.stdout.lower()  # these are scenarios: lessons are --list-lessons


@pytest.mark.parametrize("name", [p.name for p in list_presets()])
def test_every_preset_opens(opened, name):
    window = opened("--preset", name, "--steps", "2")
    assert window.session.current_step == 2
    assert isinstance(window.session.source_dataset, core.Dataset)
    assert window.windowTitle() == window.session.describe_problem()


def test_session_file_keeps_the_selection_and_the_slice(window, tmp_path):
    s = window.session
    s.step(6)
    s.select(9)
    s.set_slice("axes", ("b[0]", "W[1,0]"))
    path = tmp_path / "view.json"
    assert s.save(path)
    other = create_window(["--load", str(path)])
    try:
        o = other.session
        assert o.selected == 9 and o.current_step == 6
        assert o.slice.mode == "axes" and o.slice.axis_labels == ("b[0]", "W[1,0]")
    finally:
        other.close()


def test_mlp_output_activation_can_be_chosen_and_mse_with_sigmoid_is_non_canonical(opened):
    window = opened("--preset", "mlp-moons")
    s = window.session
    out = find(window, QComboBox, "outputCombo")
    assert out.isEnabled()
    out.setCurrentIndex(out.findData("sigmoid"))
    assert s.model.output == "sigmoid" and s.loss_fn.name == "bce"  # CE needs softmax: switched to BCE
    loss = find(window, QComboBox, "lossCombo")
    loss.setCurrentIndex(loss.findData("mse"))
    assert (s.model.output, s.loss_fn.name) == ("sigmoid", "mse") and not s.settings.is_canonical
    assert "⚠" in loss.currentText()
    assert s.step(10) == 10
    model = find(window, QComboBox, "modelCombo")
    model.setCurrentIndex(model.findData("logistic"))
    assert not out.isEnabled()


def test_open_window_shows_first_then_fills_in_the_analysis_docks(qtbot):
    from gradviz.gui.app import _build_window, open_window, parse_args

    early = _build_window(parse_args([]), defer_analysis=True)
    qtbot.addWidget(early)
    assert early.surface_view is None
    assert early.findChild(QDockWidget, "lossSurfaceDock") is not None  # the dock is there at once
    early.build_deferred_views()
    assert early.docks["lossSurfaceDock"].widget() is early.surface_view
    window = open_window([])
    qtbot.addWidget(window)
    assert window.isVisible() and window.gradient_view is not None
    assert window.docks["gradientDock"].widget() is window.gradient_view


def test_every_control_takes_its_range_from_cores_limits(window):
    from gradviz.core import FIELDS

    for name, object_name in ((f.name, f.control) for f in FIELDS.values() if f.shows != "function"):
        field = FIELDS[name]
        w = window.findChild(QWidget, object_name)
        assert w is not None, object_name
        if field.limit is None:
            continue
        low = field.limit.low - (1 if field.none_text else 0)  # the special value below: "full batch"
        assert w.minimum() == pytest.approx(low) and w.maximum() >= min(field.limit.high, 1), object_name
        if name != "batch_size":  # its maximum follows N
            assert w.maximum() == pytest.approx(field.limit.high), object_name
        assert not w.keyboardTracking(), object_name  # typed values apply on Enter, not per keystroke


def test_controls_show_what_the_session_holds_after_any_change(window):
    s = window.session
    s.set_value("optimizer", "rmsprop")
    s.set_value("alpha", 0.95)
    s.set_value("seed", 7)
    assert find(window, QComboBox, "optimizerCombo").currentData() == "rmsprop"
    assert find(window, QDoubleSpinBox, "alphaSpin").value() == pytest.approx(0.95)
    assert find(window, QSpinBox, "seedSpin").value() == 7
    lr = find(window, QDoubleSpinBox, "learningRateSpin")
    lr.setValue(lr.minimum())  # the session refuses nothing here; a refused value would be put back
    assert s.optimizer.lr == pytest.approx(lr.minimum())


def test_f1_help_lists_every_shortcut_of_the_window(window):
    from PySide6.QtGui import QAction, QKeySequence

    from gradviz.gui.actions import help_html

    text = help_html()
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            assert key.toString(QKeySequence.SequenceFormat.NativeText) in text, action.objectName()
    assert "Click the loss surface" in text


def test_what_the_command_line_cannot_honour_is_said_on_stderr_and_in_the_window(
    gradviz_command, make_window, tmp_path
):
    out = gradviz_command("--model", "logistic", "--dataset", "spiral", "--screenshot", str(tmp_path / "s.png"))
    assert out.returncode == 0
    lines = [line for line in out.stderr.splitlines() if line.startswith("gradviz:")]
    assert len(lines) == 1 and "softmax regression" in lines[0] and "3" in lines[0]
    window = make_window("--model", "softmax", "--dataset", "line")
    assert window.session.model.kind == "linear"
    assert window.message_bar.isVisible() and "linear regression" in window.message_bar.text


def test_mlp_on_class_data_starts_from_its_canonical_pair(opened):
    window = opened("--model", "mlp", "--dataset", "blobs")
    s = window.session.settings
    assert (s.output_activation, s.loss) == ("sigmoid", "bce") and s.is_canonical


def test_no_spin_box_applies_a_value_per_keystroke(window):
    """Typing "0.5" must not apply 0, then 0.5 (found by the GUI fuzzer: the noise regenerated the data at 0)."""
    from PySide6.QtWidgets import QAbstractSpinBox

    spins = window.findChildren(QAbstractSpinBox)
    assert len(spins) >= 10
    assert [s.objectName() for s in spins if s.keyboardTracking()] == []


def test_the_data_controls_make_the_data_they_show(window):
    """N, noise and classes apply at once (undoably), so that they always show the data in use."""
    s = window.session
    spin = window.controls.size_spin
    spin.setValue(45)
    assert s.source_dataset.n_samples == 45 and s.source_dataset.recipe.n_samples == 45
    window.controls.noise_spin.setValue(0.4)
    assert s.source_dataset.recipe.noise == pytest.approx(0.4)
    s.undo()
    assert s.source_dataset.recipe.noise == pytest.approx(1.1) and window.controls.noise_spin.value() == pytest.approx(
        1.1
    )
