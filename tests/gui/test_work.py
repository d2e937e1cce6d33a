"""One change costs each derived number one computation and each visible view one redraw."""

import pytest
from PySide6.QtCore import Qt


def _visible_views(window):
    return [v for v in window.views if v.isVisible()]


def _redraws_since(window, qtbot, before: dict) -> dict:
    """Each view's redraws since `before`, once the event loop has delivered the turn's change to all of
    them (however busy the machine) and a little longer, so that a second redraw would be counted."""

    def waiting() -> list[str]:
        return [f"{v.objectName()} (seen: {v.seen})" for v in window.views if v.redraws == before[v.objectName()]]

    try:
        qtbot.waitUntil(lambda: not waiting(), timeout=10000)
    except qtbot.TimeoutError:
        raise AssertionError(f"never redrawn: {', '.join(waiting())}") from None
    qtbot.wait(30)
    return {v.objectName(): v.redraws - before[v.objectName()] for v in window.views}


@pytest.fixture
def every_view(make_window):
    """The default window with the derivation, the network and the runs beside the Jacobian and the 3-D
    surface (off screen: its words) beside the 2-D one, so every view is visible."""
    window = make_window("--preset", "softmax-blobs", "--steps", "3")
    for name in ("derivationDock", "networkDock", "curvatureDock", "runsDock"):
        window.splitDockWidget(window.docks["jacobianDock"], window.docks[name], Qt.Orientation.Horizontal)
    window.docks["surface3dDock"].show()
    window.splitDockWidget(window.docks["lossSurfaceDock"], window.docks["surface3dDock"], Qt.Orientation.Horizontal)
    window.flush()
    assert len(_visible_views(window)) == 11
    # spectra computed aside arrive as changes of their own (a second redraw of the curvature view):
    # counted in tests/gui/test_curvature_view.py, not here
    window.curvature_feed.wait()
    window.curvature_feed.paused = True
    return window


def test_one_step_computes_each_quantity_once_and_redraws_each_view_once(every_view, qtbot):
    window = every_view
    s = window.session
    qtbot.wait(20)
    s.work.clear()
    before = {v.objectName(): v.redraws for v in window.views}
    s.step(1)
    assert _redraws_since(window, qtbot, before) == dict.fromkeys(before, 1)
    assert s.work and max(s.work.values()) == 1, dict(s.work)
    for shared in ("forward", "next_update", "sample_grads", "focus_trace", "race_paths"):
        assert s.work[shared] == 1, shared


def test_one_generate_redraws_each_view_once(every_view, qtbot):
    window = every_view
    s = window.session
    s.work.clear()
    before = {v.objectName(): v.redraws for v in window.views}
    window.controls.findChild(type(window.controls.generate_button), "generateButton").click()
    assert _redraws_since(window, qtbot, before) == dict.fromkeys(before, 1)
    assert max(s.work.values()) == 1, dict(s.work)


def test_several_changes_in_one_turn_are_one_redraw(every_view, qtbot):
    window = every_view
    s = window.session
    before = {v.objectName(): v.redraws for v in window.views}
    for _ in range(5):
        s.step(1)
    s.select(3)
    assert _redraws_since(window, qtbot, before) == dict.fromkeys(before, 1)


def test_a_hidden_view_does_no_work_and_catches_up_when_shown(every_view, qtbot):
    window = every_view
    s = window.session
    dock = window.docks["residualsDock"]
    dock.hide()
    view = window.residuals_view
    before = view.redraws
    s.step(4)
    qtbot.wait(30)
    assert view.redraws == before
    dock.show()
    qtbot.wait(30)
    assert view.redraws == before + 1
    assert view.residuals.shape[0] == s.source_dataset.n_samples


def test_a_view_tabbed_behind_another_waits_until_its_tab_is_raised(make_window, qtbot):
    """Qt keeps a dock behind a tab "visible" (moved off the window); the view must still wait."""
    window = make_window("--preset", "softmax-blobs", "--steps", "3")
    s = window.session
    window.docks["jacobianDock"].raise_()  # the derivation shares its tab group
    qtbot.wait(30)
    view = window.derivation_view
    assert view.isVisible() and not view.seen
    before, text = view.redraws, view.browser.toPlainText()
    s.step(4)
    qtbot.wait(30)
    assert view.redraws == before
    window.docks["derivationDock"].raise_()
    qtbot.waitUntil(lambda: view.redraws == before + 1, timeout=2000)
    assert view.browser.toPlainText() != text  # the numbers of the new step


def test_a_step_of_four_racing_runs_is_one_redraw_per_view(every_view, qtbot):
    window = every_view
    s = window.session
    for changes in ({"optimizer": "momentum"}, {"optimizer": "adam", "lr": 0.05}, {"lr": 0.01}):
        assert s.add_run(**changes)
    qtbot.wait(30)
    s.work.clear()
    before = {v.objectName(): v.redraws for v in window.views}
    s.step(1)
    assert _redraws_since(window, qtbot, before) == dict.fromkeys(before, 1)
    assert max(s.work.values()) == 1, dict(s.work)
    assert all(r.trainer.step_index == 1 for r in s.runs)
