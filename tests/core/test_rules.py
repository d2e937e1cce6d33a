"""The one table of rules, limits and fields: what everything else asks."""

import numpy as np
import pytest

from gradviz import core
from gradviz.core import rules
from gradviz.core.fields import FIELDS, RESTARTING
from gradviz.core.limits import LIMITS

BINARY = core.generate("blobs", n_samples=20, seed=0)
THREE = core.generate("blobs", n_samples=30, seed=0, classes=3)
LINE = core.generate("line", n_samples=20, seed=0)


@pytest.mark.parametrize("loss", rules.LOSS_NAMES)
@pytest.mark.parametrize("output", rules.OUTPUTS)
def test_losses_admit_and_are_canonical_by_the_table(loss, output):
    assert core.make_loss(loss).admits(output) == (output in rules.ADMITTED_OUTPUTS[loss])
    assert core.make_loss(loss).is_canonical(output) == (rules.CANONICAL_LOSS[output] == loss)
    assert bool(rules.why_not(loss, output)) != rules.admits(loss, output)


@pytest.mark.parametrize(
    "asked,data,expected,said",
    [
        (("logistic", "bce", None), THREE, ("softmax", "ce", None), "softmax"),
        (("softmax", "ce", None), LINE, ("linear", "mse", None), "regression"),
        (("logistic", "bce", None), LINE, ("linear", "mse", None), "regression"),
        (("mlp", "bce", "sigmoid"), THREE, ("mlp", "ce", "softmax"), "sigmoid"),
        (("mlp", "ce", None), LINE, ("mlp", "mse", None), "regression"),
        (("mlp", "bce", None), THREE, ("mlp", "ce", None), "sigmoid output separates two classes"),
        (("mlp", "mse", "softmax"), LINE, ("mlp", "mse", "identity"), "regression"),
        (("logistic", "mse", None), BINARY, ("logistic", "mse", None), None),
    ],
)
def test_fit_changes_what_the_data_cannot_take_and_says_why(asked, data, expected, said):
    fit = rules.fit(*asked, data)
    assert (fit.model, fit.loss, fit.output) == expected
    if said is None:
        assert fit.notes == ()
    else:
        assert fit.notes and any(said in note for note in fit.notes)


@pytest.mark.parametrize("data", [BINARY, THREE, LINE], ids=["two classes", "three classes", "regression"])
def test_every_combination_fitted_to_any_data_makes_a_model_and_a_trainer(data):
    """Whatever the controls held when the data changed, the fitted settings train (the MLP with
    binary cross-entropy and its canonical output, given three classes, did not: found by the GUI fuzzer)."""
    for model in rules.MODEL_KINDS:
        for loss in rules.LOSS_NAMES:
            for output in (None, *rules.OUTPUTS):
                try:
                    asked = core.Settings(model=model, loss=loss, output=output)
                except ValueError:  # a pair no control can hold
                    continue
                settings, _ = asked.fitted(data)
                settings.make_trainer(data)


def test_model_defaults_are_the_canonical_pair_for_the_data():
    assert rules.model_defaults("mlp", THREE) == ("ce", "softmax")
    assert rules.model_defaults("mlp", BINARY) == ("bce", "sigmoid")
    assert rules.model_defaults("mlp", LINE) == ("mse", "identity")
    assert rules.model_defaults("softmax", THREE) == ("ce", None)


def test_n_outputs_and_problems():
    assert rules.n_outputs(BINARY, "sigmoid") == 1 and rules.n_outputs(BINARY, "softmax") == 2
    assert rules.n_outputs(THREE, "identity") == 3 and rules.n_outputs(LINE, "identity") == 1
    assert "two classes" in rules.model_problem("logistic", THREE)
    assert rules.model_problem("mlp", LINE) == ""
    assert "regression" in rules.output_problem("sigmoid", LINE)


@pytest.mark.parametrize(
    "name,good,bad",
    [("seed", 7, 10**400), ("batch_size", 32, 0), ("hidden", 16, 1000), ("lr", 0.5, 0.0), ("n_samples", 5, 10**6)],
)
def test_limits_check_in_the_users_words(name, good, bad):
    assert LIMITS[name].check(good) == good
    with pytest.raises(ValueError, match=f"{LIMITS[name].what} must be"):
        LIMITS[name].check(bad)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "3", True, None, [1]])
def test_limits_refuse_what_is_not_a_finite_number(value):
    with pytest.raises(ValueError, match="must be"):
        LIMITS["seed"].check(value)


def test_core_refuses_what_the_limits_refuse():
    with pytest.raises(ValueError, match="seed"):
        core.Settings(seed=2**40)
    with pytest.raises(ValueError, match="learning rate"):
        core.make_optimizer("sgd", lr=2e6)
    with pytest.raises(ValueError, match="hidden units"):
        core.make_model("mlp", 2, 2, hidden=LIMITS["hidden"].high + 1)
    with pytest.raises(ValueError, match="number of points"):
        core.generate("blobs", n_samples=LIMITS["n_samples"].high + 1)


def test_every_field_has_a_range_or_choices_and_the_restarting_ones_are_named():
    for f in FIELDS.values():
        # a formula is checked by core's parser and a start point by check_start, not by a range
        assert f.limit is not None or f.choices or f.kind in ("toggle", "text", "point"), f.name
    assert set(RESTARTING) == {
        "model",
        "hidden",
        "hidden_activation",
        "output",
        "loss",
        "seed",
        "val_fraction",
        "function",
        "start",
    }


def test_settings_with_value_adjusts_what_depends_on_the_field():
    s = core.Settings(model="logistic", loss="mse", optimizer="adam", hyperparams={"lr": 0.05, "eps": 1e-6})
    assert s.with_value("model", "softmax", THREE).loss == "ce"
    mlp = s.with_value("model", "mlp", THREE)
    assert (mlp.loss, mlp.output) == ("ce", "softmax")
    assert s.with_value("model", "mlp").loss == "mse"  # without data: the loss stays where it can
    out = mlp.with_value("output", "sigmoid")
    assert (out.output, out.loss) == ("sigmoid", "bce")
    moved = s.with_value("optimizer", "momentum")
    assert moved.hyperparams == {"lr": 0.05} and moved.get("momentum") == 0.9
    b = s.with_value("beta2", 0.9)
    assert b.get("beta1") == 0.9 and b.get("beta2") == 0.9
    assert s.get("lr") == 0.05 and s.get("momentum") is None
    assert s.applies("beta1") and not s.applies("momentum") and not s.applies("hidden")


def test_settings_fitted_reports_the_change():
    s, notes = core.Settings(model="logistic", loss="bce").fitted(THREE)
    assert (s.model, s.loss) == ("softmax", "ce") and "softmax" in notes[0]
    same, none = core.Settings().fitted(BINARY)
    assert none == () and same == core.Settings()


def test_formulas_are_written_once_for_every_pair():
    assert rules.logit_gradient_formula("bce", "sigmoid") == "dL/dz = (ŷ − y)/N"
    assert "ŷ(1 − ŷ)" in rules.logit_gradient_formula("mse", "sigmoid")
    assert rules.LOSS_FORMULAS["ce"].rhs == "−y/ŷ"
    assert np.all([f.value for f in rules.OUTPUT_FORMULAS.values()])


def test_an_unknown_output_is_a_value_error_that_names_the_choices():
    from gradviz.core.settings import Settings

    for value in ("x", True, 3):
        with pytest.raises(ValueError, match="unknown output .*choose one of identity, sigmoid, softmax"):
            Settings().with_value("output", value)
