"""Lesson files: the shipped ones read, build and replay as the states they were built as; every
broken file in the corpus is one line naming the file, the scene and the key."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from gradviz import core
from gradviz.core.session_file import session_to_dict
from gradviz.lessons import (
    LessonBuild,
    LessonError,
    build_lesson,
    caption_html,
    find_lesson,
    list_lessons,
    read_lesson,
)
from gradviz.state import Session

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.toml"))
SHIPPED = list_lessons()
IDEAS = {  # one shipped lesson for each idea the app is built on
    "loss-gradients",
    "canonical-pairs",
    "logistic-gradient",
    "softmax-jacobian",
    "normal-equation",
    "backprop",
    "step-size",
}


def _expected(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# expect: "), f"{path.name} says what it expects on its first line"
    return first.removeprefix("# expect: ")


def test_every_idea_has_a_shipped_lesson_of_5_to_12_scenes():
    names = {lesson.name for lesson in SHIPPED}
    assert IDEAS <= names
    shipped_files = sorted(p.stem for p in (Path(core.__file__).parents[2] / "resources" / "lessons").glob("*.toml"))
    assert sorted(names) == shipped_files  # none left out for not reading
    for lesson in SHIPPED:
        assert 5 <= len(lesson.scenes) <= 12, lesson.name
        assert all(scene.caption for scene in lesson.scenes), f"{lesson.name}: a scene without a caption"


def _state_dict(data: core.SessionData) -> dict:
    return json.loads(json.dumps(session_to_dict(data)))


@pytest.mark.parametrize("lesson", SHIPPED, ids=lambda lesson: lesson.name)
def test_each_scene_opens_as_exactly_the_state_it_was_built_as(lesson):
    """A scene is a state: opened in a session (as PageDown and PageUp do, in any order), it is what
    the builder had, parameters bit for bit; building again gives the same states."""
    states = build_lesson(lesson)
    again = build_lesson(lesson)
    for k in [*range(len(states)), *reversed(range(len(states)))]:
        state = states[k]
        session = Session(state.data.dataset, state.data.settings)
        session.apply_session(state.data)
        assert session.current_step == state.step
        shown = session.session_data()
        assert _state_dict(shown) == _state_dict(state.data), f"scene {k + 1}"
        for run, record in zip(session.runs, [state.data.run, *(c.run for c in state.data.compare)], strict=True):
            assert run.trainer.step_index == min(state.step, record.last_step)
        assert _state_dict(again[k].data) == _state_dict(state.data), f"scene {k + 1} built twice"


def test_a_lesson_builds_in_slices_and_reports_how_far():
    lesson = find_lesson("backprop")
    build = LessonBuild(lesson)
    fractions = []
    while (done := build.advance(0.002)) is not None:
        fractions.append(done)
    assert build.done and len(build.states) == len(lesson.scenes)
    assert len(fractions) > 1 and fractions == sorted(fractions) and all(0 <= f < 1 for f in fractions)


def test_the_scenes_chain_from_the_previous_one_and_restart_from_a_preset(tmp_path):
    path = tmp_path / "chain.toml"
    path.write_text(
        """title = "Chain"
[[scene]]
from = "preset:linear-line"
train = 5
front = "surface"
[[scene]]
set = { lr = 0.1 }
train = 5
select = 3
front = ["residuals"]
[[scene]]
seek = 2
view = { loss_log = true }
[[scene]]
from = "preset:logistic-blobs"
""",
        encoding="utf-8",
    )
    states = build_lesson(read_lesson(path))
    assert [s.step for s in states] == [5, 10, 2, 0]
    assert states[1].data.settings.hyperparams["lr"] == 0.1 and states[1].data.extra["selected"] == 3
    assert states[1].front == ("surface", "residuals") and states[2].front == ("surface", "residuals")
    assert states[2].data.extra["view"]["loss_log"] is True
    assert states[3].front == ("residuals",)  # the preset's own front view; the chain starts anew
    assert states[3].data.settings.model == "logistic"
    # scene 2 carried on from scene 1's step 5 with a new η: its first five steps are scene 1's
    s1, s2 = (Session(s.data.dataset, s.data.settings) for s in states[:2])
    s1.apply_session(states[0].data)
    s2.apply_session(states[1].data)
    s2.seek(5)
    np.testing.assert_array_equal(s1.params["W"], s2.params["W"])


def test_until_stops_at_the_first_step_that_reaches_the_goal(tmp_path):
    path = tmp_path / "until.toml"
    path.write_text(
        """title = "Until"
[[scene]]
from = "preset:linear-line"
until = { loss_below = 0.3 }
[[scene]]
from = "preset:linear-line"
set = { lr = 1.0 }
until = { diverged = true }
[[scene]]
from = "preset:linear-line"
until = { step = 7 }
""",
        encoding="utf-8",
    )
    below, diverged, seventh = build_lesson(read_lesson(path))
    s = Session(below.data.dataset, below.data.settings)
    s.apply_session(below.data)
    assert s.frame.loss < 0.3
    s.seek(below.step - 1)
    assert s.frame.loss >= 0.3  # one step earlier it was not reached
    assert diverged.stopped and not below.stopped
    s.apply_session(diverged.data)
    assert s.step(1) == 0 and s.run.trainer.diverged  # the step after the scene's diverges again
    assert seventh.step == 7


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_every_broken_lesson_is_one_line_naming_file_scene_and_key(path):
    expected = _expected(path)
    with pytest.raises(LessonError) as caught:
        build_lesson(read_lesson(path))
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path.name}: ")
    assert expected in message, message
    if re.search(r"scene \d", expected):
        assert caught.value.scene == int(re.search(r"scene (\d+)", expected).group(1))


def test_a_lesson_file_that_is_missing_or_too_large_is_refused_in_words(tmp_path):
    with pytest.raises(LessonError, match="no such lesson file"):
        find_lesson(str(tmp_path / "nowhere.toml"))
    big = tmp_path / "big.toml"
    big.write_text('title = "x"\n' + "# padding\n" * 40_000, encoding="utf-8")
    with pytest.raises(LessonError, match="not a lesson file"):
        read_lesson(big)


def test_a_caption_s_markup_is_bold_italic_and_paragraphs_and_never_html():
    text = "**Strong** and *em* with σ′(z) = ŷ(1 − ŷ).\nNext line <b>raw</b> & 2*3*4\n\nNew paragraph"
    html = caption_html(text)
    assert "<b>Strong</b>" in html and "<i>em</i>" in html and "<br>" in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html and "&amp;" in html
    assert "2*3*4" in html  # a product is not emphasis
    assert html.count("<p") == 2


@pytest.mark.parametrize("preset", ["mlp-moons", "playground-rosenbrock"])
def test_any_value_for_any_setting_is_a_scene_or_one_line(tmp_path, preset):
    """Whatever an author writes after a key (a word for a number, a list, nan, a table), the scene
    builds or the answer is a LessonError naming the key: never another exception."""
    from gradviz.core.fields import FIELDS

    values = ["true", "1.5", '"x"', "-1", "1e300", "[1, 2]", '"full"', "{a = 1}", '"sigmoid"', "nan", "inf"]
    path = tmp_path / "any.toml"
    for name in FIELDS:
        for value in values:
            for change in (f"set = {{ {name} = {value} }}", f"compare = [{{ {name} = {value} }}]"):
                path.write_text(f'title = "t"\n[[scene]]\nfrom = "preset:{preset}"\n{change}\ntrain = 2\n')
                try:
                    build_lesson(read_lesson(path))
                except LessonError as exc:
                    assert "\n" not in str(exc) and str(exc).startswith("any.toml: ")
