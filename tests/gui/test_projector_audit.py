"""The projector audit: every scene of every shipped lesson and every prepared scenario, presented at
1024 × 768, 1280 × 720, 1920 × 1080 and 3840 × 2160 (the scenarios at 1280 × 720 in test_screen_sizes, with
each tab in front too), and the scenarios at the desk at 1024 × 768 and 1366 × 768, checked by geometry
(tests/gui/audit.py; the rules are in docs/lecturing.md).

One window per size walks the scenes as PageDown shows them (the scene's state, its views in front, its
caption); warnings are errors here as everywhere in the suite.
"""

from functools import cache

import pytest
from PySide6.QtWidgets import QLabel

from gradviz.gui import create_window
from gradviz.lessons import LessonShow, build_lesson, find_lesson, list_lessons
from gradviz.presets import list_presets, load_preset

from .audit import RULES, audit, open_scenario, seen, settle

PRESENTING = ("1024x768", "1280x720", "1920x1080", "3840x2160")
DESK = ("1024x768", "1366x768")


@cache
def _built(name: str):
    lesson = find_lesson(name)
    return lesson, build_lesson(lesson)


def _window(qtbot, *argv):
    window = create_window(list(argv))
    if qtbot is not None:
        qtbot.addWidget(window)
    window.show()
    settle(window)
    return window


def report() -> None:
    """`QT_QPA_PLATFORM=offscreen python -m tests.gui.test_projector_audit`: every rule at every size,
    what breaks it, counted (the tests stop at the first walk that fails; this says how far off all are)."""
    import collections

    from gradviz.gui.app import ensure_app

    ensure_app()
    runs = [(f"lessons at {s}", lesson_problems, ("--lesson", list_lessons()[0].name, "--size", s)) for s in PRESENTING]
    runs += [(f"scenarios at {s}", scenario_problems, ("--present", "--size", s)) for s in PRESENTING]
    runs += [(f"scenarios at the desk at {s}", scenario_problems, ("--size", s)) for s in DESK]
    for title, walk, argv in runs:
        window = _window(None, *argv)
        found = walk(window, RULES)
        window.close()
        kinds = collections.Counter(p.split(": ", 1)[1] for p in found)
        print(f"{title}: {len(found)} problems", dict(collections.Counter(k.split(":")[0] for k in kinds.elements())))
        for kind, n in kinds.most_common(8):
            print(f"  {n:4d}  {kind[:110]}")


def lesson_problems(window, rules) -> list[str]:
    """Every scene of every shipped lesson, shown in `window` as PageDown shows it, audited."""
    found = []
    for entry in list_lessons():
        lesson, states = _built(entry.name)
        window.model.show_lesson(LessonShow(lesson, states), lesson.name)
        for k in range(len(states)):
            window.session.apply_session(states[k].data)
            window.lessons.arrive_at_scene(k)
            settle(window)
            found += [f"{lesson.name} scene {k + 1}: {p}" for p in audit(window, rules)]
    return found


def scenario_problems(window, rules) -> list[str]:
    """Every prepared scenario, opened in `window` with the view it puts in front, audited."""
    found = []
    for preset in list_presets():
        open_scenario(window, load_preset(preset.name))
        found += [f"{preset.name}: {p}" for p in audit(window, rules)]
    return found


@pytest.mark.xdist_group("lesson-scenes")  # one worker walks the sizes in turn: each scene's surface is computed once
@pytest.mark.parametrize("size", PRESENTING)
def test_every_scene_of_every_lesson_fits_a_projector(qtbot, size):
    window = _window(qtbot, "--lesson", list_lessons()[0].name, "--size", size)
    found = lesson_problems(window, RULES)
    assert not found, "\n".join(found)


# at 1280 × 720 every scenario is audited as it opens, then with each tab in front, by test_screen_sizes
@pytest.mark.parametrize("size", [size for size in PRESENTING if size != "1280x720"])
def test_every_prepared_scenario_fits_a_projector(qtbot, size):
    window = _window(qtbot, "--present", "--size", size)
    found = scenario_problems(window, RULES)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("size", DESK)
def test_every_prepared_scenario_fits_the_desk(qtbot, size):
    window = _window(qtbot, "--size", size)
    found = scenario_problems(window, RULES)
    assert not found, "\n".join(found)


def test_the_audit_finds_what_it_looks_for(qtbot):
    """Each rule can fail: a plot squeezed to a sliver, a label narrower than its text, ticks on top of
    each other are all reported."""
    window = _window(qtbot, "--present", "--preset", "softmax-blobs", "--size", "1280x720")
    assert audit(window, ("stray", "cut", "small")) == []
    label = next(w for w in window.findChildren(QLabel) if seen(w) and w.text())
    label.setFixedWidth(5)
    surface = window.docks["lossSurfaceDock"]
    for _ in range(2):  # closed and opened again from the View menu: it stays however little room it has
        surface.toggleViewAction().trigger()
    surface.setFixedHeight(150)
    settle(window)
    found = audit(window)
    assert any(p.startswith(f"cut: {type(label).__name__} in ") and " in 5 × " in p for p in found), found
    assert any(p.startswith("room: lossSurfacePlot") for p in found), found
    assert set(RULES) >= {p.split(":")[0] for p in found}


def test_what_a_caption_points_at_is_in_sight_and_the_audit_sees_when_it_is_not(qtbot):
    """canonical-pairs scene 1 asks to read the derivation's ∂ℓ/∂z line: scrolled to at 1024 × 768, where
    it lies below the fold; scrolled away, the audit says so. A start marker over the current step's dot."""
    window = _window(qtbot, "--lesson", "canonical-pairs", "--size", "1024x768")
    browser = window.derivation_view.browser
    assert audit(window, ("unseen",)) == [] and browser.verticalScrollBar().value() > 0
    window.derivation_view.keep_in_sight(None)
    browser.verticalScrollBar().setValue(0)
    settle(window)
    assert [p.split(": ")[0] for p in audit(window, ("unseen",))] == ["unseen"]
    window.model.show_lesson(LessonShow(*_built("loss-gradients")), "loss-gradients")
    window.session.apply_session(window.model.lesson.states[0].data)
    window.lessons.arrive_at_scene(0)
    settle(window)
    assert audit(window, ("unseen",)) == [] and window.session.current_step == 0


if __name__ == "__main__":
    report()
