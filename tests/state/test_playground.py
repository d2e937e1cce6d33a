"""The playground in the state layer: descent on f(x, y) with every optimizer, races, session files,
the start point, and the stops that are not a step-size problem."""

import json

import numpy as np
import pytest

from gradviz import core
from gradviz.core import Settings
from gradviz.core.function_model import FunctionModel
from gradviz.state import Session

OPTIMIZERS = {
    "sgd": {"lr": 5e-4},
    "momentum": {"lr": 5e-4, "momentum": 0.9},
    "nesterov": {"lr": 5e-4, "momentum": 0.9},
    "adagrad": {"lr": 0.1},
    "rmsprop": {"lr": 0.01},
    "adam": {"lr": 0.05},
    "adamw": {"lr": 0.05, "weight_decay": 0.01},
}


def _notes(session):
    said = []
    session.subscribe(lambda change: said.extend(change.notes))
    return said


@pytest.mark.parametrize("name, hp", list(OPTIMIZERS.items()))
def test_each_optimizer_steps_on_the_exact_gradient_as_core_does(name, hp):
    s = Session(settings=Settings(function="rosenbrock", optimizer=name, hyperparams=hp))
    assert set(s.params) == {"xy"} and s.params["xy"].shape == (2,)
    f = core.make_function("rosenbrock")
    opt = core.make_optimizer(name, **hp)
    params = {"xy": np.array(f.start)}
    state = opt.init(params)
    for _ in range(60):
        assert s.step() == 1
        grads = {"xy": np.array(f.grad(*params["xy"]))}
        params, state = opt.step(params, grads, state)
        np.testing.assert_array_equal(s.params["xy"], params["xy"])  # the same arithmetic: exactly equal
    assert s.frame.loss == f.value(*params["xy"])
    np.testing.assert_array_equal(s.frame.grads, f.grad(*params["xy"]))


def test_a_function_is_a_model_of_two_parameters_for_every_core_tool():
    f = core.make_function("beale")
    model = FunctionModel(f)
    params = {"xy": np.array([0.5, -0.7])}
    value, grads = model.loss_and_grad(params)
    assert value == f.value(0.5, -0.7) and np.array_equal(grads["xy"], np.array(f.grad(0.5, -0.7)))
    np.testing.assert_array_equal(core.hessian(model, None, params, None, None), f.hessian(0.5, -0.7))
    sl = core.make_slice("axes", model.spec, params)
    assert sl.axis_labels == ("x", "y")
    a, b = np.linspace(-4, 4, 7), np.linspace(-2, 2, 5)
    S = core.loss_surface(model, None, None, None, sl.center, sl.d1, sl.d2, a, b)
    A, B = np.meshgrid(a, b, indexing="ij")
    np.testing.assert_allclose(S, f.value(A, B), rtol=1e-15)
    F = core.gradient_field(model, None, None, None, sl.center, sl.d1, sl.d2, a, b)
    np.testing.assert_allclose(F[..., 0], f.grad(A, B)[0], rtol=1e-15)
    bowl = FunctionModel(core.make_function("ill-conditioned"))
    spectrum = core.top_eigen(bowl, None, bowl.init(), None, None)
    np.testing.assert_allclose(spectrum.values, [200.0, 2.0])
    assert core.max_stable_lr("sgd", {}, spectrum.top).lr == pytest.approx(0.01)


def test_choosing_a_function_and_back_keeps_the_model_and_its_data():
    s = Session()
    model_settings, data = s.settings, s.source_dataset
    assert s.set_value("model", "function")
    assert s.settings.function == "rosenbrock" and s.settings.get("model") == "function"
    assert s.settings.get("lr") == core.make_function("rosenbrock").lr  # a step size that is stable at its start
    assert s.describe_problem().startswith("f(x, y) = (1 − x)²")
    s.step(3)
    assert s.set_value("model", model_settings.model)  # back: the same model, the same data
    assert not s.settings.is_function and s.source_dataset is data
    assert s.settings.loss == model_settings.loss and s.current_step == 0


def test_a_named_function_brings_its_start_and_a_formula_keeps_the_one_in_use():
    s = Session(settings=Settings(function="saddle"))
    said = _notes(s)
    assert s.restart_from({"xy": np.array([0.25, -0.5])})  # a click on the surface: the start moves
    assert s.settings.start == (0.25, -0.5) and np.array_equal(s.params["xy"], [0.25, -0.5])
    assert s.set_value("function", "x^2 + 3*y^2")
    assert s.settings.start == (0.25, -0.5)
    assert s.set_value("function", "himmelblau")
    assert s.settings.start is None and tuple(s.params["xy"]) == core.make_function("himmelblau").start
    before = s.settings
    assert not s.set_value("function", "x + z")  # refused with its reason; nothing changes
    assert "unknown name 'z'" in said[-1].text and said[-1].kind == "error" and s.settings == before
    assert not s.set_value("function", "log(x)")  # not defined at any start it could take
    assert "not defined at the start" in said[-1].text and s.settings == before


