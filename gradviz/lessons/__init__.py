"""Guided lessons: scenes with captions, written as TOML files, walked through with PageDown.

`read_lesson` checks a file (reader.py), `LessonBuild` turns its scenes into states (scenes.py),
`caption_html` renders a caption's simple markup. Shipped lessons live in resources/lessons/;
no Qt here: the window shows the states, the CLI lists and exports them.
"""

from __future__ import annotations

import os
from pathlib import Path

from gradviz.resources import resource_path

from .caption import caption_html
from .reader import VIEW_NAMES, Lesson, LessonError, Scene, Until, read_lesson
from .scenes import LessonBuild, LessonShow, SceneState, build_lesson

__all__ = [
    "Lesson",
    "LessonBuild",
    "LessonError",
    "LessonShow",
    "Scene",
    "SceneState",
    "Until",
    "VIEW_NAMES",
    "build_lesson",
    "caption_html",
    "find_lesson",
    "lessons_dir",
    "list_lessons",
    "read_lesson",
]


def lessons_dir() -> Path:
    return resource_path("lessons")


def list_lessons() -> list[Lesson]:
    """The shipped lessons, by file name (a file that does not read is left out: its test says why)."""
    out = []
    for path in sorted(lessons_dir().glob("*.toml")):
        try:
            out.append(read_lesson(path))
        except LessonError:
            continue
    return out


def find_lesson(name_or_path: str | os.PathLike) -> Lesson:
    """A shipped lesson by name ("step-size") or a lesson file by path; LessonError if neither."""
    text = os.fspath(name_or_path)
    shipped = lessons_dir() / f"{text}.toml"
    if os.sep not in text and "/" not in text and not text.endswith(".toml") and shipped.is_file():
        return read_lesson(shipped)
    path = Path(text).expanduser()
    if path.is_file():
        return read_lesson(path)
    names = ", ".join(lesson.name for lesson in list_lessons())
    raise LessonError(path, f"no such lesson file, and no shipped lesson of that name; the lessons are: {names}")
