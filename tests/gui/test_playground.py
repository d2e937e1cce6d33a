"""The playground in the window: the model choice f(x, y), the formula field that checks as it is
typed, the views of data saying they apply to models, the start set by a click, a race on a
function, and the keys after typing a formula."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

from gradviz import core
from gradviz.state.view_registry import VIEWS

from .test_keyboard import _keys_work

MODELS_ONLY = ("data_view", "residuals_view", "jacobian_view", "network_view", "gradient_view")

STEPPING_ASIDE = [v.dock for v in VIEWS if v.steps_aside]  # the docks of data and samples


def _field(window) -> QLineEdit:
    return window.findChild(QLineEdit, "functionEdit")


def test_choosing_f_of_x_y_shows_the_function_and_sets_the_model_views_aside(window, qtbot):
    s = window.session
    combo = window.findChild(QComboBox, "modelCombo")
    combo.setCurrentIndex(combo.findData("function"))
    window.flush()
    assert s.settings.function == "rosenbrock"
    controls = window.controls
    assert controls.function_editor.isVisibleTo(controls) and not controls.data_box.isVisibleTo(controls)
    assert not controls.controls["loss"].isVisibleTo(controls)
    assert _field(window).text() == core.make_function("rosenbrock").expression
    for name in STEPPING_ASIDE:
        assert window.docks[name].isHidden()
    for attribute in MODELS_ONLY:  # shown by hand, each says why it has nothing to draw
        view = getattr(window, attribute)
        assert view.applies_not and "model" in view.words_instead
    window.docks["residualsDock"].show()
    qtbot.wait(10)
    residuals = window.residuals_view
    drawn = residuals.redraws
    s.step(3)
    window.flush()
    assert residuals.redraws == drawn  # covered by its words: nothing drawn behind them
    assert window.surface_view.slice is not None
    assert window.windowTitle().startswith("f(x, y) = (1 − x)²")
    combo.setCurrentIndex(combo.findData("logistic"))  # back to a model: the views come back and draw
    assert not s.settings.is_function
    for name in STEPPING_ASIDE:
        assert not window.docks[name].isHidden()
    window.flush()
    assert not residuals.applies_not and residuals.redraws > drawn


def test_a_view_of_models_shown_before_the_words_arrive_draws_nothing(make_window):
    """A dock shown in the same turn as the switch to a function (a lesson's scene raising its views): the
    view must not ask a function for per-sample gradients (it raised AttributeError from the frame)."""
    window = make_window("--preset", "logistic-blobs")
    view = window.gradient_view
    drawn = view.redraws
    window.session.set_value("model", "function")
    window.docks["gradientDock"].show()
    view.set_shown(False)
    view.set_shown(True)  # no event-loop turn in between: the words are not up yet
    assert view.applies_not and view.redraws == drawn
    window.flush()
    assert "model" in view.words_instead


def test_a_formula_is_checked_as_it_is_typed_and_the_last_valid_one_kept(opened, qtbot):
    window = opened("--function", "saddle")
    s = window.session
    field = _field(window)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "x^2 + z")
    editor = window.controls.function_editor
    assert not editor.valid and "border" in field.styleSheet()  # the red frame
    assert "unknown name 'z'" in editor.problem.text() and "column 7" in editor.problem.text()
    assert "unknown name 'z'" in window.statusBar().currentMessage()
    assert s.settings.function == "saddle"  # the runs go on with the last valid function
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert s.settings.function == "saddle"
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, "10*y^2")
    assert editor.valid and field.styleSheet() == ""
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not field.hasFocus(), timeout=2000)
    assert s.settings.function == "x^2 + 10*y^2"
    _keys_work(window, qtbot)  # the step keys work after typing a formula


def test_escape_puts_back_the_formula_in_use(opened, qtbot):
    window = opened("--function", "himmelblau")
    field = _field(window)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClicks(field, " +* nonsense")
    assert not window.controls.function_editor.valid
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not field.hasFocus(), timeout=2000)
    assert field.text() == core.make_function("himmelblau").expression and window.controls.function_editor.valid
    _keys_work(window, qtbot)


def test_the_choice_of_classic_functions(opened):
    window = opened("--function", "x^2 + y^2")
    combo = window.findChild(QComboBox, "functionCombo")
    assert combo.currentData() is None  # a typed formula: "your own formula"
    combo.setCurrentIndex(combo.findData("beale"))
    combo.activated.emit(combo.currentIndex())
    assert window.session.settings.function == "beale"
    assert _field(window).text() == core.make_function("beale").expression


def test_a_click_on_the_surface_sets_the_start(opened, qtbot):
    window = opened("--function", "himmelblau", "--steps", "5")
    s = window.session
    view = window.surface_view
    qtbot.waitUntil(lambda: view.idle, timeout=5000)
    vb = view.plot.getViewBox()

    class Click:
        def __init__(self, pos):
            self._pos = pos

        def button(self):
            return Qt.MouseButton.LeftButton

        def double(self):
            return False

        def scenePos(self):
            return self._pos

        def accept(self):
            pass

    vb.scene().sigMouseClicked.emit(Click(vb.mapViewToScene(QPointF(-2.0, 1.5))))
    x, y = s.settings.start
    assert (x, y) == pytest.approx((-2.0, 1.5), abs=0.05)
    assert s.current_step == 0 and np.array_equal(s.params["xy"], [x, y])
    assert "(-2" in window.controls.start_label.text()


def test_the_surface_shows_the_domain_the_minima_and_f(make_window, qtbot):
    window = make_window("--function", "himmelblau", "--optimizer", "adam", "--lr", "0.05", "--steps", "20")
    view = window.surface_view
    qtbot.waitUntil(lambda: view.idle, timeout=5000)
    assert view.alphas[0] <= -5 and view.alphas[-1] >= 5 and view.betas[0] <= -5 and view.betas[-1] >= 5
    xs, ys = view.optimum.getData()
    assert len(xs) == 4  # Himmelblau's four minima, starred
    alphas, betas, S = view.shown_grid()
    A, B = np.meshgrid(alphas, betas, indexing="ij")
    np.testing.assert_allclose(S, core.make_function("himmelblau").value(A, B), rtol=1e-6)
    assert (
        "f at ●" in view.note.text() and view.surface_image.colorbar.axis.labelText == "log₁₀ f"
    )  # its basins span decades
    text = window.derivation_view.browser.toPlainText()
    assert "∂f/∂x = 4·(x² + y − 11)·x + 2·(x + y² − 7)" in text


def test_each_optimizer_in_the_app_takes_core_s_steps_on_rosenbrock(opened):
    for name, lr in (
        ("sgd", 5e-4),
        ("momentum", 5e-4),
        ("nesterov", 5e-4),
        ("adagrad", 0.1),
        ("rmsprop", 0.01),
        ("adam", 0.05),
        ("adamw", 0.05),
    ):
        window = opened("--function", "rosenbrock", "--optimizer", name, "--lr", str(lr))
        f = core.make_function("rosenbrock")
        opt = window.session.optimizer
        params = {"xy": np.array(f.start)}
        state = opt.init(params)
        step = window.actions_by_name["stepAction"]
        for _ in range(20):
            step.trigger()
            params, state = opt.step(params, {"xy": np.array(f.grad(*params["xy"]))}, state)
        np.testing.assert_array_equal(window.session.params["xy"], params["xy"])
        window.close()


def test_a_race_on_a_function_draws_every_path(opened, qtbot):
    window = opened(
        "--function",
        "rosenbrock",
        "--compare",
        "optimizer=momentum,lr=0.0005,momentum=0.9",
        "--compare",
        "optimizer=adam,lr=0.05",
        "--steps",
        "100",
    )
    s = window.session
    assert len(s.runs) == 3
    window.flush()
    lines = [line for line, _ in window.surface_view.race.items if line.isVisible()]
    assert len(lines) == 3
    where_now = sorted(tuple(np.round(r.trainer.params["xy"], 9)) for r in s.runs)
    drawn_ends = []
    for line in lines:  # each from the start to where its run is now (thinned where it runs straight)
        xs, ys = line.getData()
        assert len(xs) >= 3 and np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))
        assert (xs[0], ys[0]) == (-1.5, 2.0)
        drawn_ends.append((round(float(xs[-1]), 9), round(float(ys[-1]), 9)))
    assert sorted(drawn_ends) == where_now
    ends = {tuple(np.round(r.trainer.params["xy"], 6)) for r in s.runs}
    assert len(ends) == 3  # three optimizers, three places after 100 steps
    table = window.runs_view.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert "f" in headers and "‖∇f‖" in headers and "L" not in headers  # the table names what is minimised


def test_keys_typed_into_the_formula_are_text_not_commands(opened, qtbot):
    window = opened("--function", "saddle")
    field = _field(window)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    field.end(False)
    qtbot.keyClicks(field, " + 0*y")  # Space plays and + speeds up elsewhere: here they are a formula's
    assert not window.playback.playing and window.session.current_step == 0
    assert field.text().endswith(" + 0*y")


def test_lessons_playground_opens_each_classic_race_and_your_own_formula(window, qtbot):
    menu_actions = {a.objectName(): a for a in window.findChildren(type(window.actions_by_name["stepAction"]))}
    names = [n for n in menu_actions if n.startswith("presetAction_playground-")]
    assert {n.removeprefix("presetAction_playground-") for n in names} == set(core.FUNCTIONS)
    menu_actions["presetAction_playground-saddle"].trigger()
    qtbot.waitUntil(lambda: window.session.settings.function == "saddle", timeout=5000)
    assert len(window.session.runs) == 2
    menu_actions["presetAction_playground-saddle"]
    own = menu_actions["playgroundOwnAction"]
    own.trigger()
    field = _field(window)
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    assert field.selectedText() == field.text()  # typing replaces it


def test_leaving_the_field_applies_a_valid_formula(opened, qtbot):
    window = opened("--function", "saddle")
    field = _field(window)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, "x^2 + 2*y^2")
    window.findChild(QComboBox, "optimizerCombo").setFocus()  # Tab away, as a user does
    qtbot.waitUntil(lambda: not field.hasFocus(), timeout=2000)
    assert window.session.settings.function == "x^2 + 2*y^2"


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"])
def test_the_optimizer_s_state_is_drawn_at_the_current_point_and_adds_up_to_its_step(opened, optimizer):
    window = opened("--function", "ill-conditioned", "--optimizer", optimizer, "--lr", "0.005", "--steps", "6")
    s = window.session
    window.findChild(QCheckBox, "stepPartsCheck").setChecked(True)
    assert s.view.step_parts
    window.flush()
    view = window.surface_view
    marks = view.step_marks
    here = s.frame.path[-1]
    drawn = [(line, key) for (line, _), (key, _) in zip(marks.arrows, marks.drawn, strict=False)]
    chain = [line for line, key in drawn if key not in ("plain", "averaged")]
    xs, ys = chain[0].getData()
    assert (xs[0], ys[0]) == pytest.approx(tuple(here))  # from the current point …
    xs, ys = chain[-1].getData()
    np.testing.assert_allclose([xs[-1], ys[-1]], here + marks.factor * s.frame.slice_update, rtol=1e-9, atol=1e-12)
    assert marks.factor >= 1  # … to where the step goes, magnified (the legend says by how much)
    legend = " ".join(text for _, _, text in marks.legend_entries("f"))
    assert ("×" in legend) == (marks.factor > 1)
    note = view.note.text()
    assert {"adam": "±1 per coordinate", "momentum": "carried over", "adagrad": "step size"}.get(
        optimizer, "Δθ"
    ) in note
    window.findChild(QCheckBox, "stepPartsCheck").setChecked(False)
    window.flush()
    assert not marks.drawn and not any(line.isVisible() for line, _ in marks.arrows)


def test_adam_s_step_is_about_eta_along_both_axes_where_gd_s_is_not(opened):
    window = opened("--preset", "playground-ill-conditioned", "--steps", "1")
    s = window.session
    s.focus_run(1)  # Adam
    window.flush()
    parts = s.frame.step_parts
    np.testing.assert_allclose(np.abs(parts.step), 0.05, rtol=0.05)
    plain = np.abs(parts.plain)
    assert plain[1] > 10 * plain[0]
    assert "±1 per coordinate" in window.surface_view.note.text()


def test_a_saved_layout_reopened_on_a_function_still_sets_the_model_views_aside(qtbot):
    from gradviz.gui import create_window

    first = create_window(["--preset", "logistic-blobs"])
    qtbot.addWidget(first)
    first.show()
    first.close()  # saves its layout (every dock shown)
    again = create_window(["--function", "himmelblau"])  # restores that layout
    qtbot.addWidget(again)
    again.show()
    for name in STEPPING_ASIDE:
        assert again.docks[name].isHidden()
    again.close()