def test_runs_race_on_a_function_from_one_start():
    s = Session(settings=Settings(function="himmelblau", hyperparams={"lr": 0.01}))
    assert s.add_run(optimizer="momentum", lr=0.01, momentum=0.9)
    assert s.add_run(optimizer="adam", lr=0.05)
    s.step(2000)
    ends = [tuple(np.round(r.trainer.params["xy"], 3)) for r in s.runs]
    minima = [tuple(np.round(m, 3)) for m in core.make_function("himmelblau").minima]
    assert all(end in minima for end in ends)
    assert len(set(ends)) == 2  # one start, two of the four minima: the optimizer decides which
    assert s.restart_from({"xy": np.array([-1.0, -1.0])})  # every run moves its start
    assert all(tuple(r.trainer.init_params["xy"]) == (-1.0, -1.0) for r in s.runs)


def test_a_session_file_keeps_the_function_the_start_and_every_run(tmp_path):
    s = Session(settings=Settings(function="x^2 + 10*y^2", start=(1.5, -1.0), hyperparams={"lr": 0.05}))
    s.add_run(optimizer="adam", lr=0.1)
    s.step(25)
    path = tmp_path / "bowl.json"
    assert s.save(path)
    doc = json.loads(path.read_text())
    assert doc["settings"]["function"] == "x^2 + 10*y^2" and doc["settings"]["start"] == [1.5, -1.0]
    again = Session()
    assert again.load(path)
    assert again.settings.function == "x^2 + 10*y^2" and again.current_step == 25
    for a, b in zip(s.runs, again.runs, strict=True):
        np.testing.assert_array_equal(a.trainer.params["xy"], b.trainer.params["xy"])


@pytest.mark.parametrize(
    "bad, words",
    [
        ("__import__('os')", "names with '__'"),
        ("9**9**9**9", "exponent"),
        ("x + z", "unknown name 'z'"),
        ("", "empty"),
        ("x" * 10_000, "at most"),
    ],
)
def test_a_session_file_with_a_bad_function_is_one_line_and_loses_nothing(tmp_path, bad, words):
    s = Session(settings=Settings(function="rosenbrock"))
    path = tmp_path / "bad.json"
    s.save(path)
    doc = json.loads(path.read_text())
    doc["settings"]["function"] = bad
    path.write_text(json.dumps(doc))
    other = Session(settings=Settings(function="saddle"))
    other.step(5)
    said = _notes(other)
    assert not other.load(path)
    assert words in said[-1].text and "\n" not in said[-1].text and "function" in said[-1].text
    assert other.settings.function == "saddle" and other.current_step == 5


def test_unbounded_below_stops_with_its_own_reason_not_the_step_size():
    s = Session(settings=Settings(function="saddle", hyperparams={"lr": 0.1}))
    said = _notes(s)
    s.step(5000)
    assert s.diverged and np.all(np.isfinite(s.params["xy"]))
    assert "decreases without bound" in said[-1].text and "step size" in said[-1].text
    assert said[-1].fix is None  # a smaller η would not help


def test_leaving_where_f_is_defined_stops_and_says_where():
    s = Session(settings=Settings(function="log(x + 3) + y^2", start=(-2.5, 1.0), hyperparams={"lr": 0.1}))
    said = _notes(s)
    s.step(50)
    assert s.current_step == 1 and s.diverged
    assert "not defined" in said[-1].text and "(-3.033, 0.64)" in said[-1].text


def test_editing_the_data_on_a_function_moves_no_run():
    s = Session(settings=Settings(function="rosenbrock", hyperparams={"lr": 5e-4}))
    s.step(10)
    params = s.params
    n = s.source_dataset.n_samples
    assert s.add_point([0.5, 0.5], 0)
    assert s.source_dataset.n_samples == n + 1 and s.current_step == 10 and s.params is params


def test_settings_refuse_a_start_without_a_function_and_an_absurd_one():
    with pytest.raises(ValueError, match="belongs to a function"):
        Settings(start=(0, 0))
    with pytest.raises(ValueError, match="finite"):
        Settings(function="saddle", start=(np.inf, 0))
    with pytest.raises(core.FunctionError):
        Settings(function="x +")


def test_a_function_whose_values_span_decades_opens_on_log_colours_and_a_file_s_choice_wins():
    """Linear colours would paint Rosenbrock's valley, Beale's arms and Himmelblau's basins in one
    colour; a bowl or a saddle read well on them."""
    assert [name for name in core.FUNCTIONS if core.make_function(name).spans_decades] == [
        "rosenbrock",
        "beale",
        "himmelblau",
    ]
    session = Session(core.generate("blobs", seed=0), Settings(function="rosenbrock"))
    assert session.view.surface_log
    session.set_value("function", "x^2 + 10*y^2")
    assert not session.view.surface_log
    session.set_value("function", "exp(x + y)")
    assert session.view.surface_log
    session.set_value("model", "logistic")  # back on a model: the user's choice of colours stays
    assert session.view.surface_log
    session.set_view(surface_log=False)  # chosen by hand for the same function: kept
    session.set_value("lr", 0.01)
    assert not session.view.surface_log


@pytest.mark.parametrize(
    "bad", [{"xy": np.array([1.0, 2.0, 3.0])}, {"W": np.zeros((2, 1))}, {"xy": np.array([np.nan, 0.0])}]
)
def test_a_start_point_the_function_cannot_take_is_refused_with_a_note_and_changes_nothing(bad):
    s = Session(settings=Settings(function="rosenbrock"))
    s.step(5)
    before, said = (s.settings, s.current_step, s.params["xy"].copy()), _notes(s)
    assert s.restart_from(bad) is False
    assert (s.settings, s.current_step) == before[:2] and np.array_equal(s.params["xy"], before[2])
    assert [n.kind for n in said] == ["error"] and said[0].text
