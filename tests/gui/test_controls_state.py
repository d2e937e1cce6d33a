"""Every control shows the state in use, however the state was set: the CLI, a preset, a loaded session."""

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from gradviz import core
from gradviz.presets import list_presets
from gradviz.state import Session

from ..fuzz.gui_fuzzer import control_problems

SHARED_WINDOW = True  # one window for the module's `window` tests, each from a first start's session


def assert_controls_show_the_session(window):
    assert control_problems(window) == []


@pytest.mark.parametrize("preset", [p.name for p in list_presets()])
def test_a_preset_shows_in_every_control(opened, preset):
    assert_controls_show_the_session(opened("--preset", preset))


@pytest.mark.parametrize(
    "argv",
    [
        ("--dataset", "moons", "--model", "mlp", "--hidden", "100", "--optimizer", "adam", "--lr", "0.003"),
        ("--batch-size", "16", "--seed", "7", "--optimizer", "nesterov"),
        (
            "--lr",
            "1000000",
        ),
        ("--dataset", "spiral", "--model", "softmax", "--loss", "mse", "--optimizer", "rmsprop"),
    ],
)
def test_the_command_line_shows_in_every_control(make_window, argv):
    window = make_window(*argv)
    assert_controls_show_the_session(window)
    if "--hidden" in argv:
        assert window.findChild(QWidget, "hiddenSpin").value() == 100


def test_a_loaded_session_shows_in_every_control(window, tmp_path):
    data = core.generate("blobs", n_samples=80, noise=1.1, seed=3)
    settings = core.Settings(
        model="mlp",
        loss="mse",
        output="sigmoid",
        hidden=12,
        hidden_activation="relu",
        optimizer="rmsprop",
        hyperparams={"lr": 0.004, "alpha": 0.9, "eps": 1e-5, "momentum": 0.5, "centered": True},
        batch_size=9,
        seed=5,
    )
    other = Session(data, settings)
    other.step(4)
    path = tmp_path / "s.json"
    assert other.save(path)
    assert window.session.load(path) is not None
    assert window.session.settings == settings
    assert_controls_show_the_session(window)
    assert window.controls.noise_spin.value() == pytest.approx(1.1)


def test_data_from_a_file_is_named_and_not_a_generator(window, tmp_path):
    path = tmp_path / "measured.csv"
    core.save_csv(core.generate("line", n_samples=12, seed=0), path)
    assert window.session.import_csv(path)
    assert_controls_show_the_session(window)
    assert "measured" in window.controls.dataset_combo.currentText()
    assert not window.controls.generate_button.isEnabled()


def test_a_loss_the_data_would_not_keep_is_not_offered(opened):
    window = opened("--dataset", "line", "--model", "mlp")
    combo = window.findChild(QWidget, "lossCombo")
    items = {combo.itemData(i): combo.model().item(i) for i in range(combo.count())}
    assert not items["bce"].isEnabled() and not items["ce"].isEnabled() and items["mse"].isEnabled()
    assert_controls_show_the_session(window)


def test_weight_decay_has_a_control_for_every_optimizer_and_adamw_decouples_it(opened):
    from PySide6.QtWidgets import QDoubleSpinBox

    from gradviz.core import OPTIMIZERS, make_optimizer

    window = opened("--preset", "mlp-moons", "--weight-decay", "0.02")
    s = window.session
    spin = window.findChild(QDoubleSpinBox, "weightDecaySpin")
    assert spin.value() == 0.02 and s.settings.get("weight_decay") == 0.02
    for name in OPTIMIZERS:
        s.set_value("optimizer", name)
        window.flush()
        assert spin.isVisibleTo(window) and spin.value() == s.settings.get("weight_decay"), name
    spin.setValue(0.1)
    spin.editingFinished.emit()
    window.flush()
    assert s.settings.get("weight_decay") == 0.1 and s.optimizer.name == "adamw"
    before = {k: v.copy() for k, v in s.params.items()}
    grads, state, h = s.trainer.grads, s.trainer.opt_state, s.optimizer.hyperparams
    adam = make_optimizer("adam", lr=h["lr"], betas=h["betas"], eps=h["eps"])  # Adam's step on g alone
    coupled = make_optimizer("adam", lr=h["lr"], betas=h["betas"], eps=h["eps"], weight_decay=0.1)  # λθ in g
    plain, _ = adam.step(before, grads, state)
    in_grad, _ = coupled.step(before, grads, state)
    s.step(1)  # AdamW: θ shrinks by ηλ, then Adam's step with the gradient alone
    for k in before:
        expected = before[k] * (1 - h["lr"] * 0.1) + (plain[k] - before[k])
        np.testing.assert_allclose(s.params[k], expected, rtol=1e-12, atol=1e-15)
        if np.any(before[k]):  # (zeros, the biases at step 0, decay alike either way)
            assert not np.allclose(s.params[k], in_grad[k], rtol=1e-9, atol=0), k  # not Adam with λθ in g
