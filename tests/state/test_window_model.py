"""The window's own state without a window: lesson navigation, the views in front, what F5 carries over."""

from __future__ import annotations

import pytest

from gradviz.lessons import LessonShow, build_lesson, find_lesson
from gradviz.state.view_registry import VIEWS
from gradviz.state.window_model import WINDOW_ASPECTS, WindowModel


class _Show:
    """A lesson of `n` scenes, as the window model sees one."""

    def __init__(self, n: int, at: int = 0):
        self.scene_count, self.scene_index = n, at

    def counter(self) -> str:
        return f"{self.scene_index + 1} / {self.scene_count}"


def _heard(model: WindowModel) -> list[set[str]]:
    heard: list[set[str]] = []
    model.subscribe(lambda change: heard.append(set(change.aspects)))
    return heard


def test_page_down_and_up_walk_the_scenes_and_stop_at_either_end():
    model = WindowModel(presenting=True)
    assert model.scene_after(1, opening=False) is None and model.counter() is None  # no lesson: nothing to open
    model.show_lesson(_Show(3), "three")
    seen = []
    k = 0
    while k is not None:
        model.arrive_at_scene(model.open_scene(k))
        seen.append(model.counter())
        k = model.scene_after(1, opening=False)
    assert seen == ["scene 1 / 3", "scene 2 / 3", "scene 3 / 3"]
    assert model.scene_after(-1, opening=False) == 1 and model.last_scene() == 2
    model.arrive_at_scene(0)
    assert model.scene_after(-1, opening=False) is None


def test_page_down_pressed_while_a_scene_opens_goes_on_from_the_scene_being_opened():
    model = WindowModel(presenting=True)
    model.show_lesson(_Show(5), "five")
    assert model.open_scene(1) == 1  # PageDown: scene 2 is being built
    assert model.scene_after(1, opening=True) == 2  # PageDown again before it arrives: scene 3, not 2 again
    assert model.scene_after(1, opening=False) == 1  # the job ended without arriving: from the scene shown
    assert model.open_scene(99) == 4 and model.open_scene(-3) == 0  # clamped to the lesson


def test_each_change_is_told_once_with_its_aspect():
    model = WindowModel()
    heard = _heard(model)
    model.show_lesson(_Show(2), "two")
    model.arrive_at_scene(1)
    model.bring_to_front("residuals")
    model.set_playback(speed=40)
    model.close_lesson()
    assert heard == [{"lesson"}, {"lesson", "front"}, {"front"}, {"playback"}, {"lesson"}]
    assert set().union(*heard) <= set(WINDOW_ASPECTS)


def test_a_scene_starts_with_no_views_in_front_and_keeps_those_it_raises():
    model = WindowModel()
    model.show_lesson(_Show(2), "two")
    assert model.bring_to_front("surface") == "lossSurface"
    assert model.bring_to_front("residuals", keep=True) == "residuals" and model.front == ("lossSurface", "residuals")
    assert model.bring_to_front("network") == "network" and model.front == ("network",)  # not kept: alone
    assert model.bring_to_front("lossCurve", keep=True) == "lossCurve"  # a key is a name too
    assert model.bring_to_front("no such view", keep=True) is None and model.front == ("network", "lossCurve")
    model.arrive_at_scene(1)
    assert model.front == ()


def test_every_view_a_lesson_names_is_found_by_its_word_and_by_its_key():
    for spec in VIEWS:
        assert WindowModel().bring_to_front(spec.word) == spec.key == WindowModel().bring_to_front(spec.key)


def test_f5_carries_the_lesson_views_and_playback_over_and_leaves_the_arrangement_to_the_new_window():
    model = WindowModel(presenting=True, rehearsal_size=(1024, 768))
    show = _Show(4)
    model.show_lesson(show, "four")
    model.arrive_at_scene(2)
    model.bring_to_front("curvature")
    model.set_playback(speed=80, run_steps=250)
    model.shape, model.stepped_aside = "compact", {"data"}
    desk = model.other_mode()
    assert not desk.presenting and desk.rehearsal_size == (1024, 768)
    assert desk.lesson is show and desk.counter() == "scene 3 / 4" and desk.preset_name == "four"
    assert desk.front == ("curvature",) and (desk.speed, desk.run_steps) == (80, 250)
    assert desk.shape is None and desk.stepped_aside == set()
    assert desk.other_mode().presenting


def test_a_race_that_begins_is_told_once_and_a_window_opened_on_a_race_is_not():
    model = WindowModel()
    assert not model.race_began(2)  # the first news: the window opened on a race, its arrangement stands
    assert not model.race_began(2) and not model.race_began(1)
    assert model.race_began(3) and not model.race_began(3)


@pytest.mark.parametrize("name", ["canonical-pairs"])
def test_a_shipped_lesson_is_walked_through_without_qt(name):
    lesson = find_lesson(name)
    show = LessonShow(lesson, build_lesson(lesson))
    model = WindowModel(presenting=True)
    model.show_lesson(show, lesson.name)
    titles = []
    k = 0
    while k is not None:
        model.arrive_at_scene(model.open_scene(k))
        titles.append(show.scene.title)
        k = model.scene_after(1, opening=False)
    assert titles == [scene.title for scene in lesson.scenes]
    assert model.counter() == f"scene {len(lesson.scenes)} / {len(lesson.scenes)}"
